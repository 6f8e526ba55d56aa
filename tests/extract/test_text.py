"""Cleaning steps and metadata parsers: properties over many inputs, plus the issue's examples."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.extract.author import find_author
from crawler.extract.metadata import clean_title, find_origin, find_publish_time
from crawler.extract.text import (
    normalize_for_matching,
    normalize_whitespace,
    normalize_width,
    reflow,
    repair_pinyin,
)

han = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
chinese = st.text(alphabet=st.one_of(han, st.sampled_from("，。！？；：（）“”、 \n")), max_size=200)
anything = st.text(max_size=200)


@settings(max_examples=200)
@given(anything)
def test_width_keeps_chinese_punctuation_and_is_idempotent(text: str) -> None:
    once = normalize_width(text)
    assert normalize_width(once) == once
    for mark in "，：；！？（）":
        assert once.count(mark) == text.count(mark)


@settings(max_examples=200)
@given(anything)
def test_whitespace_normalisation_is_idempotent_and_keeps_words(text: str) -> None:
    once = normalize_whitespace(text)
    assert normalize_whitespace(once) == once
    assert "".join(once.split()) == "".join(normalize_whitespace("".join(text.split())).split())


@settings(max_examples=200)
@given(chinese)
def test_reflow_keeps_every_character(text: str) -> None:
    assert "".join(reflow(text).split()) == "".join(text.split())


@settings(max_examples=200)
@given(chinese)
def test_pinyin_repair_leaves_text_without_artefacts_alone(text: str) -> None:
    assert repair_pinyin(text) == text


def test_pinyin_repair_needs_repetition() -> None:
    damaged = "長三角區(qū)域生態(tài)環(huán)境保護協(xié)作"
    assert repair_pinyin(damaged) == "長三角區域生態環境保護協作"
    genuine = "深圳的“圳”读作圳(zhèn)，意为田边水沟。"
    assert repair_pinyin(genuine) == genuine


def test_reflow_joins_column_lines_without_spaces() -> None:
    column = "《倡议书》指出，社会组织\n\n是我国生态文明建设和绿色\n\n发展的一支重要力量，要结合\n\n" \
             "自身实际和职责，不折不扣落\n\n实好党中央决策部署要求。\n\n广大社会组织要加强科\n\n技支撑。"
    assert reflow(column) == ("《倡议书》指出，社会组织是我国生态文明建设和绿色发展的一支重要力量，"
                              "要结合自身实际和职责，不折不扣落实好党中央决策部署要求。\n广大社会组织要加强科技支撑。")


def test_traditional_and_simplified_normalise_alike() -> None:
    assert normalize_for_matching("長三角區域生態環境") == normalize_for_matching("长三角区域生态环境")


def test_publish_time_chinese_formats() -> None:
    page = "首页 新闻\n发布时间：2024年4月25日 10:00\n正文开始"
    got = find_publish_time(page, page.index("正文"), "Asia/Shanghai")
    assert got == datetime(2024, 4, 25, 2, 0, tzinfo=UTC)
    page = "标题\n8月 2日，京津冀新视听公共服务志愿行动启动。"
    got = find_publish_time(page, 3, "Asia/Shanghai", "https://example.org/2024/08/03/a.html")
    assert got is not None and (got.year, got.month) == (2024, 8)


def test_bylines() -> None:
    assert find_author("", "本报讯（记者 赵莹莹）“伊爱基金”公益项目……", None) == "赵莹莹"
    assert find_author("■ 本报记者 高文兴\n", "正文。", None) == "高文兴"
    assert find_author("", "正文第一段。\n……谱写新篇章。 （皮磊）", None) == "皮磊"
    assert find_author("作者：宋怡 杨志华 来源：21世纪经济报道", "正文。", None) == "宋怡 杨志华"


def test_origin_and_title() -> None:
    assert find_origin("2005-04-27 14:32 来源：千龙新闻网 | 发表评论") == "千龙新闻网"
    assert clean_title("京津冀协同发展 社会组织如何深入参与_公益时报") == "京津冀协同发展 社会组织如何深入参与"
    assert clean_title("乡村振兴豫善同行活动启动-新浪公益") == "乡村振兴豫善同行活动启动"
    assert clean_title("外国专家：中美合作共赢符合国际社会利益") == "外国专家：中美合作共赢符合国际社会利益"
