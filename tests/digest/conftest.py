"""Digest fixtures: a database with stories (SQLite and PostgreSQL) and a real SMTP server."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from crawler.items import ArticleItem, CategoryScore
from digest.config import DigestConfig, SmtpConfig
from storage.articles import store_articles
from storage.db import Database
from storage.models import Article

# The digest of 2026-11-23 covers [11-22 08:00, 11-23 08:00) Asia/Shanghai = [11-22 00:00, 11-23 00:00) UTC.
DIGEST_DATE = "2026-11-23"
IN_WINDOW = datetime(2026, 11, 22, 6, 0, tzinfo=UTC)
NOW = datetime(2026, 11, 23, 0, 5, tzinfo=UTC)


def make_item(n: int, source: str = "s1", **overrides: Any) -> ArticleItem:
    item = ArticleItem(
        source_id=source,
        url=f"https://example.org/a/{n}.html",
        canonical_url=f"https://example.org/a/{n}.html",
        fetched_at=IN_WINDOW,
        text=f"第{n}篇：社会组织参与乡村振兴的公益项目取得进展。志愿者走进村庄开展帮扶。"
             "项目已覆盖三个县。后续还将继续推进。",
        title=f"标题{n}",
        published_at=IN_WINDOW + timedelta(minutes=n),
        content_hash=f"hash{n}",
        categories=[CategoryScore("rural", 0.9)],
        primary_category="rural",
    )
    for key, value in overrides.items():
        setattr(item, key, value)
    return item


def store(db: Database, item: ArticleItem, first_seen: datetime = IN_WINDOW) -> int:
    """Store one item and set when it was first seen (store_articles stamps 'now')."""
    article_id = store_articles(db, [item]).inserted[0]
    with db.session() as session:
        article = session.get(Article, article_id)
        assert article is not None
        article.first_seen_at = first_seen
    return article_id


def story_of(db: Database, article_id: int) -> int:
    with db.session() as session:
        article = session.get(Article, article_id)
        assert article is not None and article.story_id is not None
        return article.story_id


def store_copy(db: Database, of: int, n: int, source: str, **overrides: Any) -> int:
    """A reprint of article `of` on another site, in the same story."""
    item = make_item(n, source, story_id=story_of(db, of), new_story=False, **overrides)
    return store(db, item, overrides.get("fetched_at", IN_WINDOW) + timedelta(minutes=30))


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database(db_url)
    database.migrate()
    yield database
    database.dispose()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Mailbox:
    """An aiosmtpd handler that keeps what it receives; `replies` scripts DATA answers."""

    replies: list[str] = field(default_factory=list)
    messages: list[bytes] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    attempts: int = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.attempts += 1
        if self.replies:
            reply = self.replies.pop(0)
            if not reply.startswith("250"):
                return reply
        self.messages.append(envelope.original_content or envelope.content)
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 2.0.0 OK"


@dataclass
class SmtpServer:
    port: int
    mailbox: Mailbox


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield SmtpServer(controller.port, mailbox)
    finally:
        controller.stop()


def digest_config(port: int, **overrides: Any) -> DigestConfig:
    smtp = SmtpConfig(host="127.0.0.1", port=port, timeout=5, attempts=3, retry_delay=0.01)
    values: dict[str, Any] = {"sender": "newsmon <digest@newsmon.example>",
                              "recipients": ("reader@example.org",), "smtp": smtp}
    values.update(overrides)
    return DigestConfig(**values)
