"""Store stage: batched, idempotent writes in a thread; an item completes once stored.

Each item's Deferred fires only after its batch is committed, so Scrapy counts an item
as processed only when it is in the database, and a crawl's end waits for the last batch.
A failed write is retried with backoff before the batch is reported as lost.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from scrapy import Spider
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import defer, task, threads
from twisted.internet.defer import Deferred

from crawler.items import ArticleItem
from crawler.resources import crawl_database
from storage.articles import StoreResult, store_articles

logger = logging.getLogger(__name__)


class StorePipeline:
    def __init__(self, crawler: Any, batch_size: int, flush_seconds: float, retries: int) -> None:
        self.crawler = crawler
        self.batch_size = batch_size
        self.flush_seconds = flush_seconds
        self.retries = retries
        self.pending: list[tuple[ArticleItem, Deferred[ArticleItem]]] = []
        self.flushing: list[Deferred[Any]] = []
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> StorePipeline:
        settings = crawler.settings
        return cls(
            crawler,
            settings.getint("NEWSMON_STORE_BATCH_SIZE", 100),
            settings.getfloat("NEWSMON_STORE_FLUSH_SECONDS", 2.0),
            settings.getint("NEWSMON_STORE_RETRIES", 3),
        )

    def open_spider(self, spider: Spider | None = None) -> None:
        crawl_database(self.crawler)  # create the schema before the first batch
        self.loop = task.LoopingCall(self._flush)
        self.loop.start(self.flush_seconds, now=False)

    async def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        if not isinstance(item, ArticleItem):
            return item
        stored: Deferred[ArticleItem] = Deferred()
        self.pending.append((item, stored))
        # write-behind: with no write in progress, write now (low latency when quiet);
        # otherwise items gather into the next batch (throughput under load)
        if len(self.pending) >= self.batch_size or not self.flushing:
            self._flush()
        return await maybe_deferred_to_future(stored)

    def _flush(self) -> None:
        if not self.pending:
            return
        batch, self.pending = self.pending, []
        flushed: Deferred[Any] = threads.deferToThread(self._write, [item for item, _ in batch])
        flushed.addCallbacks(self._stored, self._failed, callbackArgs=(batch,), errbackArgs=(batch,))
        self.flushing.append(flushed)

        def done(result: Any) -> Any:
            self.flushing.remove(flushed)
            if self.pending and not self.flushing:
                self._flush()
            return result

        flushed.addBoth(done)

    def _write(self, items: list[ArticleItem]) -> StoreResult:
        db = crawl_database(self.crawler)
        delay = 0.5
        for attempt in range(self.retries + 1):
            try:
                return store_articles(db, items)
            except Exception:
                if attempt == self.retries:
                    raise
                logger.warning("write of %d articles failed (attempt %d), retrying in %.1fs",
                               len(items), attempt + 1, delay, exc_info=True)
                time.sleep(delay)
                delay *= 2
        raise AssertionError("unreachable")

    def _stored(self, result: StoreResult, batch: list[tuple[ArticleItem, Deferred[ArticleItem]]]) -> None:
        stats = self.crawler.stats
        stats.inc_value("newsmon/stored", len(result.inserted))
        if result.already_stored:
            stats.inc_value("newsmon/dropped/already_stored", result.already_stored)
        for item, _ in batch:
            stats.inc_value(f"newsmon/source/{item.source_id}/items")
        for item, stored in batch:
            stored.callback(item)

    def _failed(self, failure: Any, batch: list[tuple[ArticleItem, Deferred[ArticleItem]]]) -> None:
        self.crawler.stats.inc_value("newsmon/errors/store", len(batch))
        logger.error("could not store %d articles: %s", len(batch), failure.getErrorMessage())
        for _, stored in batch:
            stored.errback(failure)

    async def close_spider(self, spider: Spider | None = None) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        self._flush()
        if self.flushing:
            await maybe_deferred_to_future(defer.DeferredList(list(self.flushing), consumeErrors=True))
