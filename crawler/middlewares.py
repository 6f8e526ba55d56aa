"""Downloader middlewares: skip stored articles, conditional GET for feeds."""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from twisted.internet import threads

from crawler.resources import crawl_database
from crawler.urls import canonical_url
from storage.runs import FeedValidators, load_feed_state, save_feed_state

logger = logging.getLogger(__name__)


class StoredArticleFilter:
    """Never request an article page whose canonical URL is already stored.

    The check runs against the database in a thread, so a large store costs no memory
    and the reactor never waits on SQL; requests checked once are remembered for the crawl.
    """

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.checked: dict[str, bool] = {}

    @classmethod
    def from_crawler(cls, crawler: Any) -> StoredArticleFilter:
        return cls(crawler)

    async def process_request(self, request: Request, spider: Spider | None = None) -> None:
        if request.meta.get("kind") not in ("article", "document"):
            return None
        url = canonical_url(request.url)
        stored = self.checked.get(url)
        if stored is None:
            from scrapy.utils.defer import maybe_deferred_to_future

            from storage.articles import stored_canonical_urls

            try:
                found = await maybe_deferred_to_future(threads.deferToThread(
                    stored_canonical_urls, crawl_database(self.crawler), [url]))
            except Exception as exc:
                # the database is away: fetch anyway (storing is idempotent), ask again later
                self.crawler.stats.inc_value("newsmon/errors/stored_check")
                logger.warning("could not check whether %s is stored: %s", url, exc)
                return None
            stored = url in found
            self.checked[url] = stored
        if stored:
            self.crawler.stats.inc_value("newsmon/skipped/already_stored")
            raise IgnoreRequest(f"already stored: {url}")
        return None


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
