"""`python scheduler.py` as a user runs it: against a local site, with second-level schedules.

Each test starts the real daemon process; crawls run as its children against a LocalSite
on 127.0.0.1 serving recorded pages behind an RSS feed. Assertions are on the exit code,
the log a user reads, and what lands in the database.
"""

from __future__ import annotations

import signal
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsmon.demo.server import LocalSite
from storage.db import Database
from storage.models import CrawlRun
from tests.daemon.helpers import (
    DaemonProcess,
    articles,
    build_site,
    categories_by_article,
    crawl_runs,
    source_entry,
    wait_until,
    write_sources,
)

pytestmark = pytest.mark.slow


@pytest.fixture
def site(tmp_path: Path, shared_dir: Path):
    root = tmp_path / "site"
    build_site(root, shared_dir, "slow", 20)
    build_site(root, shared_dir, "alpha", 3)
    build_site(root, shared_dir, "beta", 3)
    # a slow server, so a crawl is still going when the daemon is told to stop
    with LocalSite(root, delays={r"^/slow/news/": 2.0}) as running:
        yield running


def test_sigterm_mid_crawl_exits_0_with_everything_stored_whole(
        db_url: str, site: LocalSite, tmp_path: Path) -> None:
    sources = tmp_path / "sources.yaml"
    write_sources(sources, [source_entry("slow", site.url, "1h")])
    db = Database(db_url)
    # two pages at a time, two seconds each: the crawl would take twenty seconds
    daemon = DaemonProcess(db_url, sources, tmp_path / "daemon.log", NEWSMON_SHUTDOWN_GRACE="1",
                           NEWSMON_CRAWL_SETTINGS="DOWNLOAD_DELAY=0 AUTOTHROTTLE_ENABLED=False "
                                                  "CONCURRENT_REQUESTS=2")
    try:
        # never crawled: the daemon crawls it at once
        wait_until(lambda: db.has_schema() and crawl_runs(db, "slow"), 60, "the crawl to start", daemon)

        second = DaemonProcess(db_url, sources, tmp_path / "second.log")
        assert second.wait(30) != 0
        assert (f"another newsmon daemon (pid {daemon.process.pid}) is running on"
                in second.output)

        wait_until(lambda: sum(r.path.startswith("/slow/news/") for r in site.requests()) >= 4,
                   30, "the crawl to be under way", daemon)
        assert daemon.stop(60) == 0
    finally:
        daemon.kill()
    assert "newsmon daemon stopped" in daemon.output
    runs = crawl_runs(db, "slow")
    assert runs and all(r.finished_at is not None for r in runs), [(r.spider, r.status) for r in runs]
    # it was stopped mid-crawl, not left to end
    assert "shutdown" in {r.status for r in runs}, [(r.spider, r.status) for r in runs]
    stored = articles(db)
    assert 0 < len(stored) < 20
    # what the crawl says it stored is what the database holds, each article whole
    assert sum(r.items_stored for r in runs) == len(stored), [(r.spider, r.status, r.items_stored) for r in runs]
    categories = categories_by_article(db)
    for article in stored:
        assert article.text.strip() and article.title
        if article.primary_category:
            assert article.primary_category in categories.get(article.id, set())
    db.dispose()


def test_scheduled_crawls_and_sighup_picks_up_a_new_source(
        sqlite_url: str, site: LocalSite, tmp_path: Path) -> None:
    sources = tmp_path / "sources.yaml"
    write_sources(sources, [source_entry("alpha", site.url, "1h")])
    db = Database(sqlite_url)
    # no grace at the end: beta's next crawl is stopped as soon as it is seen to start
    daemon = DaemonProcess(sqlite_url, sources, tmp_path / "daemon.log", NEWSMON_SHUTDOWN_GRACE="0")
    try:
        wait_until(lambda: db.has_schema() and crawl_runs(db, "alpha"), 60, "alpha's crawl", daemon)

        sources.write_text("sources: [unclosed\n", encoding="utf-8")
        daemon.signal(signal.SIGHUP)
        wait_until(lambda: "keeping the previous sources" in daemon.output, 20,
                   "the broken file to be refused", daemon)

        write_sources(sources, [source_entry("alpha", site.url, "1h"),
                                source_entry("beta", site.url, "3s")])
        daemon.signal(signal.SIGHUP)
        # beta, never crawled, runs at once, then again on its 3-second schedule
        wait_until(lambda: [r for r in crawl_runs(db, "beta") if r.status == "finished"], 60,
                   "beta's first crawl", daemon)
        wait_until(lambda: daemon.output.count("crawl:3s: started child") >= 2, 30,
                   "beta's next scheduled crawl", daemon)
        assert daemon.stop(60) == 0
    finally:
        daemon.kill()
    assert "sources.yaml: not valid YAML" in daemon.output
    alpha = crawl_runs(db, "alpha")
    assert all(r.finished_at is not None for r in alpha)
    assert len({r.pid for r in alpha}) == 1  # 1h schedule: crawled once
    assert {a.source_id for a in articles(db)} == {"alpha", "beta"}
    assert all(r.finished_at is not None for r in crawl_runs(db))
    db.dispose()


def test_after_downtime_an_overdue_source_is_crawled_once_right_away(
        sqlite_url: str, site: LocalSite, tmp_path: Path) -> None:
    sources = tmp_path / "sources.yaml"
    write_sources(sources, [source_entry("alpha", site.url, "1h"),
                            source_entry("beta", site.url, "1h")])
    db = Database(sqlite_url)
    db.migrate()
    now = datetime.now(UTC)
    with db.session() as session:
        # alpha: last crawled three days ago (72 missed slots); beta: ten minutes ago
        for source_id, age in (("alpha", timedelta(days=3)), ("beta", timedelta(minutes=10))):
            session.add(CrawlRun(spider="feeds", sources=[source_id], started_at=now - age,
                                 finished_at=now - age + timedelta(seconds=30), status="finished",
                                 pages=1, items_stored=0, dropped={}, errors=0, per_source={}, pid=1))
    daemon = DaemonProcess(sqlite_url, sources, tmp_path / "daemon.log")
    try:
        wait_until(lambda: [r for r in crawl_runs(db, "alpha") if r.pid != 1
                            and r.spider == "sites" and r.finished_at], 60,
                   "alpha's catch-up crawl", daemon)
        assert daemon.stop(60) == 0
    finally:
        daemon.kill()
    alpha_children = {r.pid for r in crawl_runs(db, "alpha") if r.pid != 1}
    assert len(alpha_children) == 1
    assert [r.pid for r in crawl_runs(db, "beta")] == [1]  # not due for another 50 minutes
    assert "catch-up:crawl:1h: alpha overdue, crawled once now" in daemon.output

    from newsmon.cli import main

    result = CliRunner().invoke(main, ["--db", sqlite_url, "--sources-file", str(sources), "status"])
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line for line in result.output.splitlines()[1:-1]}
    assert "finished" in lines["alpha"] and " 3 " in lines["alpha"]  # three new articles
    assert "(in 5" in lines["beta"] or "(in 4" in lines["beta"]  # next run in ~50 minutes
    db.dispose()
