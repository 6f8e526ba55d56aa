"""Engine, sessions and schema migrations for any SQLAlchemy URL (SQLite by default)."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, inspect
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

logger = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


class DatabaseError(Exception):
    """A database URL or server that newsmon cannot use; the message says why."""


def default_database_url() -> str:
    """`NEWSMON_DATABASE_URL`, else `sqlite:///var/newsmon.db` under the working directory."""
    return os.environ.get("NEWSMON_DATABASE_URL") or "sqlite:///var/newsmon.db"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers (CLI, digest) work while a crawl writes; the busy timeout makes
    # concurrent writers wait for the lock instead of failing at once.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def create_db_engine(url: str, **kwargs: Any) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseError(f"bad database URL {url!r}: {exc}") from exc
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            path = Path(database)
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DatabaseError(f"cannot create the folder for {path}: {exc}") from exc
            if path.parent.exists() and not os.access(path.parent, os.W_OK):
                raise DatabaseError(f"database folder {path.parent} is not writable")
        engine = create_engine(parsed, connect_args={"timeout": 30}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    pool_size = int(os.environ.get("NEWSMON_DB_POOL_SIZE", "5"))
    try:
        return create_engine(
            parsed, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True, **kwargs
        )
    except Exception as exc:  # unknown dialect or missing driver
        raise DatabaseError(f"cannot use database URL {parsed!r}: {exc}") from exc


class Database:
    """An engine plus a session factory; the entry point to storage for the rest of newsmon."""

    def __init__(self, url: str | None = None, **engine_kwargs: Any) -> None:
        self.url = url or default_database_url()
        self.engine = create_db_engine(self.url, **engine_kwargs)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self._sessions() as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def migrate(self) -> None:
        """Create or upgrade the schema to the newest Alembic revision."""
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        config.set_main_option("sqlalchemy.url", self.url.replace("%", "%%"))
        try:
            with self.engine.begin() as connection:
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
        except OperationalError as exc:
            raise DatabaseError(f"cannot reach database {self.safe_url}: {exc.orig}") from exc

    def has_schema(self) -> bool:
        return inspect(self.engine).has_table("articles")

    @property
    def safe_url(self) -> str:
        return make_url(self.url).render_as_string(hide_password=True)

    def dispose(self) -> None:
        self.engine.dispose()
