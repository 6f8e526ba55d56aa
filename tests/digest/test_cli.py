"""`newsmon digest` from the command line: print, --out, --send with exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from newsmon.commands.digest import command
from newsmon.context import AppContext
from storage.db import Database
from tests.digest.conftest import DIGEST_DATE, SmtpServer, free_port, make_item, store


@pytest.fixture
def app(db: Database, tmp_path: Path) -> AppContext:
    sources = tmp_path / "sources.yaml"
    sources.write_text("sources:\n  - id: s1\n    name: 公益时报\n    start_urls: [https://example.org/]\n",
                       encoding="utf-8")
    return AppContext(db_url=db.url, sources_file=sources)


def env(port: int) -> dict[str, str]:
    return {"NEWSMON_SMTP_HOST": "127.0.0.1", "NEWSMON_SMTP_PORT": str(port),
            "NEWSMON_SMTP_ATTEMPTS": "2", "NEWSMON_SMTP_RETRY_DELAY": "0",
            "NEWSMON_DIGEST_FROM": "digest@newsmon.example", "NEWSMON_DIGEST_TO": "a@example.org"}


def test_prints_writes_and_sends_once(app: AppContext, db: Database, smtp: SmtpServer, tmp_path: Path) -> None:
    store(db, make_item(1, title="命令行里的新闻"))
    runner = CliRunner()
    printed = runner.invoke(command, ["--date", DIGEST_DATE], obj=app, env=env(smtp.port))
    assert printed.exit_code == 0 and "命令行里的新闻" in printed.output and "公益时报" in printed.output
    out = tmp_path / "d.html"
    written = runner.invoke(command, ["--date", DIGEST_DATE, "--out", str(out)], obj=app)
    assert written.exit_code == 0 and "命令行里的新闻" in out.read_text(encoding="utf-8")
    assert smtp.mailbox.messages == []
    args = ["--date", DIGEST_DATE, "--send", "--to", "b@example.org,c@example.org"]
    sent = runner.invoke(command, args, obj=app, env=env(smtp.port))
    assert sent.exit_code == 0, sent.output
    assert smtp.mailbox.envelopes[0][1] == ["b@example.org", "c@example.org"]
    again = runner.invoke(command, args, obj=app, env=env(smtp.port))
    assert again.exit_code == 0 and "already sent" in again.output
    forced = runner.invoke(command, [*args, "--force"], obj=app, env=env(smtp.port))
    assert forced.exit_code == 0 and len(smtp.mailbox.messages) == 2


def test_exit_code_is_non_zero_when_not_sent(app: AppContext, db: Database) -> None:
    result = CliRunner().invoke(command, ["--date", DIGEST_DATE, "--send"], obj=app, env=env(free_port()))
    assert result.exit_code == 1 and "not sent" in result.output


def test_bad_settings_name_the_variable(app: AppContext) -> None:
    result = CliRunner().invoke(command, ["--send"], obj=app,
                                env={**env(25), "NEWSMON_DIGEST_TO": "a@x.org\r\nBcc: b@y.org"})
    assert result.exit_code == 2 and "NEWSMON_DIGEST_TO" in result.output
    result = CliRunner().invoke(command, ["--send", "--to", "not-an-address"], obj=app, env=env(25))
    assert result.exit_code == 2 and "--to" in result.output
