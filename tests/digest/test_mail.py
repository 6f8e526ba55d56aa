"""The digest mailed to a real SMTP server (aiosmtpd on 127.0.0.1), on SQLite and PostgreSQL."""

from __future__ import annotations

import email
import html
import re
from datetime import timedelta
from email.message import EmailMessage
from email.policy import default

import pytest

from digest import run_digest
from digest.config import SmtpConfig
from storage.db import Database
from storage.digest import claim_digest_run, digest_runs
from tests.digest.conftest import (
    DIGEST_DATE,
    NOW,
    SmtpServer,
    digest_config,
    free_port,
    make_item,
    store,
    store_copy,
)

NAMES = {"s1": "公益时报", "s2": "中国慈善家", "s3": "人民网公益"}


def send(db: Database, port: int, **kwargs: object):  # type: ignore[no-untyped-def]
    options: dict[str, object] = {"date": DIGEST_DATE, "now": NOW, "sources": [],
                                  "source_names": NAMES, "sleep": lambda _s: None}
    options.update(kwargs)
    config = options.pop("config", digest_config(port))
    return run_digest(db, config=config, **options)  # type: ignore[arg-type]


def parse(raw: bytes) -> EmailMessage:
    message = email.message_from_bytes(raw, policy=default)
    assert isinstance(message, EmailMessage)
    return message


def parts(message: EmailMessage) -> tuple[str, str]:
    plain = message.get_body(("plain",))
    rich = message.get_body(("html",))
    assert plain is not None and rich is not None
    return plain.get_content(), rich.get_content()


def test_digest_arrives_as_multipart_alternative_with_the_same_stories(db: Database, smtp: SmtpServer) -> None:
    first = store(db, make_item(1, "s1", title="乡村儿童阅读计划启动"))
    store_copy(db, first, 2, "s2")
    store_copy(db, first, 3, "s3")
    store(db, make_item(4, "s2", title="养老驿站开进社区", primary_category="elderly"))
    store(db, make_item(5, "s3", title="无分类的新闻", primary_category=None))

    result = send(db, smtp.port)

    assert result.sent, result.reason
    assert len(smtp.mailbox.messages) == 1
    message = parse(smtp.mailbox.messages[0])
    assert message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    assert all(p.get_content_charset() == "utf-8" for p in message.iter_parts())
    assert message["Subject"] == f"公益新闻日报 {DIGEST_DATE} · 3 条"
    assert message["Message-ID"] == result.message_id and message["Date"]
    assert smtp.mailbox.envelopes[0][1] == ["reader@example.org"]
    text, page = parts(message)
    for title in ("乡村儿童阅读计划启动", "养老驿站开进社区", "无分类的新闻"):
        assert text.count(title) == 1 and page.count(title) == 1
    # three copies of one story → one entry naming the two other sites
    assert "另有 2 家转载：中国慈善家、人民网公益" in text
    assert "另有 2 家转载：中国慈善家、人民网公益" in page
    # sections in taxonomy order, uncategorised last
    assert text.index("乡村振兴") < text.index("养老助老") < text.index("其他")
    assert "<style" not in page and "<script" not in page


def test_markup_in_titles_arrives_as_text(db: Database, smtp: SmtpServer) -> None:
    title = '<script>alert("x")</script><b>粗体</b>'
    store(db, make_item(1, title=title, text='正文里也有<img src=x onerror=alert(1)>标签。'))
    send(db, smtp.port)
    text, page = parts(parse(smtp.mailbox.messages[0]))
    assert "<script>" not in page and "<img" not in page
    assert html.escape(title, quote=False) in page or "&lt;script&gt;" in page
    assert title in text  # the plain part is not HTML: shown as typed


def test_line_breaks_in_titles_never_reach_headers(db: Database, smtp: SmtpServer) -> None:
    store(db, make_item(1, title="正常标题\r\nBcc: victim@example.com\r\nSubject: 伪造"))
    result = send(db, smtp.port)
    assert result.sent
    message = parse(smtp.mailbox.messages[0])
    assert message["Bcc"] is None and len(message.get_all("Subject") or []) == 1
    assert message["Subject"] == f"公益新闻日报 {DIGEST_DATE} · 1 条"
    assert smtp.mailbox.envelopes[0][1] == ["reader@example.org"]
    text, _ = parts(message)
    assert "正常标题 Bcc: victim@example.com Subject: 伪造" in text


def test_a_date_is_sent_once_unless_forced(db: Database, smtp: SmtpServer) -> None:
    store(db, make_item(1))
    assert send(db, smtp.port).sent
    again = send(db, smtp.port)
    assert again.status == "skipped" and "already sent" in (again.reason or "")
    assert len(smtp.mailbox.messages) == 1
    forced = send(db, smtp.port, force=True)
    assert forced.sent and len(smtp.mailbox.messages) == 2
    ids = [parse(m)["Message-ID"] for m in smtp.mailbox.messages]
    assert ids[0] != ids[1]
    assert [r.status for r in digest_runs(db, DIGEST_DATE)] == ["sent", "sent"]


def test_a_run_left_sending_by_a_crash_is_retried_with_its_message_id(db: Database, smtp: SmtpServer) -> None:
    store(db, make_item(1))
    crashed = claim_digest_run(db, DIGEST_DATE, message_id="<crashed@newsmon.example>",
                               recipients=["reader@example.org"], article_count=1,
                               now=NOW - timedelta(minutes=30))
    assert crashed.run_id is not None
    result = send(db, smtp.port)
    assert result.sent and result.message_id == "<crashed@newsmon.example>"
    assert parse(smtp.mailbox.messages[0])["Message-ID"] == "<crashed@newsmon.example>"
    assert send(db, smtp.port).status == "skipped"


def test_a_fresh_sending_run_blocks_a_second_sender(db: Database, smtp: SmtpServer) -> None:
    store(db, make_item(1))
    claim_digest_run(db, DIGEST_DATE, message_id="<live@x>", recipients=[], article_count=1,
                     now=NOW - timedelta(minutes=1))
    result = send(db, smtp.port)
    assert result.status == "skipped" and "being sent" in (result.reason or "")
    assert smtp.mailbox.messages == []


def test_empty_day_sends_a_short_note_unless_configured_not_to(db: Database, smtp: SmtpServer) -> None:
    quiet = send(db, smtp.port, config=digest_config(smtp.port, send_empty=False))
    assert quiet.status == "empty" and smtp.mailbox.messages == []
    result = send(db, smtp.port)
    assert result.sent
    text, _ = parts(parse(smtp.mailbox.messages[0]))
    assert "没有抓到新的公益新闻" in text
    assert parse(smtp.mailbox.messages[0])["Subject"].endswith("· 0 条")


def test_refused_connection_is_retried_then_reported(db: Database) -> None:
    store(db, make_item(1))
    port = free_port()  # nothing listens here
    delays: list[float] = []
    result = send(db, port, sleep=delays.append)
    assert result.status == "failed" and not result.ok
    assert result.attempts == 3 and delays == [0.01, 0.02]
    assert "ConnectionRefusedError" in (result.reason or "")
    assert [r.status for r in digest_runs(db, DIGEST_DATE)] == ["failed"]


def test_temporary_451_is_retried_and_then_delivered(db: Database, smtp: SmtpServer) -> None:
    store(db, make_item(1))
    smtp.mailbox.replies = ["451 4.3.0 try again later", "451 4.3.0 try again later"]
    result = send(db, smtp.port)
    assert result.sent and result.attempts == 3
    assert smtp.mailbox.attempts == 3 and len(smtp.mailbox.messages) == 1


def test_permanent_550_is_reported_and_not_marked_sent(db: Database, smtp: SmtpServer) -> None:
    store(db, make_item(1))
    smtp.mailbox.replies = ["550 5.7.1 message rejected"]
    result = send(db, smtp.port)
    assert result.status == "failed" and result.attempts == 1
    assert "550" in (result.reason or "") and "permanent" in (result.reason or "")
    runs = digest_runs(db, DIGEST_DATE)
    assert [r.status for r in runs] == ["failed"] and "550" in (runs[0].error or "")
    # the next run tries again (and re-uses the Message-ID of the failed attempt)
    retry = send(db, smtp.port)
    assert retry.sent and retry.message_id == result.message_id


def test_password_is_not_in_logs_or_reprs(db: Database, caplog: pytest.LogCaptureFixture) -> None:
    store(db, make_item(1))
    config = digest_config(free_port())
    smtp = SmtpConfig(host="127.0.0.1", port=config.smtp.port, user="u", password="hunter2-secret",
                      attempts=2, retry_delay=0.0)
    caplog.set_level("DEBUG")
    result = send(db, smtp.port, config=digest_config(smtp.port, smtp=smtp))
    assert result.status == "failed"
    assert "hunter2" not in caplog.text and "hunter2" not in repr(smtp)
    assert "hunter2" not in (result.reason or "")


def test_out_writes_the_html_without_sending(db: Database, smtp: SmtpServer, tmp_path) -> None:  # type: ignore[no-untyped-def]
    store(db, make_item(1, title="写到文件"))
    out = tmp_path / "sub" / "d.html"
    result = send(db, smtp.port, send=False, out=out)
    assert result.status == "rendered" and smtp.mailbox.messages == []
    page = out.read_text(encoding="utf-8")
    assert "写到文件" in page and re.search(r"<html[^>]*>", page)
    assert digest_runs(db) == []
