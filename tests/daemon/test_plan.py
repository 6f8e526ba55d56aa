"""When crawl jobs are due: once now after downtime, otherwise on the schedule's next slot."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from crawler.sources import parse_sources
from newsmon.daemon.plan import first_runs, next_run, plan_crawl_jobs

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def registry(entries: list[dict]):
    base = {"name": "x", "feeds": ["http://127.0.0.1/rss.xml"]}
    return parse_sources({"sources": [{**base, **e} for e in entries]}, Path("sources.yaml"))


def test_one_job_per_group_and_schedule() -> None:
    specs = plan_crawl_jobs(registry([
        {"id": "a", "schedule": "30m"}, {"id": "b", "schedule": "30m"},
        {"id": "c", "schedule": "30m", "group": "slow-sites"}, {"id": "d", "schedule": "2h"},
        {"id": "e", "schedule": "2h", "enabled": False},
    ]))
    assert {s.job_id: s.source_ids for s in specs} == {
        "crawl:30m": ("a", "b"), "crawl:slow-sites@30m": ("c",), "crawl:2h": ("d",)}


def test_never_crawled_or_overdue_runs_now_once() -> None:
    assert next_run("30m", "UTC", None, NOW) == NOW
    # three days down: one run now, not 144 missed slots
    assert next_run("30m", "UTC", NOW - timedelta(days=3), NOW) == NOW


def test_recently_crawled_waits_for_its_slot() -> None:
    assert next_run("30m", "UTC", NOW - timedelta(minutes=10), NOW) == NOW + timedelta(minutes=20)


def test_cron_slot_missed_since_the_last_run_is_overdue() -> None:
    # daily at 06:00 Shanghai = 22:00 UTC the day before
    last = datetime(2026, 11, 21, 22, 0, 5, tzinfo=UTC)
    assert next_run("0 6 * * *", "Asia/Shanghai", last, NOW) == NOW
    last = datetime(2026, 11, 22, 22, 0, 5, tzinfo=UTC)
    assert next_run("0 6 * * *", "Asia/Shanghai", last, NOW) == datetime(2026, 11, 23, 22, 0, tzinfo=UTC)


def test_only_the_overdue_sources_of_a_job_catch_up() -> None:
    [spec] = plan_crawl_jobs(registry([{"id": "a", "schedule": "1h"}, {"id": "b", "schedule": "1h"},
                                       {"id": "c", "schedule": "1h"}]))
    last = {"a": NOW - timedelta(minutes=5), "b": NOW - timedelta(minutes=50), "c": None}
    # a and b keep their slot (b's is the earlier); c, never crawled, catches up alone now
    assert first_runs(spec, last, NOW) == (NOW + timedelta(minutes=10), ("c",))
    everything_old = dict.fromkeys("abc", NOW - timedelta(days=2))
    assert first_runs(spec, everything_old, NOW) == (NOW, ())
