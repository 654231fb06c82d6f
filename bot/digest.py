"""The weekly digest: which week, what it holds, and one outbox row per chat."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta, tzinfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.render import render_digest
from store import digest, outbox
from watchers.models import WeekDigest

_ISO_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


class WeekFormatError(ValueError):
    def __init__(self, week: str) -> None:
        super().__init__(f"{week!r} is not an ISO week such as 2025-W33")


def iso_week(moment: datetime, tz: tzinfo) -> str:
    year, week, _ = moment.astimezone(tz).isocalendar()
    return f"{year}-W{week:02d}"


def previous_week(moment: datetime, tz: tzinfo) -> str:
    return iso_week(moment - timedelta(days=7), tz)


def week_bounds(week: str, tz: tzinfo) -> tuple[datetime, datetime]:
    """Monday 00:00 to the next Monday 00:00 in ``tz``, for an ISO week like ``2025-W33``."""
    found = _ISO_WEEK.match(week)
    if found is None:
        raise WeekFormatError(week)
    try:
        monday = date.fromisocalendar(int(found[1]), int(found[2]), 1)
    except ValueError:
        raise WeekFormatError(week) from None
    start = datetime.combine(monday, time(0), tzinfo=tz)
    return start, start + timedelta(days=7)


async def build_digest(
    sessions: async_sessionmaker[AsyncSession], *, week: str, tz: tzinfo
) -> WeekDigest:
    start, end = week_bounds(week, tz)
    async with sessions.begin() as session:
        return await digest.week_digest(session, week=week, start=start, end=end)


async def enqueue_weekly_digest(
    sessions: async_sessionmaker[AsyncSession],
    *,
    chats: Sequence[int],
    week: str,
    tz: tzinfo,
    now: datetime,
) -> int:
    """Queues the digest of ``week`` once per chat; a week already queued is not queued again."""
    html = render_digest(await build_digest(sessions, week=week, tz=tz))
    async with sessions.begin() as session:
        queued = [
            await outbox.enqueue_text(
                session, chat_id=chat, html=html, dedupe_key=f"digest:{week}", now=now
            )
            for chat in chats
        ]
    return sum(queued)
