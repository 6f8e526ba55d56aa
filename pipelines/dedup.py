"""Dedup stage: canonical URL, exact normalised-text hash, near-duplicate reprints.

Nothing that is news to the reader is lost: a page seen twice in a crawl, or the same
text again from the same source, is dropped (counted); a copy from another source is a
reprint, stored and joined to its story; anything else opens a new story. The MinHash
LSH index is rebuilt at spider start from the signatures stored in the window (default
30 days), or shared in Redis when NEWSMON_REDIS_URL is set.
"""

from __future__ import annotations

import hashlib
import logging
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from cachetools import LRUCache
from scrapy import Spider
from scrapy.exceptions import DropItem
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import threads
from twisted.internet.defer import DeferredLock

from crawler.items import ArticleItem
from crawler.resources import crawl_database
from dedup import DedupParams, NearDuplicateIndex
from storage.articles import HashMatch, find_by_content_hash
from storage.stories import new_story_id, signature_rows

logger = logging.getLogger(__name__)


# The in-memory index of this process, per database: the next crawl in the process (the
# sites spider after the feeds spider) keeps it instead of reading every signature of the
# window again; the copies the first crawl added are in it already.
_PROCESS_INDEXES: dict[tuple[str, DedupParams, float], NearDuplicateIndex] = {}


def index_key(canonical_url: str) -> int:
    """The index key of a copy not stored yet: far above any article id, so it never
    collides with the article ids the index is rebuilt with."""
    return 2**62 + int.from_bytes(hashlib.blake2b(canonical_url.encode(), digest_size=7).digest())


class DedupPipeline:
    def __init__(self, crawler: Any, params: DedupParams, window_days: float, redis_url: str | None,
                 recent_size: int = 5_000) -> None:
        self.crawler = crawler
        self.params = params
        self.window_days = window_days
        self.redis_url = redis_url
        # the check-then-register step must not interleave between items of one crawl
        self.lock = DeferredLock()
        # What this crawl passed on lately, for the copies the store has not written yet.
        # Bounded, so memory stays flat on a long crawl: an entry that fell out is written
        # by then, and the exact-hash lookup and the store's unique canonical URL catch it.
        self.seen_urls: LRUCache[str, bool] = LRUCache(recent_size)
        self.by_hash: LRUCache[str, HashMatch] = LRUCache(recent_size)
        self.index: NearDuplicateIndex | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> DedupPipeline:
        settings = crawler.settings
        defaults = DedupParams()
        params = DedupParams(
            shingle_size=settings.getint("NEWSMON_DEDUP_SHINGLE_SIZE", defaults.shingle_size),
            num_perm=settings.getint("NEWSMON_DEDUP_NUM_PERM", defaults.num_perm),
            jaccard_threshold=settings.getfloat("NEWSMON_DEDUP_THRESHOLD", defaults.jaccard_threshold),
            min_length=settings.getint("NEWSMON_DEDUP_MIN_LENGTH", defaults.min_length),
        )
        return cls(crawler, params, settings.getfloat("NEWSMON_DEDUP_WINDOW_DAYS", 30.0),
                   settings.get("NEWSMON_REDIS_URL") or None,
                   settings.getint("NEWSMON_RECENT_CACHE_SIZE", 5_000))

    async def open_spider(self, spider: Spider | None = None) -> None:
        self.index = await maybe_deferred_to_future(threads.deferToThread(self._load_index))

    def _load_index(self) -> NearDuplicateIndex:
        started = time.monotonic()
        if self.redis_url:
            index = NearDuplicateIndex(self.params, redis_url=self.redis_url)
        else:
            database_url = str(self.crawler.settings.get("NEWSMON_DATABASE_URL"))
            key = (database_url, self.params, self.window_days)
            cached = _PROCESS_INDEXES.get(key)
            if cached is not None:
                index = cached
                self.crawler.stats.set_value("newsmon/dedup/index_reused", 1)
            else:
                index = NearDuplicateIndex(self.params)
                since = datetime.now(UTC) - timedelta(days=self.window_days)
                index.rebuild(signature_rows(crawl_database(self.crawler), since))
                _PROCESS_INDEXES[key] = index
        self.crawler.stats.set_value("newsmon/dedup/index_size", len(index))
        self.crawler.stats.set_value("newsmon/dedup/index_load_seconds", round(time.monotonic() - started, 3))
        return index

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
        match = self.by_hash.get(item.content_hash)
        if match is None:
            try:
                found = await maybe_deferred_to_future(threads.deferToThread(
                    find_by_content_hash, crawl_database(self.crawler), [item.content_hash]))
            except Exception as exc:
                # the database is away: the store stage spools the article; an exact
                # copy stored earlier is caught by the near-duplicate index instead
                self.crawler.stats.inc_value("newsmon/errors/dedup_lookup")
                logger.warning("exact-hash lookup failed for %s: %s", item.url, exc)
                found = {}
            match = found.get(item.content_hash)
        if match is not None and match.source_id == item.source_id:
            self._drop("duplicate_text", item)
        if match is not None and match.story_id is not None:
            item.story_id = match.story_id
            self.crawler.stats.inc_value("newsmon/dedup/reprint_exact")
        else:
            item.story_id, item.new_story = await maybe_deferred_to_future(
                threads.deferToThread(self._near_duplicate_story, item))
        self.seen_urls[item.canonical_url] = True
        if item.content_hash not in self.by_hash:
            self.by_hash[item.content_hash] = HashMatch(0, item.source_id, item.story_id)
        return item

    def _near_duplicate_story(self, item: ArticleItem) -> tuple[int, bool]:
        """(story id, whether it is new): the story of an indexed near-duplicate, else a new
        one. Runs in a thread (the Redis index answers over the network); the index lock
        makes match-then-insert atomic across every process sharing the index, so two
        copies stored at the same moment still end in one story."""
        if self.index is None or item.minhash is None:
            return new_story_id(), True
        with self.index.lock():
            found = self.index.match(item.minhash)
            story_id = found.story_id if found is not None else new_story_id()
            self.index.insert(index_key(item.canonical_url), item.minhash, story_id)
        if found is not None:
            self.crawler.stats.inc_value("newsmon/dedup/reprint_near")
        return story_id, found is None
