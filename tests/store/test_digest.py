"""The weekly digest: the week's changes, the most-mentioned people, failing sources."""

from __future__ import annotations

from datetime import datetime, timedelta

from store import digest, items, roles, sources
from tests.store.factories import (
    Sessions,
    add_sources,
    change,
    item,
    mention,
    person,
    store_change,
    watch,
)
from watchers.models import ChangeStatus, PersonCount, WeekDigest

WEEK = timedelta(days=7)


async def test_week_digest_lists_the_weeks_changes_with_their_status(
    sessions: Sessions, now: datetime
) -> None:
    (ada,) = await watch(sessions, person("Ada Lovelace"), now=now)
    stored = [
        await store_change(sessions, change(ada, org=org), now=now + timedelta(days=day))
        for org, day in (("Before", -1), ("One", 0), ("Two", 2), ("Three", 6.9), ("After", 7))
    ]
    first, second = stored[1], stored[2]
    async with sessions.begin() as session:
        await roles.set_change_status(session, first.change_id, ChangeStatus.confirmed, now=now)
        await roles.set_change_status(session, second.change_id, ChangeStatus.dismissed, now=now)

    week = await _digest(sessions, start=now)

    assert [(s.change.org, s.status) for s in week.changes] == [
        ("One", ChangeStatus.confirmed),
        ("Two", ChangeStatus.dismissed),
        ("Three", ChangeStatus.pending),
    ]
    assert (week.week, week.start, week.end) == ("2025-W02", now, now + WEEK)


async def test_week_digest_ranks_the_most_mentioned_people_in_the_window(
    sessions: Sessions, now: datetime
) -> None:
    (source_id,) = await add_sources(sessions, "https://feeds.example/a", now=now)
    ada, bob, cy, dee = await watch(
        sessions, person("Ada"), person("Bob"), person("Cy"), person("Dee"), now=now
    )
    mentions = [(ada, 2), (bob, 3), (cy, 2), (dee, 1)]
    async with sessions.begin() as session:
        for who, times in mentions:
            batch = [
                mention(item(f"{who.name}{n}", source_id=source_id), who) for n in range(times)
            ]
            await items.record_mentions(session, batch, now=now)
        old = mention(item("old", source_id=source_id), dee)
        await items.record_mentions(session, [old, old], now=now - timedelta(seconds=1))

    week = await _digest(sessions, start=now, top=3)

    assert week.top_mentioned == (
        PersonCount(person_name="Bob", count=3),
        PersonCount(person_name="Ada", count=2),
        PersonCount(person_name="Cy", count=2),
    )


async def test_week_digest_names_active_sources_that_are_failing(
    sessions: Sessions, now: datetime
) -> None:
    urls = [f"https://feeds.example/{name}" for name in ("ok", "flaky", "down", "gone")]
    _, flaky, down, gone = await add_sources(sessions, *urls, now=now)
    async with sessions.begin() as session:
        for source_id, failures in ((flaky, 1), (down, 3), (gone, 5)):
            for _ in range(failures):
                await sources.record_failure(
                    session, source_id, error="503", now=now, next_check_at=now
                )
        await sources.sync_sources(session, [(url, WEEK) for url in urls[:3]], now=now)

    week = await _digest(sessions, start=now)

    assert [(s.id, s.error_count) for s in week.failing_sources] == [(down, 3), (flaky, 1)]


async def _digest(sessions: Sessions, *, start: datetime, top: int = 5) -> WeekDigest:
    async with sessions() as session:
        return await digest.week_digest(
            session, week="2025-W02", start=start, end=start + WEEK, top=top
        )
