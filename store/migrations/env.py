"""Alembic's entry point: migrates the connection `store.db.upgrade` hands over.

Without one (``alembic revision --autogenerate`` from a developer's shell, with
``sqlalchemy.url`` set) it builds the async engine itself and runs on it via
``run_sync``.
"""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy import Connection

from store.tables import Base


def run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_migrations_at(url: str) -> None:
    from store.db import create_engine

    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(run_migrations)
    finally:
        await engine.dispose()


def main() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        run_migrations(connection)
        return
    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("Set sqlalchemy.url, or run the migrations with store.db.upgrade")
    asyncio.run(run_migrations_at(url))


main()
