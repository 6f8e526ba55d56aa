"""The daemon's settings, read once from the environment (NEWSMON_*), each with a default."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class DaemonSettingsError(ValueError):
    """An environment variable the daemon cannot use; the message names it."""


def _number(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise DaemonSettingsError(f"{name}={raw!r}: not a number") from None
    if value < 0:
        raise DaemonSettingsError(f"{name}={raw!r}: must not be negative")
    return value


def _clock(name: str, default: str) -> time | None:
    """HH:MM, or off/none to switch the job off."""
    raw = (os.environ.get(name) or default).strip().lower()
    if raw in ("off", "none", "no", "0", ""):
        return None
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", raw)
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise DaemonSettingsError(f"{name}={raw!r}: expected HH:MM (24-hour clock) or 'off'")
    return time(int(match.group(1)), int(match.group(2)))


@dataclass(frozen=True)
class DaemonSettings:
    timezone: ZoneInfo
    digest_time: time | None  # None: no digest job
    housekeeping_time: time | None
    raw_retention_days: float
    crawl_timeout: float  # wall-clock limit of one crawl child, seconds
    shutdown_grace: float  # how long running crawls may finish after SIGTERM/SIGINT
    child_stop_timeout: float  # after SIGTERM to a child, before forcing it
    misfire_grace: float
    max_parallel_crawls: int
    crawl_settings: tuple[str, ...] = ()  # NAME=VALUE Scrapy overrides for every crawl child
    # with a shared Redis frontier the daemon seeds it instead of crawling itself
    redis_url: str | None = None

    @classmethod
    def from_env(cls) -> DaemonSettings:
        zone = os.environ.get("NEWSMON_TIMEZONE", "").strip() or "Asia/Shanghai"
        try:
            timezone = ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise DaemonSettingsError(f"NEWSMON_TIMEZONE={zone!r}: unknown time zone") from None
        return cls(
            timezone=timezone,
            digest_time=_clock("NEWSMON_DIGEST_TIME", "08:00"),
            housekeeping_time=_clock("NEWSMON_HOUSEKEEPING_TIME", "03:30"),
            raw_retention_days=_number("NEWSMON_RAW_RETENTION_DAYS", 90),
            crawl_timeout=_number("NEWSMON_CRAWL_TIMEOUT", 3600),
            shutdown_grace=_number("NEWSMON_SHUTDOWN_GRACE", 60),
            child_stop_timeout=_number("NEWSMON_CHILD_STOP_TIMEOUT", 30),
            misfire_grace=_number("NEWSMON_MISFIRE_GRACE", 300),
            max_parallel_crawls=max(1, int(_number("NEWSMON_MAX_PARALLEL_CRAWLS", 4))),
            crawl_settings=_crawl_settings(),
            redis_url=os.environ.get("NEWSMON_REDIS_URL") or None,
        )


def _crawl_settings() -> tuple[str, ...]:
    """NEWSMON_CRAWL_SETTINGS: space-separated NAME=VALUE Scrapy settings for the crawls."""
    pairs = tuple(os.environ.get("NEWSMON_CRAWL_SETTINGS", "").split())
    for pair in pairs:
        name, sep, _ = pair.partition("=")
        if not sep or not re.fullmatch(r"[A-Z][A-Z0-9_]*", name):
            raise DaemonSettingsError(
                f"NEWSMON_CRAWL_SETTINGS: {pair!r} is not NAME=VALUE with an upper-case setting name")
    return pairs
