"""With NEWSMON_REDIS_URL set the daemon seeds the shared frontier on each source's
schedule (recorded as crawl runs of spider 'seed') instead of crawling itself."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import create_engine, text

from crawler.frontier import Frontier
from tests.services import fresh_postgres_database, need_service

REPO = Path(__file__).resolve().parents[2]
REDIS_URL = "redis://127.0.0.1:6379/12"


def test_daemon_seeds_the_frontier_on_schedule(tmp_path: Path) -> None:
    need_service("Redis", "127.0.0.1", 6379)
    frontier = Frontier.from_url(REDIS_URL)
    frontier.clear()
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        "sources:\n  - id: site-a\n    name: A\n    feeds: ['http://a.example/rss.xml']\n"
        "    start_urls: ['http://a.example/news/']\n    article_patterns: ['/a/\\d+\\.html$']\n    schedule: 2s\n", encoding="utf-8")
    with fresh_postgres_database() as db_url:
        env = dict(os.environ, NEWSMON_REDIS_URL=REDIS_URL, NEWSMON_DIGEST_TIME="off",
                   NEWSMON_HOUSEKEEPING_TIME="off", NEWSMON_DATABASE_URL=db_url,
                   NEWSMON_SOURCES=str(sources), NEWSMON_SHUTDOWN_GRACE="5")
        daemon = subprocess.Popen([sys.executable, str(REPO / "scheduler.py")], env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        try:
            engine = create_engine(db_url.replace("postgresql://", "postgresql+psycopg://"))
            deadline = time.monotonic() + 60
            seeds = 0
            while time.monotonic() < deadline and seeds < 2:
                time.sleep(0.5)
                try:
                    with engine.connect() as conn:
                        seeds = int(conn.execute(text(
                            "SELECT count(*) FROM crawl_runs WHERE spider = 'seed' AND status = 'finished'"
                        )).scalar() or 0)
                except Exception:  # the schema may not exist yet
                    continue
            engine.dispose()
            assert seeds >= 2, "two scheduled seedings recorded"
            # the feed and the list page wait for workers, each once however often seeded
            assert frontier.queued() == 2
        finally:
            daemon.send_signal(signal.SIGTERM)
            output, _ = daemon.communicate(timeout=60)
            frontier.clear()
        assert daemon.returncode == 0, output.decode(errors="replace")[-2000:]
