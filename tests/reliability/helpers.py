"""What the reliability tests share: a crawl in a child process, sources files, article pages."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from storage.db import Database
from storage.models import Article

REPO_ROOT = Path(__file__).resolve().parents[2]
FAST = ["DOWNLOAD_DELAY=0", "AUTOTHROTTLE_ENABLED=False", "CONCURRENT_REQUESTS_PER_DOMAIN=16",
        "NEWSMON_STORE_FLUSH_SECONDS=0.2", "NEWSMON_EXTRACT_WORKERS=1"]


@dataclass
class CrawlRun:
    returncode: int
    spiders: dict[str, Any]
    log: str
    tripped: list[str]

    def stat(self, name: str) -> int:
        return sum(int(s["stats"].get(name, 0) or 0) for s in self.spiders.values())

    def stats_with(self, prefix: str) -> dict[str, int]:
        found: dict[str, int] = {}
        for spider in self.spiders.values():
            for key, value in spider["stats"].items():
                if key.startswith(prefix):
                    found[key] = found.get(key, 0) + int(value)
        return found


def run_crawl(db_url: str, sources: Path, *settings: str, spiders: tuple[str, ...] = (),
              allow_private: bool = True, tmp: Path | None = None, timeout: float = 120) -> CrawlRun:
    """Crawl in a child process (Scrapy's reactor runs once per process)."""
    env = dict(os.environ)
    env.pop("NEWSMON_ALLOW_PRIVATE_ADDRESSES", None)
    if allow_private:
        env["NEWSMON_ALLOW_PRIVATE_ADDRESSES"] = "1"
    tripwire = (tmp or sources.parent) / "tripwire.log"
    env["NEWSMON_TRIPWIRE"] = str(tripwire)
    args = [sys.executable, "-m", "tests.reliability.runner", db_url, str(sources)]
    for spider in spiders:
        args += ["--spider", spider]
    for setting in [*FAST, *settings]:
        args += ["-s", setting]
    result = subprocess.run(args, capture_output=True, text=True, timeout=timeout, cwd=REPO_ROOT, env=env)
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    spiders_stats = json.loads(lines[-1]) if lines else {}
    tripped = tripwire.read_text().splitlines() if tripwire.exists() else []
    return CrawlRun(result.returncode, spiders_stats, result.stderr, tripped)


def write_sources(path: Path, *sources: dict[str, Any]) -> Path:
    import yaml

    path.write_text(yaml.safe_dump({"sources": list(sources)}, allow_unicode=True), encoding="utf-8")
    return path


def article_html(key: str, title: str = "公益项目进展") -> bytes:
    """A plausible Chinese news page whose text is unique to `key` (no exact-duplicate drops)."""
    sentences = "".join(
        f"<p>编号{key}第{i}段：社会组织参与乡村振兴的公益项目在第{i}个村庄取得进展，"
        f"志愿者开展帮扶，受益儿童达到{len(key) * 37 + i}人。</p>" for i in range(1, 7)
    )
    return (
        f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{title}{key}</title></head>"
        f"<body><article><h1>{title}{key}</h1>{sentences}</article></body></html>"
    ).encode()


def stored_urls(db_url: str) -> list[str]:
    db = Database(db_url)
    with db.session() as session:
        return list(session.scalars(select(Article.canonical_url)))


def stored_count(db_url: str) -> int:
    db = Database(db_url)
    with db.session() as session:
        return int(session.scalar(select(func.count(Article.id))) or 0)


def write_feed_site(root: Path, articles: int, key: str) -> None:
    """A site of `articles` pages /a/N.html (text unique to `key` and N) and an RSS feed
    /rss.xml listing them all."""
    (root / "a").mkdir(parents=True)
    for n in range(articles):
        (root / "a" / f"{n}.html").write_bytes(article_html(f"{key}-{n}"))
    items = "".join(f"<item><title>t{n}</title><link>/a/{n}.html</link></item>" for n in range(articles))
    (root / "rss.xml").write_text(f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
                                  f"<title>x</title>{items}</channel></rss>", encoding="utf-8")
