"""Pages built around the five seeds: no noise line survives, the article does."""

from __future__ import annotations

import html
from pathlib import Path

import pytest

from crawler.extract import extract_article

HERE = Path(__file__).resolve()
SEEDS = HERE.parents[2] / ".." / "shared" / "seeds"
TEMPLATE = HERE.parents[1] / "data" / "seed_pages" / "page.html"

# noise in the template, in every page
PAGE_NOISE = ["字号", "分享到", "责任编辑", "上一篇", "下一篇", "打印本页", "ICP备", "Copyright",
              "当前位置", "公网安备"]
# noise the seed itself carries (README of the seeds), and a sentence that must stay
SEED_CASES = {
    "001": (["相关阅读", "贾宁 摄", "本报讯（记者 赵莹莹）"], "社会组织助力京津冀协同发展十年成果"),
    "002": (["傳真", "郵箱", "郵編", "ICP", "增值電信", "(qū)", "會員服務", "協會 浙江省"],
            "長三角區域生態環境宣教聯盟"),
    "003": (["(資料圖)", "關鍵詞", "免責聲明", "(xiàng)", "本網注明"], "深圳市容環境維護巡查人員"),
    "004": (["由会员分享", ".docx", "冰豆网"], "提升公民生态文明意识"),
}


def _seed(prefix: str) -> str:
    if not SEEDS.is_dir():
        pytest.skip(f"shared seeds not found at {SEEDS}")
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def build_page(seed: str, title: str) -> str:
    paragraphs = "\n".join(f"<p>{html.escape(line)}</p>" for line in seed.split("\n") if line.strip())
    return TEMPLATE.read_text(encoding="utf-8").format(title=title, body=paragraphs)


@pytest.mark.parametrize("prefix", sorted(SEED_CASES))
def test_no_noise_line_survives(prefix: str) -> None:
    noise, kept = SEED_CASES[prefix]
    page = build_page(_seed(prefix), "公益新闻")
    result = extract_article(page.encode("utf-8"), "https://www.gongyishibao.com/news/1.html")
    for marker in PAGE_NOISE + noise:
        assert marker not in result.text, f"seed {prefix}: noise {marker!r} survived"
    assert kept in result.text


def test_seed_page_metadata() -> None:
    page = build_page(_seed("003"), "深圳城管联合腾讯开展应急培训")
    result = extract_article(page, "https://www.gongyishibao.com/news/2.html")
    assert result.title == "深圳城管联合腾讯开展应急培训"
    assert result.published_at is not None
    assert (result.published_at.year, result.published_at.month, result.published_at.day) == (2024, 4, 25)
    assert result.origin == "公益时报"
    assert result.script == "Hant"
