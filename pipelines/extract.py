"""Extract stage: fetched page → article fields, in a process pool off the reactor."""

from __future__ import annotations

import asyncio
import atexit
import logging
import os
import threading
import time
import zlib
from concurrent.futures import Executor, ProcessPoolExecutor
from multiprocessing import get_context
from typing import TYPE_CHECKING, Any

from scrapy import Spider
from scrapy.exceptions import DropItem, NotConfigured

from crawler.extract import Extraction, ExtractionError, extract_article, extract_document
from crawler.items import RAW_HTML_ZLIB_LEVEL, ArticleItem, PageItem, article_from_extraction
from pipelines.normalize import normalized_fields

if TYPE_CHECKING:
    from classify import Classification

logger = logging.getLogger(__name__)


# (extraction, (matching text, hash, signature), classification, raw page zlib-compressed)
Processed = tuple[Extraction, tuple[str, str, bytes], "Classification | None", bytes | None]
# (taxonomy path, model path) of the classifier a worker runs after extracting, or None
ClassifyWith = tuple[str | None, str | None] | None


def extract_page(body: bytes, url: str, kind: str, content_type: str | None,
                 http_encoding: str | None, timezone: str, min_length: int,
                 classify_with: ClassifyWith = None, feed_title: str | None = None,
                 compress_raw: bool = False) -> Processed | str:
    """Runs in a worker process: the extraction plus its normalised text, hash and
    signature, its classification when asked, and the page compressed for keeping (all
    CPU work), or the reason it failed. Classifying here, not in a later round trip, keeps
    items in order and the reactor thread free of jieba."""
    try:
        if kind == "document":
            extraction = extract_document(body, url, content_type)
        else:
            extraction = extract_article(body, url, http_encoding=http_encoding,
                                         timezone=timezone, min_length=min_length)
        classification = None
        if classify_with is not None:
            from pipelines.classify import classify_text

            classification = classify_text(*classify_with, extraction.text, extraction.title or feed_title)
        raw_zlib = zlib.compress(body, RAW_HTML_ZLIB_LEVEL) if compress_raw else None
        return extraction, normalized_fields(extraction.text), classification, raw_zlib
    except ExtractionError as exc:
        return f"no_content: {exc}"
    except Exception as exc:  # a hostile page must never take the crawl down
        logger.exception("extraction crashed on %s", url)
        return f"extraction_error: {type(exc).__name__}: {exc}"


_POOLS: dict[int, ProcessPoolExecutor] = {}


def exit_with_parent(parent_pid: int) -> None:
    """In a pool worker: exit when the crawler that started it is gone. A crawler killed
    with SIGKILL (OOM killer, a deploy) would otherwise leave its workers behind, each
    holding a few hundred MB."""
    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def shared_pool(workers: int) -> ProcessPoolExecutor:
    """One pool per process, reused by every crawl in it: starting workers costs seconds
    (each imports trafilatura), and the feeds and sites spiders run one after the other."""
    pool = _POOLS.get(workers)
    if pool is None:
        # spawn, not fork: the parent runs a reactor and threads that a fork would copy
        pool = ProcessPoolExecutor(workers, mp_context=get_context("spawn"),
                                   initializer=exit_with_parent, initargs=(os.getpid(),))
        _POOLS[workers] = pool
        atexit.register(pool.shutdown, wait=False, cancel_futures=True)
    return pool


def _looks_binary(body: bytes, content_type: str | None) -> bool:
    if content_type and not any(t in content_type.lower() for t in ("html", "xml", "text")):
        return True
    head = body[:2048]
    return b"\x00" in head


class ExtractPipeline:
    def __init__(self, crawler: Any, workers: int, keep_raw: bool, min_length: int,
                 classify_with: ClassifyWith = None) -> None:
        self.crawler = crawler
        self.classify_with = classify_with
        self.workers = workers
        self.keep_raw = keep_raw
        self.min_length = min_length
        self.executor: Executor | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> ExtractPipeline:
        settings = crawler.settings
        if not settings.getbool("NEWSMON_EXTRACT_ENABLED", True):
            raise NotConfigured
        workers = settings.getint("NEWSMON_EXTRACT_WORKERS") or (os.cpu_count() or 1)
        classify_with: ClassifyWith = None
        if settings.getdict("ITEM_PIPELINES").get("pipelines.classify.ClassifyPipeline") is not None:
            # the classify stage then only applies the result (and its drop rule)
            classify_with = (settings.get("NEWSMON_TAXONOMY") or None,
                             settings.get("NEWSMON_CLASSIFIER_MODEL") or None)
        return cls(crawler, workers, settings.getbool("NEWSMON_KEEP_RAW_HTML", True),
                   settings.getint("NEWSMON_MIN_TEXT_LENGTH", 50), classify_with)


    async def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        if not isinstance(item, PageItem):
            return item
        stats = self.crawler.stats
        if item.kind == "article" and _looks_binary(item.body, item.content_type):
            stats.inc_value("newsmon/dropped/not_html")
            raise DropItem(f"not an HTML page: {item.url} ({item.content_type})")
        timezone = self._timezone(item.source_id, spider)
        if self.executor is None:  # started on the first page: imports never need it
            self.executor = shared_pool(self.workers)
        future = self.executor.submit(extract_page, item.body, item.url, item.kind, item.content_type,
                                      item.http_encoding, timezone, self.min_length, self.classify_with,
                                      item.feed_title, self.keep_raw)
        # awaited on the event loop: no reactor thread is tied up waiting for a worker
        processed = await asyncio.wrap_future(future)
        return self._to_article(processed, item)

    @staticmethod
    def _timezone(source_id: str, spider: Spider | None) -> str:
        try:
            return str(spider.source(source_id).timezone)  # type: ignore[union-attr]
        except (AttributeError, KeyError):
            return "Asia/Shanghai"

    def _to_article(self, processed: Processed | str, page: PageItem) -> ArticleItem:
        stats = self.crawler.stats
        if isinstance(processed, str):
            reason = processed.split(":", 1)[0]
            stats.inc_value(f"newsmon/dropped/{reason}")
            stats.inc_value(f"newsmon/source/{page.source_id}/dropped")
            raise DropItem(f"{page.url}: {processed}")
        stats.inc_value("newsmon/extracted")
        result, (normalized, text_hash, signature), classification, raw_zlib = processed
        article = article_from_extraction(
            result, source_id=page.source_id, url=page.url, canonical_url=page.canonical_url,
            fetched_at=page.fetched_at, kind=page.kind,
            # the worker compressed the page: the item carries (and the spool keeps) that alone
            raw_html=page.body if self.keep_raw and raw_zlib is None else None, raw_html_zlib=raw_zlib,
            content_type=page.content_type,
            text_normalized=normalized, content_hash=text_hash, minhash=signature,
        )
        # what the feed said stands in for what the page did not
        article.title = article.title or page.feed_title
        article.published_at = article.published_at or page.feed_published_at
        if classification is not None:
            from pipelines.classify import apply_classification

            apply_classification(classification, article)
        return article
