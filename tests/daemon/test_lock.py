"""One daemon per database: a second one is refused with the holder's pid; the lock dies
with its holder."""

from __future__ import annotations

import os

import pytest

from newsmon.daemon.lock import DaemonLock, DaemonLockError
from storage.db import Database


def test_second_lock_on_the_same_database_is_refused(db_url: str) -> None:
    db = Database(db_url)
    first, second = DaemonLock(db), DaemonLock(db)
    first.acquire()
    try:
        with pytest.raises(DaemonLockError) as refused:
            second.acquire()
        assert f"another newsmon daemon (pid {os.getpid()}) is running on" in str(refused.value)
    finally:
        first.release()
    second.acquire()  # free again once the holder lets go
    second.release()
    db.dispose()


def test_in_memory_sqlite_cannot_host_a_daemon() -> None:
    db = Database("sqlite://")
    with pytest.raises(DaemonLockError, match="database file"):
        DaemonLock(db).acquire()
