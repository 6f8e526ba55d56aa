"""Render: the digest as HTML and plain text (Jinja2), and as a MIME message.

Autoescaping is on for every template except the plain-text one, so a title holding
`<script>` is shown as text. Headers are built from the date, the count and configured
addresses only — never from article text — so nothing crawled can reach a header.
"""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from digest.select import Digest

TEMPLATES = Path(__file__).resolve().parent / "templates"
DAILY_HEADING = "公益新闻日报"
ADHOC_HEADING = "公益新闻摘要"


def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=lambda name: not (name or "").endswith(".txt"),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )


_ENV = _environment()


def heading(digest: Digest) -> str:
    return DAILY_HEADING if digest.window.daily else ADHOC_HEADING


def period(digest: Digest) -> str:
    if digest.window.daily:
        return digest.window.label
    zone = digest.window.start.tzinfo
    start = digest.window.start.astimezone(zone)
    return f"{start:%Y-%m-%d} 至 {digest.window.label}"


def subject(digest: Digest) -> str:
    """E.g. `公益新闻日报 2026-11-23 · 42 条`: only the date and the count."""
    return f"{heading(digest)} {period(digest)} · {digest.count} 条"


def _context(digest: Digest) -> dict[str, Any]:
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(digest.timezone)
    generated = digest.generated_at.astimezone(zone).strftime("%Y-%m-%d %H:%M") if digest.generated_at else ""
    return {"digest": digest, "heading": heading(digest), "period": period(digest),
            "zone": zone, "generated": generated}


def render_html(digest: Digest) -> str:
    return _ENV.get_template("digest.html").render(_context(digest))


def render_text(digest: Digest) -> str:
    return _ENV.get_template("digest.txt").render(_context(digest))


def build_message(
    digest: Digest, *, sender: str, recipients: list[str], message_id: str, now: datetime
) -> EmailMessage:
    """multipart/alternative: text/plain then text/html, both UTF-8."""
    message = EmailMessage(policy=SMTP)
    message["Subject"] = subject(digest)
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message["Date"] = format_datetime(now)
    message["Message-ID"] = message_id
    message["X-Newsmon-Digest-Date"] = digest.window.label
    # base64 bodies: safe through servers without 8BITMIME, and compact for CJK text
    message.set_content(render_text(digest), subtype="plain", charset="utf-8", cte="base64")
    message.add_alternative(render_html(digest), subtype="html", charset="utf-8", cte="base64")
    return message
