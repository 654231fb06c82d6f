"""Items seen and people mentioned: what is new, and who was in the news."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import CursorResult, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from store.sql import insert_new
from store.tables import ItemRow, MentionRow
from watchers.models import FeedItem, Mention

MAX_KEY_CHARS = 250


async def unseen_items(
    session: AsyncSession, items: Sequence[FeedItem], *, now: datetime
) -> list[FeedItem]:
    """Records the items' keys and returns those never seen before, in their order.

    Keys are global: an item another source brought first is not new. Of several items
    with one key in the batch, the first stands for all.
    """
    batch = _first_per_key(items)
    if not batch:
        return []
    keys = [_stored_key(item.key) for item in batch]
    known = set(await session.scalars(select(ItemRow.key).where(ItemRow.key.in_(keys))))
    candidates = [item for item in batch if _stored_key(item.key) not in known]
    inserted = await _insert_items(session, candidates, now=now)
    return [item for item in candidates if _stored_key(item.key) in inserted]


async def record_mentions(
    session: AsyncSession, mentions: Sequence[Mention], *, now: datetime
) -> None:
    """One row per (person, item), kept for the digest's most-mentioned people."""
    pairs = {(person.id, _stored_key(m.item.key)) for m in mentions for person in m.people}
    if not pairs:
        return
    rows = [{"person_id": p, "item_key": key, "seen_at": now} for p, key in sorted(pairs)]
    stmt = insert_new(session, MentionRow, unique=("person_id", "item_key"))
    await session.execute(stmt, rows)


async def prune_items(session: AsyncSession, *, before: datetime) -> int:
    """Forgets items and mentions seen before `before`; returns how many rows went.

    Changes and outbox rows stay: they carry their own URLs and evidence.
    """
    deleted = 0
    for table in (MentionRow, ItemRow):
        result = await session.execute(delete(table).where(table.seen_at < before))
        assert isinstance(result, CursorResult)
        deleted += result.rowcount
    return deleted


def _first_per_key(items: Sequence[FeedItem]) -> list[FeedItem]:
    first: dict[str, FeedItem] = {}
    for item in items:
        first.setdefault(item.key, item)
    return list(first.values())


def _stored_key(key: str) -> str:
    """The key as the database keeps it: long ones hashed, so the unique index takes them."""
    if len(key) <= MAX_KEY_CHARS:
        return key
    return "sha256:" + hashlib.sha256(key.encode()).hexdigest()


async def _insert_items(
    session: AsyncSession, items: Sequence[FeedItem], *, now: datetime
) -> set[str]:
    """Inserts what no other worker inserted first; returns the keys this call inserted."""
    if not items:
        return set()
    rows = [
        {"key": _stored_key(i.key), "source_id": i.source_id, "url": i.url, "title": i.title,
         "published_at": i.published_at, "seen_at": now}
        for i in sorted(items, key=lambda i: _stored_key(i.key))  # one lock order for all workers
    ]  # fmt: skip
    stmt = insert_new(session, ItemRow, unique=("key",), returning="key")
    return set((await session.execute(stmt, rows)).scalars())
