"""The address guard: private, loopback, link-local and metadata addresses are refused.

No test here connects anywhere but the loopback LocalSite, and the guard tests prove the
refusal happened before a connection: the site's request log stays empty for refused
URLs, the child crawler's socket tripwire (runner.py) records no attempt, and the
resolver tests never reach a socket at all (the lookup underneath is patched).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from scrapy import Request
from scrapy.downloadermiddlewares.redirect import RedirectMiddleware
from scrapy.http import Response
from scrapy.utils.test import get_crawler
from twisted.internet import defer
from twisted.internet.base import ThreadedResolver

from crawler.guard import (
    AddressGuardMiddleware,
    AddressPolicy,
    AddressRefused,
    AddressRefusedLookup,
    GuardedResolver,
    host_refusal,
    opted_in_hosts,
)
from crawler.sources import Source
from newsmon.crawling import crawl_settings
from newsmon.demo.server import LocalSite
from tests.reliability.helpers import CrawlRun, article_html, run_crawl, write_sources

REFUSED_HOSTS = [
    "127.0.0.1", "127.1", "2130706433", "0x7f000001", "0x7f.1", "017700000001", "0.0.0.0",
    "[::1]", "[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "10.0.0.1", "172.16.5.4", "192.168.1.1",
    "100.64.0.1", "169.254.169.254", "[fe80::1]", "[fc00::1]", "[fd00:ec2::254]", "224.0.0.1",
    "localhost", "LOCALHOST.", "admin.localhost", "metadata.google.internal", "[2002:7f00:1::]",
]


def _loopback_name() -> str | None:
    """This machine's host name, when DNS (/etc/hosts) answers a loopback address for it:
    a name the URL check cannot judge, so only the resolver can refuse it."""
    import socket

    name = socket.gethostname()
    try:
        address = socket.gethostbyname(name)
    except OSError:
        return None
    if host_refusal(name) is None and address.startswith("127."):
        return name
    return None


LOOPBACK_NAME = _loopback_name()


def strict_policy() -> AddressPolicy:
    return AddressPolicy(allow_all=False, allowed_hosts=frozenset())


@pytest.mark.parametrize("host", REFUSED_HOSTS)
def test_private_loopback_link_local_and_metadata_hosts_refused(host: str) -> None:
    reason = strict_policy().check_url(f"http://{host}:8080/latest/meta-data/")
    assert reason is not None and "is a" in reason


@pytest.mark.parametrize("host", ["8.8.8.8", "www.gongyishibao.com", "[2001:4860:4860::8888]"])
def test_public_hosts_pass(host: str) -> None:
    assert strict_policy().check_url(f"https://{host}/news/1.html") is None


@pytest.mark.parametrize("url", ["file:///etc/passwd", "data:text/html,<b>x</b>", "ftp://example.org/x",
                                 "s3://bucket/key", "gopher://example.org/"])
def test_non_http_schemes_refused_and_their_handlers_disabled(url: str) -> None:
    assert "scheme" in (strict_policy().check_url(url) or "")
    handlers = crawl_settings("sqlite://", None).getdict("DOWNLOAD_HANDLERS")
    assert all(handlers[scheme] is None for scheme in ("file", "data", "ftp", "s3"))


def test_parser_confusing_backslash_url_refused() -> None:
    assert strict_policy().check_url("http://internal:80\\@public.example/") is not None


def test_opt_in_names_source_hosts_env_and_metadata_stays_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    intranet = Source(id="intranet", name="内网", feeds=["http://10.1.2.3/rss.xml"], allow_private_addresses=True)
    public = Source(id="public", name="公网", feeds=["http://192.168.9.9/rss.xml"])
    policy = AddressPolicy(allow_all=False, allowed_hosts=opted_in_hosts([intranet, public]))
    assert policy.check_url("http://10.1.2.3/a.html") is None
    assert policy.check_url("http://192.168.9.9/a.html") is not None  # that source did not opt in
    assert policy.check_url("http://10.9.9.9/a.html") is not None  # nor may a redirect wander
    monkeypatch.setenv("NEWSMON_ALLOW_PRIVATE_ADDRESSES", "1")
    everything = AddressPolicy.from_settings(crawl_settings("sqlite://", None))
    assert everything.check_url("http://10.9.9.9/a.html") is None
    assert everything.check_url("http://169.254.169.254/latest/meta-data/") is not None
    monkeypatch.delenv("NEWSMON_ALLOW_PRIVATE_ADDRESSES")
    assert AddressPolicy.from_settings(crawl_settings("sqlite://", None)).check_url("http://10.9.9.9/") is not None


def test_middleware_refuses_and_counts_before_download() -> None:
    crawler = get_crawler(settings_dict={})
    middleware = AddressGuardMiddleware(crawler, strict_policy())
    with pytest.raises(AddressRefused):
        middleware.process_request(Request("http://169.254.169.254/latest/meta-data/"))
    assert crawler.stats.get_value("newsmon/refused/address") == 1


class _StubLookup:
    """Stands in for the system resolver: answers from a script, never touches the network."""

    def __init__(self, answers: list[str]) -> None:
        self.answers = answers
        self.asked: list[str] = []

    def __call__(self, name: str, timeout: Any = ()) -> defer.Deferred[str]:
        self.asked.append(name)
        return defer.succeed(self.answers.pop(0))


def _resolver(policy: AddressPolicy) -> GuardedResolver:
    resolver = GuardedResolver(reactor=object(), cache_size=0, timeout=5)  # type: ignore[arg-type]
    resolver.policy = policy
    return resolver


def _outcome(d: defer.Deferred[str]) -> Any:
    results: list[Any] = []
    d.addBoth(results.append)
    return results[0]


def test_hostname_resolving_to_private_address_refused_at_connect(monkeypatch: pytest.MonkeyPatch) -> None:
    # DNS rebinding: public on the first lookup, the metadata address on the next
    lookup = _StubLookup(["93.184.216.34", "169.254.169.254", "10.0.0.7"])
    monkeypatch.setattr(ThreadedResolver, "getHostByName", lookup)
    resolver = _resolver(strict_policy())
    assert _outcome(resolver.getHostByName("news.rebind.example")) == "93.184.216.34"
    second = _outcome(resolver.getHostByName("news.rebind.example"))
    assert second.check(AddressRefusedLookup) and "169.254.169.254" in second.getErrorMessage()
    third = _outcome(resolver.getHostByName("intranet.example"))
    assert third.check(AddressRefusedLookup)
    # a local name is refused without even being looked up
    assert _outcome(resolver.getHostByName("localhost")).check(AddressRefusedLookup)
    assert lookup.asked == ["news.rebind.example", "news.rebind.example", "intranet.example"]


def test_opted_in_source_host_may_resolve_privately(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ThreadedResolver, "getHostByName", _StubLookup(["10.0.0.7"]))
    resolver = _resolver(AddressPolicy(False, frozenset({"intranet.example"})))
    assert _outcome(resolver.getHostByName("intranet.example")) == "10.0.0.7"


def _redirect_middleware() -> RedirectMiddleware:
    middleware = RedirectMiddleware(crawl_settings("sqlite://", None))
    middleware.crawler = SimpleNamespace(spider=None)  # type: ignore[assignment]
    return middleware


def _redirect(request: Request, location: str, status: int = 302) -> Request:
    middleware = _redirect_middleware()
    response = Response(request.url, status=status, headers={"Location": location}, request=request)
    redirected = middleware.process_response(request, response)
    assert isinstance(redirected, Request)
    # a redirected request passes the downloader middlewares again, the guard among them
    AddressGuardMiddleware(get_crawler(), AddressPolicy(True, frozenset())).process_request(redirected)
    return redirected


SECRETS = {"Authorization": "Bearer s3cret", "Cookie": "session=abc", "Proxy-Authorization": "Basic cHJveHk="}


@pytest.mark.parametrize("target", [
    "http://other.example/b",  # another host
    "http://news.example:8081/b",  # another port
    "https://news.example/b",  # another scheme
])
def test_credentials_dropped_on_cross_origin_redirect(target: str) -> None:
    """GHSA-cw9j-q3vf-hrrv, GHSA-4qqq-9vqf-3h3f, GHSA-cjvr-mfj7-j4j8 hold with newsmon's settings."""
    redirected = _redirect(Request("http://news.example/a", headers=SECRETS), target)
    for header in SECRETS:
        assert header not in redirected.headers, (header, target)


def test_credentials_kept_on_same_origin_redirect() -> None:
    redirected = _redirect(Request("http://news.example/a", headers=SECRETS), "http://news.example/b")
    assert redirected.headers.get("Authorization") == b"Bearer s3cret"


def test_redirect_to_file_scheme_not_followed() -> None:
    """GHSA-23j4-mw76-5v7h: Scrapy drops it; the guard would refuse it anyway."""
    request = Request("http://news.example/a")
    response = Response(request.url, status=302, headers={"Location": "file:///etc/passwd"}, request=request)
    from scrapy.exceptions import IgnoreRequest

    try:
        result = _redirect_middleware().process_response(request, response)
    except IgnoreRequest:
        return
    assert not (isinstance(result, Request) and result.url.startswith("file:"))


# --- end to end: a real crawl in a child process against the loopback LocalSite --------------------

def _site(tmp_path: Path) -> LocalSite:
    root = tmp_path / "site"
    root.mkdir()
    (root / "a").mkdir()
    (root / "a" / "1.html").write_bytes(article_html("guard-1"))
    (root / "secret.html").write_bytes(article_html("secret"))
    return LocalSite(root, routes={
        "/go-metadata": (302, {"Location": "http://169.254.169.254/latest/meta-data/"}, b""),
        "/go-integer": (302, {"Location": "/secret.html"}, b""),
    })


def _feed(items: list[str]) -> bytes:
    entries = "".join(f"<item><title>t</title><link>{link}</link></item>" for link in items)
    return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>x</title>{entries}</channel></rss>'.encode()


@pytest.fixture(scope="module")
def guarded_crawl(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[CrawlRun, set[str]]]:
    """One crawl, no global opt-in: sources on loopback by IP, by name and by integer, and
    an opted-in source whose redirects point at the metadata address and at 127.0.0.1
    spelled as an integer."""
    tmp_path = tmp_path_factory.mktemp("guard")
    with _site(tmp_path) as site:
        site.routes["/go-integer"] = (302, {"Location": f"http://2130706433:{site.port}/secret.html"}, b"")
        (site.root / "rss.xml").write_bytes(_feed([f"{site.url}/go-metadata", f"{site.url}/go-integer",
                                                   f"{site.url}/a/1.html"]))
        # the refused sources point at the same server under other spellings of its address
        sources = write_sources(
            tmp_path / "sources.yaml",
            {"id": "own", "name": "自建", "feeds": [f"{site.url}/rss.xml"], "allow_private_addresses": True},
            {"id": "named", "name": "本机名", "feeds": [f"http://localhost:{site.port}/other.xml"]},
            {"id": "integer", "name": "整数", "feeds": [f"http://2130706433:{site.port}/other.xml"]},
            {"id": "abbreviated", "name": "缩写", "feeds": [f"http://127.1:{site.port}/other.xml"]},
            {"id": "metadata", "name": "元数据", "feeds": ["http://169.254.169.254/latest/meta-data/"]},
            *([{"id": "dns", "name": "解析", "feeds": [f"http://{LOOPBACK_NAME}:{site.port}/other.xml"]}]
              if LOOPBACK_NAME else []),
        )
        run = run_crawl(f"sqlite:///{tmp_path / 'db.sqlite'}", sources, "ROBOTSTXT_OBEY=False",
                        spiders=("feeds",), allow_private=False)
        (tmp_path / "crawl.log").write_text(run.log, encoding="utf-8")
        assert run.returncode == 0, run.log[-2000:]
        yield run, {r.path for r in site.requests()}


def test_source_on_loopback_refused_without_opt_in(guarded_crawl: tuple[CrawlRun, set[str]]) -> None:
    run, paths = guarded_crawl
    assert "/other.xml" not in paths  # refused before any connection, under every spelling
    assert run.stat("newsmon/refused/address") >= 4
    assert run.tripped == []


def test_redirect_to_metadata_ip_refused(guarded_crawl: tuple[CrawlRun, set[str]]) -> None:
    run, paths = guarded_crawl
    assert {"/rss.xml", "/go-metadata", "/go-integer", "/a/1.html"} <= paths
    assert "/secret.html" not in paths  # the redirect to 2130706433 (127.0.0.1) was refused
    assert run.stat("newsmon/refused/address") >= 6  # four sources, two redirects
    assert run.tripped == []  # 169.254.169.254 was never connected to
    assert run.stat("newsmon/stored") == 1  # the opted-in source's own article


def test_hostname_resolving_to_loopback_refused_in_a_real_crawl(guarded_crawl: tuple[CrawlRun, set[str]]) -> None:
    if LOOPBACK_NAME is None:
        pytest.skip("this machine's host name does not resolve to a loopback address")
    run, paths = guarded_crawl
    assert run.stat("newsmon/refused/resolved_address") >= 1  # refused by the resolver, at connect
    assert "/other.xml" not in paths


_PRIVATE_V4 = st.one_of(
    st.integers(0x7F000000, 0x7FFFFFFF),  # 127/8
    st.integers(0x0A000000, 0x0AFFFFFF),  # 10/8
    st.integers(0xAC100000, 0xAC1FFFFF),  # 172.16/12
    st.integers(0xC0A80000, 0xC0A8FFFF),  # 192.168/16
    st.integers(0xA9FE0000, 0xA9FEFFFF),  # 169.254/16
    st.integers(0x64400000, 0x647FFFFF),  # 100.64/10
).map(ipaddress.IPv4Address)


@given(_PRIVATE_V4)
def test_every_spelling_of_a_private_ipv4_address_is_refused(address: ipaddress.IPv4Address) -> None:
    value = int(address)
    octets = str(address).split(".")
    spellings = [
        str(address), str(value), hex(value), f"0{value:o}",  # dotted, integer, hex, octal
        f"{octets[0]}.{int(octets[1]) * 65536 + int(octets[2]) * 256 + int(octets[3])}",  # a.b-c-d
        f"[::ffff:{address}]", f"[::ffff:{value >> 16:x}:{value & 0xFFFF:x}]",  # IPv4-mapped
    ]
    for host in spellings:
        assert strict_policy().check_url(f"http://{host}/") is not None, host
