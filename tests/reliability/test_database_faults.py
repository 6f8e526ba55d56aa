"""The database goes away mid-crawl: articles are spooled and written when it is back.

PostgreSQL is not stopped (a shared machine): the test database is made read-only for new
sessions and its sessions are cut, so every write fails as in an outage while the server
stays up for everyone else; then it is made writable again. SQLite: the file locked by
another connection past the busy timeout (the store stage, in process), and a spool left
by an earlier crawl written at the next crawl's start.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from scrapy.utils.test import get_crawler
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

from crawler.items import ArticleItem, CategoryScore
from newsmon.demo.server import LocalSite
from pipelines.spool import Spool, default_spool_path
from pipelines.store import StorePipeline
from storage.db import Database
from tests.reliability.helpers import (
    FAST,
    REPO_ROOT,
    run_crawl,
    stored_count,
    write_feed_site,
    write_sources,
)
from tests.services import POSTGRES_ADMIN_URL, fresh_postgres_database

ARTICLES = 30


def _site(tmp_path: Path, delay: float, last_delay: float | None = None) -> LocalSite:
    """Every article page answers after `delay`; the last one after `last_delay`, which
    keeps the crawl running until the test has ended the outage."""
    root = tmp_path / "site"
    write_feed_site(root, ARTICLES, "outage")
    delays = {rf"^/a/{ARTICLES - 1}\.html$": last_delay} if last_delay is not None else {}
    return LocalSite(root, delays={**delays, r"^/a/": delay})


def _set_writable(db_url: str, writable: bool) -> None:
    name = make_url(db_url).database
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        setting = "RESET default_transaction_read_only" if writable else "SET default_transaction_read_only = on"
        conn.execute(text(f'ALTER DATABASE "{name}" {setting}'))
        # sessions keep the setting they started with: cut them, the crawler reconnects
        conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE datname = :name AND pid <> pg_backend_pid()"), {"name": name})
    admin.dispose()


def _wait_until(condition: Callable[[], bool], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for the crawl")
        time.sleep(0.05)


@pytest.mark.postgres
@pytest.mark.slow
def test_database_unavailable_mid_crawl_articles_spooled_then_written(tmp_path: Path) -> None:
    # the other 29 articles reach the store (and the spool) within ~5 s of the start, while
    # the crawl is held open: ending it during the outage left the whole spool unwritten
    with fresh_postgres_database() as db_url, _site(tmp_path, delay=0.15, last_delay=10.0) as site:
        sources = write_sources(tmp_path / "sources.yaml",
                                {"id": "outage", "name": "断库", "feeds": [f"{site.url}/rss.xml"]})
        spool_dir = tmp_path / "spool"
        settings = [*FAST, "CONCURRENT_REQUESTS_PER_DOMAIN=2", "NEWSMON_STORE_RETRIES=1",
                    f"NEWSMON_SPOOL_DIR={spool_dir}", "ROBOTSTXT_OBEY=False"]
        args = [sys.executable, "-m", "tests.reliability.runner", db_url, str(sources), "--spider", "feeds"]
        for setting in settings:
            args += ["-s", setting]
        log = tmp_path / "crawl.log"
        with open(log, "w", encoding="utf-8") as out:
            crawl = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, cwd=REPO_ROOT)
            try:
                articles_asked = lambda: sum(1 for r in site.requests() if r.path.startswith("/a/"))  # noqa: E731
                _wait_until(lambda: articles_asked() >= 6)
                _set_writable(db_url, False)
                spool = Spool(default_spool_path(db_url, str(spool_dir)))
                # the outage lasts until writes have failed for real and articles were spooled
                _wait_until(lambda: len(spool) >= 5 or crawl.poll() is not None)
                spooled_during_outage = len(spool)
                _set_writable(db_url, True)
                assert crawl.wait(timeout=120) == 0, log.read_text()[-3000:]
            finally:
                if crawl.poll() is None:
                    crawl.kill()
        output = log.read_text(encoding="utf-8")
        assert spooled_during_outage > 0, output[-3000:]
        assert "spooled to" in output
        assert stored_count(db_url) == ARTICLES  # what a fault-free run stores: every article once
        assert len(Spool(default_spool_path(db_url, str(spool_dir)))) == 0


def _article(n: int) -> ArticleItem:
    return ArticleItem(
        source_id="spooled", url=f"https://example.org/s/{n}.html", canonical_url=f"https://example.org/s/{n}.html",
        fetched_at=datetime(2026, 11, 20, 8, 0, tzinfo=UTC), text=f"第{n}篇：公益项目的进展。" * 5,
        title=f"标题{n}", raw_html=b"<html>\xe5\x85\xac</html>", content_hash=f"h{n}",
        categories=[CategoryScore("rural", 0.8)], primary_category="rural",
    )


def test_spool_left_by_a_crawl_is_written_at_the_next_start(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'db' / 'newsmon.db'}"
    spool = Spool(default_spool_path(db_url))
    assert spool.path == tmp_path / "db" / "spool" / "newsmon.jsonl"
    spool.append([_article(1), _article(2), _article(3)])
    with LocalSite(tmp_path) as site:
        sources = write_sources(tmp_path / "sources.yaml",
                                {"id": "spooled", "name": "积压", "feeds": [f"{site.url}/none.xml"]})
        run = run_crawl(db_url, sources, spiders=("feeds",))
    assert run.returncode == 0, run.log[-2000:]
    assert stored_count(db_url) == 3
    assert run.stat("newsmon/spool/written") == 3
    assert len(spool) == 0


def test_spool_keeps_every_complete_line_after_a_crash_mid_append(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool.jsonl")
    spool.append([_article(1), _article(2)])
    with open(spool.path, "ab") as f:
        f.write(b'{"source_id": "spooled", "url": "https://exa')  # the process died here
    items = spool.load()
    assert [i.canonical_url for i in items] == ["https://example.org/s/1.html", "https://example.org/s/2.html"]
    assert items[0].raw_html == b"<html>\xe5\x85\xac</html>" and items[0].categories[0].name == "rural"
    assert items[0].fetched_at == datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def test_spool_is_not_emptied_when_the_database_still_refuses(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool.jsonl")
    spool.append([_article(1)])

    def refuse(items: list[ArticleItem]) -> None:
        raise OSError("database is locked")

    with pytest.raises(OSError):
        spool.drain(refuse)
    assert len(spool) == 1


def test_sqlite_locked_past_busy_timeout_articles_spooled_then_written(tmp_path: Path) -> None:
    """The store stage itself, against a SQLite file another connection holds locked.

    The busy timeout is cut to 0.2 s for this database (30 s in production) so the lock
    outlasts it quickly; everything else is the real pipeline and the real lock."""
    db_file = tmp_path / "newsmon.db"
    db_url = f"sqlite:///{db_file}"
    database = Database(db_url)
    database.migrate()
    event.listen(database.engine, "connect", lambda conn, _record: conn.execute("PRAGMA busy_timeout=200"))
    database.engine.dispose()
    crawler = get_crawler(settings_dict={"NEWSMON_DATABASE_URL": db_url})
    crawler._newsmon_db = database  # type: ignore[attr-defined]  # what crawl_database() hands out
    spool = Spool(default_spool_path(db_url))
    pipeline = StorePipeline(crawler, batch_size=100, flush_seconds=1.0, retries=1, spool=spool)
    locker = sqlite3.connect(db_file, isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")
    try:
        assert pipeline._write([_article(1), _article(2), _article(3)]).inserted == []
        assert len(spool) == 3  # the database refused: kept on disk, not lost
        assert pipeline._write([_article(4)]).inserted == []  # still locked: spooled at once
        assert len(spool) == 4
    finally:
        locker.execute("COMMIT")
        locker.close()
    written = pipeline._write([_article(5)])  # the database is back: the spool goes first
    assert len(written.inserted) == 1 and len(spool) == 0
    assert stored_count(db_url) == 5
    assert crawler.stats.get_value("newsmon/spool/spooled") == 4
    assert crawler.stats.get_value("newsmon/spool/written") == 4
