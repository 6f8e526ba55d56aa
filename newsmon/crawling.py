"""Run newsmon's spiders in this process (the CLI, the demo and the daemon's children)."""

from __future__ import annotations

import logging
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings
from twisted.python.failure import Failure

from crawler.memory import limit_arenas

logger = logging.getLogger(__name__)

SPIDERS = ("feeds", "sites")


def crawl_settings(db_url: str, sources_file: Path | str | None,
                   overrides: dict[str, Any] | None = None) -> Settings:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set("NEWSMON_DATABASE_URL", db_url, priority="cmdline")
    if sources_file:
        settings.set("NEWSMON_SOURCES", str(sources_file), priority="cmdline")
    for key, value in (overrides or {}).items():
        settings.set(key, value, priority="cmdline")
    return settings


@dataclass
class CrawlReport:
    spider: str
    stats: dict[str, Any] = field(default_factory=dict)
    finish_reason: str | None = None
    spider_instance: Any = None
    failure: str | None = None

    @property
    def ok(self) -> bool:
        return self.failure is None


class _Progress:
    """A live progress line on a terminal: pages, articles stored, dropped."""

    def __init__(self, crawler: Crawler) -> None:
        from twisted.internet import task

        self.crawler = crawler
        self.loop = task.LoopingCall(self.show)
        crawler.signals.connect(self.start, signal=signals.spider_opened)
        crawler.signals.connect(self.stop, signal=signals.spider_closed)

    def start(self, spider: Any) -> None:
        self.loop.start(1.0)

    def stop(self, spider: Any) -> None:
        if self.loop.running:
            self.loop.stop()
        sys.stderr.write("\r\033[K")

    def show(self) -> None:
        stats = self.crawler.stats.get_stats()
        dropped = sum(v for k, v in stats.items() if k.startswith("newsmon/dropped/"))
        sys.stderr.write(
            f"\r\033[K{self.crawler.spidercls.name}: {stats.get('response_received_count', 0)} pages,"
            f" {stats.get('newsmon/stored', 0)} stored, {dropped} dropped,"
            f" {stats.get('newsmon/errors/download', 0)} errors"
        )
        sys.stderr.flush()


def run_crawl(
    db_url: str,
    sources_file: Path | str | None,
    source_ids: list[str],
    spiders: list[str],
    overrides: dict[str, Any] | None = None,
    progress: bool = False,
    spider_kwargs: dict[str, Any] | None = None,
    jobdir: Path | str | None = None,
) -> list[CrawlReport]:
    """Run the spiders one after the other (feeds first, so sites skips what they stored).

    Without `jobdir` the crawl still gets one, a temporary folder removed at the end: Scrapy
    then keeps its pending requests in disk queues instead of memory, so a site of 100,000
    pages does not sit in memory as requests. A given `jobdir` is kept, for resuming."""
    settings = crawl_settings(db_url, sources_file, overrides)
    # before Scrapy starts a thread: glibc fixes its arena limit when the second arena opens
    limit_arenas(settings.getint("NEWSMON_MALLOC_ARENA_MAX", 1))
    if jobdir is None and settings.getbool("NEWSMON_QUEUE_ON_DISK") and "SCHEDULER" not in (overrides or {}):
        with tempfile.TemporaryDirectory(prefix="newsmon-queue-") as queue_dir:
            return _run(settings, source_ids, spiders, progress, spider_kwargs, queue_dir)
    return _run(settings, source_ids, spiders, progress, spider_kwargs, jobdir)


def _run(settings: Settings, source_ids: list[str], spiders: list[str], progress: bool,
         spider_kwargs: dict[str, Any] | None, jobdir: Path | str | None) -> list[CrawlReport]:
    # the CLI has configured logging (-v); Scrapy installs its own handler only when
    # nothing else has, so that no line is printed twice
    settings.set("LOG_INSTALL_ROOT_HANDLER", not logging.getLogger().handlers, priority="cmdline")
    process = CrawlerProcess(settings)
    reports: list[CrawlReport] = []
    kwargs: dict[str, Any] = {"sources": ",".join(source_ids)} if source_ids else {}
    kwargs.update(spider_kwargs or {})

    def chain(_: Any = None) -> Any:
        if len(reports) == len(spiders):
            return None
        if reports and reports[-1].finish_reason == "shutdown":
            return None  # stopped by a signal: start no further spider
        name = spiders[len(reports)]
        crawler = process.create_crawler(name)
        if jobdir:
            # one folder per spider: a shared JOBDIR would make `sites` skip every
            # request `feeds` already made
            crawler.settings.set("JOBDIR", str(Path(jobdir) / name), priority="cmdline")
        report = CrawlReport(spider=name)
        reports.append(report)
        if progress:
            _Progress(crawler)

        def finished(result: Any) -> Any:
            report.spider_instance = crawler.spider
            report.stats = dict(crawler.stats.get_stats())
            report.finish_reason = report.stats.get("finish_reason")
            if isinstance(result, Failure):
                report.failure = result.getTraceback()
                report.finish_reason = f"failed: {result.getErrorMessage()}"
                logger.error("crawl %s failed: %s", name, report.failure)
            return chain()

        return process.crawl(crawler, **kwargs).addBoth(finished)

    chain()
    process.start()
    return reports
