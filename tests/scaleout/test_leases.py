"""No request lost when a worker dies: the leased Redis frontier (issue: scrapy-redis #177, #149;
reliability anchors F1–F4, F7)."""

from __future__ import annotations

import json
import signal
import time
from collections import Counter

import redis

from tests.scaleout.conftest import SLOW_PATHS, Cluster


def wait_until(condition, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def frontier(cluster: Cluster) -> dict:
    return json.loads(cluster.newsmon("frontier", "--json").stdout)


def test_sigkilled_worker_with_requests_in_flight_loses_none(cluster_slow: Cluster) -> None:
    """Also issue 7's "killing one worker mid-crawl loses no URL: the other finishes"."""
    cluster = cluster_slow
    cluster.newsmon("seed")
    victim = cluster.start_worker("w1")
    wait_until(lambda: sum(len(cluster.server.requests_for(p)) for p in SLOW_PATHS) >= 3, 90,
               "the slow pages to be in flight")
    assert frontier(cluster)["in_flight"] >= 3
    victim.send_signal(signal.SIGKILL)
    victim.wait()

    survivor = cluster.start_worker("w2")
    cluster.wait(survivor)

    status = frontier(cluster)
    assert status["requeued"] >= 3 and status["in_flight"] == 0 and status["queued"] == 0
    by_agent = Counter(r.headers.get("User-Agent") for p in SLOW_PATHS for r in cluster.server.requests_for(p))
    assert by_agent["newsmon-test/w2"] == len(SLOW_PATHS), "the survivor fetched the leased pages"
    stored = cluster.stored_urls()
    assert len(stored) == len(set(stored)) == 60


def test_dropped_redis_connections_mid_crawl_lose_nothing(cluster_300: Cluster) -> None:
    cluster = cluster_300
    cluster.newsmon("seed")
    workers = [cluster.start_worker("w1"), cluster.start_worker("w2")]
    admin = redis.Redis.from_url(cluster.redis_url)
    for threshold in (60, 120, 180):
        wait_until(lambda t=threshold: sum(1 for n in cluster.article_fetches().values() if n) >= t, 120,
                   f"{threshold} pages")
        admin.client_kill_filter(_type="normal", skipme=True)
    cluster.wait(*workers)
    stored = cluster.stored_urls()
    assert len(stored) == len(set(stored)) == 300


def test_workers_killed_and_restarted_repeatedly_end_with_a_fault_free_store(cluster_1000: Cluster) -> None:
    # 1,000 pages: three kills of a pair mid-crawl need a crawl long enough to kill it
    # three times, not 2,000 pages (the two-worker test covers that size)
    cluster = cluster_1000
    cluster.newsmon("seed")
    generation = 0

    def start_pair() -> list:  # type: ignore[type-arg]
        nonlocal generation
        generation += 1
        return [cluster.start_worker(f"g{generation}a"), cluster.start_worker(f"g{generation}b")]

    workers = start_pair()
    for threshold, kill in ((150, signal.SIGKILL), (400, signal.SIGTERM), (650, signal.SIGKILL)):
        wait_until(lambda t=threshold: len(cluster.stored_urls()) >= t, 180, f"{threshold} stored")
        for worker in workers:
            worker.send_signal(kill)
        for worker in workers:
            worker.wait(60)
        workers = start_pair()
    cluster.wait(*workers, timeout=300)

    stored = cluster.stored_urls()
    assert len(stored) == len(set(stored)) == 1000
    extra = sum(cluster.article_fetches().values()) - 1000
    print(f"\nrecovery cost: {extra} extra article downloads over 3 kills")
    status = frontier(cluster)
    assert status["queued"] == 0 and status["in_flight"] == 0
