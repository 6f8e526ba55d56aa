"""Per-crawl shared resources (one Database per crawler, one source registry)."""

from __future__ import annotations

from typing import Any

from crawler.sources import Registry, load_sources
from storage.db import Database


def crawl_database(crawler: Any) -> Database:
    """The crawl's Database, created once and shared by every component of that crawler."""
    db = getattr(crawler, "_newsmon_db", None)
    if db is None:
        db = Database(crawler.settings.get("NEWSMON_DATABASE_URL"))
        db.migrate()
        crawler._newsmon_db = db
    return db


def crawl_registry(crawler: Any) -> Registry:
    registry = getattr(crawler, "_newsmon_registry", None)
    if registry is None:
        registry = load_sources(crawler.settings.get("NEWSMON_SOURCES") or None)
        crawler._newsmon_registry = registry
    return registry
