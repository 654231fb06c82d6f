"""Fixtures shared by every test: a clean environment, a fixed clock, databases."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

POSTGRES_SERVER_URL = os.environ.get(
    "ROLECALL_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@pytest.fixture(autouse=True)
def clean_environ(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Tests never depend on the developer's shell, nor leave parsed configs in their cache."""
    for name in list(os.environ):
        if name.startswith(("ROLECALL_", "TELEGRAM_")) and name != "ROLECALL_TEST_POSTGRES":
            monkeypatch.delenv(name)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture
def now() -> datetime:
    return datetime(2025, 1, 6, 9, 0, tzinfo=UTC)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'rolecall.db'}"


def _postgres_reachable() -> bool:
    import psycopg

    try:
        with psycopg.connect(_libpq_dsn(POSTGRES_SERVER_URL), connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


def _libpq_dsn(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh schema on the local PostgreSQL server, dropped afterwards.

    In CI the server must be there; elsewhere the PostgreSQL lane is skipped without it.
    """
    import psycopg

    if not _postgres_reachable():
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is not reachable at {POSTGRES_SERVER_URL}")
        pytest.skip("PostgreSQL is not reachable")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_libpq_dsn(POSTGRES_SERVER_URL), autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{POSTGRES_SERVER_URL}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(_libpq_dsn(POSTGRES_SERVER_URL), autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    """Every store contract test runs once on SQLite and once on PostgreSQL."""
    name = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return str(request.getfixturevalue(name))


@contextlib.asynccontextmanager
async def _migrated(url: str) -> AsyncIterator[object]:
    from store.db import create_engine, create_sessionmaker, upgrade

    engine = create_engine(url)
    await upgrade(engine)
    try:
        yield create_sessionmaker(engine)
    finally:
        await engine.dispose()


@pytest.fixture
async def sessions(database_url: str) -> AsyncIterator[object]:
    """A migrated database and its async_sessionmaker."""
    async with _migrated(database_url) as made:
        yield made


@pytest.fixture
async def sqlite_sessions(sqlite_url: str) -> AsyncIterator[object]:
    """A migrated SQLite database, for tests that are not about the backend."""
    async with _migrated(sqlite_url) as made:
        yield made


@pytest.fixture
async def postgres_sessions(postgres_url: str) -> AsyncIterator[object]:
    """A migrated PostgreSQL schema, for tests of what only PostgreSQL does: row locks."""
    async with _migrated(postgres_url) as made:
        yield made
