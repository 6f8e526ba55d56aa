"""`newsmon import FILE.jsonl`: articles from other tools, through the crawl's own pipelines.

No page is fetched: each JSON line becomes an article item that goes through
normalise → dedup → classify → store exactly like a crawled one.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import scrapy

from crawler.items import ArticleItem
from crawler.urls import canonical_url

logger = logging.getLogger(__name__)


class ImportLineError(ValueError):
    pass


def _parse_time(value: Any, field: str) -> datetime | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise ImportLineError(f"{field} must be an ISO 8601 string")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ImportLineError(f"{field}: {exc}") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def item_from_json(record: Any, default_source: str) -> ArticleItem:
    """One imported record (our own jsonl, or news-please's JSON) → an article item."""
    if not isinstance(record, dict):
        raise ImportLineError("a line must be a JSON object")
    url = record.get("url")
    text = record.get("text") or record.get("maintext")
    title = record.get("title")
    missing = [name for name, value in (("url", url), ("title", title), ("text", text)) if not value]
    if missing:
        raise ImportLineError(f"missing field(s): {', '.join(missing)}")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise ImportLineError(f"url must be an http(s) URL, got {url!r}")
    authors = record.get("author") or record.get("authors")
    if isinstance(authors, list):
        authors = "、".join(str(a) for a in authors if a)
    html = record.get("html")
    return ArticleItem(
        source_id=str(record.get("source") or record.get("source_domain") or default_source),
        url=url,
        canonical_url=canonical_url(url),
        fetched_at=_parse_time(record.get("fetched_at") or record.get("date_download"), "fetched_at")
        or datetime.now(UTC),
        text=str(text),
        title=str(title),
        author=str(authors) if authors else None,
        published_at=_parse_time(record.get("published_at") or record.get("date_publish"), "published_at"),
        language=record.get("language"),
        origin=record.get("origin"),
        raw_html=html.encode("utf-8") if isinstance(html, str) else None,
    )


class ImportSpider(scrapy.Spider):
    name = "import"
    custom_settings = {"ROBOTSTXT_OBEY": False}  # noqa: RUF012 - Scrapy's own attribute

    def __init__(self, path: str = "", source: str = "import", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.path = Path(path)
        self.default_source = source
        self.bad_lines: list[tuple[int, str]] = []

    async def start(self) -> AsyncIterator[Any]:
        with self.path.open(encoding="utf-8", errors="replace") as lines:
            for number, line in enumerate(lines, start=1):
                if not line.strip():
                    continue
                try:
                    yield item_from_json(json.loads(line), self.default_source)
                except (json.JSONDecodeError, ImportLineError) as exc:
                    self.bad_lines.append((number, str(exc)))
                    self.crawler.stats.inc_value("newsmon/dropped/bad_import_line")
                    logger.warning("%s:%d: skipped: %s", self.path, number, exc)
