"""What the weekly digest sums up: the week's changes, who was mentioned most, sick sources."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from store.roles import load_ordered
from store.sources import to_source
from store.tables import ChangeRow, MentionRow, PersonRow, SourceRow
from watchers.models import PersonCount, Source, StoredChange, WeekDigest


async def week_digest(
    session: AsyncSession, *, week: str, start: datetime, end: datetime, top: int = 5
) -> WeekDigest:
    """The digest of [start, end): changes with their status, top mentions, failing sources."""
    return WeekDigest(
        week=week,
        start=start,
        end=end,
        changes=tuple(await _changes_between(session, start, end)),
        top_mentioned=tuple(await _top_mentioned(session, start, end, top)),
        failing_sources=tuple(await _failing_sources(session)),
    )


async def _changes_between(
    session: AsyncSession, start: datetime, end: datetime
) -> list[StoredChange]:
    stmt = (
        select(ChangeRow.id)
        .where(ChangeRow.created_at >= start, ChangeRow.created_at < end)
        .order_by(ChangeRow.created_at, ChangeRow.id)
    )
    return await load_ordered(session, list(await session.scalars(stmt)))


async def _top_mentioned(
    session: AsyncSession, start: datetime, end: datetime, top: int
) -> list[PersonCount]:
    count = func.count(MentionRow.id).label("count")
    stmt = (
        select(PersonRow.name, count)
        .join(MentionRow, MentionRow.person_id == PersonRow.id)
        .where(MentionRow.seen_at >= start, MentionRow.seen_at < end)
        .group_by(PersonRow.id, PersonRow.name)
        .order_by(count.desc(), PersonRow.name)
        .limit(top)
    )
    rows = (await session.execute(stmt)).all()
    return [PersonCount(person_name=name, count=n) for name, n in rows]


async def _failing_sources(session: AsyncSession) -> list[Source]:
    stmt = (
        select(SourceRow)
        .where(SourceRow.active.is_(True), SourceRow.error_count > 0)
        .order_by(SourceRow.error_count.desc(), SourceRow.url)
        .execution_options(populate_existing=True)
    )
    return [to_source(row) for row in (await session.scalars(stmt)).all()]
