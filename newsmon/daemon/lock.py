"""One daemon per database: a PostgreSQL advisory lock, or a file lock beside a SQLite file.

Both are released by the operating system or the server when the holder dies, so a
crashed daemon never leaves the lock stuck.
"""

from __future__ import annotations

import fcntl
import logging
import os
from pathlib import Path
from typing import IO, Any

from sqlalchemy.engine import make_url

from storage.db import Database
from storage.schedule import advisory_lock_holder, try_advisory_lock

logger = logging.getLogger(__name__)


class DaemonLockError(Exception):
    """Another daemon holds the lock, or this database cannot be locked; the message says which."""


def sqlite_lock_path(db_url: str) -> Path | None:
    database = make_url(db_url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database).resolve().with_name(Path(database).name + ".daemon.lock")


class DaemonLock:
    """Held for the daemon's whole life; `acquire` raises DaemonLockError when refused."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._file: IO[str] | None = None
        self._conn: Any = None

    def acquire(self) -> None:
        if self.db.dialect == "sqlite":
            self._acquire_file()
        elif self.db.dialect == "postgresql":
            self._acquire_advisory()
        else:
            raise DaemonLockError(f"no daemon lock for {self.db.dialect} databases")

    def _refused(self, holder: str) -> DaemonLockError:
        return DaemonLockError(f"another newsmon daemon ({holder}) is running on {self.db.safe_url}")

    def _acquire_file(self) -> None:
        path = sqlite_lock_path(self.db.url)
        if path is None:
            raise DaemonLockError(
                f"{self.db.safe_url}: the daemon needs a database file its crawl processes can share"
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        # "a+" so a refused daemon does not truncate the holder's PID
        handle = open(path, "a+", encoding="utf-8")  # noqa: SIM115 - held for the daemon's life
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.seek(0)
            pid = handle.read().strip() or "unknown"
            handle.close()
            raise self._refused(f"pid {pid}") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self._file = handle
        logger.info("holding lock file %s", path)

    def _acquire_advisory(self) -> None:
        # a connection of its own, outside the pool's recycling, for as long as we run
        conn = self.db.engine.connect()
        conn.detach()  # closing it then really ends the session, and with it the lock
        if not try_advisory_lock(conn, os.getpid()):
            holder = advisory_lock_holder(conn) or ""
            conn.close()
            pid = holder.rpartition("pid=")[2] if "pid=" in holder else "unknown"
            raise self._refused(f"pid {pid}")
        self._conn = conn
        logger.info("holding PostgreSQL advisory lock on %s", self.db.safe_url)

    def release(self) -> None:
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None
        if self._conn is not None:
            self._conn.close()  # detached: the session, and its advisory lock, end here
            self._conn = None
