"""Storage: the only package that knows SQL (models, engine, queries, migrations)."""

from storage.db import Database, default_database_url

__all__ = ["Database", "default_database_url"]
