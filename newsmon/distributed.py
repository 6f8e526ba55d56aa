"""Scale-out on Redis: seeding the shared frontier and running workers."""

from __future__ import annotations

import os
from typing import Any

from scrapy.utils.request import RequestFingerprinter
from scrapy_redis import picklecompat

from crawler.frontier import Frontier, frontier_settings, push_mode
from crawler.sources import Source
from crawler.spiders.worker import WorkerSpider


def redis_url_from_env() -> str | None:
    return os.environ.get("NEWSMON_REDIS_URL") or None


def seed_frontier(frontier: Frontier, sources: list[Source]) -> tuple[int, int]:
    """Queue the start requests (feeds, list pages, sitemaps) of these sources.

    Returns (queued, skipped): a start request already waiting in the queue is not queued
    twice, and stored articles are never queued again (the workers skip them too).
    """
    spider = WorkerSpider()
    spider.sources = sources
    fingerprinter = RequestFingerprinter()
    queued = skipped = 0
    for request in spider.seed_requests(sources):
        payload = picklecompat.dumps(request.to_dict(spider=spider))
        fingerprint = fingerprinter.fingerprint(request).hex()
        if frontier.push(fingerprint, payload, request.priority, push_mode(request)):
            queued += 1
        else:
            skipped += 1
    return queued, skipped


def worker_overrides(redis_url: str, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    overrides = frontier_settings(redis_url)
    overrides.update(extra or {})
    return overrides
