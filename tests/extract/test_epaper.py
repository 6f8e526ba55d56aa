"""E-paper pages: column lines re-flowed, split into stories at bylines, headlines kept apart."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from crawler.extract.epaper import split_epaper

SEEDS = Path(__file__).resolve().parents[2] / ".." / "shared" / "seeds"
HAN_SPACE_HAN = re.compile(r"[\u4e00-\u9fff] +[\u4e00-\u9fff]")

PAGE = """社会组织是我国生态文明

建设的一支重要力量，要结

合自身实际。 （张明敏）

九家社会组织联合发布倡议
积极建功美丽中国建设

8月 2日，字节跳动公益联合国家图书馆（国家古籍保护中心）
发起的“识典杯·古籍内容创意季”
正式启动。 （皮磊）

让古籍走进大众
字节跳动公益开启“古籍内容创意季”
京津冀新视听公共服务志愿行动启动
海南红十字博爱健康 e 站揭牌
"""


def test_stories_split_at_bylines_with_their_headlines() -> None:
    page = split_epaper(PAGE)
    first, second = page.articles
    assert first.author == "张明敏"
    assert first.headline == "九家社会组织联合发布倡议 积极建功美丽中国建设"
    assert first.text == "社会组织是我国生态文明建设的一支重要力量，要结合自身实际。"
    assert second.author == "皮磊"
    assert second.headline == "让古籍走进大众 字节跳动公益开启“古籍内容创意季”"
    assert second.text == ("8月 2日，字节跳动公益联合国家图书馆（国家古籍保护中心）"
                           "发起的“识典杯·古籍内容创意季”正式启动。")
    assert page.headlines == ["京津冀新视听公共服务志愿行动启动", "海南红十字博爱健康 e 站揭牌"]


def test_a_page_without_bylines_is_one_story() -> None:
    page = split_epaper("要闻提要\n\n近日，社会组织要加强科\n\n技支撑，推动绿色\n\n发展。")
    assert [a.text for a in page.articles] == ["近日，社会组织要加强科技支撑，推动绿色发展。"]
    assert page.headlines == ["要闻提要"]


def test_seed_000_epaper_page() -> None:
    if not SEEDS.is_dir():
        pytest.skip(f"shared seeds not found at {SEEDS}")
    page = split_epaper(next(SEEDS.glob("000_*.txt")).read_text(encoding="utf-8"))
    by_author = {a.author: a for a in page.articles if a.author}
    assert {"张明敏", "皮磊"} <= set(by_author)
    assert by_author["张明敏"].headline == "九家社会组织联合发布倡议 积极建功美丽中国建设"
    assert by_author["皮磊"].headline == "让古籍走进大众 字节跳动公益开启“古籍内容创意季”"
    assert "京津冀新视听公共服务志愿行动启动" in page.headlines
    texts = [a.text for a in page.articles]
    # re-flowed: column lines joined inside sentences, no space between Chinese characters
    assert any("社会组织是我国生态文明建设和绿色发展的一支重要力量" in t for t in texts)
    assert any("国家古籍保护中心）发起的“识典杯·古籍内容创意季”正式启动。" in t for t in texts)
    for text in texts:
        assert not HAN_SPACE_HAN.search(text), HAN_SPACE_HAN.search(text)
        assert "（皮磊）" not in text and "（张明敏）" not in text
        for line in text.split("\n"):
            assert not any(line.startswith(h) for h in ("九家社会组织联合发布倡议", "让古籍走进大众"))
