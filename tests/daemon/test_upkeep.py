"""Housekeeping keeps raw pages for their retention only, drops empty stories and the
near-duplicate band rows past the dedup window, and optimises the database; a digest missed while the daemon was down is sent when it comes back."""

from __future__ import annotations

import zlib
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from newsmon.daemon.upkeep import digest_is_overdue, run_housekeeping
from storage.db import Database
from storage.models import Article, DedupBand, DigestRun, RawPage, Story

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
        session.add(Article(id=7, canonical_url="http://x/a", url="http://x/a", source_id="x", kind="article",
                            fetched_at=now, first_seen_at=now, text="t", text_normalized="t", content_hash="h"))
        session.flush()
        for key, age in ((1, timedelta(days=31)), (2, timedelta(days=29))):
            session.add(DedupBand(band_key=key, article_id=7, created_at=now - age))
    run_housekeeping(db, raw_retention_days=90, dedup_window_days=30)
    with db.session() as session:
        assert list(session.scalars(select(RawPage.canonical_url))) == ["http://x/recent"]
        assert list(session.scalars(select(Story))) == []
        # band rows past the dedup window can match nothing any more
        assert list(session.scalars(select(DedupBand.band_key))) == [2]
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
