"""Several `newsmon worker` processes sharing one Redis frontier and one PostgreSQL store."""

from __future__ import annotations

import json
from collections import Counter

from tests.scaleout.conftest import Cluster


def test_two_workers_share_a_2000_page_crawl_each_url_fetched_and_stored_once(cluster_2000: Cluster) -> None:
    cluster = cluster_2000
    seeded = cluster.newsmon("seed")
    assert "queued 1 start request" in seeded.stdout
    workers = [cluster.start_worker("w1"), cluster.start_worker("w2")]
    cluster.wait(*workers)

    fetches = cluster.article_fetches()
    assert Counter(fetches.values()) == Counter({1: 2000}), "every article URL downloaded exactly once"
    shares = cluster.fetches_by_worker()
    assert set(shares) == {"newsmon-test/w1", "newsmon-test/w2"}
    assert min(shares.values()) >= 400, f"both workers did a real share: {shares}"
    stored = cluster.stored_urls()
    assert len(stored) == len(set(stored)) == 2000

    status = json.loads(cluster.newsmon("frontier", "--json").stdout)
    assert status["queued"] == 0 and status["in_flight"] == 0 and status["done"] == 2000

    # a second seeding round re-reads the list pages but downloads no stored article again
    cluster.server.clear_log()
    cluster.newsmon("seed")
    cluster.wait(cluster.start_worker("w1"))
    assert sum(cluster.article_fetches().values()) == 0
