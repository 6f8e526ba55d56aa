"""Every seed article: its regions and organisations, and its primary category."""

from __future__ import annotations

import pytest

from classify.labels import load_labels
from tests.classify.conftest import LABELS

EXPECTED = {
    "seed-000-a": ([], ["中华环保联合会", "中国环境保护产业协会", "中国环境科学学会",
                        "中国石油和化学工业联合会", "中国循环经济协会", "中国林业与环境促进会",
                        "中国生态文明研究与促进会", "中华环境保护基金会"]),
    "seed-000-b": (["京津冀", "河北省", "北京市", "天津市", "保定市", "雄安新区", "廊坊市"],
                   ["京津冀新视听公共服务志愿服务队"]),
    "seed-000-c": (["海南省", "上海市", "北京市", "重庆市"],
                   ["中国红十字基金会", "上海大丰公益基金会", "海南省红十字会", "白沙县红十字会"]),
    "seed-000-d": (["南京市", "云南省", "苏州市", "北京市", "江苏省"],
                   ["字节跳动公益", "中国文物保护基金会"]),
    "seed-001-a": (["京津冀", "河北省", "雄安新区", "北京市", "天津市", "廊坊市", "山东省", "承德市"],
                   ["北京慈弘慈善基金会", "中关村社会组织联合会", "泰康溢彩公益基金会",
                    "天津市山东商会", "河北省铁钎行业协会"]),
    "seed-001-b": (["京津冀", "北京市", "河北省", "天津市", "邢台市"],
                   ["河北省残疾人联合会", "中国残疾人联合会", "天津市残疾人联合会"]),
    "seed-001-c": (["山东省", "青岛市"], ["中国妇女发展基金会", "中华医学会", "中华全国妇女联合会"]),
    "seed-001-d": ([], ["中国乡村发展基金会"]),
    "seed-001-e": (["嘉兴市", "北京市", "浙江省"], []),
    "seed-001-f": (["河南省", "郑州市"], ["河南省慈善联合总会"]),
    "seed-002": (["长三角", "上海市", "江苏省", "浙江省", "安徽省"], []),
    "seed-003": (["深圳市", "广东省"], ["美丽深圳公益基金会"]),
    "seed-004": (["成渝"], []),
}


@pytest.fixture(scope="module")
def seeds(shared):
    return {a.id: a for a in load_labels(LABELS, shared) if a.id.startswith("seed-")}


@pytest.mark.parametrize("seed_id", sorted(EXPECTED))
def test_seed_regions_and_organisations(seed_id, seeds, classifier):
    article = seeds[seed_id]
    result = classifier.classify(article.text, article.title)
    regions, organizations = EXPECTED[seed_id]
    assert result.regions == regions
    assert result.organizations == organizations


def test_seed_primary_categories(seeds, classifier):
    wrong = {}
    for article in seeds.values():
        result = classifier.classify(article.text, article.title)
        assert result.relevant, article.id
        if result.primary != article.primary:
            wrong[article.id] = result.primary
    # 000-b is as much culture (public cultural services) as volunteering
    assert len(wrong) <= 1, wrong
