"""Writing and reading articles: batched idempotent upserts and the CLI's queries."""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from crawler.items import RAW_HTML_ZLIB_LEVEL, ArticleItem
from storage.db import Database
from storage.models import Article, ArticleCategory, MinHashSignature, RawPage, Story
from storage.stories import new_story_id, refresh_stories


@dataclass
class StoreResult:
    inserted: list[int]
    already_stored: int


def _insert(session: Session, model: Any) -> Any:
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)


def _article_row(item: ArticleItem, now: datetime) -> dict[str, Any]:
    return {
        "canonical_url": item.canonical_url,
        "url": item.url,
        "source_id": item.source_id,
        "kind": item.kind,
        "title": item.title,
        "author": item.author,
        "origin": item.origin,
        "site_name": item.site_name,
        "language": item.language,
        "script": item.script,
        "published_at": item.published_at,
        "fetched_at": item.fetched_at,
        "first_seen_at": now,
        "text": item.text,
        "text_normalized": item.text_normalized,
        "content_hash": item.content_hash,
        "story_id": item.story_id,
        # the only copy so far; the store re-picks when a story gains another
        "is_representative": True,
        "primary_category": item.primary_category,
        "relevance": item.relevance,
        "relevant": item.relevant,
        "regions": item.regions,
        "organizations": item.organizations,
        "keywords": item.keywords,
    }


def store_articles(db: Database, items: Sequence[ArticleItem]) -> StoreResult:
    """Insert a batch in one transaction; a canonical URL already stored is skipped.

    Idempotent under races: the unique canonical URL plus ON CONFLICT DO NOTHING means
    two crawls storing the same page end with one row.
    """
    if not items:
        return StoreResult([], 0)
    now = datetime.now(UTC)
    unique: dict[str, ArticleItem] = {}
    for item in items:
        unique.setdefault(item.canonical_url, item)
    with db.session() as session:
        stmt = (
            _insert(session, Article)
            .on_conflict_do_nothing(index_elements=["canonical_url"])
            .returning(Article.id, Article.canonical_url)
        )
        rows = session.execute(stmt, [_article_row(i, now) for i in unique.values()]).all()
        inserted = {url: article_id for article_id, url in rows}
        category_rows, raw_rows, signature_rows = [], [], []
        story_rows: dict[int, dict[str, Any]] = {}
        for url, article_id in inserted.items():
            item = unique[url]
            if item.story_id is None:  # stored without the dedup stage (tests, tools)
                item.story_id, item.new_story = new_story_id(), True
                session.execute(
                    update(Article).where(Article.id == article_id).values(story_id=item.story_id)
                )
            # a copy can reach the store before the copy that opened its story (batches
            # and stages finish out of order): whichever comes first creates the row
            story_rows.setdefault(item.story_id, {
                "id": item.story_id, "representative_id": article_id, "size": 1,
                "first_published_at": item.published_at, "first_seen_at": now})
            category_rows += [
                {"article_id": article_id, "category": c.name, "score": c.score}
                for c in item.categories
            ]
            body_zlib = item.raw_html_zlib
            if body_zlib is None and item.raw_html is not None:
                body_zlib = zlib.compress(item.raw_html, RAW_HTML_ZLIB_LEVEL)
            if body_zlib is not None:
                raw_rows.append(
                    {
                        "canonical_url": url,
                        "url": item.url,
                        "source_id": item.source_id,
                        "fetched_at": item.fetched_at,
                        "encoding": item.encoding,
                        "content_type": item.content_type,
                        "body_zlib": body_zlib,
                    }
                )
            if item.minhash is not None:
                signature_rows.append(
                    {"article_id": article_id, "story_id": item.story_id,
                     "signature": item.minhash, "created_at": now}
                )
        if category_rows:
            session.execute(_insert(session, ArticleCategory).on_conflict_do_nothing(), category_rows)
        if raw_rows:
            session.execute(
                _insert(session, RawPage).on_conflict_do_nothing(index_elements=["canonical_url"]),
                raw_rows,
            )
        if signature_rows:
            session.execute(_insert(session, MinHashSignature).on_conflict_do_nothing(), signature_rows)
        if story_rows:
            session.execute(
                _insert(session, Story).on_conflict_do_nothing(index_elements=["id"]),
                list(story_rows.values()),
            )
            session.flush()
            # stories that now hold more than one copy get their size and representative
            # recomputed; a story with one copy is right as inserted
            counts = session.execute(
                select(Article.story_id, func.count()).where(Article.story_id.in_(list(story_rows)))
                .group_by(Article.story_id)
            ).all()
            refresh_stories(session, [story_id for story_id, count in counts if story_id and count > 1])
    return StoreResult(list(inserted.values()), len(items) - len(inserted))


def stored_canonical_urls(db: Database, urls: Iterable[str]) -> set[str]:
    wanted = list(dict.fromkeys(urls))
    found: set[str] = set()
    with db.session() as session:
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            found.update(
                session.scalars(select(Article.canonical_url).where(Article.canonical_url.in_(chunk)))
            )
    return found


@dataclass(frozen=True)
class HashMatch:
    article_id: int
    source_id: str
    story_id: int | None


def find_by_content_hash(db: Database, hashes: Iterable[str]) -> dict[str, HashMatch]:
    wanted = list(dict.fromkeys(h for h in hashes if h))
    found: dict[str, HashMatch] = {}
    with db.session() as session:
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            rows = session.execute(
                select(Article.content_hash, Article.id, Article.source_id, Article.story_id)
                .where(Article.content_hash.in_(chunk))
                .order_by(Article.id)
            )
            for content_hash, article_id, source_id, story_id in rows:
                found.setdefault(content_hash, HashMatch(article_id, source_id, story_id))
    return found


@dataclass
class ArticleQuery:
    since: datetime | None = None
    source: str | None = None
    category: str | None = None
    region: str | None = None
    organization: str | None = None
    limit: int | None = None


def _article_select(query: ArticleQuery) -> Select[Any]:
    stmt = select(Article).order_by(Article.first_seen_at.desc(), Article.id.desc())
    if query.since:
        stmt = stmt.where(func.coalesce(Article.published_at, Article.first_seen_at) >= query.since)
    if query.source:
        stmt = stmt.where(Article.source_id == query.source)
    if query.category:
        stmt = stmt.where(
            Article.id.in_(
                select(ArticleCategory.article_id).where(ArticleCategory.category == query.category)
            )
        )
    return stmt


def list_articles(db: Database, query: ArticleQuery) -> list[Article]:
    stmt = _article_select(query)
    # regions/organisations are JSON lists; filtering them in Python keeps one query
    # that works the same on SQLite and PostgreSQL.
    needs_python_filter = bool(query.region or query.organization)
    if query.limit and not needs_python_filter:
        stmt = stmt.limit(query.limit)
    with db.session() as session:
        articles: list[Article] = list(session.scalars(stmt))
    if needs_python_filter:
        articles = [
            a for a in articles
            if (not query.region or query.region in (a.regions or []))
            and (not query.organization or query.organization in (a.organizations or []))
        ]
        if query.limit:
            articles = articles[: query.limit]
    return articles


def count_articles(db: Database) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(Article)) or 0)


def iter_raw_pages(db: Database, batch_size: int = 200) -> Iterable[tuple[RawPage, bytes]]:
    """Raw pages with their decompressed bodies, for re-extraction."""
    last_id = 0
    while True:
        with db.session() as session:
            pages = list(
                session.scalars(
                    select(RawPage).where(RawPage.id > last_id).order_by(RawPage.id).limit(batch_size)
                )
            )
        if not pages:
            return
        for page in pages:
            yield page, zlib.decompress(page.body_zlib)
        last_id = pages[-1].id


def update_article_from_item(db: Database, item: ArticleItem) -> bool:
    """Overwrite an article's extracted fields (reprocess); False if it is not stored."""
    with db.session() as session:
        article = session.scalar(select(Article).where(Article.canonical_url == item.canonical_url))
        if article is None:
            return False
        for name in ("title", "author", "origin", "site_name", "language", "script", "published_at",
                     "text", "text_normalized", "content_hash", "primary_category", "relevance",
                     "relevant", "regions", "organizations", "keywords"):
            setattr(article, name, getattr(item, name))
        article.categories = [
            ArticleCategory(category=c.name, score=c.score) for c in item.categories
        ]
    return True
