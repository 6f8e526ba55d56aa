"""Housekeeping keeps raw pages for their retention only, drops empty stories and optimises
the database; a digest missed while the daemon was down is sent when it comes back."""

from __future__ import annotations

import zlib
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from newsmon.daemon.upkeep import digest_is_overdue, run_housekeeping
from storage.db import Database
from storage.models import DigestRun, RawPage, Story

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_housekeeping_prunes_old_raw_pages_and_empty_stories(db_url: str) -> None:
    db = Database(db_url)
    db.migrate()
    now = datetime.now(UTC)
    with db.session() as session:
        for name, age in (("old", timedelta(days=91)), ("recent", timedelta(days=89))):
            session.add(RawPage(canonical_url=f"http://x/{name}", url=f"http://x/{name}",
                                source_id="x", fetched_at=now - age, body_zlib=zlib.compress(b"<p>")))
        session.add(Story(id=4242, first_seen_at=now, size=0))
    run_housekeeping(db, raw_retention_days=90)
    with db.session() as session:
        assert list(session.scalars(select(RawPage.canonical_url))) == ["http://x/recent"]
        assert list(session.scalars(select(Story))) == []
    db.dispose()


def test_a_missed_digest_is_overdue_until_one_runs(sqlite_url: str) -> None:
    db = Database(sqlite_url)
    db.migrate()
    eight = time(8, 0)
    at_ten = datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)
    assert digest_is_overdue(db, eight, SHANGHAI, at_ten)
    assert not digest_is_overdue(db, eight, SHANGHAI, at_ten.replace(hour=7))  # not yet time
    assert not digest_is_overdue(db, eight, SHANGHAI, at_ten.replace(hour=23))  # too late today
    with db.session() as session:
        session.add(DigestRun(digest_date="2026-11-23", status="sent",
                              started_at=at_ten.replace(hour=8, minute=1)))
    assert not digest_is_overdue(db, eight, SHANGHAI, at_ten)
