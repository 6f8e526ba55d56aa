"""SQL the daemon needs: last crawl run per source, runs of dead children, housekeeping, locks."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, String, cast, delete, func, select, text, update
from sqlalchemy.sql.elements import ColumnElement

from storage.db import Database
from storage.models import Article, CrawlRun, DigestRun, RawPage

logger = logging.getLogger(__name__)

# pg_try_advisory_lock(int4, int4): a namespace for newsmon, then the daemon's own key
ADVISORY_NAMESPACE = 0x6E6D  # "nm"
ADVISORY_DAEMON_KEY = 1
TERMINAL = CrawlRun.finished_at.is_not(None)


def _mentions(source_id: str) -> ColumnElement[bool]:
    """Runs whose JSON `sources` list holds this id (portable: the JSON text contains `"id"`)."""
    escaped = source_id.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return cast(CrawlRun.sources, String).like(f'%"{escaped}"%', escape="\\")


def last_finished_runs(db: Database, source_ids: Iterable[str]) -> dict[str, CrawlRun | None]:
    """Per source, its most recent crawl run that has ended (any result); None if never crawled."""
    result: dict[str, CrawlRun | None] = {}
    with db.session() as session:
        for source_id in source_ids:
            result[source_id] = session.scalars(
                select(CrawlRun).where(_mentions(source_id), TERMINAL)
                .order_by(CrawlRun.started_at.desc(), CrawlRun.id.desc()).limit(1)
            ).first()
    return result


def recent_runs_for_source(db: Database, source_id: str, limit: int = 10) -> list[CrawlRun]:
    """A source's latest crawl runs, newest first (running ones included)."""
    with db.session() as session:
        return list(session.scalars(
            select(CrawlRun).where(_mentions(source_id))
            .order_by(CrawlRun.started_at.desc(), CrawlRun.id.desc()).limit(limit)
        ))


def close_child_runs(
    db: Database, *, pid: int, since: datetime, sources: list[str], status: str
) -> int:
    """Record the end of a crawl child that died without recording it.

    Marks the child's own 'running' rows (same pid, started since it was launched) with
    `status`; when the child recorded nothing, adds one run with that status. Returns how
    many rows were closed or added.
    """
    now = datetime.now(UTC)
    with db.session() as session:
        result = session.execute(
            update(CrawlRun)
            .where(CrawlRun.pid == pid, CrawlRun.status == "running", CrawlRun.started_at >= since)
            .values(status=status, finished_at=now)
        )
        closed = int(getattr(result, "rowcount", 0) or 0)
        recorded = session.scalar(
            select(func.count()).select_from(CrawlRun)
            .where(CrawlRun.pid == pid, CrawlRun.started_at >= since)
        )
        if not recorded:
            session.add(CrawlRun(
                spider="crawl", sources=list(sources), started_at=since, finished_at=now,
                status=status, pages=0, items_stored=0, dropped={}, errors=1, per_source={}, pid=pid,
            ))
            closed += 1
        return closed


def close_abandoned_runs(db: Database, older_than: datetime) -> int:
    """'running' rows started before `older_than`: their process is long gone (a crash or a
    killed daemon); mark them 'abandoned' so status and catch-up read them as ended."""
    with db.session() as session:
        result = session.execute(
            update(CrawlRun).where(CrawlRun.status == "running", CrawlRun.started_at < older_than)
            .values(status="abandoned", finished_at=datetime.now(UTC))
        )
        return int(getattr(result, "rowcount", 0) or 0)


@dataclass(frozen=True)
class LastCrawl:
    """A source's latest crawl: the runs one crawl child recorded (feeds, then sites)."""

    started_at: datetime
    ended_at: datetime | None
    status: str  # running, finished, or the first other status among its runs
    pages: int | None
    new_articles: int
    errors: int


def last_crawl(db: Database, source_id: str) -> LastCrawl | None:
    runs = recent_runs_for_source(db, source_id, limit=4)
    if not runs:
        return None
    newest = runs[0]
    child = [r for r in runs if r.pid is not None and r.pid == newest.pid] or [newest]
    statuses = [r.status for r in child]
    status = ("running" if "running" in statuses
              else next((s for s in statuses if s != "finished"), "finished"))
    ended = None if status == "running" else max(r.finished_at or r.started_at for r in child)
    started = min(r.started_at for r in child)

    def figure(run: CrawlRun, name: str, whole: int) -> int | None:
        figures = (run.per_source or {}).get(source_id) or {}
        if name in figures:
            return int(figures[name])
        return whole if list(run.sources or []) == [source_id] else None  # a run of it alone

    pages = [figure(r, "pages", r.pages) for r in child]
    errors = [figure(r, "errors", r.errors) for r in child]
    return LastCrawl(
        started_at=started, ended_at=ended, status=status,
        pages=sum(p for p in pages if p is not None) if any(p is not None for p in pages) else None,
        new_articles=new_articles_between(db, source_id, started, ended or datetime.now(UTC)),
        errors=sum(e or 0 for e in errors),
    )


def prune_raw_pages(db: Database, older_than: datetime) -> int:
    """Delete fetched HTML kept past its retention; the extracted articles stay."""
    with db.session() as session:
        result = session.execute(delete(RawPage).where(RawPage.fetched_at < older_than))
        return int(getattr(result, "rowcount", 0) or 0)


def optimise_database(db: Database) -> None:
    """Refresh planner statistics and give back free space."""
    if db.dialect == "sqlite":
        with db.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA optimize")
            conn.exec_driver_sql("ANALYZE")
            free, total = (conn.exec_driver_sql(f"PRAGMA {p}").scalar() or 0
                           for p in ("freelist_count", "page_count"))
            # VACUUM rewrites the whole file; worth it only when much of it is free
            if total and free / total > 0.2:
                conn.exec_driver_sql("VACUUM")
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        return
    if db.dialect == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM (ANALYZE)")
        return
    logger.info("no optimisation known for %s", db.dialect)


def try_advisory_lock(conn: Connection, pid: int) -> bool:
    """Take the daemon's session-level advisory lock on this connection (PostgreSQL).

    The connection is labelled with our pid so a refused daemon can name the holder.
    """
    conn.execute(text("SELECT set_config('application_name', :name, false)"),
                 {"name": f"newsmon-daemon pid={pid}"})
    got = conn.execute(text("SELECT pg_try_advisory_lock(:ns, :key)"),
                       {"ns": ADVISORY_NAMESPACE, "key": ADVISORY_DAEMON_KEY}).scalar()
    conn.commit()
    return bool(got)


def advisory_lock_holder(conn: Connection) -> str | None:
    """The application_name of the session holding the daemon lock, if any."""
    row: Any = conn.execute(text(
        "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
        "WHERE l.locktype = 'advisory' AND l.classid = :ns AND l.objid = :key "
        "AND l.objsubid = 2 AND l.granted AND l.pid <> pg_backend_pid()"
    ), {"ns": ADVISORY_NAMESPACE, "key": ADVISORY_DAEMON_KEY}).first()
    conn.commit()
    return str(row[0]) if row else None


def digest_started_since(db: Database, moment: datetime) -> bool:
    """Whether a digest run began at or after `moment` (the daemon's catch-up check)."""
    with db.session() as session:
        count = session.scalar(
            select(func.count()).select_from(DigestRun).where(DigestRun.started_at >= moment)
        )
        return bool(count)


def new_articles_between(db: Database, source_id: str, start: datetime, end: datetime) -> int:
    """Articles of a source first seen within [start, end]: what one crawl added."""
    with db.session() as session:
        count = session.scalar(
            select(func.count()).select_from(Article).where(
                Article.source_id == source_id, Article.first_seen_at >= start,
                Article.first_seen_at <= end)
        )
        return int(count or 0)
