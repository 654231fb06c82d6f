"""SQL the store modules share: ON CONFLICT inserts for either backend, the lease test."""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Insert, or_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute


def insert(session: AsyncSession, table: Any) -> postgresql.Insert | sqlite.Insert:
    """The dialect's INSERT, whose `on_conflict_do_nothing` makes concurrent inserts safe."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def insert_new(
    session: AsyncSession,
    row_class: Any,
    *,
    unique: tuple[str, ...],
    returning: str | tuple[str, ...] = (),
) -> Insert:
    """INSERT ... ON CONFLICT (unique) DO NOTHING into the class's table, RETURNING columns.

    Built once per backend, for `session.execute(stmt, rows)` with a list of rows: one
    compiled statement, which SQLAlchemy's "insertmanyvalues" sends as a few multi-row
    INSERTs (RETURNING included), instead of a new statement for every number of rows.
    The table's own INSERT skips the ORM's bulk machinery, which these rows do not need.
    """
    return _insert_new(session.get_bind().dialect.name, row_class.__table__, unique, returning)


def unclaimed(
    claimed_until: InstrumentedAttribute[datetime | None], now: datetime
) -> ColumnElement[bool]:
    """No live lease: never claimed, or the lease ran out before `now`."""
    return or_(claimed_until.is_(None), claimed_until < now)


@functools.cache
def _insert_new(
    dialect: str, table: Any, unique: tuple[str, ...], returning: str | tuple[str, ...]
) -> Insert:
    stmt = postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)
    stmt = stmt.on_conflict_do_nothing(index_elements=list(unique))
    columns = (returning,) if isinstance(returning, str) else returning
    return stmt.returning(*(table.c[name] for name in columns)) if columns else stmt
