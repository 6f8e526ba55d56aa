"""near-duplicate LSH band table in the database

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 17:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dedup_bands",
        sa.Column("band_key", sa.BigInteger(), nullable=False),
        sa.Column("article_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("band_key", "article_id"),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_dedup_bands_article_id", "dedup_bands", ["article_id"])
    # the signatures stored before this revision get their band rows at the next crawl
    # start (storage.near_duplicates.backfill_bands), which knows the LSH parameters


def downgrade() -> None:
    op.drop_table("dedup_bands")
