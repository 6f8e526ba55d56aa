"""Source health: last run, consecutive failures, silence against the usual gap."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from digest.config import DigestConfig
from digest.select import daily_window, select_digest
from storage.db import Database
from storage.health import schedule_interval, source_health, usual_gap
from storage.runs import finish_crawl_run, start_crawl_run
from tests.digest.conftest import make_item, store


@dataclass(frozen=True)
class Src:
    id: str
    schedule: str = "2h"


def crawl(db: Database, sources: list[str], status: str, per_source: dict[str, dict[str, int]]) -> None:
    run_id = start_crawl_run(db, "sites", sources, pid=None)
    finish_crawl_run(db, run_id, status=status, pages=3, items_stored=1, dropped={}, errors=0,
                     per_source=per_source)


def test_usual_gap_counts_batches_not_articles() -> None:
    start = datetime(2026, 11, 1, tzinfo=UTC)
    arrivals = [start + timedelta(hours=6 * i, seconds=s) for i in range(5) for s in range(10)]
    assert usual_gap(arrivals) == timedelta(hours=6)
    assert usual_gap(arrivals[:15]) is None  # two batches are not a habit yet


def test_schedule_interval_for_intervals_and_cron() -> None:
    assert schedule_interval("30m") == timedelta(minutes=30)
    assert schedule_interval("0 */6 * * *") == timedelta(hours=6)


def test_failing_silent_and_healthy_sources(db: Database) -> None:
    for _ in range(3):
        crawl(db, ["down", "fine"], "finished", {"down": {"errors": 4}, "fine": {"items": 2, "pages": 5}})
    now = datetime.now(UTC)
    for hours in (80, 74, 68, 62):  # used to publish every 6h, nothing for 62h
        store(db, make_item(hours, "quiet"), now - timedelta(hours=hours))
    store(db, make_item(1, "fine"), now - timedelta(hours=1))
    health = {h.source_id: h for h in source_health(db, [Src("down"), Src("quiet", "6h"), Src("fine")], now)}
    assert health["down"].failing and health["down"].consecutive_failures == 3
    assert health["down"].last_run_status == "failed"
    assert health["quiet"].silent and health["quiet"].usual_gap == timedelta(hours=6)
    assert not health["fine"].needs_attention
    assert health["fine"].last_run_new_articles == 2 and health["fine"].last_run_pages == 5


def test_digest_lists_sources_needing_attention(db: Database) -> None:
    crawl(db, ["down"], "timeout", {})
    config, now = DigestConfig(), datetime.now(UTC)
    digest = select_digest(db, daily_window(now.date(), config), config,
                           sources=[Src("down")], source_names={"down": "某网站"}, now=now)
    assert [(a.source, "抓取失败" in a.reason) for a in digest.alerts] == [("某网站", True)]
