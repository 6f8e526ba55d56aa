"""`newsmon worker`: take requests from the shared Redis frontier, never exit when idle.

One spider knows every callback (feeds, list pages, sitemaps, articles), because a
request seeded by the daemon may be taken by any worker.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider

from crawler.resources import crawl_registry
from crawler.sources import Source
from crawler.spiders.sites import SitesSpider

logger = logging.getLogger(__name__)


class WorkerSpider(SitesSpider):
    name = "worker"

    def __init__(self, sources: str | None = None, exit_when_idle: str | bool = False,
                 **kwargs: Any) -> None:
        super().__init__(sources=sources, **kwargs)
        self.exit_when_idle = str(exit_when_idle).lower() in ("1", "true", "yes")

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> WorkerSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        assert isinstance(spider, WorkerSpider)
        # a worker must know every source: a seeded request may name any of them
        spider.sources = list(crawl_registry(crawler).sources)
        crawler.signals.connect(spider.on_idle, signal=signals.spider_idle)
        return spider

    async def start(self) -> AsyncIterator[Any]:
        # nothing of its own: the daemon (or `newsmon seed`) fills the frontier
        return
        yield

    def seed_requests(self, sources: list[Source]) -> list[scrapy.Request]:
        """The start requests of these sources: their feeds, list pages and sitemaps."""
        requests: list[scrapy.Request] = []
        for source in sources:
            requests += self.feed_start_requests(source)
            requests += self.site_start_requests(source)
        return requests

    def on_idle(self, spider: scrapy.Spider) -> None:
        slot = getattr(self.crawler.engine, "_slot", None)
        frontier = getattr(getattr(slot, "scheduler", None), "frontier", None)
        # nothing queued and nobody holding a lease (which could expire back into the
        # queue): the frontier is drained for every worker
        if self.exit_when_idle and frontier is not None and frontier.queued() == 0 \
                and frontier.in_flight() == 0:
            return
        raise DontCloseSpider
