"""Store stage: batched, idempotent writes in a thread; an item completes once stored.

Each item's Deferred fires only after its batch is committed, so Scrapy counts an item
as processed only when it is in the database, and a crawl's end waits for the last batch.
A failed write is retried with backoff; a batch the database still refuses is appended
to the spool (pipelines/spool.py) and written when the database is back: before the next
batch, at spider close or at the next crawl's start. Nothing is lost to an outage.
"""

from __future__ import annotations

import errno
import logging
import time
from typing import Any

from scrapy import Spider
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import defer, task, threads
from twisted.internet.defer import Deferred

from crawler.items import ArticleItem
from crawler.resources import crawl_database
from pipelines.spool import Spool, default_spool_path
from storage.articles import StoreResult, store_articles

logger = logging.getLogger(__name__)


class StorePipeline:
    def __init__(self, crawler: Any, batch_size: int, flush_seconds: float, retries: int,
                 spool: Spool | None = None) -> None:
        self.crawler = crawler
        self.batch_size = batch_size
        self.flush_seconds = flush_seconds
        self.retries = retries
        self.spool = spool
        self.spooled = 0  # articles in the spool, as far as this crawl knows
        self.pending: list[tuple[ArticleItem, Deferred[ArticleItem]]] = []
        self.flushing: list[Deferred[Any]] = []
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> StorePipeline:
        settings = crawler.settings
        spool = None
        if settings.getbool("NEWSMON_SPOOL_ENABLED", True):
            spool = Spool(default_spool_path(settings.get("NEWSMON_DATABASE_URL"),
                                             settings.get("NEWSMON_SPOOL_DIR") or None))
        return cls(
            crawler,
            settings.getint("NEWSMON_STORE_BATCH_SIZE", 100),
            settings.getfloat("NEWSMON_STORE_FLUSH_SECONDS", 2.0),
            settings.getint("NEWSMON_STORE_RETRIES", 3),
            spool,
        )

    def open_spider(self, spider: Spider | None = None) -> None:
        crawl_database(self.crawler)  # create the schema before the first batch
        if self.spool is not None:
            self.spooled = len(self.spool)
            if self.spooled:
                logger.warning("%d articles wait in the spool %s; writing them first",
                               self.spooled, self.spool.path)
                self._drain_now()
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

    def _drain_now(self) -> bool:
        """Write the spool (in the calling thread); False if the database still refuses."""
        if self.spool is None or not self.spooled:
            return True
        stored = 0

        def write(items: list[ArticleItem]) -> None:
            nonlocal stored
            stored += len(store_articles(crawl_database(self.crawler), items).inserted)

        try:
            drained = self.spool.drain(write, self.batch_size)
        except Exception as exc:
            logger.warning("the database still refuses the %d spooled articles: %s", self.spooled, exc)
            return False
        self.spooled = 0
        stats = self.crawler.stats
        stats.inc_value("newsmon/spool/written", drained)
        stats.inc_value("newsmon/stored", stored)
        if drained > stored:
            stats.inc_value("newsmon/dropped/already_stored", drained - stored)
        return True

    def _flush(self) -> None:
        if not self.pending:
            if self.spooled and not self.flushing:  # the database may be back: retry the spool
                retry: Deferred[Any] = threads.deferToThread(self._drain_now)
                self.flushing.append(retry)
                retry.addBoth(lambda result: self.flushing.remove(retry))
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
        if self.spooled and not self._drain_now():
            return self._to_spool(items, "the database still refuses writes")
        delay = 0.5
        for attempt in range(self.retries + 1):
            try:
                return store_articles(crawl_database(self.crawler), items)
            except Exception as exc:
                if attempt == self.retries:
                    if self.spool is None:
                        raise
                    return self._to_spool(items, str(exc).splitlines()[0])
                logger.warning("write of %d articles failed (attempt %d), retrying in %.1fs",
                               len(items), attempt + 1, delay, exc_info=True)
                time.sleep(delay)
                delay *= 2
        raise AssertionError("unreachable")

    def _to_spool(self, items: list[ArticleItem], reason: str) -> StoreResult:
        assert self.spool is not None
        self.spool.append(items)  # an error here (disk full) fails the batch, reported below
        self.spooled += len(items)
        self.crawler.stats.inc_value("newsmon/spool/spooled", len(items))
        logger.error("database unavailable (%s): %d articles spooled to %s", reason, len(items),
                     self.spool.path)
        return StoreResult([], 0)

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
        if is_disk_full(failure.value):
            # neither the database nor the spool can take more: fetching on would only
            # waste the sites' bandwidth; the next crawl fetches these articles again
            logger.error("disk full: stopping the crawl (the database is left consistent; "
                         "free space and crawl again)")
            self.crawler.stats.set_value("newsmon/stopped/disk_full", 1)
            engine = getattr(self.crawler, "engine", None)
            if engine is not None and getattr(engine, "spider", None) is not None:
                from scrapy.utils.defer import deferred_from_coro

                deferred_from_coro(engine.close_spider_async(reason="disk_full"))
        for _, stored in batch:
            stored.errback(failure)

    async def close_spider(self, spider: Spider | None = None) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        self._flush()
        while self.flushing:
            await maybe_deferred_to_future(defer.DeferredList(list(self.flushing), consumeErrors=True))
        if self.spool is not None:
            self.spooled = len(self.spool)  # the file, not the counter, is the truth
        if self.spooled:
            written = await maybe_deferred_to_future(threads.deferToThread(self._drain_now))
            if not written and self.spool is not None:
                logger.error("%d articles stay in the spool %s; the next crawl writes them",
                             self.spooled, self.spool.path)


def is_disk_full(error: BaseException | None) -> bool:
    """SQLite ("database or disk is full"), PostgreSQL (DiskFull) or the spool (ENOSPC)."""
    while error is not None:
        if isinstance(error, OSError) and error.errno == errno.ENOSPC:
            return True
        text = str(error)
        if "disk is full" in text or "No space left on device" in text or "DiskFull" in type(error).__name__:
            return True
        error = error.__cause__ or error.__context__
    return False
