"""Stories: clusters of copies of one news story, and their representative."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from storage.db import Database
from storage.models import Article, Story


def refresh_story(session: Session, story_id: int) -> None:
    """Recount a story and re-pick its representative: the earliest-published copy,
    preferring the copy from the publisher that the copies' `origin` names."""
    copies = list(session.scalars(select(Article).where(Article.story_id == story_id)))
    story = session.get(Story, story_id)
    if story is None or not copies:
        return
    origins = {c.origin for c in copies if c.origin}

    def rank(article: Article) -> tuple[int, float, float, int]:
        from_origin = any(
            o and ((article.site_name and o in article.site_name) or o in (article.source_id or ""))
            for o in origins
        )
        published = article.published_at.timestamp() if article.published_at else float("inf")
        return (0 if from_origin else 1, published, article.fetched_at.timestamp(), article.id)

    representative = min(copies, key=rank)
    story.size = len(copies)
    story.representative_id = representative.id
    dates = [c.published_at for c in copies if c.published_at]
    story.first_published_at = min(dates) if dates else None
    session.execute(
        update(Article).where(Article.story_id == story_id)
        .values(is_representative=Article.id == representative.id)
    )


def open_story(db: Database) -> int:
    """A new, still empty story; the store stage fills it (empty ones are pruned)."""
    with db.session() as session:
        story = Story(first_seen_at=datetime.now(UTC), size=0)
        session.add(story)
        session.flush()
        return story.id


def prune_empty_stories(db: Database) -> int:
    """Stories whose only candidate article was dropped or never stored."""
    with db.session() as session:
        result = session.execute(
            delete(Story).where(
                Story.size == 0, ~Story.id.in_(select(Article.story_id).where(Article.story_id.is_not(None)))
            )
        )
        return int(getattr(result, "rowcount", 0) or 0)
