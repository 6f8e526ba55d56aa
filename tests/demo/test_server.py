"""LocalSite behaves like a plain static web server: headers, 304s, 404s, delays, a request log."""

from __future__ import annotations

import http.client
import json
import socket
import time
from pathlib import Path

import pytest

from newsmon.demo.server import LocalSite


def get(site: LocalSite, path: str, headers: dict[str, str] | None = None,
        timeout: float = 5) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", site.port, timeout=timeout)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "html").mkdir()
    (tmp_path / "index.html").write_text("<html><body>首页</body></html>", encoding="utf-8")
    (tmp_path / "html" / "1001.html").write_bytes("<p>公益时报</p>".encode("gbk"))
    (tmp_path / "rss.xml").write_text('<?xml version="1.0"?><rss version="2.0"><channel/></rss>',
                                      encoding="utf-8")
    (tmp_path / "sitemap.xml").write_text(
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"/>',
        encoding="utf-8")
    (tmp_path / "_headers.json").write_text(
        json.dumps({"/html/1001.html": {"Content-Type": "text/html; charset=gbk"}}), encoding="utf-8")
    return tmp_path


def test_serves_files_with_guessed_types_and_header_overrides(root: Path) -> None:
    with LocalSite(root) as site:
        assert site.url == f"http://127.0.0.1:{site.port}"
        status, headers, body = get(site, "/")
        assert status == 200 and "首页" in body.decode("utf-8")
        assert headers["Content-Type"] == "text/html"  # no charset unless told
        status, headers, body = get(site, "/html/1001.html")
        assert headers["Content-Type"] == "text/html; charset=gbk"
        assert body.decode("gbk") == "<p>公益时报</p>"
        assert get(site, "/rss.xml")[1]["Content-Type"] == "application/rss+xml"
        assert get(site, "/sitemap.xml")[1]["Content-Type"] == "application/xml"


def test_missing_files_and_the_headers_file_are_404(root: Path) -> None:
    with LocalSite(root) as site:
        assert get(site, "/html/9999.html")[0] == 404
        assert get(site, "/_headers.json")[0] == 404
        assert get(site, "/../../etc/passwd")[0] == 404


def test_conditional_get_answers_304(root: Path) -> None:
    with LocalSite(root) as site:
        status, headers, _ = get(site, "/rss.xml")
        assert status == 200 and headers["ETag"] and headers["Last-Modified"]
        assert get(site, "/rss.xml", {"If-None-Match": headers["ETag"]})[0] == 304
        assert get(site, "/rss.xml", {"If-Modified-Since": headers["Last-Modified"]})[0] == 304
        assert get(site, "/rss.xml", {"If-None-Match": '"other"'})[0] == 200
        # a changed file is new again
        time.sleep(0.01)
        (root / "rss.xml").write_text("<rss version=\"2.0\"><channel><title>新</title></channel></rss>",
                                      encoding="utf-8")
        assert get(site, "/rss.xml", {"If-None-Match": headers["ETag"]})[0] == 200


def test_routes_answer_fixed_responses(root: Path) -> None:
    routes = {"/gone.html": (410, {"Content-Type": "text/plain"}, b"gone")}
    with LocalSite(root, routes=routes) as site:
        assert get(site, "/gone.html")[:3:2] == (410, b"gone")


def test_a_delayed_path_times_out_a_client_but_not_the_server(root: Path) -> None:
    with LocalSite(root, delays={r"/slow": 3.0}) as site:
        (root / "slow.html").write_text("late", encoding="utf-8")
        with pytest.raises((TimeoutError, socket.timeout)):
            get(site, "/slow.html", timeout=0.3)
        assert get(site, "/index.html")[0] == 200  # other paths still answer at once
        assert site.request_counts()["/slow.html"] == 1  # logged on arrival
    # stop() did not wait for the sleeping handler


def test_request_log_counts_gets_per_path_ignoring_query(root: Path) -> None:
    with LocalSite(root) as site:
        get(site, "/index.html?utm_source=feed")
        get(site, "/index.html")
        get(site, "/missing.html")
        assert site.request_counts() == {"/index.html": 2, "/missing.html": 1}
        assert [r.status for r in site.requests_for("/missing.html")] == [404]
        assert site.requests_for("/index.html")[0].query == "utm_source=feed"
        site.clear_log()
        assert site.request_counts() == {}


def test_url_needs_a_running_server(root: Path) -> None:
    site = LocalSite(root)
    with pytest.raises(RuntimeError):
        _ = site.url
    site.start()
    site.stop()
    site.stop()  # idempotent
