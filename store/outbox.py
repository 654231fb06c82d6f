"""The outbox: one message per chat, claimed with a lease and released with an outcome."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from store.roles import load_changes
from store.sql import insert, insert_new, unclaimed
from store.tables import MuteRow, OutboxRow
from watchers.models import DeliveryOutcome, OutboxMessage, StoredChange

PENDING, SENT, DEAD = "pending", "sent", "dead"


async def enqueue_for_subscribers(
    session: AsyncSession, stored: Sequence[StoredChange], *, chats: Sequence[int], now: datetime
) -> int:
    """Queues each new change for each chat that has not muted its person; returns rows added.

    A (change, chat) pair is queued at most once, however often this runs.
    """
    return (await enqueue_per_change(session, stored, chats=chats, now=now)).total()


async def enqueue_per_change(
    session: AsyncSession, stored: Sequence[StoredChange], *, chats: Sequence[int], now: datetime
) -> Counter[int]:
    """``enqueue_for_subscribers``, counting the rows added per change id."""
    fresh = {s.change_id: s.change.person_id for s in stored if s.is_new}
    muted = await _muted(session, chats, fresh.values(), now=now)
    rows = [
        _row_values(chat_id=chat_id, now=now, change_id=change_id)
        for change_id, person_id in fresh.items()
        for chat_id in dict.fromkeys(chats)
        if (chat_id, person_id) not in muted
    ]
    if not rows:
        return Counter()
    stmt = insert_new(session, OutboxRow, unique=("change_id", "chat_id"), returning="change_id")
    return Counter((await session.execute(stmt, rows)).scalars())


async def enqueue_text(
    session: AsyncSession, *, chat_id: int, html: str, dedupe_key: str, now: datetime
) -> bool:
    """Queues a pre-rendered text once per (dedupe_key, chat); false if it already was."""
    values = _row_values(chat_id=chat_id, now=now, html=html, dedupe_key=dedupe_key)
    stmt = insert(session, OutboxRow).values(values)
    stmt = stmt.on_conflict_do_nothing(index_elements=["dedupe_key", "chat_id"])
    return (await session.execute(stmt.returning(OutboxRow.id))).scalar_one_or_none() is not None


async def claim_due(
    session: AsyncSession, *, now: datetime, lease: timedelta, limit: int
) -> list[OutboxMessage]:
    """Leases up to `limit` pending messages that are due, the longest waiting first.

    Messages under a live lease, or locked by another worker right now, are skipped.
    """
    stmt = (
        select(OutboxRow)
        .where(
            OutboxRow.status == PENDING,
            OutboxRow.available_at <= now,
            unclaimed(OutboxRow.claimed_until, now),
        )
        .order_by(OutboxRow.available_at, OutboxRow.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
        .execution_options(populate_existing=True)
    )
    rows = (await session.scalars(stmt)).all()
    for row in rows:
        row.claimed_until = now + lease
    await session.flush()
    changes = await load_changes(session, [r.change_id for r in rows if r.change_id is not None])
    return [_to_message(row, changes) for row in rows]


async def release(
    session: AsyncSession,
    message_id: int,
    outcome: DeliveryOutcome,
    *,
    now: datetime,
    retry_at: datetime | None = None,
    error: str | None = None,
) -> None:
    """Ends the lease: sent for good, back in the queue at `retry_at`, or dead."""
    values: dict[str, Any] = {"claimed_until": None}
    if outcome is DeliveryOutcome.sent:
        values |= {"status": SENT, "sent_at": now}
    elif outcome is DeliveryOutcome.retry:
        values |= {"available_at": retry_at or now, "last_error": error}
        values |= {"attempts": OutboxRow.attempts + 1}
    else:
        values |= {"status": DEAD, "last_error": error, "attempts": OutboxRow.attempts + 1}
    stmt = update(OutboxRow).where(OutboxRow.id == message_id).values(values)
    await session.execute(stmt.execution_options(synchronize_session=False))


async def move_chat(session: AsyncSession, *, old_chat_id: int, new_chat_id: int) -> None:
    """A group became a supergroup: its pending messages and its mutes follow it.

    A pending message the new chat already has is dropped instead of queued twice.
    """
    for stmt in (*_move_outbox(old_chat_id, new_chat_id), *_move_mutes(old_chat_id, new_chat_id)):
        await session.execute(stmt.execution_options(synchronize_session=False))


async def mute(session: AsyncSession, *, chat_id: int, person_id: int, until: datetime) -> None:
    """Silences a person's alerts in a chat until `until`; muting again moves the end."""
    stmt = insert(session, MuteRow).values(chat_id=chat_id, person_id=person_id, until=until)
    stmt = stmt.on_conflict_do_update(
        index_elements=["chat_id", "person_id"], set_={"until": stmt.excluded.until}
    )
    await session.execute(stmt)


async def outbox_counts(session: AsyncSession) -> dict[str, int]:
    """How many messages are pending, sent and dead."""
    stmt = select(OutboxRow.status, func.count()).group_by(OutboxRow.status)
    counts = {PENDING: 0, SENT: 0, DEAD: 0}
    counts.update(dict((await session.execute(stmt)).all()))
    return counts


async def oldest_pending_age(session: AsyncSession, *, now: datetime) -> timedelta | None:
    """How long the oldest pending message has waited, or None when none waits."""
    stmt = select(func.min(OutboxRow.created_at)).where(OutboxRow.status == PENDING)
    oldest = (await session.execute(stmt)).scalar_one_or_none()
    return None if oldest is None else now - oldest


def _row_values(*, chat_id: int, now: datetime, **message: Any) -> dict[str, Any]:
    return {
        "chat_id": chat_id,
        "status": PENDING,
        "attempts": 0,
        "available_at": now,
        "created_at": now,
        **message,
    }


async def _muted(
    session: AsyncSession, chats: Sequence[int], person_ids: Iterable[int], *, now: datetime
) -> set[tuple[int, int]]:
    people = set(person_ids)
    if not chats or not people:
        return set()
    stmt = select(MuteRow.chat_id, MuteRow.person_id).where(
        MuteRow.chat_id.in_(set(chats)), MuteRow.person_id.in_(people), MuteRow.until > now
    )
    return {(chat_id, person_id) for chat_id, person_id in (await session.execute(stmt)).all()}


def _move_outbox(old: int, new: int) -> tuple[Any, ...]:
    at_new = select(OutboxRow.change_id).where(OutboxRow.chat_id == new)
    texts_at_new = select(OutboxRow.dedupe_key).where(OutboxRow.chat_id == new)
    pending_at_old = (OutboxRow.chat_id == old, OutboxRow.status == PENDING)
    duplicate = or_(OutboxRow.change_id.in_(at_new), OutboxRow.dedupe_key.in_(texts_at_new))
    return (
        delete(OutboxRow).where(*pending_at_old, duplicate),
        update(OutboxRow).where(*pending_at_old).values(chat_id=new),
    )


def _move_mutes(old: int, new: int) -> tuple[Any, ...]:
    at_new = select(MuteRow.person_id).where(MuteRow.chat_id == new)
    return (
        delete(MuteRow).where(MuteRow.chat_id == old, MuteRow.person_id.in_(at_new)),
        update(MuteRow).where(MuteRow.chat_id == old).values(chat_id=new),
    )


def _to_message(row: OutboxRow, changes: dict[int, StoredChange]) -> OutboxMessage:
    change = changes.get(row.change_id) if row.change_id is not None else None
    return OutboxMessage(
        id=row.id, chat_id=row.chat_id, attempts=row.attempts, change=change, html=row.html
    )
