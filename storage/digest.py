"""What the daily digest reads and writes: new stories in a time window, and digest runs.

A story belongs to the digest whose window saw its *first* copy, so a story that keeps
collecting reprints over several days appears once, not every morning.
"""

from __future__ import annotations

import zlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, or_, select, text
from sqlalchemy.orm import Session

from storage.db import Database
from storage.models import Article, DigestRun


@dataclass(frozen=True)
class StoryCopy:
    """One stored copy of a story, without its text."""

    article_id: int
    source_id: str
    site_name: str | None
    title: str | None
    url: str
    published_at: datetime | None
    first_seen_at: datetime
    primary_category: str | None
    is_representative: bool


@dataclass(frozen=True)
class NewStory:
    """A story first seen in the window: the copy to show, its text, and every copy."""

    story_id: int | None  # None for an article stored without a story
    representative: StoryCopy
    text: str
    copies: tuple[StoryCopy, ...]


_COPY_COLUMNS = (
    Article.id, Article.source_id, Article.site_name, Article.title, Article.url,
    Article.published_at, Article.first_seen_at, Article.primary_category,
    Article.is_representative,
)


def _copy(row: tuple[object, ...]) -> StoryCopy:
    return StoryCopy(*row)  # type: ignore[arg-type]


def _not_off_topic() -> ColumnElement[bool]:
    # unclassified articles (relevant IS NULL) stay in; only a "not welfare news" verdict drops
    return or_(Article.relevant.is_(None), Article.relevant.is_(True))


def new_stories(db: Database, start: datetime, end: datetime) -> list[NewStory]:
    """Stories whose earliest copy was first seen in [start, end), with all their copies."""
    in_window = (Article.first_seen_at >= start) & (Article.first_seen_at < end)
    with db.session() as session:
        candidate_ids: set[int] = set(
            session.scalars(
                select(Article.story_id).where(in_window, Article.story_id.is_not(None)).distinct()
            )
        )
        seen_before: set[int] = set()
        ids = sorted(candidate_ids)
        for chunk in _chunks(ids):
            seen_before.update(
                session.scalars(
                    select(Article.story_id)
                    .where(Article.story_id.in_(chunk), Article.first_seen_at < start)
                    .distinct()
                )
            )
        story_ids = [i for i in ids if i not in seen_before]
        copies: dict[int | None, list[StoryCopy]] = defaultdict(list)
        for chunk in _chunks(story_ids):
            rows = session.execute(
                select(Article.story_id, *_COPY_COLUMNS)
                .where(Article.story_id.in_(chunk), _not_off_topic())
                .order_by(Article.id)
            )
            for story_id, *columns in rows:
                copies[story_id].append(_copy(tuple(columns)))
        loose = session.execute(
            select(*_COPY_COLUMNS).where(in_window, Article.story_id.is_(None), _not_off_topic())
        )
        stories = [
            (story_id, _pick_representative(group), tuple(group))
            for story_id, group in copies.items()
        ]
        stories += [(None, copy, (copy,)) for copy in map(_copy, (tuple(r) for r in loose))]
        texts = _texts(session, [rep.article_id for _, rep, _ in stories])
    return [NewStory(sid, rep, texts.get(rep.article_id, ""), group) for sid, rep, group in stories]


def _pick_representative(copies: list[StoryCopy]) -> StoryCopy:
    flagged = [c for c in copies if c.is_representative]
    return flagged[0] if flagged else min(copies, key=lambda c: (c.first_seen_at, c.article_id))


def _texts(session: Session, article_ids: list[int]) -> dict[int, str]:
    texts: dict[int, str] = {}
    for chunk in _chunks(article_ids):
        rows = session.execute(select(Article.id, Article.text).where(Article.id.in_(chunk)))
        texts.update((article_id, text) for article_id, text in rows)
    return texts


def _chunks(values: list[int], size: int = 500) -> list[list[int]]:
    return [values[i : i + size] for i in range(0, len(values), size)]


# --- digest runs -------------------------------------------------------------------------

@dataclass(frozen=True)
class DigestClaim:
    """The outcome of asking to send the digest of one date.

    `run_id` is set when this process may send (the run is now 'sending'); otherwise
    `skipped` says why not and `run_id` is None.
    """

    run_id: int | None
    message_id: str | None
    skipped: str | None = None
    resumed: bool = False  # a crashed 'sending' run taken over; its Message-ID is reused


def _lock_digest_runs(session: Session) -> None:
    """Serialise claims across processes, so two senders cannot both see 'not sent yet'."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": zlib.crc32(b"newsmon.digest")})
    elif dialect == "sqlite":
        # a write statement takes SQLite's write lock for the rest of the transaction
        session.execute(text("UPDATE digest_runs SET id = id WHERE 0"))


def claim_digest_run(
    db: Database,
    digest_date: str,
    *,
    message_id: str,
    recipients: list[str],
    article_count: int,
    now: datetime,
    force: bool = False,
    stale_after: timedelta = timedelta(minutes=10),
) -> DigestClaim:
    """Record that the digest of `digest_date` is being sent, unless it need not be.

    Sent already → skipped (unless `force`). Being sent by a live process (a 'sending' run
    younger than `stale_after`) → skipped. A 'sending' run older than that was left by a
    crashed process and is taken over, keeping its Message-ID so a resend is recognisable.
    """
    with db.session() as session:
        _lock_digest_runs(session)
        latest = session.scalars(
            select(DigestRun).where(DigestRun.digest_date == digest_date)
            .order_by(DigestRun.id.desc()).limit(1)
        ).first()
        if latest is not None and latest.status == "sending":
            if now - latest.started_at < stale_after:
                return DigestClaim(None, latest.message_id, skipped=(
                    f"the digest of {digest_date} is being sent by another process "
                    f"(since {latest.started_at:%Y-%m-%d %H:%M} UTC)"))
            latest.started_at, latest.recipients = now, recipients
            latest.article_count = article_count
            latest.message_id = latest.message_id or message_id
            return DigestClaim(latest.id, latest.message_id, resumed=True)
        if latest is not None and latest.status == "sent" and not force:
            return DigestClaim(None, latest.message_id, skipped=(
                f"the digest of {digest_date} was already sent "
                f"({latest.finished_at or latest.started_at:%Y-%m-%d %H:%M} UTC); use --force to resend"))
        # a failed attempt may have reached some recipients: reuse its Message-ID
        reuse = latest.message_id if latest is not None and latest.status == "failed" else None
        run = DigestRun(
            digest_date=digest_date, status="sending", started_at=now, recipients=recipients,
            article_count=article_count, message_id=reuse or message_id,
        )
        session.add(run)
        session.flush()
        return DigestClaim(run.id, run.message_id)


def finish_digest_run(
    db: Database, run_id: int, *, status: str, finished_at: datetime, error: str | None = None
) -> None:
    with db.session() as session:
        run = session.get(DigestRun, run_id)
        if run is not None:
            run.status, run.finished_at, run.error = status, finished_at, error


def digest_runs(db: Database, digest_date: str | None = None, limit: int = 20) -> list[DigestRun]:
    """Recent digest runs, newest first (optionally of one date)."""
    stmt = select(DigestRun).order_by(DigestRun.id.desc()).limit(limit)
    if digest_date:
        stmt = stmt.where(DigestRun.digest_date == digest_date)
    with db.session() as session:
        return list(session.scalars(stmt))
