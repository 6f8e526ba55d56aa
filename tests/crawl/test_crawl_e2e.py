"""End to end: `newsmon crawl` against a real HTTP server on 127.0.0.1 serving recorded pages.

The site has a feed (relative and absolute links), a sitemap, list pages with pagination,
UTF-8 and GBK pages (one declared only in the HTTP header, one only in <meta>), a link
that 404s and a page that never answers in time. Assertions are on what lands in the
database and on what the server was asked for.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zlib
from datetime import datetime
from pathlib import Path

from newsmon.demo.server import LocalSite

UTF8_PAGES = ["cwced-3e1af229", "cwced-c4d032a1", "cwced-274a65d9", "cwced-500b350d"]
GBK_HEADER_PAGE = "cwced-77fa9435"  # GBK bytes, charset only in the HTTP header
GBK_META_PAGE = "cwced-ecbe8d49"  # GBK bytes, charset only in <meta>
SITEMAP_PAGE = "cwced-d232c5df"  # reachable only through the sitemap


def ground_truth(shared: Path, page_id: str) -> dict:
    return json.loads((shared / "data" / "extraction" / f"{page_id}.json").read_text(encoding="utf-8"))


def build_site(root: Path, shared: Path) -> dict[str, str]:
    """Write the site; returns article path → recorded page id."""
    pages: dict[str, str] = {}
    (root / "html" / "news").mkdir(parents=True)
    all_ids = [*UTF8_PAGES, GBK_HEADER_PAGE, GBK_META_PAGE, SITEMAP_PAGE]
    for number, page_id in enumerate(all_ids, start=1001):
        path = f"/html/news/{number}.html"
        (root / path.lstrip("/")).write_bytes((shared / "data" / "extraction" / f"{page_id}.html").read_bytes())
        pages[path] = page_id
    headers = {
        "/html/news/1005.html": {"Content-Type": "text/html; charset=gbk"},
        "/html/news/1006.html": {"Content-Type": "text/html"},
    }
    # the meta page must declare its charset in <meta>: recorded pages already do; check it
    assert b"charset" in (root / "html/news/1006.html").read_bytes()[:3000].lower()
    (root / "_headers.json").write_text(json.dumps(headers), encoding="utf-8")
    (root / "index.html").write_text(
        '<html><head><title>本地公益</title></head><body>'
        '<a href="/html/news/1001.html">一</a> <a href="/html/news/1002.html?utm_source=home">二</a>'
        '<a href="/list_2.html">下一页</a> <a href="/html/news/9999.html">失效链接</a>'
        '<a href="/html/news/slow.html">慢</a></body></html>', encoding="utf-8")
    (root / "list_2.html").write_text(
        '<html><body><a href="/html/news/1003.html">三</a><a href="/html/news/1005.html">五</a>'
        '<a href="/list_3.html">下一页</a></body></html>', encoding="utf-8")
    (root / "list_3.html").write_text(
        '<html><body><a href="/html/news/1006.html">六</a></body></html>', encoding="utf-8")
    (root / "html/news/slow.html").write_text("<html><body>late</body></html>", encoding="utf-8")
    (root / "rss.xml").write_text(
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>本地公益</title>'
        '<link>/</link>'
        '<item><title>一</title><link>/html/news/1001.html</link></item>'
        '<item><title>四</title><link>html/news/1004.html</link></item>'
        '<item><title>坏</title><link>javascript:alert(1)</link></item>'
        '</channel></rss>', encoding="utf-8")
    return pages


def write_sources(path: Path, base: str) -> None:
    path.write_text(
        "sources:\n"
        "  - id: local\n"
        "    name: 本地公益网\n"
        f"    feeds: ['{base}/rss.xml']\n"
        f"    start_urls: ['{base}/index.html']\n"
        f"    sitemaps: ['{base}/sitemap.xml']\n"
        "    article_patterns: ['/html/news/[a-z0-9]+\\.html$']\n"
        "    follow_patterns: ['/list_\\d+\\.html$']\n"
        "    max_depth: 3\n"
        "    allow_private_addresses: true\n",
        encoding="utf-8",
    )


def newsmon(*args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([sys.executable, "-m", "newsmon", *args], capture_output=True,
                            text=True, timeout=240)
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def crawl(db_url: str, sources: Path) -> str:
    return newsmon("--db", db_url, "--sources-file", str(sources), "crawl",
                   "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
                   "-s", "DOWNLOAD_TIMEOUT=3", "-s", "RETRY_TIMES=0").stdout


def stored(db_url: str) -> list[dict]:
    out = newsmon("--db", db_url, "articles", "--format", "jsonl").stdout
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def raw_pages(db_url: str) -> dict[str, bytes]:
    from sqlalchemy import select

    from storage.db import Database
    from storage.models import RawPage

    database = Database(db_url)
    try:
        with database.session() as session:
            rows = session.execute(select(RawPage.canonical_url, RawPage.body_zlib)).all()
    finally:
        database.dispose()
    return {url: zlib.decompress(body) for url, body in rows}


def test_crawl_stores_each_article_once_and_second_run_fetches_nothing_stored(
    tmp_path: Path, shared_dir: Path, db_url: str
) -> None:
    site_root = tmp_path / "site"
    pages = build_site(site_root, shared_dir)
    with LocalSite(site_root, delays={r"/slow\.html$": 6.0}) as site:
        (site_root / "sitemap.xml").write_text(
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f'<url><loc>{site.url}/html/news/1007.html</loc></url></urlset>', encoding="utf-8")
        sources = tmp_path / "sources.yaml"
        write_sources(sources, site.url)
        summary = crawl(db_url, sources)
        articles = stored(db_url)

        by_path = {a["canonical_url"].removeprefix(site.url): a for a in articles}
        assert set(by_path) == set(pages), summary
        assert len(articles) == len(pages)  # each once, though found by feed, list and sitemap
        for path, page_id in pages.items():
            truth = ground_truth(shared_dir, page_id)
            record = by_path[path]
            assert record["source"] == "local"
            assert datetime.fromisoformat(record["fetched_at"]).tzinfo is not None
            if record["published_at"]:
                assert datetime.fromisoformat(record["published_at"]).tzinfo is not None
            # decoded correctly: a phrase of the human ground truth is in the text
            flat = "".join(truth["text"].split())
            phrase = flat[len(flat) // 2: len(flat) // 2 + 12]
            assert phrase in "".join(record["text"].split()), (path, phrase)
            assert isinstance(record["categories"], list)
        assert "utm_source" not in json.dumps([a["canonical_url"] for a in articles])
        # each article's page is kept, compressed once, byte for byte as served
        kept = raw_pages(db_url)
        for path in pages:
            assert kept[site.url + path] == (site_root / path.lstrip("/")).read_bytes(), path

        first_counts = site.request_counts()
        assert first_counts.get("/html/news/9999.html") == 1  # the 404 was tried, not stored
        assert first_counts.get("/html/news/slow.html", 0) >= 1

        crawl(db_url, sources)
        assert len(stored(db_url)) == len(pages)
        second_counts = site.request_counts()
        for path in pages:
            assert second_counts.get(path) == 1, f"{path} was requested again"
        # the unchanged feed came back 304
        assert second_counts.get("/rss.xml") == 2
