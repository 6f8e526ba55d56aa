"""URL canonicalisation and article-link recognition."""

from __future__ import annotations

import posixpath
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import courlan
from w3lib.url import canonicalize_url as w3lib_canonicalize

# Query parameters that only track where a reader came from; they never select content.
TRACKING_PARAMS = frozenset(
    {
        "spm", "from", "fromuid", "frommodule", "fromsource", "share_token", "sharer",
        "share_from", "share_source", "shareid", "isappinstalled", "scene", "srcid",
        "wfr", "tt_from", "tt_group_id", "cmpid", "fbclid", "gclid", "yclid", "msclkid",
        "mc_cid", "mc_eid", "igshid", "ref", "ref_src", "referer", "source", "channel",
        "_ga", "_gl", "timestamp", "t", "ts", "vd_source",
    }
)
_TRACKING_PREFIXES = ("utm_", "hmsr", "hmpl", "hmcu", "hmkw", "hmci", "pk_", "mtm_")
_SESSION_PARAMS = frozenset({"sid", "sessionid", "session_id", "phpsessid", "jsessionid", "aspsessionid"})


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return (
        lowered in TRACKING_PARAMS
        or lowered in _SESSION_PARAMS
        or lowered.startswith(_TRACKING_PREFIXES)
    )


def _clean_path(path: str) -> str:
    if not path:
        return "/"
    trailing = path.endswith("/")
    cleaned = posixpath.normpath(path)
    if cleaned in (".", "//"):
        cleaned = "/"
    if not cleaned.startswith("/"):
        cleaned = "/" + cleaned
    cleaned = re.sub(r";jsessionid=[^/?]*", "", cleaned, flags=re.I)
    if trailing and not cleaned.endswith("/"):
        cleaned += "/"
    return cleaned


def canonical_url(url: str) -> str:
    """One spelling per page: lower-case scheme and host, no default port, no fragment,
    no tracking or session parameters, resolved dot segments, sorted query."""
    url = url.strip()
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    port = parts.port
    netloc = host
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        netloc = f"{host}:{port}"
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)]
    )
    rebuilt = urlunsplit((scheme, netloc, _clean_path(parts.path), query, ""))
    return str(w3lib_canonicalize(rebuilt, keep_fragments=False))


_ARTICLE_SHAPES = [
    re.compile(p)
    for p in (
        r"/(19|20)\d{2}[-/_]?(0[1-9]|1[0-2])[-/_]?([0-3]\d)?/.+",  # /2024/04/25/... or /202404/...
        r"/t(19|20)\d{6}_\d+\.s?html?$",  # /t20240425_123456.shtml
        r"/(content|detail|article|art|news|show|info|doc)[_-]?\d{3,}",
        r"/doc-[a-z0-9]{8,}\.s?html?$",
        r"/c\d+-\d+\.html$",
        r"/(html|news|article|articles|content|detail|p|a|c)/[A-Za-z0-9_/-]*\d{4,}[A-Za-z0-9_-]*(\.s?html?)?$",
        r"/\d{5,}\.s?html?$",
        r"[?&](id|aid|articleid|newsid|contentid|docid)=\d{3,}",
    )
]
_NOT_ARTICLE = re.compile(
    r"/(index|list|category|tag|tags|search|login|register|about|contact|author|page)(\b|_|/|\.)"
    r"|\.(jpg|jpeg|png|gif|css|js|zip|rar|mp4|mp3|exe|apk)(\?|$)",
    re.IGNORECASE,
)


def looks_like_article(url: str) -> bool:
    """Whether a same-site link looks like an article page by its URL shape alone."""
    parts = urlsplit(url)
    target = parts.path + ("?" + parts.query if parts.query else "")
    if _NOT_ARTICLE.search(parts.path):
        return False
    if courlan.is_not_crawlable(url):
        return False
    return any(shape.search(target) for shape in _ARTICLE_SHAPES)


def looks_like_navigation(url: str) -> bool:
    """List, channel and pagination pages worth following to find articles."""
    return bool(courlan.is_navigation_page(url)) or bool(
        re.search(r"/(index|list)[_-]?\d*\.s?html?$|/$|[?&](page|p|pn)=\d+", url, re.IGNORECASE)
    )


def is_document_url(url: str) -> bool:
    return bool(re.search(r"\.(pdf|docx)(\?|$)", urlsplit(url).path, re.IGNORECASE))


def same_site(url: str, other: str) -> bool:
    def site(u: str) -> str:
        host = (urlsplit(u).hostname or "").lower()
        return host.removeprefix("www.")

    return site(url) == site(other)
