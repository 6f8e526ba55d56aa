"""Two crawler processes storing copies of the same story at the same moment end with one
story, through the shared Redis index (the dedup stage's match-then-insert under its lock)."""

from __future__ import annotations

import multiprocessing
import uuid
from datetime import UTC, datetime
from pathlib import Path

from crawler.items import ArticleItem
from tests.services import redis_url


def _story_of_copy(url: str, redis: str, prefix: str, text: str, start: multiprocessing.synchronize.Barrier,
                   results: multiprocessing.queues.Queue) -> None:  # type: ignore[type-arg]
    from scrapy.utils.test import get_crawler

    from dedup import NearDuplicateIndex
    from pipelines.dedup import DedupPipeline
    from pipelines.normalize import normalize_article

    crawler = get_crawler(settings_dict={"NEWSMON_REDIS_URL": redis})
    pipeline = DedupPipeline.from_crawler(crawler)
    pipeline.index = NearDuplicateIndex(pipeline.params, redis_url=redis, prefix=prefix)
    item = normalize_article(ArticleItem(source_id=url.split("/")[2], url=url, canonical_url=url,
                                         fetched_at=datetime.now(UTC), text=text))
    start.wait()
    results.put(pipeline._near_duplicate_story(item))


def test_copies_stored_at_the_same_moment_by_two_processes_share_one_story(shared_dir: Path) -> None:
    redis = redis_url()
    prefix = f"test:dedup:{uuid.uuid4().hex[:8]}"
    text = (shared_dir / "seeds" / "001_d1543d03f4a42c94.txt").read_text(encoding="utf-8")[:3000]
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(2)
    results = context.Queue()
    workers = [
        context.Process(target=_story_of_copy, args=(url, redis, prefix, text + tail, start, results))
        for url, tail in (("http://a.example/1.html", "（来源：公益时报）"), ("http://b.example/9.html", "责任编辑：王五"))
    ]
    for worker in workers:
        worker.start()
    outcomes = [results.get(timeout=60) for _ in workers]
    for worker in workers:
        worker.join(30)
    try:
        stories = {story for story, _ in outcomes}
        assert len(stories) == 1, outcomes
        assert sorted(is_new for _, is_new in outcomes) == [False, True]  # one opened it, one joined
    finally:
        from dedup import NearDuplicateIndex

        NearDuplicateIndex(redis_url=redis, prefix=prefix).clear()
