"""Reading stored articles for re-classification and writing new classification fields.

Used by `newsmon reclassify` after the taxonomy or the model changed. Articles are read in
id order, in batches, each batch in its own short session, so a long run never holds one
transaction open and a crash loses at most one batch.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from sqlalchemy import delete, insert, select, update

from storage.db import Database
from storage.models import Article, ArticleCategory


@dataclass(frozen=True)
class StoredText:
    id: int
    title: str | None
    text: str
    primary_category: str | None = None  # as stored before re-classification


@dataclass
class NewClassification:
    article_id: int
    categories: list[tuple[str, float]] = field(default_factory=list)
    primary_category: str | None = None
    relevance: float | None = None
    relevant: bool | None = None
    regions: list[str] = field(default_factory=list)
    organizations: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)


def iter_article_texts(
    db: Database, batch_size: int = 200, source_id: str | None = None
) -> Iterator[list[StoredText]]:
    """Batches of (id, title, text), ascending id (keyset paging: no OFFSET scans)."""
    last_id = 0
    while True:
        stmt = (
            select(Article.id, Article.title, Article.text, Article.primary_category)
            .where(Article.id > last_id)
            .order_by(Article.id)
            .limit(batch_size)
        )
        if source_id is not None:
            stmt = stmt.where(Article.source_id == source_id)
        with db.session() as session:
            rows = session.execute(stmt).all()
        if not rows:
            return
        yield [StoredText(int(r.id), r.title, r.text or "", r.primary_category) for r in rows]
        last_id = int(rows[-1].id)


def write_classifications(db: Database, results: Sequence[NewClassification]) -> int:
    """Overwrite the classification fields and category rows of these articles in one
    transaction; returns how many articles were updated."""
    if not results:
        return 0
    ids = [r.article_id for r in results]
    with db.session() as session:
        for r in results:
            session.execute(
                update(Article)
                .where(Article.id == r.article_id)
                .values(
                    primary_category=r.primary_category,
                    relevance=r.relevance,
                    relevant=r.relevant,
                    regions=r.regions,
                    organizations=r.organizations,
                    keywords=r.keywords,
                )
                .execution_options(synchronize_session=False)
            )
        session.execute(delete(ArticleCategory).where(ArticleCategory.article_id.in_(ids)))
        rows = [
            {"article_id": r.article_id, "category": name, "score": score}
            for r in results
            for name, score in dict(r.categories).items()  # one row per category
        ]
        if rows:
            session.execute(insert(ArticleCategory), rows)
    return len(results)
