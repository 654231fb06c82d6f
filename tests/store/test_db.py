"""The engine factory, the migrations and the timestamp type, on both backends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, select, text
from sqlalchemy.exc import StatementError

from store.db import HEAD_REVISION, MIGRATIONS, create_engine, is_sqlite, upgrade
from store.tables import Base, SourceRow
from tests.store.factories import Sessions, add_sources


@pytest.mark.parametrize(
    ("url", "driver"),
    [
        pytest.param("sqlite:///rolecall.db", "sqlite+aiosqlite", id="sqlite"),
        pytest.param("sqlite+aiosqlite:///rolecall.db", "sqlite+aiosqlite", id="aiosqlite"),
        pytest.param("postgresql://u@db/rc", "postgresql+psycopg", id="postgresql"),
        pytest.param("postgres://u@db/rc", "postgresql+psycopg", id="postgres-scheme"),
        pytest.param("postgresql+psycopg://u@db/rc", "postgresql+psycopg", id="psycopg"),
    ],
)
async def test_create_engine_picks_the_async_driver(url: str, driver: str) -> None:
    engine = create_engine(url)

    assert engine.url.drivername == driver
    assert is_sqlite(engine) == driver.startswith("sqlite")
    await engine.dispose()


async def test_create_engine_keeps_the_query_string() -> None:
    engine = create_engine("postgresql://u@db/rc?options=-csearch_path%3Dt_1")

    assert engine.url.query == {"options": "-csearch_path=t_1"}
    await engine.dispose()


async def test_sqlite_connections_use_wal_foreign_keys_and_a_busy_timeout(sqlite_url: str) -> None:
    engine = create_engine(sqlite_url)
    async with engine.connect() as connection:
        pragmas = [
            (await connection.execute(text(f"PRAGMA {name}"))).scalar_one()
            for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
        ]
    await engine.dispose()

    assert pragmas == ["wal", 1, 1, 10_000]  # synchronous 1 is NORMAL


async def test_migrations_build_exactly_the_declared_tables(database_url: str) -> None:
    engine = create_engine(database_url)
    await upgrade(engine)
    await upgrade(engine)
    async with engine.connect() as connection:
        differences = await connection.run_sync(_differences)
        version = (await connection.execute(text("SELECT version_num FROM alembic_version"))).all()
    await engine.dispose()

    assert differences == []
    assert version == [("0002",)]


def test_head_revision_is_the_newest_migration() -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))

    assert ScriptDirectory.from_config(config).get_current_head() == HEAD_REVISION


async def test_upgrade_brings_an_older_database_to_head(database_url: str) -> None:
    engine = create_engine(database_url)
    async with engine.begin() as connection:
        await connection.run_sync(_upgrade_to, "0001")

    await upgrade(engine)
    async with engine.connect() as connection:
        version = (await connection.execute(text("SELECT version_num FROM alembic_version"))).all()
        differences = await connection.run_sync(_differences)
    await engine.dispose()

    assert version == [(HEAD_REVISION,)]
    assert differences == []


async def test_timestamps_come_back_as_aware_utc(sessions: Sessions) -> None:
    tokyo_morning = datetime(2025, 1, 6, 18, 0, tzinfo=timezone(timedelta(hours=9)))
    await add_sources(sessions, "https://feeds.example/a", now=tokyo_morning)

    async with sessions() as session:
        stored = (await session.scalars(select(SourceRow.next_check_at))).one()

    assert stored == tokyo_morning
    assert stored.tzinfo is UTC
    assert stored.hour == 9


async def test_naive_timestamps_are_refused(sessions: Sessions) -> None:
    with pytest.raises(StatementError, match="Naive datetime"):
        await add_sources(sessions, "https://feeds.example/a", now=datetime(2025, 1, 6))


def _differences(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


def _upgrade_to(connection: Connection, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    command.upgrade(config, revision)
