"""The items that flow through newsmon's pipelines.

A spider yields a :class:`PageItem` (what was fetched); the extract pipeline turns it into
an :class:`ArticleItem` that the later stages enrich and the store pipeline writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from crawler.extract import Extraction


@dataclass
class PageItem:
    """A fetched page that should hold one article."""

    source_id: str
    url: str
    canonical_url: str
    body: bytes
    fetched_at: datetime
    http_encoding: str | None = None
    content_type: str | None = None
    kind: str = "article"  # "article" or "document" (PDF/DOCX)
    feed_url: str | None = None
    feed_title: str | None = None
    feed_published_at: datetime | None = None


@dataclass
class CategoryScore:
    name: str
    score: float


RAW_HTML_ZLIB_LEVEL = 6  # the kept page: zlib's default trade of speed for size


@dataclass
class ArticleItem:
    """One article, from extraction to storage."""

    source_id: str
    url: str
    canonical_url: str
    fetched_at: datetime
    text: str
    title: str | None = None
    author: str | None = None
    published_at: datetime | None = None
    site_name: str | None = None
    language: str | None = None
    origin: str | None = None
    script: str | None = None  # "Hans" or "Hant"
    kind: str = "article"
    raw_html: bytes | None = None
    raw_html_zlib: bytes | None = None  # raw_html compressed already (by the extraction worker)
    encoding: str | None = None
    content_type: str | None = None
    # filled by the normalise stage
    text_normalized: str = ""
    content_hash: str = ""
    minhash: bytes | None = None
    # filled by the dedup stage
    story_id: int | None = None
    new_story: bool = False  # the dedup stage opened a new story for this article
    # filled by the classify stage
    categories: list[CategoryScore] = field(default_factory=list)
    primary_category: str | None = None
    relevance: float | None = None
    relevant: bool | None = None
    regions: list[str] = field(default_factory=list)
    organizations: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)


def article_from_extraction(extraction: Extraction, *, source_id: str, url: str, canonical_url: str,
                            fetched_at: datetime, **fields: Any) -> ArticleItem:
    """An article item from an extraction; `fields` set the item's other fields."""
    return ArticleItem(
        source_id=source_id,
        url=url,
        canonical_url=canonical_url,
        fetched_at=fetched_at,
        text=extraction.text,
        title=extraction.title,
        author=extraction.author,
        published_at=extraction.published_at,
        site_name=extraction.site_name,
        language=extraction.language,
        origin=extraction.origin,
        script=extraction.script,
        encoding=extraction.encoding,
        **fields,
    )
