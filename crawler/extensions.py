"""Record each crawl as a crawl run (start, end, pages, stored, drops by reason, errors)."""

from __future__ import annotations

import logging
import os
import time
from collections import defaultdict
from typing import Any

from scrapy import Spider, signals

from crawler.resources import crawl_database
from storage.runs import finish_crawl_run, start_crawl_run

logger = logging.getLogger(__name__)

DROP_PREFIX = "newsmon/dropped/"
SOURCE_PREFIX = "newsmon/source/"


def summarize_stats(stats: dict[str, Any]) -> dict[str, Any]:
    """The figures a crawl run keeps, from Scrapy's stats."""
    per_source: dict[str, dict[str, int]] = defaultdict(dict)
    for key, value in stats.items():
        if key.startswith(SOURCE_PREFIX):
            source_id, _, name = key[len(SOURCE_PREFIX):].partition("/")
            per_source[source_id][name] = int(value)
    errors = sum(
        int(v) for k, v in stats.items()
        if k.startswith(("newsmon/errors/", "spider_exceptions/")) and isinstance(v, int)
    )
    return {
        "pages": int(stats.get("response_received_count", 0)),
        "items_stored": int(stats.get("newsmon/stored", 0)),
        "dropped": {k[len(DROP_PREFIX):]: int(v) for k, v in stats.items() if k.startswith(DROP_PREFIX)},
        "errors": errors,
        "per_source": dict(per_source),
    }


class CrawlRunRecorder:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.run_id: int | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> CrawlRunRecorder:
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        # after the store pipeline's final flush, which also listens to spider_closed
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        sources = [s.id for s in getattr(spider, "sources", [])]
        self.run_id = start_crawl_run(crawl_database(self.crawler), spider.name, sources, os.getpid())
        self.crawler.stats.set_value("newsmon/crawl_run_id", self.run_id)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.run_id is None:
            return
        summary = summarize_stats(self.crawler.stats.get_stats())
        status = "finished" if reason == "finished" else reason
        finish_crawl_run(crawl_database(self.crawler), self.run_id, status=status, **summary)


class PromptIdleCheck:
    """Let the engine notice at once that a crawl is done.

    Scrapy checks for idleness when a download finishes or on a 5-second heartbeat; when
    the last event of a crawl is an item leaving the pipelines (a batched write), the
    crawl would sit idle until the next beat. Each crawl the daemon runs saves those
    seconds, and so does every test.
    """

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> PromptIdleCheck:
        extension = cls(crawler)
        for signal in (signals.item_scraped, signals.item_dropped, signals.item_error):
            crawler.signals.connect(extension.nudge, signal=signal)
        return extension

    def nudge(self, *args: Any, **kwargs: Any) -> None:
        slot = getattr(self.crawler.engine, "_slot", None)
        nextcall = getattr(slot, "nextcall", None)
        if nextcall is not None:
            nextcall.schedule(0.1)  # after the scraper has let go of the item


class ReactorLagMonitor:
    """Measure how late the reactor runs a timer, into the stats (newsmon/reactor/…).

    A call scheduled every `NEWSMON_REACTOR_LAG_INTERVAL` seconds records how much later
    than asked it ran: the time the reactor thread was busy with something else. A
    responsive crawl keeps this in milliseconds; CPU work on the reactor thread shows up
    here first. Off when the interval is 0.
    """

    def __init__(self, crawler: Any, interval: float) -> None:
        self.crawler = crawler
        self.interval = interval
        self.lags: list[float] = []
        self.expected = 0.0
        self.loop: Any = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> ReactorLagMonitor:
        from scrapy.exceptions import NotConfigured

        interval = crawler.settings.getfloat("NEWSMON_REACTOR_LAG_INTERVAL", 0.1)
        if interval <= 0:
            raise NotConfigured
        extension = cls(crawler, interval)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        from twisted.internet import task

        self.loop = task.LoopingCall(self.tick)
        self.expected = time.monotonic()
        self.loop.start(self.interval, now=True)

    def tick(self) -> None:
        now = time.monotonic()
        self.lags.append(max(0.0, now - self.expected))
        # the next tick is due one interval after this one ran, as LoopingCall schedules it
        self.expected = now + self.interval

    def spider_closed(self, spider: Spider) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        for name, value in lag_summary(self.lags).items():
            self.crawler.stats.set_value(f"newsmon/reactor/{name}", value)


def lag_summary(lags: list[float]) -> dict[str, float]:
    """Mean, median, 99th percentile and maximum of the lags, in milliseconds."""
    if not lags:
        return {}
    ordered = sorted(lags)

    def pick(quantile: float) -> float:
        return ordered[min(len(ordered) - 1, int(quantile * len(ordered)))]

    return {
        "lag_mean_ms": round(1000 * sum(ordered) / len(ordered), 2),
        "lag_p50_ms": round(1000 * pick(0.5), 2),
        "lag_p99_ms": round(1000 * pick(0.99), 2),
        "lag_max_ms": round(1000 * ordered[-1], 2),
        "lag_samples": float(len(ordered)),
    }
