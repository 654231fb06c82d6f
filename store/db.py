"""Engines, sessions and migrations: the async database, built from one URL, no globals."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Connection, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

MIGRATIONS = Path(__file__).parent / "migrations"
# The newest migration's revision (a test checks it against the migrations).
HEAD_REVISION = "0002"
SQLITE_BUSY_TIMEOUT_MS = 10_000
# Any constant will do, as long as every process takes the same one.
MIGRATION_LOCK_KEY = 0x726F6C65

_ASYNC_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "sqlite+pysqlite": "sqlite+aiosqlite",
    "postgres": "postgresql+psycopg",
    "postgresql": "postgresql+psycopg",
    "postgresql+psycopg2": "postgresql+psycopg",
}


def create_engine(url: str) -> AsyncEngine:
    """An async engine for a SQLite or PostgreSQL URL, with or without an async driver."""
    parsed = _async_url(make_url(url))
    engine = create_async_engine(parsed, pool_pre_ping=True)
    if is_sqlite(engine):
        event.listen(engine.sync_engine, "connect", _on_sqlite_connect)
        event.listen(engine.sync_engine, "begin", _on_sqlite_begin)
    return engine


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


async def upgrade(engine: AsyncEngine) -> None:
    """Runs the migrations up to head, in one transaction; one query when already there."""
    async with engine.begin() as connection:
        if not await connection.run_sync(_is_at_head):
            await connection.run_sync(_upgrade_head)


def is_sqlite(engine: AsyncEngine) -> bool:
    return engine.dialect.name == "sqlite"


def _async_url(url: URL) -> URL:
    driver = _ASYNC_DRIVERS.get(url.drivername, url.drivername)
    return url.set(drivername=driver)


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # The driver's own BEGIN is turned off: `_on_sqlite_begin` takes the write lock up
    # front, so two transactions never deadlock upgrading a read lock.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # In WAL mode, NORMAL syncs the log at checkpoints instead of at every commit: a power
    # loss may forget the last transactions, but cannot corrupt the database (a process
    # crash loses nothing). Those are polls and queued messages, redone on the next cycle;
    # an fsync per feed's transaction was a large part of a cycle.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _on_sqlite_begin(connection: Connection) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def _is_at_head(connection: Connection) -> bool:
    if not inspect(connection).has_table("alembic_version"):
        return False
    versions = connection.execute(text("SELECT version_num FROM alembic_version")).scalars()
    return list(versions) == [HEAD_REVISION]


def _upgrade_head(connection: Connection) -> None:
    # Imported here: Alembic is a tenth of a second of every start, and only needed when
    # the database is behind.
    from alembic import command
    from alembic.config import Config

    if connection.dialect.name == "postgresql":
        # Several processes may start at once; one migrates, the others wait and find it done.
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    command.upgrade(config, "head")
