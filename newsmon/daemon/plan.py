"""From the sources registry to crawl jobs, and when each is due (pure; no I/O).

One job per (group, schedule): sources that share both are crawled by one child process.
A source is overdue when the schedule's first slot after its last ended crawl run has
passed; after downtime each overdue source is crawled once, now, rather than once per
missed slot, and this holds across restarts because the runs are read from the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from crawler.sources import Registry, Source, parse_interval


@dataclass(frozen=True)
class CrawlJobSpec:
    job_id: str
    schedule: str
    timezone: str
    source_ids: tuple[str, ...]

    @property
    def interval_seconds(self) -> int | None:
        return parse_interval(self.schedule)


def plan_crawl_jobs(registry: Registry) -> list[CrawlJobSpec]:
    """Enabled sources grouped by (group, schedule); cron schedules also by time zone."""
    groups: dict[tuple[str, str, str], list[Source]] = {}
    for source in registry.select():
        zone = "" if parse_interval(source.schedule) is not None else source.timezone
        groups.setdefault((source.schedule_group, source.schedule, zone), []).append(source)
    specs = []
    for (group, schedule, zone), sources in groups.items():
        job_id = f"crawl:{group}" if group == schedule else f"crawl:{group}@{schedule}"
        if zone:
            job_id += f"@{zone}"
        specs.append(CrawlJobSpec(job_id, schedule, zone or "UTC", tuple(s.id for s in sources)))
    return sorted(specs, key=lambda spec: spec.job_id)


def make_trigger(schedule: str, timezone: str, start: datetime | None = None) -> BaseTrigger:
    seconds = parse_interval(schedule)
    if seconds is not None:
        return IntervalTrigger(seconds=seconds, start_date=start, timezone=ZoneInfo(timezone))
    return CronTrigger.from_crontab(schedule, timezone=ZoneInfo(timezone))


def next_slot_after(schedule: str, timezone: str, moment: datetime) -> datetime:
    """The schedule's first slot strictly after `moment` (for an interval: moment + interval)."""
    seconds = parse_interval(schedule)
    if seconds is not None:
        return moment + timedelta(seconds=seconds)
    trigger = CronTrigger.from_crontab(schedule, timezone=ZoneInfo(timezone))
    fire = trigger.get_next_fire_time(None, moment + timedelta(seconds=1))
    assert fire is not None  # a valid 5-field cron string always fires again
    return fire


def next_run(spec_schedule: str, timezone: str, last_started: datetime | None,
             now: datetime) -> datetime:
    """When a source crawls next: now if it is overdue (or never crawled), else its next slot."""
    if last_started is None:
        return now
    return max(next_slot_after(spec_schedule, timezone, last_started), now)


def first_runs(spec: CrawlJobSpec, last_started: dict[str, datetime | None],
               now: datetime) -> tuple[datetime, tuple[str, ...]]:
    """When the job first runs after (re)scheduling, and which of its sources need a
    catch-up crawl of their own right now.

    All sources overdue (or never crawled): the job itself runs now. Some overdue: those
    get one catch-up crawl now, and the job keeps the slot of its up-to-date sources.
    """
    dues = {i: next_run(spec.schedule, spec.timezone, last_started.get(i), now)
            for i in spec.source_ids}
    overdue = tuple(i for i in spec.source_ids if dues[i] <= now)
    fresh = [due for i, due in dues.items() if i not in overdue]
    if not fresh:
        return now, ()
    return min(fresh), overdue
