"""What both spiders share: source selection, per-source caps, article requests."""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import threads

from crawler.feeds import parse_feed
from crawler.guard import resolver_refusal
from crawler.items import PageItem
from crawler.resources import crawl_registry
from crawler.signals import request_finished
from crawler.sources import Source
from crawler.urls import canonical_url, is_document_url

logger = logging.getLogger(__name__)

# Article pages go before list pages: a list page yields dozens of articles, and fetching
# them before the next list page keeps the pending queue to a few list pages' worth instead
# of the whole site (a 100,000-page site would otherwise sit in memory as requests).
ARTICLE_PRIORITY = 10

# (text in Scrapy's IgnoreRequest message, the stat it is counted under)
_IGNORE_REASONS = (
    ("exceeded DOWNLOAD_MAXSIZE", "too_large"),
    ("max redirections", "redirect_limit"),
)


def charset_from_content_type(content_type: str | None) -> str | None:
    match = re.search(r"charset=[\"']?([A-Za-z0-9_\-.:]+)", content_type or "", re.IGNORECASE)
    return match.group(1) if match else None


def _split_ids(value: str | Iterable[str] | None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return [v for v in value if v]


class NewsSpider(scrapy.Spider):
    """Base spider: `-a sources=ID[,ID…]` selects sources (default: all enabled)."""

    def __init__(self, sources: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.source_ids = _split_ids(sources)
        self.sources: list[Source] = []
        self.requested_per_source: Counter[str] = Counter()

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> NewsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.sources = crawl_registry(crawler).select(spider.source_ids)
        return spider

    def source(self, source_id: str) -> Source:
        for source in self.sources:
            if source.id == source_id:
                return source
        raise KeyError(source_id)

    def article_request(self, url: str, source: Source, **meta: Any) -> scrapy.Request | None:
        """A request for an article page, unless the source's page cap is reached."""
        if self.requested_per_source[source.id] >= source.max_pages:
            self.crawler.stats.inc_value(f"newsmon/capped/{source.id}")
            return None
        self.requested_per_source[source.id] += 1
        kind = "document" if is_document_url(url) else "article"
        return scrapy.Request(
            canonical_url(url),
            callback=self.parse_article,
            errback=self.on_error,
            priority=ARTICLE_PRIORITY,
            meta={"source_id": source.id, "kind": kind, **meta},
        )

    def feed_start_requests(self, source: Source) -> list[scrapy.Request]:
        return [self.feed_request(feed_url, source.id) for feed_url in source.feeds]

    def feed_request(self, feed_url: str, source_id: str) -> scrapy.Request:
        return scrapy.Request(
            feed_url,
            callback=self.parse_feed,
            errback=self.on_error,
            dont_filter=True,
            meta={"source_id": source_id, "feed_url": feed_url, "conditional_get": True,
                  "handle_httpstatus_list": [304]},
        )

    async def parse_feed(self, response: Response) -> AsyncIterator[Any]:
        stats = self.crawler.stats
        source = self.source(response.meta["source_id"])
        if response.status == 304:
            stats.inc_value("newsmon/feeds/not_modified")
            return
        content_type = (response.headers.get("Content-Type") or b"").decode("latin-1") or None
        # feedparser is CPU work; a 50,000-entry feed must not stall the reactor
        parsed = await maybe_deferred_to_future(
            threads.deferToThread(parse_feed, response.body, response.url, content_type,
                                  max_entries=self.settings.getint("NEWSMON_FEED_MAX_ENTRIES", 5000))
        )
        stats.inc_value("newsmon/feeds/parsed")
        if parsed.bozo:
            stats.inc_value("newsmon/feeds/bozo")
            logger.info("ill-formed feed %s (recovered %d entries): %s",
                        response.url, len(parsed.entries), parsed.bozo_reason)
        if not parsed.is_feed:
            stats.inc_value("newsmon/feeds/not_a_feed")
            logger.warning("not a feed: %s", response.url)
            return
        if parsed.skipped_links:
            stats.inc_value("newsmon/feeds/skipped_entries", parsed.skipped_links)
        for name, count in (("capped_entries", parsed.capped), ("duplicate_entries", parsed.duplicates),
                            ("future_dates", parsed.future_dates)):
            if count:
                stats.inc_value(f"newsmon/feeds/{name}", count)
                logger.info("feed %s: %d %s", response.url, count, name.replace("_", " "))
        for entry in parsed.entries:
            request = self.article_request(
                entry.link, source, feed_url=response.url, feed_title=entry.title,
                feed_published_at=entry.published_at,
            )
            if request is not None:
                yield request

    def parse_article(self, response: Response) -> Iterable[PageItem]:
        content_type = (response.headers.get("Content-Type") or b"").decode("latin-1") or None
        http_encoding = charset_from_content_type(content_type)
        yield PageItem(
            source_id=response.meta["source_id"],
            url=response.url,
            canonical_url=canonical_url(response.url),
            body=response.body,
            fetched_at=datetime.now(UTC),
            http_encoding=http_encoding,
            content_type=content_type,
            kind=response.meta.get("kind", "article"),
            feed_url=response.meta.get("feed_url"),
            feed_title=response.meta.get("feed_title"),
            feed_published_at=response.meta.get("feed_published_at"),
        )

    def on_error(self, failure: Any) -> None:
        request = failure.request
        self.crawler.signals.send_catch_log(request_finished, request=request)
        message = failure.getErrorMessage()
        if failure.check(IgnoreRequest):
            # a deliberate skip: already stored, robots.txt and the address guard count
            # where they decide; Scrapy's own limits are counted here
            for marker, reason in _IGNORE_REASONS:
                if marker in message:
                    self.crawler.stats.inc_value(f"newsmon/skipped/{reason}")
            return
        refusal = resolver_refusal(urlsplit(request.url).hostname or "")
        if refusal is not None:
            self.crawler.stats.inc_value("newsmon/refused/resolved_address")
            logger.warning("refused %s: %s", request.url, refusal)
            return
        if "larger than download max size" in message:
            self.crawler.stats.inc_value("newsmon/skipped/too_large")
        self.crawler.stats.inc_value("newsmon/errors/download")
        source_id = request.meta.get("source_id", "?")
        self.crawler.stats.inc_value(f"newsmon/source/{source_id}/errors")
        logger.warning("download failed: %s (%s): %s", request.url, source_id, failure.getErrorMessage())
