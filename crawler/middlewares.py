"""Downloader middlewares: skip stored articles, conditional GET for feeds, Retry-After,
robots.txt with RFC 9309's rule for an unreachable one."""

from __future__ import annotations

import logging
import time
from email.utils import parsedate_to_datetime
from typing import Any

from cachetools import LRUCache
from scrapy import Request, Spider, signals
from scrapy.downloadermiddlewares import robotstxt as scrapy_robotstxt
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.misc import build_from_crawler
from twisted.internet import task, threads
from twisted.internet.defer import Deferred

from crawler.resources import crawl_database
from crawler.urls import canonical_url
from storage.runs import FeedValidators, load_feed_state, save_feed_state

logger = logging.getLogger(__name__)


class StoredArticleFilter:
    """Never request an article page whose canonical URL is already stored.

    The check runs against the database in a thread, so a large store costs no memory
    and the reactor never waits on SQL. Requests that arrive together (a list page yields
    dozens) share one query; the latest answers are remembered (a bounded cache, so a long
    crawl does not grow), older ones are asked again.
    """

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.checked: LRUCache[str, bool] = LRUCache(
            crawler.settings.getint("NEWSMON_RECENT_CACHE_SIZE", 5_000))
        self.waiting: dict[str, list[Deferred[bool]]] = {}
        self.flush_scheduled = False

    @classmethod
    def from_crawler(cls, crawler: Any) -> StoredArticleFilter:
        return cls(crawler)

    async def process_request(self, request: Request, spider: Spider | None = None) -> None:
        if request.meta.get("kind") not in ("article", "document"):
            return None
        url = canonical_url(request.url)
        stored = self.checked.get(url)
        if stored is None:
            stored = await maybe_deferred_to_future(self._lookup(url))
        if stored:
            self.crawler.stats.inc_value("newsmon/skipped/already_stored")
            raise IgnoreRequest(f"already stored: {url}")
        return None

    def _lookup(self, url: str) -> Deferred[bool]:
        answer: Deferred[bool] = Deferred()
        self.waiting.setdefault(url, []).append(answer)
        if not self.flush_scheduled:
            from twisted.internet import reactor as installed

            clock: Any = installed
            self.flush_scheduled = True
            # every request of this reactor turn joins the batch
            clock.callLater(0, self._flush)
        return answer

    def _flush(self) -> None:
        from storage.articles import stored_canonical_urls

        self.flush_scheduled = False
        batch, self.waiting = self.waiting, {}
        found = threads.deferToThread(stored_canonical_urls, crawl_database(self.crawler), list(batch))

        def answer(stored: set[str]) -> None:
            for url, waiting in batch.items():
                self.checked[url] = url in stored
                for deferred in waiting:
                    deferred.callback(url in stored)

        def failed(failure: Any) -> None:
            # the database is away: fetch anyway (storing is idempotent, and the store
            # spools while the database is down); not remembered, so asked again later
            self.crawler.stats.inc_value("newsmon/errors/stored_check", len(batch))
            logger.warning("could not check whether %d URLs are stored: %s", len(batch),
                           failure.getErrorMessage())
            for waiting in batch.values():
                for deferred in waiting:
                    deferred.callback(False)

        found.addCallbacks(answer, failed)


class ConditionalGetMiddleware:
    """ETag / Last-Modified remembered per feed URL, so unchanged feeds cost a 304."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.known: dict[str, FeedValidators] = {}
        self.updates: dict[str, tuple[FeedValidators, int]] = {}

    @classmethod
    def from_crawler(cls, crawler: Any) -> ConditionalGetMiddleware:
        middleware = cls(crawler)
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def spider_opened(self, spider: Spider) -> None:
        feeds = [f for s in getattr(spider, "sources", []) for f in s.feeds]
        self.known = load_feed_state(crawl_database(self.crawler), feeds)

    def spider_closed(self, spider: Spider) -> None:
        save_feed_state(crawl_database(self.crawler), self.updates)

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        if not request.meta.get("conditional_get"):
            return None
        validators = self.known.get(request.meta.get("feed_url") or request.url)
        if validators:
            if validators.etag:
                request.headers.setdefault("If-None-Match", validators.etag)
            if validators.last_modified:
                request.headers.setdefault("If-Modified-Since", validators.last_modified)
        return None

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        if request.meta.get("conditional_get"):
            feed_url = request.meta.get("feed_url") or request.url
            etag = response.headers.get("ETag")
            modified = response.headers.get("Last-Modified")
            self.updates[feed_url] = (
                FeedValidators(
                    etag.decode("latin-1") if etag else None,
                    modified.decode("latin-1") if modified else None,
                ),
                response.status,
            )
        return response


def retry_after_seconds(value: bytes | str | None, now: float | None = None) -> float | None:
    """Seconds a Retry-After header asks for (delta-seconds or an HTTP date); None if unreadable."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text).timestamp()
    except (TypeError, ValueError):
        return None
    return max(0.0, when - (time.time() if now is None else now))


class RetryAfterMiddleware:
    """Honour Retry-After on 429/503 before RetryMiddleware retries (Scrapy retries at once).

    Only the one request waits (a coroutine sleep, the reactor runs on); a server that asks
    for longer than NEWSMON_RETRY_AFTER_MAX seconds is left alone until the next crawl.
    """

    STATUSES = (429, 503)

    def __init__(self, crawler: Any, max_wait: float, max_retries: int) -> None:
        self.crawler = crawler
        self.max_wait = max_wait
        self.max_retries = max_retries

    @classmethod
    def from_crawler(cls, crawler: Any) -> RetryAfterMiddleware:
        settings = crawler.settings
        return cls(crawler, settings.getfloat("NEWSMON_RETRY_AFTER_MAX", 60.0), settings.getint("RETRY_TIMES"))

    async def process_response(self, request: Request, response: Response,
                               spider: Spider | None = None) -> Response:
        if response.status not in self.STATUSES or request.meta.get("dont_retry"):
            return response
        wait = retry_after_seconds(response.headers.get("Retry-After"))
        if wait is None or request.meta.get("retry_times", 0) >= request.meta.get("max_retry_times", self.max_retries):
            return response
        stats = self.crawler.stats
        if wait > self.max_wait:
            stats.inc_value("newsmon/retry_after/too_long")
            logger.warning("%s asks to come back in %.0fs; not retried in this crawl", request.url, wait)
            raise IgnoreRequest(f"Retry-After {wait:.0f}s exceeds NEWSMON_RETRY_AFTER_MAX")
        from twisted.internet import reactor

        stats.inc_value("newsmon/retry_after/waited")
        await maybe_deferred_to_future(task.deferLater(reactor, wait, lambda: None))
        return response


class RobotsTxtMiddleware(scrapy_robotstxt.RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, with RFC 9309's rule for an unreachable robots.txt.

    Scrapy parses whatever body a 5xx answer has (an error page: no rules) and treats a
    failed download as no robots.txt, both of which allow everything. RFC 9309 (2.3.1.4)
    says a server error or network failure means complete disallow: a site that is down
    or overloaded is left alone for this crawl (counted as newsmon/robots/unreachable).
    """

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        if response.status >= 500:
            self._unreachable(netloc, f"HTTP {response.status}")
            response = response.replace(body=DISALLOW_ALL)
        await super()._parse_robots(response, netloc, request)

    def _robots_error(self, exc: Exception, netloc: str) -> None:
        if isinstance(exc, IgnoreRequest):  # refused by newsmon itself (address guard)
            super()._robots_error(exc, netloc)
            return
        self._unreachable(netloc, f"{type(exc).__name__}: {exc}")
        self._stats.inc_value(f"robotstxt/exception_count/{type(exc)}")
        parser = build_from_crawler(self._parserimpl, self.crawler, DISALLOW_ALL)
        waiting = self._parsers[netloc]
        self._parsers[netloc] = parser
        if isinstance(waiting, Deferred):
            waiting.callback(parser)

    def _unreachable(self, netloc: str, reason: str) -> None:
        self._stats.inc_value("newsmon/robots/unreachable")
        logger.warning("robots.txt of %s unreachable (%s): nothing fetched from it this crawl", netloc, reason)


DISALLOW_ALL = b"User-agent: *\nDisallow: /\n"
