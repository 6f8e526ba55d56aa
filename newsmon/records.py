"""The JSON shape of an article, shared by `articles --format jsonl` and `extract --json`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from crawler.items import ArticleItem
from storage.models import Article


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def article_record(article: Article) -> dict[str, Any]:
    categories = sorted(article.categories, key=lambda c: -c.score)
    return {
        "id": article.id,
        "url": article.url,
        "canonical_url": article.canonical_url,
        "source": article.source_id,
        "kind": article.kind,
        "title": article.title,
        "author": article.author,
        "origin": article.origin,
        "site_name": article.site_name,
        "published_at": _iso(article.published_at),
        "fetched_at": _iso(article.fetched_at),
        "first_seen_at": _iso(article.first_seen_at),
        "language": article.language,
        "script": article.script,
        "text": article.text,
        "categories": [{"name": c.category, "score": round(c.score, 4)} for c in categories],
        "primary_category": article.primary_category,
        "relevance": article.relevance,
        "relevant": article.relevant,
        "regions": article.regions or [],
        "organizations": article.organizations or [],
        "keywords": article.keywords or [],
        "story_id": article.story_id,
        "is_representative": article.is_representative,
    }


def item_record(item: ArticleItem) -> dict[str, Any]:
    return {
        "url": item.url,
        "canonical_url": item.canonical_url,
        "source": item.source_id,
        "kind": item.kind,
        "title": item.title,
        "author": item.author,
        "origin": item.origin,
        "site_name": item.site_name,
        "published_at": _iso(item.published_at),
        "fetched_at": _iso(item.fetched_at),
        "language": item.language,
        "script": item.script,
        "text": item.text,
        "text_normalized": item.text_normalized,
        "categories": [{"name": c.name, "score": round(c.score, 4)} for c in item.categories],
        "primary_category": item.primary_category,
        "relevance": item.relevance,
        "relevant": item.relevant,
        "regions": item.regions,
        "organizations": item.organizations,
        "keywords": item.keywords,
    }
