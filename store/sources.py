"""Feed sources: which are due, who is polling them, and how the last poll went."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from store import synced
from store.sql import insert_new, unclaimed
from store.synced import fingerprint_of
from store.tables import OutboxRow, SourceRow, UTCDateTime
from watchers.models import FetchResult, Source

MAX_ERROR_CHARS = 500
SOURCES = "sources"  # the config's part that lists the sources, for its fingerprint

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
_CLAIMED = (
    update(_SOURCES)
    .where(_SOURCES.c.id == bindparam("b_source_id"))
    .values(claimed_until=bindparam("b_until", type_=UTCDateTime()))
)
# What a claim reads of each source: what ``Source`` holds.
_SOURCE_COLUMNS = (
    SourceRow.id, SourceRow.url, SourceRow.interval_seconds, SourceRow.etag,
    SourceRow.last_modified, SourceRow.error_count, SourceRow.last_error,
    SourceRow.next_check_at, SourceRow.checked_at,
)  # fmt: skip
# The same for polls that brought content: the new validators and item count as well.
_FETCHED = _NOT_MODIFIED.values(
    etag=bindparam("b_etag"),
    last_modified=bindparam("b_last_modified"),
    item_count=bindparam("b_item_count"),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Success:
    """A poll to record: what came back, how many items it held, when to poll next."""

    source_id: int
    fetched: FetchResult
    item_count: int
    next_check_at: datetime


async def sync_sources(
    session: AsyncSession, sources: Sequence[tuple[str, timedelta]], *, now: datetime
) -> list[Source]:
    """Makes the active sources those of the config; new ones are due at once."""
    await sync_source_list(session, sources, now=now)
    return await list_sources(session)


async def sync_source_list(
    session: AsyncSession, sources: Sequence[tuple[str, timedelta]], *, now: datetime
) -> bool:
    """``sync_sources`` without reading them back; whether anything had to be done.

    A source list unchanged since the last sync costs one read: nothing is locked or written.
    """
    wanted = {url: _seconds(interval) for url, interval in sources}
    fingerprint = fingerprint_of(list(wanted.items()))
    if await synced.is_synced(session, SOURCES, fingerprint):
        return False
    await _insert_missing(session, wanted, now=now)
    rows = (await session.scalars(select(SourceRow).with_for_update())).all()
    for row in rows:
        seconds = wanted.get(row.url)
        row.active = seconds is not None
        if seconds is not None:
            row.interval_seconds = seconds
    await session.flush()
    await synced.mark_synced(session, SOURCES, fingerprint, now=now)
    return True


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
    # Plain rows and one UPDATE for all, not ORM objects flushed one by one: a cycle over
    # every source claims thousands at once.
    stmt = (
        select(*_SOURCE_COLUMNS)
        .where(SourceRow.active.is_(True), unclaimed(SourceRow.claimed_until, now))
        .order_by(SourceRow.next_check_at, SourceRow.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    if due_only:
        stmt = stmt.where(SourceRow.next_check_at <= now)
    rows = (await session.execute(stmt)).all()
    if rows:
        leases = [{"b_source_id": row.id, "b_until": now + lease} for row in rows]
        await session.execute(_CLAIMED, leases)
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


async def record_successes(
    session: AsyncSession, successes: Sequence[Success], *, now: datetime
) -> None:
    """``record_success`` for many sources: one statement for all that brought content."""
    rows = [
        {"b_source_id": s.source_id, "b_now": now, "b_next_check_at": s.next_check_at,
         "b_etag": s.fetched.etag, "b_last_modified": s.fetched.last_modified,
         "b_item_count": s.item_count}
        for s in sorted(successes, key=lambda s: s.source_id)  # one lock order for all workers
        if not s.fetched.not_modified
    ]  # fmt: skip
    if rows:
        await session.execute(_FETCHED, rows)
    for s in successes:
        if s.fetched.not_modified:  # a 304 keeps what it does not send: rare, one by one
            await record_success(
                session, s.source_id, s.fetched, now=now,
                next_check_at=s.next_check_at, item_count=s.item_count,
            )  # fmt: skip


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


async def release_sources(session: AsyncSession, source_ids: Iterable[int]) -> None:
    """Ends the leases on these sources: this process took them and no longer works on them."""
    stmt = update(SourceRow).where(SourceRow.id.in_(list(source_ids))).values(claimed_until=None)
    await session.execute(stmt)


async def release_claims(session: AsyncSession) -> None:
    """Ends every lease on sources and outbox rows: those of a process that died.

    Only safe when this process is the only one using the database.
    """
    for table in (SourceRow, OutboxRow):
        stmt = update(table).where(table.claimed_until.is_not(None)).values(claimed_until=None)
        await session.execute(stmt)


def to_source(row: Any) -> Source:  # a SourceRow, or a row of its columns by name
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


async def _insert_missing(session: AsyncSession, wanted: dict[str, int], *, now: datetime) -> None:
    if not wanted:
        return
    values = [
        {"url": url, "interval_seconds": seconds, "next_check_at": now, "active": True,
         "error_count": 0, "item_count": 0, "created_at": now}
        for url, seconds in wanted.items()
    ]  # fmt: skip
    await session.execute(insert_new(session, SourceRow, unique=("url",)), values)


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
