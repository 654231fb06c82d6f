"""What the config held when it was last synced: one fingerprint per part (people, sources).

A config that did not change since costs one read instead of a comparison row by row;
with 10,000 people that comparison was most of a quiet cycle's start-up.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from store.sql import insert
from store.tables import SyncedConfigRow


def fingerprint_of(value: object) -> str:
    """A stable digest of JSON-like data: lists, strings, numbers, booleans, None."""
    canonical = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()


async def is_synced(session: AsyncSession, part: str, fingerprint: str) -> bool:
    """Whether ``part`` was last synced from a config with this fingerprint."""
    stmt = select(SyncedConfigRow.fingerprint).where(SyncedConfigRow.part == part)
    return (await session.scalar(stmt)) == fingerprint


async def mark_synced(session: AsyncSession, part: str, fingerprint: str, *, now: datetime) -> None:
    stmt = insert(session, SyncedConfigRow).values(
        part=part, fingerprint=fingerprint, synced_at=now
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=["part"],
        set_={"fingerprint": stmt.excluded.fingerprint, "synced_at": stmt.excluded.synced_at},
    )
    await session.execute(stmt)
