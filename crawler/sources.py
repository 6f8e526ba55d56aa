"""The source registry: `config/sources.yaml`, validated on load.

Every problem is reported with the file, the source id and the field, e.g.
``sources.yaml: source 'sina-gongyi': article_patterns[0]: bad regex (missing ), ...)``.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import regex
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

logger = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCES_FILE = REPO_ROOT / "config" / "sources.yaml"

_INTERVAL = re.compile(r"^(\d+)\s*([smhd])$")
_CRON_FIELD = re.compile(r"^[\d*/,\-A-Za-z?]+$")
_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")


def parse_interval(schedule: str) -> int | None:
    """Seconds for an interval schedule like `30m`; None for a cron string."""
    match = _INTERVAL.match(schedule.strip())
    if not match:
        return None
    value, unit = int(match.group(1)), match.group(2)
    return value * {"s": 1, "m": 60, "h": 3600, "d": 86400}[unit]


def _check_schedule(value: str) -> str:
    value = value.strip()
    seconds = parse_interval(value)
    if seconds is not None:
        if seconds <= 0:
            raise ValueError("interval must be positive")
        return value
    fields = value.split()
    if len(fields) != 5 or not all(_CRON_FIELD.match(f) for f in fields):
        raise ValueError(
            f"{value!r} is neither an interval like '30m'/'2h' nor a 5-field cron string"
        )
    from apscheduler.triggers.cron import CronTrigger

    try:
        CronTrigger.from_crontab(value)
    except ValueError as exc:
        raise ValueError(f"bad cron string {value!r}: {exc}") from exc
    return value


def _check_regex(pattern: str) -> str:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"bad regex ({exc})") from exc
    if _NESTED_QUANTIFIER.search(pattern):
        raise ValueError(
            "regex has a nested quantifier like (a+)+ that can backtrack catastrophically"
        )
    for probe in _BACKTRACK_PROBES:
        try:
            regex.search(pattern, probe, timeout=REGEX_TIMEOUT)
        except TimeoutError:
            raise ValueError(
                f"regex takes over {REGEX_TIMEOUT}s on a {len(probe)}-character URL "
                "(catastrophic backtracking, e.g. overlapping alternatives under a quantifier)"
            ) from None
    return pattern


def url_matches(url: str, patterns: Iterable[str]) -> bool:
    """Whether any pattern matches; a pattern that runs past the timeout counts as no match
    (patterns are vetted on load, but URLs come from strangers)."""
    for pattern in patterns:
        try:
            if _search_with_retry(pattern, url):
                return True
        except TimeoutError:
            logger.warning("pattern %r timed out on %s; treated as no match", pattern, url[:200])
    return False


def _search_with_retry(pattern: str, url: str) -> bool:
    """The timeout is wall-clock time, so a busy machine (a process descheduled for a
    moment) can make a vetted pattern miss it on an ordinary URL; only a second, longer
    miss means the URL really makes the pattern backtrack."""
    try:
        return regex.search(pattern, url, timeout=REGEX_TIMEOUT) is not None
    except TimeoutError:
        return regex.search(pattern, url, timeout=REGEX_RETRY_TIMEOUT) is not None


# the timeout that guards every source regex; URLs that make bad patterns backtrack
REGEX_TIMEOUT = 0.25
REGEX_RETRY_TIMEOUT = 2.0
_BACKTRACK_PROBES = tuple(
    body + tail for body in ("a" * 40, "1" * 40, "/a" * 30, "-_" * 25, "http://x.cn/" + "a/" * 30)
    for tail in ("!", "\n")
)


# A quantified group whose body is itself quantified: (x+)+, (x*)*, (x+){2,}, ...
_NESTED_QUANTIFIER = re.compile(r"\((?:[^()\\]|\\.)*[+*}](?:[^()\\]|\\.)*\)\s*(?:[+*]|\{\d*,\d*\})")


class Source(BaseModel):
    """One news source: where to start and how to recognise its articles."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    name: str
    homepage: str | None = None
    feeds: list[str] = Field(default_factory=list)
    start_urls: list[str] = Field(default_factory=list)
    sitemaps: list[str] = Field(default_factory=list)
    article_patterns: list[str] = Field(default_factory=list)
    follow_patterns: list[str] = Field(default_factory=list)
    max_depth: int = Field(default=2, ge=0, le=20)
    max_pages: int = Field(default=2000, ge=1)
    schedule: str = "2h"
    enabled: bool = True
    timezone: str = "Asia/Shanghai"
    group: str | None = None
    allow_private_addresses: bool = False
    tags: list[str] = Field(default_factory=list)

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError("id must be lower-case letters, digits, '.', '_' or '-'")
        return value

    @field_validator("feeds", "start_urls", "sitemaps")
    @classmethod
    def _urls(cls, values: list[str]) -> list[str]:
        for index, value in enumerate(values):
            if not re.match(r"^https?://[^/\s]+", value):
                raise ValueError(f"[{index}]: {value!r} is not an http(s) URL")
        return values

    @field_validator("homepage")
    @classmethod
    def _homepage(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https?://[^/\s]+", value):
            raise ValueError(f"{value!r} is not an http(s) URL")
        return value

    @field_validator("article_patterns", "follow_patterns")
    @classmethod
    def _patterns(cls, values: list[str]) -> list[str]:
        for index, value in enumerate(values):
            try:
                _check_regex(value)
            except ValueError as exc:
                raise ValueError(f"[{index}]: {exc}") from exc
        return values

    @field_validator("schedule")
    @classmethod
    def _schedule(cls, value: str) -> str:
        return _check_schedule(value)

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @property
    def schedule_group(self) -> str:
        return self.group or self.schedule

    def all_start_points(self) -> list[str]:
        return [*self.feeds, *self.start_urls, *self.sitemaps]


class SourcesError(Exception):
    """A sources file that cannot be used; `problems` lists every one of them."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Registry:
    path: Path
    sources: tuple[Source, ...]

    def get(self, source_id: str) -> Source:
        for source in self.sources:
            if source.id == source_id:
                return source
        raise KeyError(source_id)

    def select(self, ids: Iterable[str] | None = None, *, include_disabled: bool = False) -> list[Source]:
        """Sources by id (all enabled ones when `ids` is empty); unknown ids are an error."""
        wanted = [i for i in (ids or []) if i]
        if not wanted:
            return [s for s in self.sources if s.enabled or include_disabled]
        known = {s.id: s for s in self.sources}
        unknown = [i for i in wanted if i not in known]
        if unknown:
            raise SourcesError(
                [f"{self.path.name}: unknown source id(s): {', '.join(unknown)}"]
            )
        return [known[i] for i in wanted]


def default_sources_path() -> Path:
    return Path(os.environ.get("NEWSMON_SOURCES") or DEFAULT_SOURCES_FILE)


def _location(source_id: str, loc: tuple[Any, ...]) -> str:
    parts: list[str] = []
    for part in loc:
        if isinstance(part, int):
            parts[-1:] = [f"{parts[-1]}[{part}]"] if parts else [f"[{part}]"]
        else:
            parts.append(str(part))
    return f"source {source_id!r}: {'.'.join(parts) or '(source)'}"


def parse_sources(data: Any, path: Path) -> Registry:
    name = path.name
    if data is None:
        raise SourcesError([f"{name}: the file is empty"])
    if isinstance(data, dict) and "sources" in data:
        unknown = set(data) - {"sources", "defaults"}
        if unknown:
            raise SourcesError([f"{name}: unknown top-level key(s): {', '.join(sorted(unknown))}"])
        defaults = data.get("defaults") or {}
        entries = data["sources"]
    else:
        defaults, entries = {}, data
    if not isinstance(entries, list):
        raise SourcesError([f"{name}: 'sources' must be a list of sources"])
    if not isinstance(defaults, dict):
        raise SourcesError([f"{name}: 'defaults' must be a mapping"])
    problems: list[str] = []
    sources: list[Source] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            problems.append(f"{name}: sources[{index}]: must be a mapping, got {type(entry).__name__}")
            continue
        source_id = str(entry.get("id") or f"#{index}")
        try:
            source = Source.model_validate({**defaults, **entry})
        except ValidationError as exc:
            for error in exc.errors():
                message = error["msg"].removeprefix("Value error, ")
                if error["type"] == "extra_forbidden":
                    message = "unknown field"
                elif error["type"] == "missing":
                    message = "required field is missing"
                loc = tuple(error["loc"])
                # a list validator reports "[i]: reason"; fold it into the location
                match = re.match(r"^\[(\d+)\]: (.*)$", message, re.S)
                if match:
                    loc, message = (*loc, int(match.group(1))), match.group(2)
                problems.append(f"{name}: {_location(source_id, loc)}: {message}")
            continue
        if source.id in seen:
            problems.append(f"{name}: source {source.id!r}: id: duplicate id")
        seen.add(source.id)
        sources.append(source)
    if problems:
        raise SourcesError(problems)
    return Registry(path=path, sources=tuple(sources))


def load_sources(path: str | Path | None = None) -> Registry:
    file = Path(path) if path else default_sources_path()
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SourcesError([f"{file}: no such file"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SourcesError([f"{file}: cannot read: {exc}"]) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise SourcesError([f"{file.name}: not valid YAML{where}: {getattr(exc, 'problem', exc)}"]) from None
    return parse_sources(data, file)
