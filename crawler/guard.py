"""The address guard: newsmon never fetches from private, loopback or link-local addresses.

A crawler that follows strangers' links and redirects must not become a way into the
network it runs on (cloud metadata at 169.254.169.254, an admin page on 127.0.0.1).
Two checks, because a URL alone does not tell where a request goes:

- `AddressGuardMiddleware` (downloader middleware) refuses non-http(s) schemes and hosts
  that *are* an address (any IPv4 spelling: `2130706433`, `0x7f.1`, `127.1`; IPv6 incl.
  IPv4-mapped) or a local name (`localhost`, `*.localhost`, `metadata.google.internal`).
  Twisted connects to IP literals without asking the resolver, so this check is needed; it
  sees redirected and retried requests too, since they pass through the downloader again.
- `GuardedResolver` (TWISTED_DNS_RESOLVER) checks the address a hostname resolves to, the
  one Twisted then connects to, so DNS that answers with a private address is refused at
  connect time, with no second lookup to race.

Opt-ins, for intranet sources, the demo and the tests: a source's `allow_private_addresses:
true` (for the hosts of that source's own URLs) and `NEWSMON_ALLOW_PRIVATE_ADDRESSES=1`
(everything). Cloud metadata addresses stay refused even then: nothing newsmon crawls
lives there.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import re
import socket
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.exceptions import IgnoreRequest
from scrapy.resolver import CachingThreadedResolver
from twisted.internet.defer import Deferred
from twisted.internet.error import DNSLookupError

from crawler.sources import Source, SourcesError, load_sources

logger = logging.getLogger(__name__)

ENV_OPT_IN = "NEWSMON_ALLOW_PRIVATE_ADDRESSES"
ALLOWED_SCHEMES = ("http", "https")
Address = ipaddress.IPv4Address | ipaddress.IPv6Address

# ranges `is_global` lets through but that no news site lives in
_EXTRA_REFUSED = [ipaddress.ip_network(n) for n in (
    "100.64.0.0/10", "192.0.0.0/24", "192.88.99.0/24", "198.18.0.0/15", "224.0.0.0/4",
    "240.0.0.0/4", "64:ff9b::/96", "fc00::/7", "fe80::/10", "ff00::/8",
)]
METADATA_ADDRESSES = frozenset(ipaddress.ip_address(a) for a in ("169.254.169.254", "fd00:ec2::254"))
LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")
METADATA_NAMES = ("metadata.google.internal", "metadata", "instance-data")
_NUMERIC_HOST = re.compile(r"^[0-9a-fx.]+$", re.IGNORECASE)


class AddressRefused(IgnoreRequest):
    """A request the address guard refused; the message names the host and the reason."""


class AddressRefusedLookup(DNSLookupError):
    """A hostname that resolved to a refused address (raised inside the resolver)."""


def opted_in_globally(environ: dict[str, str] | None = None) -> bool:
    value = (environ if environ is not None else os.environ).get(ENV_OPT_IN, "")
    return value.strip().lower() in ("1", "true", "yes")


def literal_address(host: str) -> Address | None:
    """The address a URL host spells directly, in any form `inet_aton` accepts, else None."""
    host = host.strip("[]").split("%")[0]
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if _NUMERIC_HOST.match(host):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


def _unwrap(address: Address) -> Address:
    """The IPv4 address hidden in an IPv4-mapped, 6to4 or Teredo IPv6 address."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
        if address.sixtofour is not None:
            return address.sixtofour
        if address.teredo is not None:
            return address.teredo[1]
    return address


def refusal_reason(address: Address) -> str | None:
    """Why an address is not for crawling (None: a public address)."""
    inner = _unwrap(address)
    if inner in METADATA_ADDRESSES or address in METADATA_ADDRESSES:
        return "cloud metadata address"
    for candidate in {address, inner}:
        if candidate.is_loopback:
            return "loopback address"
        if candidate.is_link_local:
            return "link-local address"
        if candidate.is_multicast:
            return "multicast address"
        if candidate.is_unspecified:
            return "unspecified address"
        if any(candidate in net for net in _EXTRA_REFUSED if net.version == candidate.version):
            return "reserved or shared address"
        if candidate.is_private or candidate.is_reserved or not candidate.is_global:
            return "private or reserved address"
    return None


def host_refusal(host: str) -> str | None:
    """Why a URL host is refused before any lookup (None: resolve it and check then)."""
    name = host.lower().rstrip(".")
    if name in METADATA_NAMES:
        return "cloud metadata name"
    if name in LOCAL_NAMES or name.endswith(".localhost"):
        return "local host name"
    address = literal_address(name)
    return refusal_reason(address) if address is not None else None


def is_metadata(host: str) -> bool:
    name = host.lower().rstrip(".")
    address = literal_address(name)
    return name in METADATA_NAMES or (address is not None and refusal_reason(address) == "cloud metadata address")


def opted_in_hosts(sources: Iterable[Source]) -> frozenset[str]:
    """Host names of the URLs of every source with `allow_private_addresses: true`."""
    hosts: set[str] = set()
    for source in sources:
        if source.allow_private_addresses:
            for url in [*source.all_start_points(), *([source.homepage] if source.homepage else [])]:
                host = urlsplit(url).hostname
                if host:
                    hosts.add(host.lower())
    return frozenset(hosts)


def _hosts_from_settings(settings: Any) -> frozenset[str]:
    try:
        return opted_in_hosts(load_sources(settings.get("NEWSMON_SOURCES") or None).sources)
    except SourcesError:
        return frozenset()  # the crawl itself reports the bad file


class AddressPolicy:
    """Decides for one host: refused (with a reason) or allowed."""

    def __init__(self, allow_all: bool, allowed_hosts: frozenset[str]) -> None:
        self.allow_all = allow_all
        self.allowed_hosts = allowed_hosts

    @classmethod
    def from_settings(cls, settings: Any) -> AddressPolicy:
        allow_all = opted_in_globally() or settings.getbool(ENV_OPT_IN, False)
        return cls(allow_all, _hosts_from_settings(settings))

    def opted_in(self, host: str) -> bool:
        if is_metadata(host):
            return False
        return self.allow_all or host.lower().rstrip(".") in self.allowed_hosts

    def check_url(self, url: str) -> str | None:
        parts = urlsplit(url)
        if parts.scheme not in ALLOWED_SCHEMES:
            return f"scheme {parts.scheme!r} is not fetched"
        host = parts.hostname or ""
        if "\\" in parts.netloc or not host:
            return "unparsable host"
        reason = host_refusal(host)
        if reason and not self.opted_in(host):
            return f"{host} is a {reason}"
        return None

    def check_resolved(self, host: str, address: str) -> str | None:
        try:
            parsed = ipaddress.ip_address(address)
        except ValueError:
            return f"{host} resolved to an unparsable address {address!r}"
        reason = refusal_reason(parsed)
        if reason and not self.opted_in(host):
            return f"{host} resolves to {address}, a {reason}"
        return None


class AddressGuardMiddleware:
    """Refuse requests (first, redirected, retried, robots.txt) to refused schemes and hosts."""

    def __init__(self, crawler: Any, policy: AddressPolicy) -> None:
        self.crawler = crawler
        self.policy = policy

    @classmethod
    def from_crawler(cls, crawler: Any) -> AddressGuardMiddleware:
        return cls(crawler, AddressPolicy.from_settings(crawler.settings))

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        reason = self.policy.check_url(request.url)
        kind = "scheme" if reason and reason.startswith("scheme") else "address"
        if reason is None:
            # a name the resolver refused before (a retry, another page of that host)
            reason = resolver_refusal(urlsplit(request.url).hostname or "")
            kind = "resolved_address"
        if reason is None:
            _drop_credentials_across_origins(request)
            return None
        self.crawler.stats.inc_value(f"newsmon/refused/{kind}")
        logger.warning("refused %s: %s", request.url, reason)
        raise AddressRefused(f"refused by the address guard: {reason}")


CREDENTIAL_HEADERS = ("Authorization", "Cookie", "Proxy-Authorization")


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    default = {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").lower(), parts.port or default


def _drop_credentials_across_origins(request: Request) -> None:
    """Scrapy already strips these on a cross-origin redirect (GHSA-cw9j-q3vf-hrrv,
    GHSA-cjvr-mfj7-j4j8); Proxy-Authorization is left to the proxy middleware, so make
    sure here that none reaches another origin than the one first asked."""
    first = (request.meta.get("redirect_urls") or [None])[0]
    if first is not None and _origin(first) != _origin(request.url) and "proxy" not in request.meta:
        for header in CREDENTIAL_HEADERS:
            if header in request.headers:
                del request.headers[header]


class GuardedResolver(CachingThreadedResolver):
    """Scrapy's caching resolver, refusing names that resolve to a refused address."""

    policy: AddressPolicy
    # name -> why, for the spider to count and the middleware to refuse without a lookup
    # (Twisted reports a refused lookup as "no results"); bounded, oldest forgotten first
    refused: OrderedDict[str, str]
    max_refused = 10_000

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> GuardedResolver:
        resolver = super().from_crawler(crawler, reactor)
        resolver.policy = AddressPolicy.from_settings(crawler.settings)
        resolver.refused = OrderedDict()
        return resolver

    def _remember(self, name: str, reason: str) -> None:
        refused = getattr(self, "refused", None)
        if refused is None:
            refused = self.refused = OrderedDict()
        refused[name.lower()] = reason
        refused.move_to_end(name.lower())
        while len(refused) > self.max_refused:
            refused.popitem(last=False)

    def getHostByName(self, name: str, timeout: Any = ()) -> Deferred[str]:
        reason = host_refusal(name)
        if reason and not self.policy.opted_in(name):
            self._remember(name, f"{name} is a {reason}")
            refused: Deferred[str] = Deferred()
            refused.errback(AddressRefusedLookup(f"refused by the address guard: {name} is a {reason}"))
            return refused
        return super().getHostByName(name, timeout).addCallback(self._check, name)

    def _check(self, address: str, name: str) -> str:
        reason = self.policy.check_resolved(name, address)
        if reason:
            logger.warning("refused connection: %s", reason)
            self._remember(name, reason)
            raise AddressRefusedLookup(f"refused by the address guard: {reason}")
        return address


def resolver_refusal(host: str) -> str | None:
    """Why the installed resolver refused `host` (None: it did not, or it is not ours)."""
    from twisted.internet import reactor

    resolver = getattr(reactor, "resolver", None)
    refused = getattr(resolver, "refused", None)
    return refused.get(host.lower()) if refused and host else None
