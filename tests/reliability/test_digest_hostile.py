"""The digest under hostile titles and failing mail servers, through `digest.run_digest`.

Reuses the digest tests' fixtures (a database with stories on SQLite and PostgreSQL, a real
aiosmtpd server on 127.0.0.1) and adds the servers that misbehave: one that never answers,
one that greets and hangs up.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from digest.config import SmtpConfig
from storage.db import Database
from storage.digest import digest_runs
from tests.digest.conftest import DIGEST_DATE, SmtpServer, digest_config, make_item, store
from tests.digest.test_mail import parse, parts, send
from tests.reliability.helpers import REPO_ROOT

BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def test_digest_title_with_html_and_script_arrives_as_text(db: Database, smtp: SmtpServer) -> None:
    store(db, make_item(1, title='<script>fetch("//evil")</script><a href="javascript:x">点我</a>',
                        text="正文<iframe src=//evil></iframe>里有标签。" * 3))
    assert send(db, smtp.port).sent
    _text, page = parts(parse(smtp.mailbox.messages[0]))
    assert "<script" not in page and "<iframe" not in page and 'href="javascript:' not in page
    assert "&lt;script&gt;" in page


def test_digest_rtl_override_in_title_cannot_reorder_the_subject_or_page(db: Database, smtp: SmtpServer) -> None:
    store(db, make_item(1, title="捐款\u202eexe.txt\u202c 通知"))
    assert send(db, smtp.port).sent
    message = parse(smtp.mailbox.messages[0])
    text, page = parts(message)
    assert not any(c in str(message["Subject"]) for c in BIDI_CONTROLS)
    assert not any(c in text or c in page for c in BIDI_CONTROLS), "bidi controls reached the reader"


def test_digest_crlf_header_injection_in_title_stays_in_the_body(db: Database, smtp: SmtpServer) -> None:
    store(db, make_item(1, title="标题\r\nBcc: victim@example.com\r\n\r\n伪造正文"))
    assert send(db, smtp.port).sent
    message = parse(smtp.mailbox.messages[0])
    assert message["Bcc"] is None and len(message.get_all("Subject") or []) == 1
    assert smtp.mailbox.envelopes[0][1] == ["reader@example.org"]


# --- mail servers that fail ---------------------------------------------------------------------

class BadSmtp:
    """A TCP server on 127.0.0.1 that either never speaks or greets and hangs up."""

    def __init__(self, behaviour: str) -> None:
        self.behaviour = behaviour
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.open: list[socket.socket] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            if self.behaviour == "drop":
                conn.sendall(b"220 mail.example ESMTP\r\n")
                conn.recv(1024)  # EHLO
                conn.close()
            else:
                self.open.append(conn)  # silent: hold the connection, answer nothing

    def close(self) -> None:
        self.sock.close()
        for conn in self.open:
            conn.close()


@pytest.fixture
def bad_smtp(request: pytest.FixtureRequest) -> Iterator[BadSmtp]:
    server = BadSmtp(request.param)
    yield server
    server.close()


@pytest.mark.parametrize("bad_smtp", ["silent", "drop"], indirect=True, ids=["times_out", "accepts_then_drops"])
def test_smtp_timeout_or_dropped_connection_retried_reported_not_marked_sent(db: Database, bad_smtp: BadSmtp) -> None:
    store(db, make_item(1))
    config = digest_config(bad_smtp.port, smtp=SmtpConfig(host="127.0.0.1", port=bad_smtp.port, timeout=0.3,
                                                          attempts=3, retry_delay=0.01))
    result = send(db, bad_smtp.port, config=config)
    assert result.status == "failed" and result.attempts == 3 and bad_smtp.connections == 3
    assert result.reason
    assert [r.status for r in digest_runs(db, DIGEST_DATE)] == ["failed"]


def test_smtp_refused_retried_reported_not_marked_sent(db: Database) -> None:
    from tests.digest.test_mail import test_refused_connection_is_retried_then_reported

    test_refused_connection_is_retried_then_reported(db)


_CHILD = """
import sys
from datetime import timedelta
from storage.db import Database
from tests.digest.conftest import NOW, digest_config
from tests.digest.test_mail import send
from digest.config import SmtpConfig
config = digest_config(int(sys.argv[2]), smtp=SmtpConfig(host="127.0.0.1", port=int(sys.argv[2]), timeout=120))
send(Database(sys.argv[1]), int(sys.argv[2]), config=config, now=NOW - timedelta(minutes=30))
"""


def test_daemon_killed_while_sending_digest_sent_once_after_restart(tmp_path: Path, smtp: SmtpServer) -> None:
    db_url = f"sqlite:///{tmp_path / 'digest.db'}"
    database = Database(db_url)
    database.migrate()
    store(database, make_item(1))
    stalled = BadSmtp("silent")
    child = subprocess.Popen([sys.executable, "-c", _CHILD, db_url, str(stalled.port)], cwd=REPO_ROOT)
    try:
        for _ in range(400):  # the child is mid-send when the server holds its connection
            if stalled.connections:
                break
            threading.Event().wait(0.05)
        assert stalled.connections == 1
        child.kill()  # SIGKILL: no cleanup, the run stays 'sending'
        child.wait(timeout=10)
    finally:
        stalled.close()
    left = digest_runs(database, DIGEST_DATE)
    assert [r.status for r in left] == ["sending"]
    result = send(database, smtp.port)  # the restarted daemon, later
    assert result.sent and result.message_id == left[0].message_id
    assert send(database, smtp.port).status == "skipped"
    assert len(smtp.mailbox.messages) == 1
    assert parse(smtp.mailbox.messages[0])["Message-ID"] == left[0].message_id
