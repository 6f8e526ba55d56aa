"""The near-duplicate index's band table: candidates for a signature's band keys, and
band rows for signatures stored without them. The LSH arithmetic lives in `dedup`; this
module only reads and writes rows."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime

from sqlalchemy import delete, exists, select

from storage.db import Database
from storage.models import DedupBand, MinHashSignature

# one IN list per query: SQLite allows 32,766 parameters, a signature has tens of bands
_MAX_KEYS = 2000


def band_candidates(db: Database, band_keys: Sequence[int], since: datetime) -> list[tuple[int, int, bytes]]:
    """(article_id, story_id, signature) of articles stored since `since` that share a band
    key with the query."""
    if not band_keys:
        return []
    keys = list(dict.fromkeys(band_keys))[:_MAX_KEYS]
    query = (
        select(MinHashSignature.article_id, MinHashSignature.story_id, MinHashSignature.signature)
        .where(MinHashSignature.article_id.in_(
            select(DedupBand.article_id).where(DedupBand.band_key.in_(keys))))
        .where(MinHashSignature.created_at >= since, MinHashSignature.story_id.is_not(None))
    )
    with db.session() as session:
        return [(int(a), int(s), bytes(sig)) for a, s, sig in session.execute(query) if s is not None]


def signatures_without_bands(db: Database, since: datetime, batch_size: int = 5000) -> Iterator[
        list[tuple[int, bytes, datetime]]]:
    """Batches of (article_id, signature, created_at) stored since `since` with no band rows
    yet: stored before the band table existed, or by a path that did not index them."""
    last_id = 0
    while True:
        with db.session() as session:
            rows = session.execute(
                select(MinHashSignature.article_id, MinHashSignature.signature, MinHashSignature.created_at)
                .where(MinHashSignature.created_at >= since, MinHashSignature.article_id > last_id,
                       ~exists().where(DedupBand.article_id == MinHashSignature.article_id))
                .order_by(MinHashSignature.article_id).limit(batch_size)
            ).all()
        if not rows:
            return
        yield [(int(a), bytes(sig), created) for a, sig, created in rows]
        last_id = rows[-1][0]


def add_band_rows(db: Database, rows: Sequence[dict[str, object]]) -> None:
    """Insert {band_key, article_id, created_at} rows; rows already there are left alone."""
    if not rows:
        return
    from storage.articles import insert_ignoring_duplicates

    with db.session() as session:
        insert_ignoring_duplicates(session, DedupBand, rows)


def prune_bands(db: Database, older_than: datetime) -> int:
    """Band rows of articles past the dedup window: no reprint is matched against them."""
    with db.session() as session:
        result = session.execute(delete(DedupBand).where(DedupBand.created_at < older_than))
        return int(getattr(result, "rowcount", 0) or 0)
