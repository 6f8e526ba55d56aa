"""A robots.txt that answers with a server error means "crawl nothing here" (RFC 9309
2.3.1.4); a missing one (404) means "crawl everything". One crawl, two sites."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from newsmon.demo.server import LocalSite
from tests.reliability.helpers import article_html, run_crawl, write_sources

HTML = {"Content-Type": "text/html; charset=utf-8"}
LIST = (200, HTML, b'<html><body><a href="/a/1.html">1</a></body></html>')


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, dict[str, int], dict[str, int]]]:
    tmp = tmp_path_factory.mktemp("robots")
    (tmp / "down").mkdir()
    (tmp / "open").mkdir()
    down_routes = {"/robots.txt": (503, HTML, b"<html><body>service unavailable</body></html>"),
                   "/list.html": LIST, "/a/1.html": (200, HTML, article_html("robots-down"))}
    open_routes = {"/list.html": LIST, "/a/1.html": (200, HTML, article_html("robots-missing"))}
    with LocalSite(tmp / "down", routes=down_routes) as down, LocalSite(tmp / "open", routes=open_routes) as open_:
        sources = write_sources(
            tmp / "sources.yaml",
            {"id": "down", "name": "down", "start_urls": [f"{down.url}/list.html"], "article_patterns": [r"/a/\d+\.html"]},
            {"id": "open", "name": "open", "start_urls": [f"{open_.url}/list.html"], "article_patterns": [r"/a/\d+\.html"]},
        )
        run = run_crawl(f"sqlite:///{tmp / 'db.sqlite'}", sources, "RETRY_TIMES=1")
        yield run, down.request_counts(), open_.request_counts()


def test_robots_txt_5xx_means_disallow_all(crawled: tuple[Any, dict[str, int], dict[str, int]]) -> None:
    run, asked, _ = crawled
    assert run.returncode == 0, run.log[-2000:]
    assert asked.get("/robots.txt", 0) >= 1
    assert "/list.html" not in asked and "/a/1.html" not in asked
    assert run.stat("newsmon/robots/unreachable") == 1
    assert run.stat("robotstxt/forbidden") >= 1


def test_robots_txt_404_allows_everything(crawled: tuple[Any, dict[str, int], dict[str, int]]) -> None:
    run, _, asked = crawled
    assert asked.get("/a/1.html") == 1
    assert run.stat("newsmon/stored") == 1  # the open site's article; nothing from the other
