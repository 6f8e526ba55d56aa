"""The crawler is SIGKILLed mid-crawl and restarted with the same JOBDIR: nothing lost, nothing twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from newsmon.demo.server import LocalSite
from storage.db import Database
from storage.models import Article
from tests.reliability.helpers import FAST, REPO_ROOT, stored_count, write_feed_site, write_sources

pytestmark = pytest.mark.slow

ARTICLES = 20


def _crawl_args(db_url: str, sources: Path, jobdir: Path) -> list[str]:
    # both spiders, as `newsmon crawl --jobdir` runs them: one state folder per spider
    args = [sys.executable, "-m", "tests.reliability.runner", db_url, str(sources), "--jobdir", str(jobdir)]
    for setting in [*FAST, "CONCURRENT_REQUESTS_PER_DOMAIN=2", "ROBOTSTXT_OBEY=False"]:
        args += ["-s", setting]
    return args


def test_crawler_sigkill_mid_crawl_resumes_with_jobdir(tmp_path: Path) -> None:
    root = tmp_path / "site"
    write_feed_site(root, ARTICLES, "resume")
    db_url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    jobdir = tmp_path / "job"
    env = {**os.environ, "NEWSMON_ALLOW_PRIVATE_ADDRESSES": "1"}
    # the first articles come fast, the rest slowly: the kill lands with articles fetched
    # but not stored, in flight, and not yet asked for, however busy the machine is
    with LocalSite(root, delays={r"^/a/([0-5])\.html$": 0.05, r"^/a/": 0.6}) as site:
        sources = write_sources(tmp_path / "sources.yaml",
                                {"id": "resume", "name": "续爬", "feeds": [f"{site.url}/rss.xml"]})
        first = subprocess.Popen(_crawl_args(db_url, sources, jobdir), cwd=REPO_ROOT, env=env,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and first.poll() is None:
            if sum(1 for r in site.requests() if r.path.startswith("/a/")) >= 9:
                break
            time.sleep(0.1)
        assert first.poll() is None, "the first crawl ended before it could be killed"
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
        stored_at_kill = stored_count(db_url)
        site.delays = []  # the restarted crawl need not wait
        assert stored_at_kill < ARTICLES  # articles fetched, not yet stored, died with it
        second = subprocess.run(_crawl_args(db_url, sources, jobdir), cwd=REPO_ROOT, env=env,
                                capture_output=True, text=True, timeout=120)
        assert second.returncode == 0, second.stderr[-3000:]
        counts = site.request_counts()
    db = Database(db_url)
    with db.session() as session:
        rows = session.scalar(select(func.count(Article.id)))
        distinct = session.scalar(select(func.count(func.distinct(Article.canonical_url))))
    assert rows == distinct == ARTICLES  # none lost, none twice
    # stored articles are not fetched again after the restart (at most the in-flight ones are)
    refetched = [n for n in range(ARTICLES) if counts.get(f"/a/{n}.html", 0) > 1]
    assert len(refetched) <= ARTICLES - stored_at_kill
