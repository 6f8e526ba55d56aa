"""A crawl child that crashes or overruns its time limit is recorded as such."""

from __future__ import annotations

import sys
from dataclasses import replace
from datetime import time
from pathlib import Path
from zoneinfo import ZoneInfo

from newsmon.daemon.plan import CrawlJobSpec
from newsmon.daemon.service import Daemon
from newsmon.daemon.settings import DaemonSettings
from storage.db import Database
from tests.daemon.helpers import crawl_runs

SETTINGS = DaemonSettings(
    timezone=ZoneInfo("Asia/Shanghai"), digest_time=time(8), housekeeping_time=None,
    raw_retention_days=90, crawl_timeout=1.0, shutdown_grace=1.0, child_stop_timeout=0.5,
    misfire_grace=60, max_parallel_crawls=1,
)
SPEC = CrawlJobSpec("crawl:1h", "1h", "UTC", ("alpha", "beta"))


class FakeCrawlDaemon(Daemon):
    """The daemon's crawl job, with a stand-in for `newsmon crawl`."""

    def __init__(self, db_url: str, script: str, crawl_timeout: float = 1.0) -> None:
        super().__init__(db_url, Path("unused.yaml"), replace(SETTINGS, crawl_timeout=crawl_timeout))
        self.script = script
        self.db = Database(db_url)
        self.db.migrate()

    def _newsmon_argv(self, *args: str) -> list[str]:
        return [sys.executable, "-c", self.script]


def test_a_child_that_dies_without_a_record_is_recorded_as_crashed(sqlite_url: str) -> None:
    daemon = FakeCrawlDaemon(sqlite_url, "import sys; sys.exit(3)", crawl_timeout=60)
    daemon._crawl(SPEC)
    [run] = crawl_runs(daemon.db)
    assert (run.status, run.sources, run.finished_at is not None) == ("crashed", ["alpha", "beta"], True)


def test_a_crashed_child_s_own_running_run_is_marked_crashed(db_url: str) -> None:
    # records a running crawl as Scrapy's recorder does, then dies without closing it
    script = (
        "import os, signal\n"
        "from storage.db import Database\n"
        "from storage.runs import start_crawl_run\n"
        f"start_crawl_run(Database({db_url!r}), 'feeds', ['alpha', 'beta'], os.getpid())\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    daemon = FakeCrawlDaemon(db_url, script, crawl_timeout=60)
    daemon._crawl(SPEC)
    runs = crawl_runs(daemon.db)
    assert [(r.spider, r.status, r.finished_at is not None) for r in runs] == [("feeds", "crashed", True)]
    daemon.db.dispose()


def test_a_child_stopped_at_its_time_limit_is_recorded_as_timeout(sqlite_url: str) -> None:
    daemon = FakeCrawlDaemon(sqlite_url, "import time; time.sleep(60)")
    daemon._crawl(SPEC)
    [run] = crawl_runs(daemon.db)
    assert run.status == "timeout"


def test_a_child_deaf_to_sigterm_is_killed(sqlite_url: str) -> None:
    script = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(60)"
    daemon = FakeCrawlDaemon(sqlite_url, script, crawl_timeout=2)  # time to install SIG_IGN
    daemon._crawl(SPEC)
    assert [r.status for r in crawl_runs(daemon.db)] == ["killed"]
