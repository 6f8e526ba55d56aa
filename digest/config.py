"""Digest and SMTP settings, read from the environment (never from a file in the repo).

NEWSMON_DIGEST_TIME (08:00), NEWSMON_TIMEZONE (Asia/Shanghai), NEWSMON_DIGEST_SEND_EMPTY (1),
NEWSMON_DIGEST_FROM, NEWSMON_DIGEST_TO (comma-separated), NEWSMON_SMTP_HOST (localhost),
NEWSMON_SMTP_PORT (465 with SSL, 587 with STARTTLS, else 25), NEWSMON_SMTP_USER,
NEWSMON_SMTP_PASSWORD, NEWSMON_SMTP_STARTTLS (0), NEWSMON_SMTP_SSL (0),
NEWSMON_SMTP_TIMEOUT (30 s), NEWSMON_SMTP_ATTEMPTS (4), NEWSMON_SMTP_RETRY_DELAY (5 s,
doubled after each transient failure).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time
from email.utils import parseaddr
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
_LOOPBACK = {"localhost", "127.0.0.1", "::1"}
T = TypeVar("T", int, float)


class DigestConfigError(ValueError):
    """A digest setting that cannot be used; the message names the variable."""


@dataclass(frozen=True)
class SmtpConfig:
    host: str = "localhost"
    port: int = 25
    user: str | None = None
    password: str | None = field(default=None, repr=False)  # never in logs or reprs
    starttls: bool = False
    ssl: bool = False
    timeout: float = 30.0
    attempts: int = 4
    retry_delay: float = 5.0

    def check(self) -> None:
        if self.starttls and self.ssl:
            raise DigestConfigError("set only one of NEWSMON_SMTP_STARTTLS and NEWSMON_SMTP_SSL")
        if self.user and not (self.starttls or self.ssl) and self.host not in _LOOPBACK:
            raise DigestConfigError(
                f"refusing to send the SMTP password to {self.host} unencrypted: "
                "set NEWSMON_SMTP_STARTTLS=1 or NEWSMON_SMTP_SSL=1")


@dataclass(frozen=True)
class DigestConfig:
    digest_time: time = time(8, 0)
    timezone: str = "Asia/Shanghai"
    send_empty: bool = True
    sender: str = "newsmon@localhost"
    recipients: tuple[str, ...] = ()
    smtp: SmtpConfig = field(default_factory=SmtpConfig)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> DigestConfig:
        env = os.environ if environ is None else environ
        ssl = _flag(env, "NEWSMON_SMTP_SSL", False)
        starttls = _flag(env, "NEWSMON_SMTP_STARTTLS", False)
        smtp = SmtpConfig(
            host=env.get("NEWSMON_SMTP_HOST") or "localhost",
            port=_number(env, "NEWSMON_SMTP_PORT", 465 if ssl else 587 if starttls else 25, int),
            user=env.get("NEWSMON_SMTP_USER") or None,
            password=env.get("NEWSMON_SMTP_PASSWORD") or None,
            starttls=starttls,
            ssl=ssl,
            timeout=_number(env, "NEWSMON_SMTP_TIMEOUT", 30.0, float),
            attempts=max(1, _number(env, "NEWSMON_SMTP_ATTEMPTS", 4, int)),
            retry_delay=_number(env, "NEWSMON_SMTP_RETRY_DELAY", 5.0, float),
        )
        smtp.check()
        timezone = env.get("NEWSMON_TIMEZONE") or "Asia/Shanghai"
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise DigestConfigError(f"NEWSMON_TIMEZONE: unknown time zone {timezone!r}") from None
        sender = env.get("NEWSMON_DIGEST_FROM") or "newsmon@localhost"
        return cls(
            digest_time=parse_clock(env.get("NEWSMON_DIGEST_TIME") or "08:00", "NEWSMON_DIGEST_TIME"),
            timezone=timezone,
            send_empty=_flag(env, "NEWSMON_DIGEST_SEND_EMPTY", True),
            sender=check_address(sender, "NEWSMON_DIGEST_FROM"),
            recipients=parse_recipients(env.get("NEWSMON_DIGEST_TO") or "", "NEWSMON_DIGEST_TO"),
            smtp=smtp,
        )


def parse_clock(value: str, where: str) -> time:
    match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*", value)
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise DigestConfigError(f"{where}: {value!r} is not a time of day like 08:00")
    return time(int(match[1]), int(match[2]))


def check_address(value: str, where: str) -> str:
    """An e-mail address, or "Name <addr>"; line breaks (header injection) are refused."""
    value = value.strip()
    if "\r" in value or "\n" in value:
        raise DigestConfigError(f"{where}: address contains a line break")
    _, address = parseaddr(value)
    if not re.fullmatch(r"[^@\s<>,;]+@[^@\s<>,;]+", address):
        raise DigestConfigError(f"{where}: {value!r} is not an e-mail address")
    return value


def parse_recipients(value: str | list[str] | tuple[str, ...], where: str) -> tuple[str, ...]:
    parts = value.split(",") if isinstance(value, str) else [p for v in value for p in v.split(",")]
    return tuple(check_address(p, where) for p in parts if p.strip())


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None:
        return default
    if raw.strip().lower() in _TRUE:
        return True
    if raw.strip().lower() in _FALSE:
        return False
    raise DigestConfigError(f"{name}: {raw!r} is not a yes/no value (use 1 or 0)")


def _number(env: Mapping[str, str], name: str, default: T, kind: type[T]) -> T:
    raw = env.get(name)
    if not raw:
        return default
    try:
        return kind(raw)
    except ValueError:
        raise DigestConfigError(f"{name}: {raw!r} is not a number") from None
