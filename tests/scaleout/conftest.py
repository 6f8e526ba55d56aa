"""A generated local news site, a fresh PostgreSQL database and a private Redis database
for multi-worker crawls; helpers to seed the frontier and run `newsmon worker` processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis as redis_client

from newsmon.demo.server import LocalSite
from newsmon.testsite import GeneratedSite, generate_site, texts_from_shared
from tests.services import fresh_postgres_database, need_service

REDIS_DB_URL = "redis://127.0.0.1:6379/14"


@dataclass
class Cluster:
    site: GeneratedSite
    server: LocalSite
    sources: Path
    db_url: str
    redis_url: str
    workdir: Path

    def env(self) -> dict[str, str]:
        return dict(os.environ, NEWSMON_REDIS_URL=self.redis_url, NEWSMON_ALLOW_PRIVATE_ADDRESSES="1")

    def newsmon(self, *args: str) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [sys.executable, "-m", "newsmon", "--db", self.db_url, "--sources-file", str(self.sources), *args],
            env=self.env(), capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr[-3000:]
        return result

    def start_worker(self, name: str, *settings: str) -> subprocess.Popen[bytes]:
        log = (self.workdir / f"{name}.log").open("ab")
        command = [sys.executable, "-m", "newsmon", "--db", self.db_url, "--sources-file", str(self.sources),
                   "worker", "--exit-when-idle",
                   "-s", f"USER_AGENT=newsmon-test/{name}", "-s", "DOWNLOAD_DELAY=0",
                   "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8",
                   "-s", "NEWSMON_LEASE_SECONDS=10", "-s", "NEWSMON_LEASE_RENEW_SECONDS=3",
                   "-s", "NEWSMON_LEASE_REAP_SECONDS=1", *settings]
        return subprocess.Popen(command, env=self.env(), stdout=log, stderr=subprocess.STDOUT)

    def wait(self, *workers: subprocess.Popen[bytes], timeout: float = 300) -> None:
        deadline = time.monotonic() + timeout
        for worker in workers:
            try:
                worker.wait(max(1.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                worker.send_signal(signal.SIGKILL)
                raise AssertionError(f"worker did not finish in {timeout}s; log in {self.workdir}") from None
            assert worker.returncode == 0, (self.workdir / "w1.log").read_text(errors="replace")[-3000:]

    def article_fetches(self) -> dict[str, int]:
        counts = self.server.request_counts()
        return {path: counts.get(path, 0) for path in self.site.article_paths}

    def fetches_by_worker(self) -> dict[str, int]:
        paths = set(self.site.article_paths)
        by_worker: dict[str, int] = {}
        for record in self.server.requests():
            if record.path in paths:
                agent = record.headers.get("User-Agent", "?")
                by_worker[agent] = by_worker.get(agent, 0) + 1
        return by_worker

    def stored_urls(self) -> list[str]:
        from sqlalchemy import create_engine, text

        engine = create_engine(self.db_url.replace("postgresql://", "postgresql+psycopg://"))
        with engine.connect() as conn:
            urls = [row[0] for row in conn.execute(text("SELECT canonical_url FROM articles"))]
        engine.dispose()
        return urls


def make_cluster(tmp_path: Path, shared: Path, pages: int, delays: dict[str, float] | None = None) -> Iterator[Cluster]:
    need_service("Redis", "127.0.0.1", 6379)
    client = redis_client.Redis.from_url(REDIS_DB_URL)
    client.flushdb()
    site = generate_site(tmp_path / "site", pages, texts_from_shared(shared), page_kb=(3, 6))
    with fresh_postgres_database() as db_url, LocalSite(site.root, delays=delays or {}) as server:
        sources = tmp_path / "sources.yaml"
        sources.write_text(
            "sources:\n  - id: gen\n    name: 生成站\n"
            f"    start_urls: ['{server.url}/list/index.html']\n"
            "    article_patterns: ['/news/\\d+\\.html$']\n"
            "    follow_patterns: ['/list/index(_\\d+)?\\.html$']\n"
            "    max_depth: 2\n    max_pages: 100000\n    allow_private_addresses: true\n",
            encoding="utf-8")
        cluster = Cluster(site, server, sources, db_url, REDIS_DB_URL, tmp_path)
        cluster.newsmon("init")
        yield cluster
    client.flushdb()


@pytest.fixture
def cluster_2000(tmp_path: Path, shared_dir: Path) -> Iterator[Cluster]:
    yield from make_cluster(tmp_path, shared_dir, 2000)


@pytest.fixture
def cluster_1000(tmp_path: Path, shared_dir: Path) -> Iterator[Cluster]:
    yield from make_cluster(tmp_path, shared_dir, 1000)


SLOW_PATHS = [f"/news/{100000 + n}.html" for n in (3, 4, 5, 6)]


@pytest.fixture
def cluster_slow(tmp_path: Path, shared_dir: Path) -> Iterator[Cluster]:
    """60 pages, four of which take 8 s to answer: they are surely in flight for a while."""
    yield from make_cluster(tmp_path, shared_dir, 60,
                            delays={f"^{p.replace('.', '[.]')}$": 8.0 for p in SLOW_PATHS})




@pytest.fixture
def cluster_300(tmp_path: Path, shared_dir: Path) -> Iterator[Cluster]:
    yield from make_cluster(tmp_path, shared_dir, 300)
