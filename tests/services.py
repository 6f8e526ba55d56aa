"""Real services for tests: PostgreSQL and Redis on loopback, skipped (or failed) when absent."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

POSTGRES_ADMIN_URL = os.environ.get(
    "NEWSMON_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("NEWSMON_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def services_required() -> bool:
    return os.environ.get("NEWSMON_REQUIRE_SERVICES") == "1"


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def need_service(name: str, host: str, port: int) -> None:
    """Skip with a reason when a service is absent; fail instead under NEWSMON_REQUIRE_SERVICES=1."""
    if _reachable(host, port):
        return
    message = f"{name} is not reachable at {host}:{port}"
    if services_required():
        pytest.fail(f"{message} (NEWSMON_REQUIRE_SERVICES=1)")
    pytest.skip(message)


@contextmanager
def fresh_postgres_database() -> Iterator[str]:
    """A new, empty PostgreSQL database for one test; dropped afterwards."""
    need_service("PostgreSQL", "127.0.0.1", 5432)
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"newsmon_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def redis_url() -> str:
    need_service("Redis", "127.0.0.1", 6379)
    return REDIS_URL
