"""What the daemon tests share: a local news site with a feed, a sources file, the daemon
process, and waiting on what lands in the database."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import select

from storage.db import Database
from storage.models import Article, ArticleCategory, CrawlRun

REPO_ROOT = Path(__file__).resolve().parents[2]


def utf8_pages(shared: Path, count: int) -> list[Path]:
    extraction = shared / "data" / "extraction"
    entries = [json.loads(line) for line in (extraction / "index.jsonl").read_text().splitlines()
               if line.strip()]
    ids = [e["id"] for e in entries if e.get("bytes_are_valid_utf8")]
    return [extraction / f"{page_id}.html" for page_id in ids[:count]]


def build_site(root: Path, shared: Path, name: str, count: int) -> None:
    """`/{name}/rss.xml` listing `count` recorded article pages under `/{name}/news/`."""
    (root / name / "news").mkdir(parents=True)
    items = []
    for number, page in enumerate(utf8_pages(shared, count), start=1):
        (root / name / "news" / f"{number}.html").write_bytes(page.read_bytes())
        items.append(f"<item><title>第{number}条</title><link>/{name}/news/{number}.html</link></item>")
    (root / name / "rss.xml").write_text(
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{name}</title><link>/{name}/</link>{''.join(items)}</channel></rss>",
        encoding="utf-8")


def source_entry(source_id: str, base: str, schedule: str) -> str:
    return (f"  - id: {source_id}\n    name: 本地{source_id}\n"
            f"    feeds: ['{base}/{source_id}/rss.xml']\n"
            f"    schedule: '{schedule}'\n    allow_private_addresses: true\n")


def write_sources(path: Path, entries: list[str]) -> None:
    path.write_text("sources:\n" + "".join(entries), encoding="utf-8")


class DaemonProcess:
    """`python scheduler.py` as a child, its stderr collected in a file."""

    def __init__(self, db_url: str, sources: Path, log: Path, **env: str) -> None:
        self.log = log
        environment = {
            **os.environ,
            "NEWSMON_ALLOW_PRIVATE_ADDRESSES": "1",
            "NEWSMON_DIGEST_TIME": "off",
            "NEWSMON_HOUSEKEEPING_TIME": "off",
            "NEWSMON_SHUTDOWN_GRACE": "30",
            # politeness delays would only slow the tests down; the site is ours
            "NEWSMON_CRAWL_SETTINGS": "DOWNLOAD_DELAY=0 AUTOTHROTTLE_ENABLED=False",
            **env,
        }
        self._stderr = open(log, "wb")  # noqa: SIM115 - closed in wait()
        self.process = subprocess.Popen(
            [sys.executable, str(REPO_ROOT / "scheduler.py"), "--db", db_url,
             "--sources-file", str(sources)],
            cwd=REPO_ROOT, env=environment, stdout=self._stderr, stderr=self._stderr)

    @property
    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def signal(self, signum: int) -> None:
        self.process.send_signal(signum)

    def wait(self, timeout: float = 60) -> int:
        try:
            return self.process.wait(timeout=timeout)
        finally:
            self._stderr.close()

    def stop(self, timeout: float = 60) -> int:
        if self.process.poll() is None:
            self.signal(signal.SIGTERM)
        return self.wait(timeout)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self._stderr.close()


def wait_until(condition: Callable[[], Any], timeout: float, what: str,
               daemon: DaemonProcess | None = None) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        if daemon is not None and daemon.process.poll() is not None:
            raise AssertionError(f"daemon exited ({daemon.process.returncode}) while waiting for "
                                 f"{what}:\n{daemon.output[-4000:]}")
        time.sleep(0.2)
    log = daemon.output[-4000:] if daemon else ""
    raise AssertionError(f"timed out after {timeout}s waiting for {what}\n{log}")


def crawl_runs(db: Database, source_id: str | None = None) -> list[CrawlRun]:
    with db.session() as session:
        runs = list(session.scalars(select(CrawlRun).order_by(CrawlRun.id)))
    return [r for r in runs if source_id is None or source_id in (r.sources or [])]


def articles(db: Database) -> list[Article]:
    with db.session() as session:
        return list(session.scalars(select(Article).order_by(Article.id)))


def categories_by_article(db: Database) -> dict[int, set[str]]:
    result: dict[int, set[str]] = {}
    with db.session() as session:
        for article_id, category in session.execute(
                select(ArticleCategory.article_id, ArticleCategory.category)):
            result.setdefault(article_id, set()).add(category)
    return result
