"""Feed bodies (RSS 0.9x/1.0/2.0, Atom, RDF) → article links, with feedparser."""

from __future__ import annotations

import calendar
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urljoin, urlsplit

import feedparser

logger = logging.getLogger(__name__)

# A feed date further ahead than this is a server's clock or template error, not news from
# the future: the date is dropped (the page's own date is used), never clamped to now,
# which would make a stale entry look fresh in the digest.
FUTURE_TOLERANCE = timedelta(days=1)


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
    capped: int = 0  # entries beyond max_entries, not read
    duplicates: int = 0  # entries whose link or GUID an earlier entry had
    future_dates: int = 0  # dates more than FUTURE_TOLERANCE ahead, dropped


def _entry_time(entry: feedparser.FeedParserDict) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(key)
        if parsed:
            try:
                return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
            except (OverflowError, ValueError, TypeError):
                continue
    return None


_ENTRY_END = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?(?:item|entry)\s*>")
_CLOSERS = ((b"<rss", b"</channel></rss>"), (b"<feed", b"</feed>"), (b"RDF", b"</rdf:RDF>"))


def cap_entries(body: bytes, max_entries: int) -> tuple[bytes, int]:
    """The body cut after its `max_entries`-th entry, and how many entries were cut.

    feedparser's cost grows with the whole document (a 50,000-entry feed takes many
    seconds of CPU), so entries beyond the cap are removed before parsing, not after.
    """
    ends = _ENTRY_END.finditer(body)
    cut_at = None
    total = 0
    for total, match in enumerate(ends, start=1):
        if total == max_entries:
            cut_at = match.end()
    if cut_at is None or total <= max_entries:
        return body, 0
    head = body[:2048]
    closer = next((c for marker, c in _CLOSERS if marker in head), b"")
    return body[:cut_at] + closer, total - max_entries


def parse_feed(body: bytes, url: str, content_type: str | None = None, *, max_entries: int = 5000,
               now: datetime | None = None) -> ParsedFeed:
    """Parse a feed that Scrapy already downloaded (no second fetch).

    Always bytes: feedparser given a str opens it as a local path. Its doctype handling
    drops every entity declaration that is not a plain literal, so external entities and
    entity-expansion bombs are inert. Ill-formed feeds are used as far as feedparser
    recovers them; links are resolved against the feed URL and only http(s) links are kept.
    """
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    body, capped = cap_entries(bytes(body), max_entries)
    parsed = feedparser.parse(body, response_headers=headers, resolve_relative_uris=True,
                              sanitize_html=False)
    latest = (now or datetime.now(UTC)) + FUTURE_TOLERANCE
    entries: list[FeedEntry] = []
    skipped = duplicates = future = 0
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
        if urlsplit(link).scheme not in ("http", "https"):
            skipped += 1
            continue
        guid = entry.get("id") or None
        if link in seen or (guid and f"guid:{guid}" in seen):
            duplicates += 1
            continue
        seen.add(link)
        if guid:
            seen.add(f"guid:{guid}")
        published_at = _entry_time(entry)
        if published_at is not None and published_at > latest:
            future += 1
            published_at = None
        entries.append(FeedEntry(link=link, title=entry.get("title"), published_at=published_at,
                                 guid=guid))
    capped += max(0, len(parsed.entries) - max_entries)
    reason = str(parsed.get("bozo_exception")) if parsed.get("bozo") else None
    is_feed = bool(parsed.get("version")) or bool(parsed.entries)
    return ParsedFeed(entries, bool(parsed.get("bozo")), reason, skipped + duplicates + capped,
                      is_feed, capped=capped, duplicates=duplicates, future_dates=future)
