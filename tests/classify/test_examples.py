"""The taxonomy's intent on hand-written items (tests/data/classify_examples.yaml), in
Simplified and Traditional script, and the relevance behaviours users rely on."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from opencc import OpenCC

from classify.labels import NOT_WELFARE

EXAMPLES = yaml.safe_load(
    (Path(__file__).resolve().parents[1] / "data" / "classify_examples.yaml").read_text("utf-8")
)
TO_TRADITIONAL = OpenCC("s2t")


def _label(classifier, text: str, title: str) -> str:
    result = classifier.classify(text, title)
    return result.primary if result.relevant and result.primary else NOT_WELFARE


@pytest.mark.parametrize("script", ["simplified", "traditional"])
def test_hand_written_examples(classifier, script):
    convert = TO_TRADITIONAL.convert if script == "traditional" else str
    wrong = {
        e["title"]: got
        for e in EXAMPLES
        if (got := _label(classifier, convert(e["text"]), convert(e["title"]))) != e["primary"]
    }
    assert not wrong


def test_every_category_has_an_example(classifier):
    assert {e["primary"] for e in EXAMPLES} == {*classifier.taxonomy.category_ids(), NOT_WELFARE}


def test_a_feed_snippet_with_a_few_welfare_words_is_relevant(classifier):
    snippet = "十年前，他们是地震灾区的孩子，在爱心人士资助下赴外地疗养。十年后，他们重返故地，寻找当年的朋友。"
    assert classifier.classify(snippet).relevant


def test_a_long_treatise_touching_welfare_once_is_not_relevant(classifier):
    politics = "坚持稳中求进工作总基调，推动经济高质量发展，深化改革开放，加强理论学习和思想建设。" * 400
    treatise = "第一章 导言。" + politics[:6000] + "做好民生保障，推进乡村振兴和养老服务。" + politics
    assert not classifier.classify(treatise, "中国式现代化发展之路").relevant


def test_application_volunteer_is_not_volunteering(classifier):
    # 高考志愿 is a list of chosen universities, not volunteer work
    text = "高考成绩公布后，考生进入志愿填报阶段。专家提醒，填报志愿要结合分数、兴趣和专业前景。"
    assert not classifier.classify(text, "高考志愿填报指南").relevant


def test_welfare_words_inside_everyday_phrases_do_not_count(classifier):
    # 营商环境 is the business climate, 产业生态 an industry, 一带一路倡议 diplomacy
    text = ("会议强调，要持续优化营商环境和投资环境，推动共建一带一路倡议走深走实，"
            "构建良好的产业生态和数字生态，为企业发展提供更好的政策环境。")
    result = classifier.classify(text, "市政府召开优化营商环境大会")
    assert not result.relevant
    assert result.primary != "environment"
