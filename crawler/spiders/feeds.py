"""`scrapy crawl feeds`: read each source's RSS/Atom/RDF feeds and fetch their articles."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from crawler.spiders.base import NewsSpider


class FeedsSpider(NewsSpider):
    name = "feeds"

    async def start(self) -> AsyncIterator[Any]:
        for source in self.sources:
            for feed_url in source.feeds:
                yield self.feed_request(feed_url, source.id)
