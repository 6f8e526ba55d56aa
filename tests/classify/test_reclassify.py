"""`newsmon reclassify` on SQLite and the real PostgreSQL: stored articles get the
classification of the current taxonomy."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.items import CategoryScore
from newsmon.cli import main
from storage.articles import ArticleQuery, list_articles, store_articles
from storage.db import Database
from tests.classify.test_classifier import STOCKS, WELFARE
from tests.storage.test_store import make_item

OCEANS = """\
categories:
  - id: oceans
    name: 海洋
    terms: [{term: 海洋垃圾, weight: 3}, 珊瑚]
"""


@pytest.fixture
def db(db_url: str) -> Database:
    database = Database(db_url)
    database.migrate()
    yield database
    database.dispose()


def _stale(n: int, text: str, title: str):
    # stored under an old taxonomy: wrong topic, no regions, no organisations
    return make_item(n, text=text, title=title, categories=[CategoryScore("animal", 0.9)],
                     primary_category="animal", relevant=True, relevance=0.9,
                     regions=[], organizations=[], keywords=[])


def _by_title(db: Database):
    return {a.title: a for a in list_articles(db, ArticleQuery())}


def test_reclassify_rewrites_every_stored_article(db: Database, db_url: str):
    store_articles(db, [_stale(1, WELFARE, "红基会助学凉山"), _stale(2, STOCKS, "券商股涨停"),
                        _stale(3, "社区志愿者清理海洋垃圾，保护珊瑚。", "海洋垃圾清理")])
    result = CliRunner().invoke(
        main, ["--db", db_url, "reclassify", "--rules-only", "--batch-size", "2"])
    assert result.exit_code == 0, result.output
    assert "reclassified 3 article(s)" in result.output
    articles = _by_title(db)
    welfare, stocks = articles["红基会助学凉山"], articles["券商股涨停"]
    assert welfare.primary_category == "children_education" and welfare.relevant
    assert {c.category for c in welfare.categories} >= {"children_education"}
    assert "animal" not in {c.category for c in welfare.categories}
    assert "中国红十字基金会" in welfare.organizations and "四川省" in welfare.regions
    assert welfare.keywords
    assert stocks.relevant is False and stocks.relevance is not None and stocks.relevance < 0.5


def test_reclassify_after_a_taxonomy_change(db: Database, db_url: str, tmp_path: Path):
    store_articles(db, [_stale(1, "社区志愿者清理海洋垃圾，保护珊瑚。", "海洋垃圾清理")])
    taxonomy = tmp_path / "taxonomy.yaml"
    taxonomy.write_text(OCEANS, encoding="utf-8")
    result = CliRunner().invoke(
        main, ["--db", db_url, "reclassify", "--rules-only", "--taxonomy", str(taxonomy)])
    assert result.exit_code == 0, result.output
    assert "primary category changed for 1" in result.output
    article = _by_title(db)["海洋垃圾清理"]
    assert article.primary_category == "oceans"
    assert [c.category for c in article.categories] == ["oceans"]


def test_reclassify_only_one_source(db: Database, db_url: str):
    store_articles(db, [_stale(1, WELFARE, "甲"), make_item(2, source="s2", title="乙")])
    result = CliRunner().invoke(
        main, ["--db", db_url, "reclassify", "--rules-only", "--source", "s2"])
    assert result.exit_code == 0, result.output
    assert "reclassified 1 article(s)" in result.output
    assert _by_title(db)["甲"].primary_category == "animal"  # other source untouched
