"""Fixtures of the store's contract tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from store.db import create_engine, create_sessionmaker, upgrade
from tests.store.factories import Sessions


@pytest.fixture
async def postgres_sessions(postgres_url: str) -> AsyncIterator[Sessions]:
    """A migrated PostgreSQL schema, for tests of what only PostgreSQL does: row locks."""
    engine = create_engine(postgres_url)
    await upgrade(engine)
    try:
        yield create_sessionmaker(engine)
    finally:
        await engine.dispose()
