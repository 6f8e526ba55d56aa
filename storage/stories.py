"""Stories: clusters of copies of one news story, and their representative."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Iterator
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from dedup import Copy, choose_representative
from storage.db import Database
from storage.models import Article, MinHashSignature, Story


def new_story_id() -> int:
    """Story ids are chosen by the crawler, not the database, so that a copy can join a
    story before the story's first article is stored (also across processes). 52 bits
    stay exact in JSON and JavaScript."""
    return secrets.randbits(52) or 1


def refresh_story(session: Session, story_id: int) -> None:
    """Recount a story and re-pick its representative: the earliest copy from the
    publisher that the copies' `origin` (来源) names, else the earliest published."""
    copies = list(session.scalars(select(Article).where(Article.story_id == story_id)))
    story = session.get(Story, story_id)
    if story is None or not copies:
        return
    chosen = choose_representative([
        Copy(article_id=c.id, published_at=c.published_at, fetched_at=c.fetched_at,
             source_name=c.source_id, site_name=c.site_name, origin=c.origin)
        for c in copies
    ])
    story.size = len(copies)
    story.representative_id = chosen.article_id
    dates = [c.published_at for c in copies if c.published_at]
    story.first_published_at = min(dates) if dates else None
    story.first_seen_at = min(c.first_seen_at for c in copies)
    session.execute(
        update(Article).where(Article.story_id == story_id)
        .values(is_representative=Article.id == chosen.article_id)
    )


def refresh_stories(session: Session, story_ids: Iterable[int]) -> None:
    for story_id in sorted(set(story_ids)):
        refresh_story(session, story_id)


def signature_rows(db: Database, since: datetime, batch_size: int = 20_000) -> Iterator[tuple[int, int, bytes]]:
    """(article_id, story_id, signature) of articles stored since `since`, for the index."""
    last_id = 0
    while True:
        with db.session() as session:
            rows = session.execute(
                select(MinHashSignature.article_id, MinHashSignature.story_id, MinHashSignature.signature)
                .where(MinHashSignature.created_at >= since, MinHashSignature.article_id > last_id)
                .order_by(MinHashSignature.article_id).limit(batch_size)
            ).all()
        if not rows:
            return
        for article_id, story_id, signature in rows:
            if story_id is not None:
                yield int(article_id), int(story_id), bytes(signature)
        last_id = rows[-1][0]


def prune_empty_stories(db: Database) -> int:
    """Stories left without articles (their articles were deleted)."""
    with db.session() as session:
        result = session.execute(
            delete(Story).where(
                ~Story.id.in_(select(Article.story_id).where(Article.story_id.is_not(None)))
            )
        )
        return int(getattr(result, "rowcount", 0) or 0)


def list_stories(db: Database, since: datetime | None = None, min_size: int = 1,
                 limit: int | None = None) -> list[tuple[Story, list[Article]]]:
    """Stories (newest first) with their copies, earliest published first."""
    stmt = select(Story).where(Story.size >= min_size).order_by(Story.first_seen_at.desc(), Story.id)
    if since is not None:
        stmt = stmt.where(Story.first_seen_at >= since)
    if limit:
        stmt = stmt.limit(limit)
    with db.session() as session:
        stories = list(session.scalars(stmt))
        ids = [s.id for s in stories]
        copies: dict[int, list[Article]] = {i: [] for i in ids}
        for start in range(0, len(ids), 500):
            for article in session.scalars(
                select(Article).where(Article.story_id.in_(ids[start:start + 500]))
            ):
                copies[article.story_id].append(article)  # type: ignore[index]
    def order(article: Article) -> tuple[bool, float, int]:
        return (not article.is_representative,
                article.published_at.timestamp() if article.published_at else float("inf"), article.id)

    return [(story, sorted(copies[story.id], key=order)) for story in stories]
