"""Storage on SQLite and on the real PostgreSQL: idempotent batched writes, queries."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from crawler.items import ArticleItem, CategoryScore
from storage.articles import (
    ArticleQuery,
    count_articles,
    find_by_content_hash,
    list_articles,
    store_articles,
    stored_canonical_urls,
)
from storage.db import Database, DatabaseError
from storage.runs import FeedValidators, load_feed_state, save_feed_state


def make_item(n: int, source: str = "s1", **overrides: object) -> ArticleItem:
    item = ArticleItem(
        source_id=source,
        url=f"http://example.org/a/{n}.html?utm_source=x",
        canonical_url=f"http://example.org/a/{n}.html",
        fetched_at=datetime(2026, 11, 24, 8, 0, tzinfo=UTC),
        text=f"第{n}篇：社会组织参与乡村振兴的公益项目取得进展。" * 3,
        title=f"标题{n}",
        published_at=datetime(2026, 11, 24, 2, 0, tzinfo=UTC) + timedelta(minutes=n),
        content_hash=f"hash{n}",
        categories=[CategoryScore("rural", 0.9), CategoryScore("sector_governance", 0.4)],
        primary_category="rural",
        regions=["河北省"],
        organizations=["中国乡村发展基金会"],
        raw_html=b"<html>x</html>",
    )
    for key, value in overrides.items():
        setattr(item, key, value)
    return item


@pytest.fixture
def db(db_url: str) -> Database:
    database = Database(db_url)
    database.migrate()
    yield database
    database.dispose()


def test_batch_is_stored_with_categories_and_story(db: Database) -> None:
    result = store_articles(db, [make_item(1), make_item(2)])
    assert len(result.inserted) == 2
    articles = list_articles(db, ArticleQuery())
    assert {a.title for a in articles} == {"标题1", "标题2"}
    article = articles[0]
    assert {c.category for c in article.categories} == {"rural", "sector_governance"}
    assert article.story_id is not None and article.is_representative
    assert article.published_at is not None and article.published_at.tzinfo is not None


def test_restoring_the_same_url_creates_no_second_row(db: Database) -> None:
    store_articles(db, [make_item(1)])
    again = store_articles(db, [make_item(1), make_item(1)])
    assert again.inserted == [] and again.already_stored == 2
    assert count_articles(db) == 1


def test_two_racing_writers_end_with_one_row_per_url(db: Database) -> None:
    other = Database(db.url)
    errors: list[BaseException] = []

    def write(database: Database) -> None:
        try:
            for start in range(0, 40, 10):
                store_articles(database, [make_item(n) for n in range(start, start + 10)])
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(d,)) for d in (db, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    other.dispose()
    assert not errors
    assert count_articles(db) == 40


def test_lookups_used_by_the_crawl(db: Database) -> None:
    store_articles(db, [make_item(1), make_item(2, source="s2")])
    assert stored_canonical_urls(db, ["http://example.org/a/1.html", "http://example.org/a/9.html"]) == {
        "http://example.org/a/1.html"
    }
    match = find_by_content_hash(db, ["hash2"])["hash2"]
    assert match.source_id == "s2" and match.story_id is not None


def test_filters(db: Database) -> None:
    store_articles(db, [make_item(1), make_item(2, source="s2", primary_category="health",
                                                  categories=[CategoryScore("health", 1.0)],
                                                  regions=["北京市"])])
    assert [a.source_id for a in list_articles(db, ArticleQuery(source="s2"))] == ["s2"]
    assert [a.source_id for a in list_articles(db, ArticleQuery(category="health"))] == ["s2"]
    assert [a.source_id for a in list_articles(db, ArticleQuery(region="河北省"))] == ["s1"]
    assert len(list_articles(db, ArticleQuery(limit=1))) == 1


def test_feed_validators_round_trip(db: Database) -> None:
    save_feed_state(db, {"http://x/rss": (FeedValidators('"abc"', "Tue, 24 Nov 2026 08:00:00 GMT"), 200)})
    save_feed_state(db, {"http://x/rss": (FeedValidators(None, None), 304)})
    assert load_feed_state(db, ["http://x/rss"])["http://x/rss"] == FeedValidators(
        '"abc"', "Tue, 24 Nov 2026 08:00:00 GMT"
    )


def test_bad_database_url_is_a_clear_error() -> None:
    with pytest.raises(DatabaseError, match="bad database URL"):
        Database("not a url at all")
