"""Which copy stands for a story: the original publisher's earliest copy, when `origin`
(来源) tells who that is; else the earliest published; ties → earliest fetched."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

# "来源：公益时报网" / "本文来源: 中国青年报" → the name; brackets and "网" variants vary
_ORIGIN_LABEL = re.compile(
    r"^\s*(?:本文|文章|稿件)?(?:来源|來源|出处|出處|source)\s*[:：]?\s*", re.I
)
_NOISE = re.compile(r"[\s\W_]+")
_SITE_SUFFIXES = ("网站", "网", "網站", "網", "客户端", "官网", "官方网站")


@dataclass(frozen=True)
class Copy:
    """What the representative choice needs to know about one stored copy."""

    article_id: int
    published_at: datetime | None
    fetched_at: datetime
    source_name: str | None = None  # the registry's name for the source
    site_name: str | None = None  # og:site_name or the page's own name
    origin: str | None = None  # who the page says first published it (来源)


def publisher_key(name: str) -> str:
    """Comparable form of a publisher name: no label, punctuation, case or `网` suffix."""
    name = _ORIGIN_LABEL.sub("", name)
    name = _NOISE.sub("", name).lower()
    for suffix in _SITE_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def names_publisher(origin: str, copy: Copy) -> bool:
    """Does `origin` name the publisher of `copy` (its source or its site)?"""
    wanted = publisher_key(origin)
    if len(wanted) < 2:
        return False
    for name in (copy.source_name, copy.site_name):
        if not name:
            continue
        key = publisher_key(name)
        # "公益时报" names the site "中国公益时报网"-style variants and vice versa
        if len(key) >= 2 and (wanted in key or key in wanted):
            return True
    return False


def _chronological(copy: Copy) -> tuple[bool, datetime, datetime]:
    # unknown publication dates sort after known ones, then by their fetch time
    published = copy.published_at or copy.fetched_at
    return (copy.published_at is None, published, copy.fetched_at)


def choose_representative(copies: Sequence[Copy]) -> Copy:
    """The copy a reader should see for the story."""
    if not copies:
        raise ValueError("choose_representative: a story needs at least one copy")
    origins = [copy.origin for copy in copies if copy.origin and copy.origin.strip()]
    originals = [
        copy for copy in copies if any(names_publisher(origin, copy) for origin in origins)
    ]
    pool = originals or list(copies)
    return min(pool, key=lambda copy: (*_chronological(copy), copy.article_id))
