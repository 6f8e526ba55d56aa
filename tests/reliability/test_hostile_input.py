"""Bad and hostile feeds and pages, all served by one LocalSite and read by one crawl.

Every case is a source of its own (or a page of the `pages` source), so one crawl in a
child process covers them all and each named test checks its case's outcome: what the
server was asked, what was stored, and what the crawl counted. Nothing may crash or hang:
the crawl must finish with exit 0 within the subprocess timeout.
"""

from __future__ import annotations

import gzip
import random
import zlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import brotli
import pytest
from sqlalchemy import select

from crawler.feeds import parse_feed
from crawler.middlewares import retry_after_seconds
from newsmon.demo.server import LocalSite, Route
from storage.db import Database
from storage.models import Article
from tests.reliability.helpers import article_html, run_crawl, write_sources

pytestmark = pytest.mark.slow

MAXSIZE = 4 * 1024 * 1024  # DOWNLOAD_MAXSIZE for this crawl: 4 MiB (the 50,000-entry feed is 3.4 MB)
BOMB_SIZE = 16 * MAXSIZE  # what a bomb would inflate to
HUGE_FEED_ENTRIES = 50_000
HUGE_FEED_CAP = 1000  # NEWSMON_FEED_MAX_ENTRIES for this crawl
SECRET = "NEWSMON-SECRET-7f3a"

HTML = {"Content-Type": "text/html; charset=utf-8"}
RSS = {"Content-Type": "application/rss+xml"}


def rss(items: str, encoding: str = "utf-8", prolog: str = "") -> str:
    return (f'<?xml version="1.0" encoding="{encoding}"?>{prolog}<rss version="2.0"><channel>'
            f"<title>测试</title><link>/</link>{items}</channel></rss>")


def item(link: str | None, title: str = "标题", guid: str | None = None, date: str | None = None) -> str:
    parts = [f"<title>{title}</title>"]
    if link is not None:
        parts.append(f"<link>{link}</link>")
    if guid is not None:
        parts.append(f'<guid isPermaLink="false">{guid}</guid>')
    if date is not None:
        parts.append(f"<pubDate>{date}</pubDate>")
    return f"<item>{''.join(parts)}</item>"


def feeds(secret_file: Path) -> dict[str, bytes]:
    bomb_prolog = ('<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">'
                   + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
                   + "]>")
    xxe_prolog = f'<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret_file}">]>'
    huge = "".join(item(f"/huge/{n}.html", f"条目{n}") for n in range(HUGE_FEED_ENTRIES))
    return {
        "/feeds/illformed.xml": rss(item("/a/ill-1.html") + "<item><title>未闭合 & 裸露的符号<link>/a/ill-2.html"
                                    ).encode(),
        "/feeds/wrong-encoding.xml": rss(item("/a/enc-1.html", "公益慈善新闻")).encode("gbk"),
        "/feeds/html.xml": b"<!DOCTYPE html><html><body><h1>\xe8\xbf\x99\xe6\x98\xaf\xe7\xbd\x91\xe9\xa1\xb5</h1>"
                           b"<a href='/a/html-1.html'>x</a></body></html>",
        "/feeds/empty.xml": b"",
        "/feeds/huge.xml": rss(huge).encode(),
        "/feeds/links.xml": rss(item(None, "无链接") + item("javascript:alert(1)") + item("data:text/html,<b>x</b>")
                                + item("  /a/links-ok.html  ")).encode(),
        "/feeds/dates.xml": rss(item("/a/future.html", "未来", date="Tue, 01 Jan 2999 00:00:00 GMT")
                                + item("/a/garbled-date.html", "乱码", date="昨天下午 二十五点")).encode(),
        "/feeds/guids.xml": rss(item("/a/guid-1.html", guid="same") + item("/a/guid-2.html", guid="same")
                                + item("/a/guid-3.html", guid="other") + item("/a/guid-3.html", guid="third")).encode(),
        "/feeds/bomb.xml": rss(item("/a/bomb-1.html", "&j;"), prolog=bomb_prolog).encode(),
        "/feeds/xxe.xml": rss(item("/a/xxe-1.html", "before&xxe;after"), prolog=xxe_prolog).encode(),
    }


def compressed(encoding: str) -> bytes:
    zeros = b"\0" * BOMB_SIZE
    if encoding == "gzip":
        return gzip.compress(zeros, compresslevel=9)
    if encoding == "deflate":
        return zlib.compress(zeros, 9)
    return brotli.compress(zeros, quality=5)


def page_routes() -> dict[str, Route]:
    rng = random.Random(7)
    gbk = article_html("gbk-as-utf8").decode().replace('charset="utf-8"', "").encode("gbk")
    routes: dict[str, Route] = {
        "/p/bomb-gzip.html": (200, {**HTML, "Content-Encoding": "gzip"}, compressed("gzip")),
        "/p/bomb-deflate.html": (200, {**HTML, "Content-Encoding": "deflate"}, compressed("deflate")),
        "/p/bomb-br.html": (200, {**HTML, "Content-Encoding": "br"}, compressed("br")),
        "/p/oversized.html": (200, HTML, b"<html><body>" + b"<p>\xe5\xa4\xa7</p>" * (MAXSIZE // 8) + b"</body></html>"),
        "/p/binary.html": (200, HTML, bytes(rng.getrandbits(8) for _ in range(30_000))),
        "/p/gbk-as-utf8.html": (200, HTML, gbk),
        "/p/loop-a.html": (302, {"Location": "/p/loop-b.html"}, b""),
        "/p/loop-b.html": (302, {"Location": "/p/loop-a.html"}, b""),
        "/robots.txt": (200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow: /private/\n"),
    }
    for n in range(15):
        routes[f"/p/chain-{n}.html"] = (301, {"Location": f"/p/chain-{n + 1}.html"}, b"")
    return routes


def generate(path: str, query: str) -> Route | None:
    """Articles for any /a/, /huge/, /farm/a/ path, and an endless calendar under /farm/cal/."""
    if path.startswith(("/a/", "/huge/", "/farm/a/", "/private/", "/p/")) and path.endswith(".html"):
        return 200, HTML, article_html(path.strip("/").replace("/", "-"))
    if path.startswith("/farm/cal/"):
        day = int(path.rsplit("/", 1)[1].removesuffix(".html"))
        sid = random.randrange(10**9)
        links = "".join(f'<a href="/farm/cal/{d}.html?sid={sid}">日历{d}</a>' for d in (day - 1, day + 1))
        links += "".join(f'<a href="/farm/a/{day * 10 + k}.html?jsessionid={sid}">文章</a>' for k in range(3))
        return 200, HTML, f"<html><body>{links}</body></html>".encode()
    return None


PAGE_LINKS = ["/p/bomb-gzip.html", "/p/bomb-deflate.html", "/p/bomb-br.html", "/p/oversized.html",
              "/p/binary.html", "/p/gbk-as-utf8.html", "/p/drip.html", "/p/loop-a.html", "/p/chain-0.html",
              "/p/retry-after.html", "/p/flaky.html", "/private/hidden.html"]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Any:
    tmp = tmp_path_factory.mktemp("hostile")
    secret = tmp / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    root = tmp / "site"
    root.mkdir()
    routes = {**page_routes(), **{path: (200, RSS, body) for path, body in feeds(secret).items()}}
    later = (200, HTML, article_html("recovered"))
    sequences = {
        "/p/retry-after.html": [(429, {**HTML, "Retry-After": "1"}, b"slow down"), later],
        "/p/flaky.html": [(503, HTML, b"busy"), (502, HTML, b"bad gateway"),
                          (200, HTML, article_html("flaky"))],
    }
    with LocalSite(root, routes=routes, sequences=sequences, drips={"/p/drip.html": 0.2},
                   generate=generate) as site:
        site.routes["/feeds/pages.xml"] = (200, RSS, rss("".join(item(link) for link in PAGE_LINKS)).encode())
        sources: list[dict[str, Any]] = [
            {"id": name, "name": name, "feeds": [f"{site.url}/feeds/{name}.xml"]}
            for name in ("illformed", "wrong-encoding", "html", "empty", "links", "dates", "guids",
                         "bomb", "xxe", "pages")
        ]
        sources.append({"id": "huge", "name": "huge", "feeds": [f"{site.url}/feeds/huge.xml"], "max_pages": 30})
        sources.append({"id": "farm", "name": "farm", "start_urls": [f"{site.url}/farm/cal/20261125.html"],
                        "article_patterns": [r"/farm/a/\d+\.html"], "follow_patterns": [r"/farm/cal/\d+\.html"],
                        "max_depth": 3, "max_pages": 8})
        db_url = f"sqlite:///{tmp / 'db.sqlite'}"
        run = run_crawl(db_url, write_sources(tmp / "sources.yaml", *sources),
                        f"DOWNLOAD_MAXSIZE={MAXSIZE}", f"DOWNLOAD_WARNSIZE={MAXSIZE // 4}",
                        "DOWNLOAD_TIMEOUT=3", "RETRY_TIMES=2", "LOG_LEVEL=DEBUG", "REDIRECT_MAX_TIMES=10",
                        f"NEWSMON_FEED_MAX_ENTRIES={HUGE_FEED_CAP}", timeout=150)
        (tmp / "crawl.log").write_text(run.log, encoding="utf-8")  # for a failing test's reader
        assert run.returncode == 0, run.log[-3000:]
        yield run, site.request_counts(), Database(db_url)


def _stored(db: Database) -> dict[str, Article]:
    with db.session() as session:
        return {a.canonical_url.split("/", 3)[3]: a for a in session.scalars(select(Article))}


# --- feeds ----------------------------------------------------------------------------------------

def test_feed_ill_formed_xml_is_recovered_and_counted(hostile: Any) -> None:
    run, _asked, db = hostile
    assert run.stat("newsmon/feeds/bozo") >= 1
    assert "a/ill-1.html" in _stored(db)


def test_feed_wrong_declared_encoding(hostile: Any) -> None:
    _run, asked, db = hostile
    assert asked.get("/a/enc-1.html") == 1  # the link survives the lie about the charset
    assert "a/enc-1.html" in _stored(db)


def test_feed_html_served_as_feed_and_empty_feed_counted_not_a_feed(hostile: Any) -> None:
    run, asked, _db = hostile
    assert run.stat("newsmon/feeds/not_a_feed") >= 2
    assert "/a/html-1.html" not in asked


def test_feed_of_50000_entries_is_capped_and_counted(hostile: Any) -> None:
    run, asked, _db = hostile
    assert run.stat("newsmon/feeds/capped_entries") == HUGE_FEED_ENTRIES - HUGE_FEED_CAP
    assert run.stat("newsmon/capped/huge") == HUGE_FEED_CAP - 30  # the source's max_pages held
    assert sum(1 for path in asked if path.startswith("/huge/")) == 30


def test_feed_entries_without_links_or_with_javascript_data_links_skipped(hostile: Any) -> None:
    run, asked, _db = hostile
    assert run.stat("newsmon/feeds/skipped_entries") >= 3
    assert asked.get("/a/links-ok.html") == 1
    assert not any("alert" in path or path.startswith("data") for path in asked)


def test_feed_future_and_unparsable_dates_are_dropped_not_trusted(hostile: Any) -> None:
    run, _asked, db = hostile
    assert run.stat("newsmon/feeds/future_dates") == 1
    stored = _stored(db)
    for path in ("a/future.html", "a/garbled-date.html"):
        published = stored[path].published_at
        assert published is None or published.replace(tzinfo=UTC) <= datetime.now(UTC)


def test_feed_duplicate_guids_fetched_once(hostile: Any) -> None:
    run, asked, _db = hostile
    assert run.stat("newsmon/feeds/duplicate_entries") == 2
    assert asked.get("/a/guid-1.html") == 1 and asked.get("/a/guid-3.html") == 1
    assert "/a/guid-2.html" not in asked  # same GUID as guid-1: the same story re-linked


def test_feed_xml_entity_bomb(hostile: Any) -> None:
    _run, asked, _db = hostile
    assert asked.get("/a/bomb-1.html") == 1
    # and directly: no expansion (10^9 'a's would be 38 GB)
    parsed = parse_feed(feeds(Path("/nonexistent"))["/feeds/bomb.xml"], "http://x/feeds/bomb.xml")
    assert len(parsed.entries) == 1 and len(parsed.entries[0].title or "") < 1000


def test_feed_external_entity_not_read(hostile: Any, tmp_path: Path) -> None:
    _run, asked, db = hostile
    assert asked.get("/a/xxe-1.html") == 1
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    parsed = parse_feed(feeds(secret)["/feeds/xxe.xml"], "http://x/feeds/xxe.xml")
    assert parsed.entries and SECRET not in repr(parsed)
    for article in _stored(db).values():
        assert SECRET not in (article.title or "") + article.text


# --- pages ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br"])
def test_decompression_bomb_ignored(hostile: Any, encoding: str) -> None:
    run, asked, db = hostile
    assert asked.get(f"/p/bomb-{encoding}.html") == 1
    assert f"p/bomb-{encoding}.html" not in _stored(db)
    assert run.stat("newsmon/skipped/too_large") >= 4  # three bombs and the oversized page


def test_page_over_size_limit_cancelled_and_counted(hostile: Any) -> None:
    _run, asked, db = hostile
    assert asked.get("/p/oversized.html", 0) >= 1
    assert "p/oversized.html" not in _stored(db)


def test_binary_content_served_as_html_dropped(hostile: Any) -> None:
    run, asked, db = hostile
    assert asked.get("/p/binary.html") == 1
    assert "p/binary.html" not in _stored(db)
    assert sum(run.stats_with("newsmon/dropped/").values()) >= 1


def test_gbk_served_as_utf8_is_not_stored_as_mojibake(hostile: Any) -> None:
    _run, _asked, db = hostile
    article = _stored(db).get("p/gbk-as-utf8.html")
    if article is not None:  # stored: then decoded right (the bytes, not the header, decide)
        assert "社会组织参与乡村振兴" in article.text
        assert "\ufffd" not in article.text


def test_slow_drip_page_times_out(hostile: Any) -> None:
    run, asked, db = hostile
    assert asked.get("/p/drip.html", 0) >= 1
    assert "p/drip.html" not in _stored(db)
    assert run.stat("newsmon/errors/download") >= 1


def test_redirect_loop_ends(hostile: Any) -> None:
    run, asked, _db = hostile
    assert 1 <= asked.get("/p/loop-a.html", 0) <= 11
    assert run.stat("newsmon/skipped/redirect_limit") + run.stat("dupefilter/filtered") >= 1


def test_long_redirect_chain_stops_at_limit(hostile: Any) -> None:
    run, asked, _db = hostile
    assert asked.get("/p/chain-10.html") == 1
    assert "/p/chain-11.html" not in asked  # REDIRECT_MAX_TIMES=10
    assert run.stat("newsmon/skipped/redirect_limit") >= 1


def test_429_with_retry_after_retried_then_stored(hostile: Any) -> None:
    run, asked, db = hostile
    assert asked.get("/p/retry-after.html") == 2
    assert "p/retry-after.html" in _stored(db)
    assert run.stat("retry/reason_count/429 Unknown Status") + run.stat("retry/count") >= 1
    assert run.stat("newsmon/retry_after/waited") == 1  # waited as asked, then retried


def test_retry_after_header_forms() -> None:
    assert retry_after_seconds(b"120") == 120
    assert retry_after_seconds("Wed, 25 Nov 2026 15:00:30 GMT",
                               now=datetime(2026, 11, 25, 15, 0, tzinfo=UTC).timestamp()) == 30
    assert retry_after_seconds(b"soon") is None and retry_after_seconds(None) is None


def test_5xx_then_success_stored(hostile: Any) -> None:
    _run, asked, db = hostile
    assert asked.get("/p/flaky.html") == 3
    assert "p/flaky.html" in _stored(db)


def test_robots_txt_disallow_obeyed(hostile: Any) -> None:
    run, asked, _db = hostile
    assert "/private/hidden.html" not in asked
    assert run.stat("robotstxt/forbidden") >= 1


def test_link_farm_depth_and_page_caps_hold(hostile: Any) -> None:
    run, asked, _db = hostile
    calendar = [p for p in asked if p.startswith("/farm/cal/")]
    articles = [p for p in asked if p.startswith("/farm/a/")]
    assert len(calendar) <= 7  # start ± 3 days (max_depth 3); session ids did not multiply them
    assert len(articles) <= 8  # max_pages
    assert run.stat("newsmon/capped/farm") >= 1


def test_hostile_crawl_finishes_without_errors_in_pipelines(hostile: Any) -> None:
    run, _asked, _db = hostile
    assert run.stat("newsmon/errors/store") == 0
    assert all(s["failure"] is None for s in run.spiders.values())
    assert "Traceback" not in run.log or "spider_exceptions" not in str(run.spiders)
    assert run.tripped == []
