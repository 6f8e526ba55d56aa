from __future__ import annotations

import inspect
import json
from datetime import UTC
from pathlib import Path

import pytest
from click.testing import CliRunner
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from crawler.items import ArticleItem
from newsmon.commands.classify import command
from pipelines.classify import ClassifyPipeline
from tests.classify.conftest import LABELS
from tests.classify.test_classifier import STOCKS, WELFARE


def test_classify_file_and_stdin(tmp_path: Path):
    path = tmp_path / "a.txt"
    path.write_text(WELFARE, encoding="utf-8")
    runner = CliRunner()
    from_file = runner.invoke(command, [str(path), "--rules-only"])
    from_stdin = runner.invoke(command, ["-", "--rules-only"], input=WELFARE)
    assert from_file.exit_code == 0, from_file.output
    assert json.loads(from_file.output) == json.loads(from_stdin.output)
    assert json.loads(from_file.output)["primary"] == "children_education"


def test_jsonl_echoes_ids():
    lines = "\n".join(json.dumps({"id": i, "text": t}, ensure_ascii=False)
                      for i, t in (("a", WELFARE), ("b", STOCKS)))
    result = CliRunner().invoke(command, ["--jsonl", "-", "--rules-only"], input=lines)
    out = [json.loads(line) for line in result.output.splitlines()]
    assert [(o["id"], o["relevant"]) for o in out] == [("a", True), ("b", False)]


def test_train_then_eval(tmp_path: Path, shared):
    # a third of the labelled set: this checks the commands, not the figures
    lines = LABELS.read_text("utf-8").splitlines()[::3]
    labels = tmp_path / "labels.jsonl"
    labels.write_text("\n".join(lines) + "\n", encoding="utf-8")
    model = tmp_path / "m.joblib"
    runner = CliRunner()
    trained = runner.invoke(command, ["train", str(labels), "--out", str(model),
                                      "--shared", str(shared)])
    assert trained.exit_code == 0, trained.output
    assert model.exists()
    evaluated = runner.invoke(command, ["eval", str(labels), "--model", str(model),
                                        "--shared", str(shared)])
    assert evaluated.exit_code == 0, evaluated.output
    for system in ("== rules", "== model", "== rules+model", "held-out split"):
        assert system in evaluated.output
    assert "macro-F1" in evaluated.output and "not_welfare" in evaluated.output
    used = runner.invoke(command, ["-", "--model", str(model)], input=WELFARE)
    assert json.loads(used.output)["relevant"] is True


def test_bad_taxonomy_is_a_clear_error(tmp_path: Path):
    bad = tmp_path / "taxonomy.yaml"
    bad.write_text("categories: []\n", encoding="utf-8")
    result = CliRunner().invoke(command, ["-", "--taxonomy", str(bad)], input="x")
    assert result.exit_code != 0
    assert "taxonomy.yaml: categories must be a non-empty list" in result.output


def _article(text: str, title: str) -> ArticleItem:
    from datetime import datetime

    return ArticleItem(source_id="t", url="http://x/1", canonical_url="http://x/1",
                       fetched_at=datetime.now(UTC), text=text, title=title)


def _pipeline(**settings) -> tuple[ClassifyPipeline, object]:
    crawler = get_crawler(settings_dict=settings)
    return ClassifyPipeline.from_crawler(crawler), crawler.stats


def test_pipeline_fills_the_item_off_the_reactor_thread():
    pipeline, _ = _pipeline()
    item = _article(WELFARE, "红基会助学凉山")
    assert inspect.iscoroutinefunction(pipeline.process_item)  # awaited by Scrapy, work in a thread
    pipeline._decide(pipeline._classify(item))
    assert item.primary_category == "children_education"
    assert item.categories[0].name == "children_education" and item.relevant
    assert "中国红十字基金会" in item.organizations and item.regions and item.keywords


def test_pipeline_flags_by_default_and_drops_when_asked():
    flagging, _ = _pipeline()
    flagged = flagging._decide(flagging._classify(_article(STOCKS, "券商股涨停")))
    assert flagged.relevant is False
    dropping, stats = _pipeline(NEWSMON_IRRELEVANT="drop")
    with pytest.raises(DropItem, match="irrelevant"):
        dropping._decide(dropping._classify(_article(STOCKS, "券商股涨停")))
    assert stats.get_value("newsmon/dropped/irrelevant") == 1
