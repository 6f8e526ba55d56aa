"""Summaries cut at a sentence end; titles on one line."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from digest.summary import SENTENCE_END, one_line, summarize


def test_whole_sentences_that_fit() -> None:
    text = "第一句话说明事情。第二句补充细节！第三句很长" + "很长" * 60 + "。"
    assert summarize(text, max_chars=40) == "第一句话说明事情。第二句补充细节！"


def test_first_sentence_repeating_the_title_is_skipped() -> None:
    text = "乡村儿童阅读计划启动\n\n近日，计划在河北启动。覆盖十所学校。"
    assert summarize(text, title="乡村儿童阅读计划启动") == "近日，计划在河北启动。覆盖十所学校。"


def test_closing_quotes_stay_with_their_sentence() -> None:
    assert summarize("他说：“我们会坚持下去。”随后离开。", max_chars=14) == "他说：“我们会坚持下去。”"


def test_overlong_first_sentence_is_cut_at_a_comma_with_an_ellipsis() -> None:
    text = "这是一个没有句号的非常长的句子，" * 10 + "终于结束。"
    summary = summarize(text, max_chars=50)
    assert summary.endswith("…") and len(summary) <= 51 and "，…" not in summary


def test_one_line_removes_line_breaks() -> None:
    assert one_line(" 标题\r\n第二行\t x ") == "标题 第二行 x"


@given(st.text(alphabet="公益慈善志愿者。！？，\n ab", max_size=400), st.integers(10, 200))
def test_summary_is_short_and_ends_cleanly(text: str, limit: int) -> None:
    summary = summarize(text, max_chars=limit)
    assert len(summary) <= limit + 1
    assert "\n" not in summary
    if summary and summary != one_line(text):
        assert summary[-1] in SENTENCE_END + "…”’」』）)》\"'"
