from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st
from opencc import OpenCC

from classify import Classification

WELFARE = (
    "近日，中国红十字基金会在四川省凉山彝族自治州开展“博爱助学”公益项目，为当地小学捐赠图书和"
    "学习用品，志愿者为留守儿童开展阅读活动。基金会负责人表示，将持续关注困境儿童的教育与成长。"
)
STOCKS = "A股三大指数今日集体收涨，沪指涨0.8%，两市成交额超1万亿元，券商股涨停，北向资金净买入。"


def test_json_shape(classifier):
    data = classifier.classify(WELFARE, title="红基会助学凉山").as_dict()
    assert set(data) == {"categories", "primary", "relevance", "relevant", "regions",
                         "organizations", "keywords"}
    assert data["categories"][0]["name"] == data["primary"] == "children_education"
    scores = [c["score"] for c in data["categories"]]
    assert scores == sorted(scores, reverse=True)
    assert data["regions"][:2] == ["四川省", "凉山彝族自治州"] or "凉山彝族自治州" in data["regions"]
    assert "中国红十字基金会" in data["organizations"]
    assert data["keywords"]
    json.dumps(data, ensure_ascii=False)


def test_traditional_script_gives_the_same_result(classifier):
    traditional = OpenCC("s2t").convert(WELFARE)
    assert traditional != WELFARE
    assert classifier.classify(traditional).as_dict() == classifier.classify(WELFARE).as_dict()


def test_finance_news_is_not_welfare(classifier):
    result = classifier.classify(STOCKS, title="A股收涨 券商股涨停")
    assert not result.relevant
    assert result.relevance < 0.5


def test_organisation_spellings_merge(classifier):
    text = "河北省残联与河北省残疾人联合会共同举办活动。壹基金和深圳壹基金公益基金会捐赠物资。"
    orgs = classifier.classify(text).organizations
    assert orgs.count("河北省残疾人联合会") == 1
    assert orgs.count("深圳壹基金公益基金会") == 1


def test_region_groupings_and_most_mentioned_first(classifier):
    text = "粤港澳大湾区公益论坛在广州举行，广州市多家基金会参加，广州的志愿者和深圳的志愿者参与。"
    regions = classifier.classify(text).regions
    assert regions[0] == "广州市"
    assert "粤港澳大湾区" in regions and "深圳市" in regions and "广东省" in regions


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=400), st.one_of(st.none(), st.text(max_size=40)))
def test_any_text_gives_a_well_formed_result(classifier, text, title):
    result = classifier.classify(text, title)
    assert isinstance(result, Classification)
    assert 0.0 <= result.relevance <= 1.0
    assert all(0.0 <= s <= 1.0 for _, s in result.categories)
    assert result.relevant == (result.relevance >= 0.5)
    assert len(result.regions) == len(set(result.regions))


def _taxonomy_words() -> list[str]:
    from classify import load_taxonomy

    taxonomy = load_taxonomy()
    words = {t.text for c in taxonomy.categories for t in c.terms}
    words |= {t.text for t in taxonomy.relevance_terms + taxonomy.off_topic_terms}
    return sorted(words)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_taxonomy_words()), st.text(max_size=5)), max_size=60),
       st.lists(st.sampled_from(_taxonomy_words()), max_size=4))
def test_any_mix_of_terms_gives_a_well_formed_result(classifier, body, head):
    # negative terms (志愿填报 …) and nested ones (老年人 in 老人) included
    result = classifier.classify("".join(body), "".join(head))
    assert 0.0 <= result.relevance <= 1.0
    assert all(0.0 <= s <= 1.0 for _, s in result.categories)
    assert result.relevant == (result.relevance >= 0.5)
    if result.relevant:
        assert result.primary is not None or not result.categories
    listed = dict(result.categories)
    if result.primary in listed:  # the primary leads the list (ties aside)
        assert listed[result.primary] == result.categories[0][1]


def test_taiwan_cities_and_no_short_names_inside_words(classifier):
    text = "颱風造成高雄市多處淹水，屏東也有災情。報道在新媒體平台中上線；河南投資項目照常。"
    regions = classifier.classify(text).regions
    assert regions[:2] == ["高雄市", "屏东县"] and "台湾省" in regions
    assert "台中市" not in regions and "南投县" not in regions  # 平台中, 河南投资
