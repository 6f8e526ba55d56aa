"""Select: which stories a digest covers, and how they are grouped and ordered.

The digest of date D covers the stories first seen in [D-1 at the digest time, D at the
digest time), local time. Sections follow the taxonomy's order; uncategorised stories come
last as 其他. Within a section: most-carried stories first, then newest.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from digest.config import DigestConfig
from digest.summary import one_line, summarize
from storage.db import Database
from storage.digest import NewStory, new_stories
from storage.health import SourceHealth, SourceLike, source_health

logger = logging.getLogger(__name__)

TAXONOMY_FILE = Path(__file__).resolve().parents[1] / "config" / "taxonomy.yaml"
OTHER = "其他"


@dataclass(frozen=True)
class DigestWindow:
    start: datetime
    end: datetime
    label: str  # the digest date, YYYY-MM-DD; also the idempotency key of a sent digest
    daily: bool  # False for an ad-hoc --since window

    def describe(self, zone: ZoneInfo) -> str:
        start, end = self.start.astimezone(zone), self.end.astimezone(zone)
        return f"{start:%Y-%m-%d %H:%M} – {end:%Y-%m-%d %H:%M}"


@dataclass(frozen=True)
class DigestEntry:
    title: str
    url: str | None  # None when the stored URL is not http(s)
    source: str
    time: str  # local, e.g. "11-23 14:05"
    summary: str
    also_carried_by: tuple[str, ...]
    moment: datetime


@dataclass(frozen=True)
class DigestSection:
    category: str | None
    name: str
    entries: tuple[DigestEntry, ...]


@dataclass(frozen=True)
class SourceAlert:
    source: str
    reason: str


@dataclass(frozen=True)
class Digest:
    window: DigestWindow
    timezone: str
    sections: tuple[DigestSection, ...]
    alerts: tuple[SourceAlert, ...] = ()
    generated_at: datetime | None = None

    @property
    def count(self) -> int:
        return sum(len(s.entries) for s in self.sections)

    @property
    def entries(self) -> list[DigestEntry]:
        return [e for s in self.sections for e in s.entries]


def default_digest_date(now: datetime, config: DigestConfig) -> date:
    """The date of the latest digest time at or before `now`."""
    local = now.astimezone(config.zone)
    return local.date() if local.time() >= config.digest_time else local.date() - timedelta(days=1)


def daily_window(day: date, config: DigestConfig) -> DigestWindow:
    zone = config.zone
    end = datetime.combine(day, config.digest_time, tzinfo=zone)
    start = datetime.combine(day - timedelta(days=1), config.digest_time, tzinfo=zone)
    return DigestWindow(start, end, day.isoformat(), daily=True)


def since_window(start: datetime, now: datetime, config: DigestConfig) -> DigestWindow:
    return DigestWindow(start, now, now.astimezone(config.zone).date().isoformat(), daily=False)


def category_names(path: Path = TAXONOMY_FILE) -> dict[str, str]:
    """Category id → Chinese name in taxonomy order; {} when the file is missing or odd."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        logger.warning("digest: cannot read category names from %s (%s); using ids", path, exc)
        return {}
    categories = raw.get("categories") if isinstance(raw, dict) else None
    names: dict[str, str] = {}
    for entry in categories if isinstance(categories, list) else []:
        if isinstance(entry, dict) and isinstance(entry.get("id"), str):
            names[entry["id"]] = str(entry.get("name") or entry["id"])
    return names


def _safe_url(url: str) -> str | None:
    return url if url.lower().startswith(("http://", "https://")) else None


def _entry(story: NewStory, source_names: Mapping[str, str], zone: ZoneInfo) -> DigestEntry:
    rep = story.representative

    def name(source_id: str, site_name: str | None) -> str:
        return source_names.get(source_id) or one_line(site_name) or source_id

    rep_name = name(rep.source_id, rep.site_name)
    others: list[str] = []
    for copy in story.copies:
        other = name(copy.source_id, copy.site_name)
        if copy.source_id != rep.source_id and other != rep_name and other not in others:
            others.append(other)
    moment = rep.published_at or rep.first_seen_at
    title = one_line(rep.title) or "（无标题）"
    return DigestEntry(
        title=title,
        url=_safe_url(rep.url),
        source=rep_name,
        time=f"{moment.astimezone(zone):%m-%d %H:%M}",
        summary=summarize(story.text, title=title),
        also_carried_by=tuple(others),
        moment=moment,
    )


def group_entries(
    stories: Sequence[NewStory], source_names: Mapping[str, str], names: Mapping[str, str],
    zone: ZoneInfo,
) -> tuple[DigestSection, ...]:
    by_category: dict[str | None, list[DigestEntry]] = {}
    for story in stories:
        category = story.representative.primary_category or None
        by_category.setdefault(category, []).append(_entry(story, source_names, zone))
    order = {cid: i for i, cid in enumerate(names)}

    def section_key(category: str | None) -> tuple[int, int, str]:
        if category is None:
            return (2, 0, "")
        return (0, order[category], "") if category in order else (1, 0, category)

    sections = []
    for category in sorted(by_category, key=section_key):
        entries = sorted(by_category[category],
                         key=lambda e: (-len(e.also_carried_by), -e.moment.timestamp(), e.title))
        label = OTHER if category is None else names.get(category, category)
        sections.append(DigestSection(category, label, tuple(entries)))
    return tuple(sections)


def _span(delta: timedelta) -> str:
    seconds = delta.total_seconds()
    if seconds >= 2 * 86400:
        return f"{seconds / 86400:.0f} 天"
    if seconds >= 3600:
        return f"{seconds / 3600:.0f} 小时"
    return f"{max(seconds / 60, 1):.0f} 分钟"


def alert_reason(health: SourceHealth, now: datetime, zone: ZoneInfo) -> str | None:
    """Why a source needs attention, in the digest's words; None when it is fine."""
    when = f"{health.last_run_at.astimezone(zone):%m-%d %H:%M}" if health.last_run_at else ""
    if health.failing:
        return f"连续 {health.consecutive_failures} 次抓取失败（最近一次 {when}，{health.last_run_detail}）"
    if health.silent:
        if health.last_article_at is None:
            return "从未抓到文章"
        usual = f"，通常约每 {_span(health.expected_gap)}就有新文章" if health.expected_gap else ""
        return f"已 {_span(now - health.last_article_at)}没有新文章{usual}"
    if health.last_run_status == "failed":
        return f"最近一次抓取失败（{when}，{health.last_run_detail}）"
    return None


def source_alerts(
    db: Database, sources: Sequence[SourceLike], source_names: Mapping[str, str], now: datetime,
    zone: ZoneInfo,
) -> tuple[SourceAlert, ...]:
    alerts = []
    for health in source_health(db, sources, now):
        reason = alert_reason(health, now, zone)
        if reason:
            alerts.append(SourceAlert(source_names.get(health.source_id, health.source_id), reason))
    return tuple(alerts)


def select_digest(
    db: Database,
    window: DigestWindow,
    config: DigestConfig,
    *,
    sources: Sequence[SourceLike] = (),
    source_names: Mapping[str, str] | None = None,
    now: datetime,
    taxonomy: Path = TAXONOMY_FILE,
) -> Digest:
    names = source_names or {}
    stories = new_stories(db, window.start, window.end)
    sections = group_entries(stories, names, category_names(taxonomy), config.zone)
    alerts = source_alerts(db, sources, names, now, config.zone) if sources else ()
    return Digest(window, config.timezone, sections, alerts, generated_at=now)
