"""A long crawl hands freed heap back: the arena cap and the periodic trim are in force."""

from __future__ import annotations

from pathlib import Path

from newsmon.demo.server import LocalSite
from tests.reliability.helpers import article_html, run_crawl, write_sources

HTML = {"Content-Type": "text/html; charset=utf-8"}


def test_crawl_caps_malloc_arenas_and_trims_the_heap_while_it_runs(tmp_path: Path) -> None:
    routes = {"/list.html": (200, HTML, b'<html><body><a href="/a/1.html">1</a></body></html>'),
              "/a/1.html": (200, HTML, article_html("heap"))}
    (tmp_path / "site").mkdir()
    # the article answers after 1.5 s: the crawl outlives several 0.2 s trim periods
    with LocalSite(tmp_path / "site", routes=routes, delays={r"^/a/1\.html$": 1.5}) as site:
        sources = write_sources(tmp_path / "sources.yaml", {
            "id": "heap", "name": "heap", "start_urls": [f"{site.url}/list.html"],
            "article_patterns": [r"/a/\d+\.html"]})
        run = run_crawl(f"sqlite:///{tmp_path / 'db.sqlite'}", sources, "ROBOTSTXT_OBEY=False",
                        "NEWSMON_MALLOC_TRIM_SECONDS=0.2")
    assert run.returncode == 0, run.log[-2000:]
    assert run.stat("newsmon/stored") == 1
    assert all(spider["stats"]["newsmon/memory/arena_max"] == 1 for spider in run.spiders.values())
    assert run.stat("newsmon/memory/heap_trims") >= 3
