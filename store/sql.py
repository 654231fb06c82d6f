"""SQL the store modules share: ON CONFLICT inserts for either backend, the lease test."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, or_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute


def insert(session: AsyncSession, table: Any) -> postgresql.Insert | sqlite.Insert:
    """The dialect's INSERT, whose `on_conflict_do_nothing` makes concurrent inserts safe."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def unclaimed(
    claimed_until: InstrumentedAttribute[datetime | None], now: datetime
) -> ColumnElement[bool]:
    """No live lease: never claimed, or the lease ran out before `now`."""
    return or_(claimed_until.is_(None), claimed_until < now)
