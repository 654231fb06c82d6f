"""Advisory locks: which one of the workers sharing a database does a job only one may do.

Telegram answers 409 to a second process polling ``getUpdates`` for the same bot, and
the weekly digest needs one sender. The worker that holds ``LEADER_LOCK`` does both. The
lock is a PostgreSQL session-level advisory lock, held on a connection of its own: when
the worker dies, its connection closes and the server releases the lock, and another
worker takes it at its next attempt. On SQLite only one process can use the file, so it
always leads.
"""

from __future__ import annotations

import contextlib
import logging

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

logger = logging.getLogger(__name__)

# Any constant will do, as long as every worker uses the same and the migration lock differs.
LEADER_LOCK = 0x726F6C66


class AdvisoryLock:
    """One session-level advisory lock, taken with ``try_acquire`` and never waited for."""

    def __init__(self, engine: AsyncEngine, key: int = LEADER_LOCK) -> None:
        self._engine = engine
        self._key = key
        self._connection: AsyncConnection | None = None
        self.held = False

    async def try_acquire(self) -> bool:
        """Takes the lock if no other session holds it; true while this one holds it."""
        if self._engine.dialect.name != "postgresql":
            self.held = True
            return True
        if self.held:
            return await self.still_held()
        try:
            if self._connection is None:
                self._connection = await self._engine.connect()
            query = text("SELECT pg_try_advisory_lock(:key)")
            self.held = bool((await self._connection.execute(query, {"key": self._key})).scalar())
            await self._connection.commit()  # ends the transaction; the session lock stays
        except DBAPIError:
            logger.warning("the database did not answer; this worker does not lead")
            await self._drop()
        return self.held

    async def still_held(self) -> bool:
        """False once the lock's connection is gone, since the server then released it."""
        if not self.held or self._connection is None:
            return self.held
        try:
            await self._connection.execute(text("SELECT 1"))
            await self._connection.commit()
        except DBAPIError:
            logger.warning("the leader lock's connection was lost")
            await self._drop()
        return self.held

    async def release(self) -> None:
        if self._connection is not None and self.held:
            try:
                query = text("SELECT pg_advisory_unlock(:key)")
                await self._connection.execute(query, {"key": self._key})
                await self._connection.commit()
            except DBAPIError:
                logger.warning("the leader lock could not be released; closing its connection")
        await self._drop()

    async def _drop(self) -> None:
        self.held = False
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(DBAPIError):
                await connection.invalidate()  # never back to the pool: it may hold the lock
