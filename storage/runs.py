"""Crawl runs and per-feed conditional-GET state."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from storage.db import Database
from storage.models import CrawlRun, FeedState


def start_crawl_run(db: Database, spider: str, sources: list[str], pid: int | None) -> int:
    with db.session() as session:
        run = CrawlRun(
            spider=spider, sources=sources, started_at=datetime.now(UTC), status="running", pid=pid,
            pages=0, items_stored=0, dropped={}, errors=0, per_source={},
        )
        session.add(run)
        session.flush()
        return run.id


def finish_crawl_run(
    db: Database,
    run_id: int,
    *,
    status: str,
    pages: int,
    items_stored: int,
    dropped: Mapping[str, int],
    errors: int,
    per_source: Mapping[str, Any],
) -> None:
    with db.session() as session:
        run = session.get(CrawlRun, run_id)
        if run is None:
            return
        run.finished_at = datetime.now(UTC)
        run.status = status
        run.pages = pages
        run.items_stored = items_stored
        run.dropped = dict(dropped)
        run.errors = errors
        run.per_source = dict(per_source)


@dataclass(frozen=True)
class FeedValidators:
    etag: str | None
    last_modified: str | None


def load_feed_state(db: Database, feed_urls: Iterable[str]) -> dict[str, FeedValidators]:
    urls = list(feed_urls)
    if not urls:
        return {}
    with db.session() as session:
        rows = session.scalars(select(FeedState).where(FeedState.feed_url.in_(urls)))
        return {r.feed_url: FeedValidators(r.etag, r.last_modified) for r in rows}


def save_feed_state(db: Database, states: Mapping[str, tuple[FeedValidators, int]]) -> None:
    if not states:
        return
    now = datetime.now(UTC)
    with db.session() as session:
        for url, (validators, status) in states.items():
            row = session.get(FeedState, url) or FeedState(feed_url=url)
            if status != 304:
                row.etag = validators.etag
                row.last_modified = validators.last_modified
            row.last_status = status
            row.last_fetched_at = now
            session.add(row)
