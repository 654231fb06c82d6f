"""Feed sources: which are due, who is polling them, and how the last poll went."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from store.sql import insert, unclaimed
from store.tables import OutboxRow, SourceRow, UTCDateTime
from watchers.models import FetchResult, Source

MAX_ERROR_CHARS = 500

# One statement for every batch of 304s, run with a list of rows (executemany). The
# table's own UPDATE, not the ORM's bulk update by primary key, which these rows do not need.
_SOURCES = SourceRow.metadata.tables[SourceRow.__tablename__]
_NOT_MODIFIED = (
    update(_SOURCES)
    .where(_SOURCES.c.id == bindparam("b_source_id"))
    .values(
        checked_at=bindparam("b_now", type_=UTCDateTime()),
        next_check_at=bindparam("b_next_check_at", type_=UTCDateTime()),
        claimed_until=None,
        error_count=0,
        last_error=None,
    )
)


async def sync_sources(
    session: AsyncSession, sources: Sequence[tuple[str, timedelta]], *, now: datetime
) -> list[Source]:
    """Makes the active sources those of the config; new ones are due at once."""
    wanted = dict(sources)
    await _insert_missing(session, wanted, now=now)
    rows = (await session.scalars(select(SourceRow).with_for_update())).all()
    for row in rows:
        interval = wanted.get(row.url)
        row.active = interval is not None
        if interval is not None:
            row.interval_seconds = _seconds(interval)
    await session.flush()
    return await list_sources(session)


async def claim_due_sources(
    session: AsyncSession,
    *,
    now: datetime,
    lease: timedelta,
    limit: int | None = None,
    due_only: bool = True,
) -> list[Source]:
    """Leases the active sources that are due (all of them without `due_only`).

    Sources another worker holds a live lease on, or has locked right now, are skipped.
    """
    stmt = (
        select(SourceRow)
        .where(SourceRow.active.is_(True), unclaimed(SourceRow.claimed_until, now))
        .order_by(SourceRow.next_check_at, SourceRow.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
        .execution_options(populate_existing=True)
    )
    if due_only:
        stmt = stmt.where(SourceRow.next_check_at <= now)
    rows = (await session.scalars(stmt)).all()
    for row in rows:
        row.claimed_until = now + lease
    await session.flush()
    return [to_source(row) for row in rows]


async def record_success(
    session: AsyncSession,
    source_id: int,
    fetched: FetchResult,
    *,
    now: datetime,
    next_check_at: datetime,
    item_count: int,
) -> None:
    """Stores the new cache validators, resets the error count and ends the lease.

    A 304 that omits a validator keeps the one we sent; so does its item count.
    """
    values: dict[str, Any] = {
        "etag": _kept_on_304(fetched, fetched.etag, SourceRow.etag),
        "last_modified": _kept_on_304(fetched, fetched.last_modified, SourceRow.last_modified),
        "item_count": SourceRow.item_count if fetched.not_modified else item_count,
        "error_count": 0,
        "last_error": None,
    }
    await _record(session, source_id, now=now, next_check_at=next_check_at, **values)


async def record_not_modified(
    session: AsyncSession,
    source_ids_with_next_check: Sequence[tuple[int, datetime]],
    *,
    now: datetime,
) -> None:
    """Records many 304s at once: resets the error counts and ends the leases.

    As `record_success` does for a 304 that sent no new validator: the validators and
    the item count stay.
    """
    rows = [
        {"b_source_id": source_id, "b_now": now, "b_next_check_at": next_check_at}
        for source_id, next_check_at in source_ids_with_next_check
    ]
    if rows:
        await session.execute(_NOT_MODIFIED, rows)


async def record_failure(
    session: AsyncSession, source_id: int, *, error: str, now: datetime, next_check_at: datetime
) -> None:
    """Counts one more failure in a row and ends the lease."""
    await _record(
        session,
        source_id,
        now=now,
        next_check_at=next_check_at,
        error_count=SourceRow.error_count + 1,
        last_error=error[:MAX_ERROR_CHARS],
    )


async def list_sources(session: AsyncSession) -> list[Source]:
    """The active sources, in the order they were added."""
    stmt = (
        select(SourceRow)
        .where(SourceRow.active.is_(True))
        .order_by(SourceRow.id)
        .execution_options(populate_existing=True)
    )
    return [to_source(row) for row in (await session.scalars(stmt)).all()]


async def release_claims(session: AsyncSession) -> None:
    """Ends every lease on sources and outbox rows: those of a process that died.

    Only safe when this process is the only one using the database.
    """
    for table in (SourceRow, OutboxRow):
        stmt = update(table).where(table.claimed_until.is_not(None)).values(claimed_until=None)
        await session.execute(stmt)


def to_source(row: SourceRow) -> Source:
    return Source(
        id=row.id,
        url=row.url,
        interval=timedelta(seconds=row.interval_seconds),
        etag=row.etag,
        last_modified=row.last_modified,
        error_count=row.error_count,
        last_error=row.last_error,
        next_check_at=row.next_check_at,
        checked_at=row.checked_at,
    )


async def _insert_missing(
    session: AsyncSession, wanted: dict[str, timedelta], *, now: datetime
) -> None:
    if not wanted:
        return
    values = [
        {"url": url, "interval_seconds": _seconds(interval), "next_check_at": now,
         "active": True, "error_count": 0, "item_count": 0, "created_at": now}
        for url, interval in wanted.items()
    ]  # fmt: skip
    stmt = insert(session, SourceRow).values(values).on_conflict_do_nothing(index_elements=["url"])
    await session.execute(stmt)


async def _record(
    session: AsyncSession, source_id: int, *, now: datetime, next_check_at: datetime, **values: Any
) -> None:
    stmt = (
        update(SourceRow)
        .where(SourceRow.id == source_id)
        .values(checked_at=now, next_check_at=next_check_at, claimed_until=None, **values)
        .execution_options(synchronize_session=False)
    )
    await session.execute(stmt)


def _kept_on_304(fetched: FetchResult, value: str | None, column: Any) -> Any:
    return column if fetched.not_modified and value is None else value


def _seconds(interval: timedelta) -> int:
    return max(1, round(interval.total_seconds()))
