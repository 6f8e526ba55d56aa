"""Shared fixtures: databases (SQLite and the real PostgreSQL), shared data, a local site."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.services import fresh_postgres_database

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("NEWSMON_SHARED", REPO_ROOT.parent / "shared"))

os.environ.setdefault("NEWSMON_ALLOW_PRIVATE_ADDRESSES", "1")


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"shared data not found at {SHARED} (set NEWSMON_SHARED)")
    return SHARED


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The same test on SQLite and on the real PostgreSQL at 127.0.0.1:5432."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'newsmon.db'}"
        return
    with fresh_postgres_database() as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'newsmon.db'}"
