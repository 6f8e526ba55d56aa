"""A robots.txt that answers with a server error means "crawl nothing here" (RFC 9309 2.3.1.4)."""

from __future__ import annotations

from pathlib import Path

from newsmon.demo.server import LocalSite
from tests.reliability.helpers import article_html, run_crawl, write_sources

HTML = {"Content-Type": "text/html; charset=utf-8"}


def test_robots_txt_5xx_means_disallow_all(tmp_path: Path) -> None:
    root = tmp_path / "site"
    root.mkdir()
    routes = {
        "/robots.txt": (503, HTML, b"<html><body>service unavailable</body></html>"),
        "/list.html": (200, HTML, b'<html><body><a href="/a/1.html">1</a></body></html>'),
        "/a/1.html": (200, HTML, article_html("robots-down")),
    }
    with LocalSite(root, routes=routes) as site:
        sources = write_sources(tmp_path / "sources.yaml", {
            "id": "down", "name": "down", "start_urls": [f"{site.url}/list.html"],
            "article_patterns": [r"/a/\d+\.html"]})
        run = run_crawl(f"sqlite:///{tmp_path / 'db.sqlite'}", sources, "RETRY_TIMES=1")
        asked = site.request_counts()
    assert run.returncode == 0, run.log[-2000:]
    assert asked.get("/robots.txt", 0) >= 1
    assert "/list.html" not in asked and "/a/1.html" not in asked
    assert run.stat("newsmon/robots/unreachable") >= 1
    assert run.stat("robotstxt/forbidden") >= 1


def test_robots_txt_404_allows_everything(tmp_path: Path) -> None:
    root = tmp_path / "site"
    root.mkdir()
    routes = {
        "/list.html": (200, HTML, b'<html><body><a href="/a/1.html">1</a></body></html>'),
        "/a/1.html": (200, HTML, article_html("robots-missing")),
    }
    with LocalSite(root, routes=routes) as site:
        sources = write_sources(tmp_path / "sources.yaml", {
            "id": "open", "name": "open", "start_urls": [f"{site.url}/list.html"],
            "article_patterns": [r"/a/\d+\.html"]})
        run = run_crawl(f"sqlite:///{tmp_path / 'db.sqlite'}", sources)
        asked = site.request_counts()
    assert run.returncode == 0, run.log[-2000:]
    assert asked.get("/a/1.html") == 1
    assert run.stat("newsmon/robots/unreachable") == 0
    assert run.stat("newsmon/stored") == 1
