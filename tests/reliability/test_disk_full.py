"""Disk nearly full: the crawl stops with a clear error, and the database stays consistent.

The database lives on a 3 MB tmpfs mounted for the test (root only; skipped otherwise).
"""

from __future__ import annotations

import random
import sqlite3
import string
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsmon.demo.server import LocalSite
from tests.reliability.helpers import article_html, run_crawl, write_sources

pytestmark = pytest.mark.slow

ARTICLES = 30


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3M", "tmpfs", str(mount_point)],
                            capture_output=True, text=True)
    if result.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here ({result.stderr.strip() or 'not permitted'})")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def test_disk_nearly_full_stops_cleanly_without_corrupting_the_database(tmp_path: Path, small_disk: Path) -> None:
    rng = random.Random(3)
    root = tmp_path / "site"
    (root / "a").mkdir(parents=True)
    for n in range(ARTICLES):
        noise = "".join(rng.choices(string.ascii_letters, k=150_000))  # raw pages are kept: they fill the disk
        page = article_html(f"disk-{n}").replace(b"</body>", f"<!-- {noise} --></body>".encode())
        (root / "a" / f"{n}.html").write_bytes(page)
    items = "".join(f"<item><title>t{n}</title><link>/a/{n}.html</link></item>" for n in range(ARTICLES))
    (root / "rss.xml").write_text(f'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>{items}'
                                  "</channel></rss>", encoding="utf-8")
    db_file = small_disk / "newsmon.db"
    with LocalSite(root) as site:
        sources = write_sources(tmp_path / "sources.yaml",
                                {"id": "disk", "name": "满盘", "feeds": [f"{site.url}/rss.xml"]})
        run = run_crawl(f"sqlite:///{db_file}", sources, "ROBOTSTXT_OBEY=False", "NEWSMON_STORE_RETRIES=0",
                        "NEWSMON_STORE_BATCH_SIZE=5", spiders=("feeds",), tmp=tmp_path)
    assert run.returncode == 0, run.log[-3000:]
    assert "disk is full" in run.log or "No space left" in run.log
    assert run.stat("newsmon/stopped/disk_full") == 1
    assert run.spiders["feeds"]["stats"]["finish_reason"] == "disk_full"
    assert run.stat("newsmon/stored") < ARTICLES
    with sqlite3.connect(db_file) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    assert stored == run.stat("newsmon/stored")  # every article counted as stored is there
