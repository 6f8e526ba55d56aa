"""Per-source health from crawl runs and article arrivals: what `newsmon status` and the
digest's "sources needing attention" section show.

A source *went silent* when no new article arrived for `silent_factor` times its usual
gap (the median gap between its arrival batches, never shorter than its crawl interval;
the crawl interval alone when there is too little history). It *keeps failing* when its
last `failing_after` crawls all failed for it.
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import select

from storage.db import Database
from storage.models import Article, CrawlRun

# A crawl stores a page's worth of articles within moments; arrivals closer than this are
# one batch, so a source crawled every 2h that yields 20 articles per crawl has a 2h gap.
BATCH_WINDOW = timedelta(minutes=15)
HISTORY_ARTICLES = 200
HISTORY_RUNS = 300
# "shutdown": the daemon (or an operator) stopped the crawl; it says nothing about the site
OK_STATUSES = frozenset({"finished", "shutdown"})


class SourceLike(Protocol):
    """What health needs of a source (crawler.sources.Source fits)."""

    @property
    def id(self) -> str: ...

    @property
    def schedule(self) -> str: ...


@dataclass(frozen=True)
class SourceHealth:
    source_id: str
    last_run_at: datetime | None
    last_run_status: str | None  # "ok", "failed" or "running"; None when never crawled
    last_run_detail: str | None  # the crawl run's own status, e.g. "finished", "timeout"
    last_run_pages: int | None
    last_run_new_articles: int | None
    last_run_errors: int | None
    consecutive_failures: int
    last_article_at: datetime | None
    usual_gap: timedelta | None  # from history; None when there is too little of it
    expected_gap: timedelta | None  # usual gap, else the schedule interval
    silent: bool
    failing: bool

    @property
    def needs_attention(self) -> bool:
        return self.silent or self.failing or self.last_run_status == "failed"


def source_health(
    db: Database,
    sources: Sequence[SourceLike],
    now: datetime,
    *,
    silent_factor: float = 3.0,
    failing_after: int = 3,
    min_silence: timedelta = timedelta(hours=24),
) -> list[SourceHealth]:
    """Health of each source, in the order given.

    `min_silence` keeps a source crawled every 30 minutes that publishes a few times a day
    from being called silent after 90 quiet minutes.
    """
    ids = [s.id for s in sources]
    with db.session() as session:
        runs = list(session.scalars(
            select(CrawlRun).where(CrawlRun.started_at <= now)
            .order_by(CrawlRun.started_at.desc(), CrawlRun.id.desc()).limit(HISTORY_RUNS)
        ))
        arrivals = {
            source_id: list(session.scalars(
                select(Article.first_seen_at).where(Article.source_id == source_id,
                                                    Article.first_seen_at <= now)
                .order_by(Article.first_seen_at.desc()).limit(HISTORY_ARTICLES)
            ))
            for source_id in ids
        }
    crawls = merge_child_runs(runs)
    return [
        _health(source, _runs_of(crawls, source.id), arrivals[source.id], now,
                silent_factor, failing_after, min_silence)
        for source in sources
    ]


def merge_child_runs(runs: list[CrawlRun]) -> list[CrawlRun]:
    """One crawl per process: `newsmon crawl` records a feeds run and a sites run, one
    after the other in the same process; read alone, the second would hide the first's
    pages and articles. Runs are newest first; the result is too."""
    merged: list[CrawlRun] = []
    for run in runs:
        previous = merged[-1] if merged else None
        if previous is not None and run.pid and previous.pid == run.pid and previous.spider != run.spider \
                and sorted(previous.sources or []) == sorted(run.sources or []) \
                and previous.spider != "merged" and run.finished_at is not None:
            merged[-1] = _combine(previous, run)
        else:
            merged.append(run)
    return merged


def _combine(later: CrawlRun, earlier: CrawlRun) -> CrawlRun:
    per_source: dict[str, dict[str, int]] = {}
    for run in (earlier, later):
        for source_id, figures in (run.per_source or {}).items():
            target = per_source.setdefault(source_id, {})
            for key, value in (figures or {}).items():
                if isinstance(value, int):
                    target[key] = target.get(key, 0) + value
    status = later.status if later.status not in OK_STATUSES else earlier.status
    return CrawlRun(
        id=later.id, spider="merged", sources=later.sources, started_at=earlier.started_at,
        finished_at=later.finished_at, status=status,
        pages=(earlier.pages or 0) + (later.pages or 0),
        items_stored=(earlier.items_stored or 0) + (later.items_stored or 0),
        dropped={}, errors=(earlier.errors or 0) + (later.errors or 0), per_source=per_source,
        pid=later.pid,
    )


def _runs_of(runs: list[CrawlRun], source_id: str) -> list[CrawlRun]:
    # a run with an empty source list crawled every enabled source
    return [r for r in runs if not r.sources or source_id in r.sources]


def _source_figures(run: CrawlRun, source_id: str) -> dict[str, Any]:
    figures = (run.per_source or {}).get(source_id)
    return figures if isinstance(figures, dict) else {}


def run_result(run: CrawlRun, source_id: str) -> str:
    """"ok", "failed" or "running" for one source in one crawl run."""
    if run.status == "running" and run.finished_at is None:
        return "running"
    if run.status not in OK_STATUSES:
        return "failed"
    figures = _source_figures(run, source_id)
    # every request for it errored and nothing came back: the site is down or blocking us
    if int(figures.get("errors", 0) or 0) > 0 and not figures.get("items") and not figures.get("pages"):
        return "failed"
    return "ok"


def schedule_interval(schedule: str) -> timedelta | None:
    """The interval of `30m`/`2h`, or the gap between a cron string's next two firings."""
    from crawler.sources import parse_interval

    seconds = parse_interval(schedule)
    if seconds is not None:
        return timedelta(seconds=seconds)
    try:
        from apscheduler.triggers.cron import CronTrigger

        trigger = CronTrigger.from_crontab(schedule)
        first = trigger.get_next_fire_time(None, datetime.now().astimezone())
        second = trigger.get_next_fire_time(first, first + timedelta(seconds=1)) if first else None
    except ValueError:
        return None
    return second - first if first and second else None


def usual_gap(arrivals: Sequence[datetime]) -> timedelta | None:
    """Median gap between arrival batches (newest first or any order); None below 3 batches."""
    batches: list[datetime] = []
    for moment in sorted(arrivals):
        if not batches or moment - batches[-1] > BATCH_WINDOW:
            batches.append(moment)
    if len(batches) < 3:
        return None
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(batches)]
    return timedelta(seconds=statistics.median(gaps))


def _health(
    source: SourceLike, runs: list[CrawlRun], arrivals: list[datetime], now: datetime,
    silent_factor: float, failing_after: int, min_silence: timedelta,
) -> SourceHealth:
    finished = [r for r in runs if run_result(r, source.id) != "running"]
    failures = 0
    for run in finished:
        if run_result(run, source.id) != "failed":
            break
        failures += 1
    last = runs[0] if runs else None
    figures = _source_figures(last, source.id) if last else {}
    gap = usual_gap(arrivals)
    interval = schedule_interval(source.schedule)
    expected = max(filter(None, (gap, interval)), default=None)
    last_article = arrivals[0] if arrivals else None
    quiet_limit = max(expected * silent_factor, min_silence) if expected else None
    if quiet_limit is None:
        silent = False
    elif last_article is not None:
        silent = now - last_article > quiet_limit
    else:
        # never produced anything: silent once it has been crawled for a while
        first_run = finished[-1].started_at if finished else None
        silent = first_run is not None and now - first_run > quiet_limit
    return SourceHealth(
        source_id=source.id,
        last_run_at=(last.finished_at or last.started_at) if last else None,
        last_run_status=run_result(last, source.id) if last else None,
        last_run_detail=last.status if last else None,
        last_run_pages=_int(figures.get("pages"), last.pages if last and len(last.sources) == 1 else None),
        last_run_new_articles=_int(figures.get("items"), 0 if last else None),
        last_run_errors=_int(figures.get("errors"), 0 if last else None),
        consecutive_failures=failures,
        last_article_at=last_article,
        usual_gap=gap,
        expected_gap=expected,
        silent=silent,
        failing=failures >= failing_after,
    )


def _int(value: Any, default: int | None) -> int | None:
    return int(value) if isinstance(value, int | float) else default
