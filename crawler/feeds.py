"""Feed bodies (RSS 0.9x/1.0/2.0, Atom, RDF) → article links, with feedparser."""

from __future__ import annotations

import calendar
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import feedparser

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FeedEntry:
    link: str
    title: str | None
    published_at: datetime | None
    guid: str | None


@dataclass
class ParsedFeed:
    entries: list[FeedEntry]
    bozo: bool
    bozo_reason: str | None
    skipped_links: int
    is_feed: bool


def _entry_time(entry: feedparser.FeedParserDict) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(key)
        if parsed:
            try:
                return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
            except (OverflowError, ValueError, TypeError):
                continue
    return None


def parse_feed(body: bytes, url: str, content_type: str | None = None, *, max_entries: int = 5000) -> ParsedFeed:
    """Parse a feed that Scrapy already downloaded (no second fetch).

    Ill-formed feeds are used as far as feedparser recovers them; links are resolved
    against the feed URL and only http(s) links are kept.
    """
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    parsed = feedparser.parse(body, response_headers=headers, resolve_relative_uris=True,
                              sanitize_html=False)
    entries: list[FeedEntry] = []
    skipped = 0
    seen: set[str] = set()
    for entry in parsed.entries[:max_entries]:
        raw_link = entry.get("link") or next(
            (link.get("href") for link in entry.get("links", []) if link.get("href")), None
        )
        if not raw_link and str(entry.get("id", "")).startswith(("http://", "https://")):
            raw_link = entry.get("id")
        if not raw_link:
            skipped += 1
            continue
        link = urljoin(url, str(raw_link).strip())
        if urlsplit(link).scheme not in ("http", "https") or link in seen:
            skipped += 1
            continue
        seen.add(link)
        entries.append(
            FeedEntry(link=link, title=entry.get("title"), published_at=_entry_time(entry),
                      guid=entry.get("id"))
        )
    skipped += max(0, len(parsed.entries) - max_entries)
    reason = str(parsed.get("bozo_exception")) if parsed.get("bozo") else None
    is_feed = bool(parsed.get("version")) or bool(parsed.entries)
    return ParsedFeed(entries, bool(parsed.get("bozo")), reason, skipped, is_feed)
