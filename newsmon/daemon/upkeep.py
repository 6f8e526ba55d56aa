"""Daily upkeep: housekeeping (retention, empty stories, optimisation) and digest catch-up."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from storage.db import Database
from storage.schedule import digest_started_since, optimise_database, prune_raw_pages
from storage.stories import prune_empty_stories

logger = logging.getLogger(__name__)

# A digest missed while the daemon was down is still sent when it starts within this time.
DIGEST_CATCH_UP = timedelta(hours=12)


def run_housekeeping(db: Database, raw_retention_days: float) -> None:
    cutoff = datetime.now(UTC) - timedelta(days=raw_retention_days)
    pages = prune_raw_pages(db, cutoff)
    stories = prune_empty_stories(db)
    optimise_database(db)
    logger.info("housekeeping: pruned %d raw page(s) older than %s, %d empty stor(ies); "
                "database optimised", pages, cutoff.date().isoformat(), stories)


def digest_is_overdue(db: Database, at: time, tz: ZoneInfo, now: datetime | None = None) -> bool:
    """Today's digest time has passed (recently) and no digest run began since."""
    now = (now or datetime.now(UTC)).astimezone(tz)
    moment = datetime.combine(now.date(), at, tzinfo=tz)
    if not moment <= now < moment + DIGEST_CATCH_UP:
        return False
    return not digest_started_since(db, moment)
