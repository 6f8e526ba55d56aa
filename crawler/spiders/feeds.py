"""`scrapy crawl feeds`: read each source's RSS/Atom/RDF feeds and fetch their articles."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from crawler.spiders.base import NewsSpider


class FeedsSpider(NewsSpider):
    name = "feeds"

    async def start(self) -> AsyncIterator[Any]:
        for source in self.sources:
            for request in self.feed_start_requests(source):
                yield request
