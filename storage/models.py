"""SQLAlchemy 2.0 typed models for everything newsmon keeps."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware datetimes stored as UTC; SQLite hands them back aware too."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


IdType = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    pass


class Source(Base):
    __tablename__ = "sources"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    homepage: Mapped[str | None] = mapped_column(String(2000))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    schedule: Mapped[str | None] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Story(Base):
    """A cluster of copies of one news story (reprints, mirrors, script variants)."""

    __tablename__ = "stories"

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=False)
    representative_id: Mapped[int | None] = mapped_column(IdType)
    first_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    size: Mapped[int] = mapped_column(Integer, default=1)


class Article(Base):
    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    canonical_url: Mapped[str] = mapped_column(String(2000), unique=True)
    url: Mapped[str] = mapped_column(String(2000))
    source_id: Mapped[str] = mapped_column(String(100), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="article")
    title: Mapped[str | None] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(String(300))
    origin: Mapped[str | None] = mapped_column(String(300))
    site_name: Mapped[str | None] = mapped_column(String(300))
    language: Mapped[str | None] = mapped_column(String(20))
    script: Mapped[str | None] = mapped_column(String(10))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime())
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    text: Mapped[str] = mapped_column(Text)
    text_normalized: Mapped[str] = mapped_column(Text, default="")
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    # no foreign key: the crawler picks story ids before the story's row exists
    story_id: Mapped[int | None] = mapped_column(IdType, index=True)
    is_representative: Mapped[bool] = mapped_column(Boolean, default=True)
    primary_category: Mapped[str | None] = mapped_column(String(100), index=True)
    relevance: Mapped[float | None] = mapped_column(Float)
    relevant: Mapped[bool | None] = mapped_column(Boolean)
    regions: Mapped[list[str]] = mapped_column(JSON, default=list)
    organizations: Mapped[list[str]] = mapped_column(JSON, default=list)
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)

    categories: Mapped[list[ArticleCategory]] = relationship(
        back_populates="article", cascade="all, delete-orphan", lazy="selectin"
    )

    __table_args__ = (Index("ix_articles_source_first_seen", "source_id", "first_seen_at"),)


class ArticleCategory(Base):
    __tablename__ = "article_categories"

    article_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    category: Mapped[str] = mapped_column(String(100), primary_key=True, index=True)
    score: Mapped[float] = mapped_column(Float)

    article: Mapped[Article] = relationship(back_populates="categories")


class MinHashSignature(Base):
    """Near-duplicate signatures, kept so the LSH index can be rebuilt after a restart."""

    __tablename__ = "minhash_signatures"

    article_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    story_id: Mapped[int | None] = mapped_column(IdType, index=True)
    signature: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class RawPage(Base):
    """The fetched HTML (zlib-compressed), kept so articles can be re-extracted."""

    __tablename__ = "raw_pages"

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    canonical_url: Mapped[str] = mapped_column(String(2000), unique=True)
    url: Mapped[str] = mapped_column(String(2000))
    source_id: Mapped[str] = mapped_column(String(100))
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    encoding: Mapped[str | None] = mapped_column(String(50))
    content_type: Mapped[str | None] = mapped_column(String(200))
    body_zlib: Mapped[bytes] = mapped_column(LargeBinary)


class FeedState(Base):
    """Conditional-GET validators remembered per feed URL."""

    __tablename__ = "feed_state"

    feed_url: Mapped[str] = mapped_column(String(2000), primary_key=True)
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(200))
    last_status: Mapped[int | None] = mapped_column(Integer)
    last_fetched_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class CrawlRun(Base):
    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    spider: Mapped[str] = mapped_column(String(50))
    sources: Mapped[list[str]] = mapped_column(JSON, default=list)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(30), default="running")
    pages: Mapped[int] = mapped_column(Integer, default=0)
    items_stored: Mapped[int] = mapped_column(Integer, default=0)
    dropped: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    per_source: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    pid: Mapped[int | None] = mapped_column(Integer)


class DigestRun(Base):
    """One daily digest; a sent date is not sent again without --force."""

    __tablename__ = "digest_runs"

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    digest_date: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(20))  # sending, sent, failed
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    recipients: Mapped[list[str]] = mapped_column(JSON, default=list)
    article_count: Mapped[int] = mapped_column(Integer, default=0)
    message_id: Mapped[str | None] = mapped_column(String(300))
    error: Mapped[str | None] = mapped_column(Text)
