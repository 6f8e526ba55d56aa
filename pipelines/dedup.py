"""Dedup stage: canonical URL, exact normalised-text hash, and stories of reprints.

A page seen twice in a crawl is dropped; the same text from the same source is dropped;
the same text from another source is a reprint: stored, and joined to the first copy's story.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Spider
from scrapy.exceptions import DropItem
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import threads
from twisted.internet.defer import DeferredLock

from crawler.items import ArticleItem
from crawler.resources import crawl_database
from storage.articles import HashMatch, find_by_content_hash
from storage.stories import open_story

logger = logging.getLogger(__name__)


class DedupPipeline:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        # the check-then-register step must not interleave between items of one crawl
        self.lock = DeferredLock()
        self.seen_urls: set[str] = set()
        self.by_hash: dict[str, HashMatch] = {}

    @classmethod
    def from_crawler(cls, crawler: Any) -> DedupPipeline:
        return cls(crawler)

    def _drop(self, reason: str, item: ArticleItem) -> None:
        self.crawler.stats.inc_value(f"newsmon/dropped/{reason}")
        raise DropItem(f"{reason}: {item.url}")

    async def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        if not isinstance(item, ArticleItem):
            return item
        await maybe_deferred_to_future(self.lock.acquire())
        try:
            return await self._assign(item)
        finally:
            self.lock.release()

    async def _assign(self, item: ArticleItem) -> ArticleItem:
        if item.canonical_url in self.seen_urls:
            self._drop("duplicate_url", item)
        db = crawl_database(self.crawler)
        match = self.by_hash.get(item.content_hash)
        if match is None:
            found = await maybe_deferred_to_future(
                threads.deferToThread(find_by_content_hash, db, [item.content_hash])
            )
            match = found.get(item.content_hash)
        if match is not None and match.source_id == item.source_id:
            self._drop("duplicate_text", item)
        if match is not None and match.story_id is not None:
            item.story_id = match.story_id
            self.crawler.stats.inc_value("newsmon/dedup/reprint_exact")
        else:
            item.story_id = await maybe_deferred_to_future(threads.deferToThread(open_story, db))
            item.new_story = True
            match = HashMatch(article_id=0, source_id=item.source_id, story_id=item.story_id)
        self.seen_urls.add(item.canonical_url)
        self.by_hash.setdefault(item.content_hash, match)
        return item
