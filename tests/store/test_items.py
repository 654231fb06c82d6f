"""Items: what is new across every source, mentions kept for the digest, pruning."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest

from store import digest, items
from tests.store.factories import Sessions, add_sources, item, mention, person, watch
from watchers.models import FeedItem, PersonCount

A, B = "https://feeds.example/a", "https://feeds.example/b"


async def test_unseen_items_returns_each_key_once_across_sources(
    sessions: Sessions, now: datetime
) -> None:
    a, b = await add_sources(sessions, A, B, now=now)

    first = await _unseen(sessions, [item("k1", source_id=a), item("k2", source_id=a)], now=now)
    second = await _unseen(
        sessions, [item("k3", source_id=b), item("k2", source_id=b), item("k1", source_id=b)],
        now=now,
    )  # fmt: skip
    third = await _unseen(sessions, [item("k3", source_id=a)], now=now)

    assert [i.key for i in first] == ["k1", "k2"]
    assert second == [item("k3", source_id=b)]
    assert third == []


async def test_unseen_items_collapses_duplicates_in_a_batch_keeping_order(
    sessions: Sessions, now: datetime
) -> None:
    (a,) = await add_sources(sessions, A, now=now)
    batch = [
        item("k2", source_id=a, title="first k2"),
        item("k1", source_id=a),
        item("k2", source_id=a, title="second k2"),
        item("k3", source_id=a),
    ]

    got = await _unseen(sessions, batch, now=now)

    assert [(i.key, i.title) for i in got] == [
        ("k2", "first k2"),
        ("k1", "A headline"),
        ("k3", "A headline"),
    ]


async def test_unseen_items_takes_keys_longer_than_an_index_entry(
    sessions: Sessions, now: datetime
) -> None:
    (a,) = await add_sources(sessions, A, now=now)
    long_key, other_long_key = "新" * 3000, "新" * 2999 + "旧"

    first = await _unseen(sessions, [item(long_key, source_id=a)], now=now)
    second = await _unseen(
        sessions, [item(long_key, source_id=a), item(other_long_key, source_id=a)], now=now
    )

    assert [i.key for i in first] == [long_key]
    assert [i.key for i in second] == [other_long_key]


async def test_unseen_items_of_an_empty_batch_is_empty(sessions: Sessions, now: datetime) -> None:
    assert await _unseen(sessions, [], now=now) == []


async def test_record_mentions_counts_each_person_and_item_once(
    sessions: Sessions, now: datetime
) -> None:
    (a,) = await add_sources(sessions, A, now=now)
    ada, grace = await watch(sessions, person("Ada Lovelace"), person("Grace Hopper"), now=now)
    one, two = item("k1", source_id=a), item("k2", source_id=a)
    async with sessions.begin() as session:
        await items.record_mentions(
            session, [mention(one, ada, grace), mention(two, grace)], now=now
        )
        await items.record_mentions(session, [mention(one, ada)], now=now)

    assert await _top(sessions, now) == (
        PersonCount(person_name="Grace Hopper", count=2),
        PersonCount(person_name="Ada Lovelace", count=1),
    )


async def test_prune_items_forgets_old_items_and_mentions(
    sessions: Sessions, now: datetime
) -> None:
    (a,) = await add_sources(sessions, A, now=now)
    (ada,) = await watch(sessions, person("Ada Lovelace"), now=now)
    old, recent = item("old", source_id=a), item("recent", source_id=a)
    week_ago = now - timedelta(days=7)
    for when, value in ((week_ago, old), (now, recent)):
        await _unseen(sessions, [value], now=when)
        async with sessions.begin() as session:
            await items.record_mentions(session, [mention(value, ada)], now=when)

    async with sessions.begin() as session:
        deleted = await items.prune_items(session, before=now - timedelta(days=1))

    assert deleted == 2
    assert await _unseen(sessions, [old, recent], now=now) == [old]
    assert await _top(sessions, week_ago) == ()


@pytest.mark.postgres
async def test_concurrent_workers_on_postgres_see_an_item_as_new_once(
    postgres_sessions: Sessions, now: datetime
) -> None:
    (a,) = await add_sources(postgres_sessions, A, now=now)
    batch = [item("k1", source_id=a)]
    first_has_inserted = asyncio.Event()

    async def first() -> list[FeedItem]:
        async with postgres_sessions.begin() as session:
            got = await items.unseen_items(session, batch, now=now)
            first_has_inserted.set()
            await asyncio.sleep(0.3)  # still uncommitted while the second worker looks
        return got

    async def second() -> list[FeedItem]:
        await first_has_inserted.wait()
        async with postgres_sessions.begin() as session:
            return await items.unseen_items(session, batch, now=now)

    got = await asyncio.wait_for(asyncio.gather(first(), second()), timeout=10)

    assert got == [batch, []]


async def _unseen(sessions: Sessions, batch: list[FeedItem], *, now: datetime) -> list[FeedItem]:
    async with sessions.begin() as session:
        return await items.unseen_items(session, batch, now=now)


async def _top(sessions: Sessions, start: datetime) -> tuple[PersonCount, ...]:
    async with sessions() as session:
        week = await digest.week_digest(
            session, week="2025-W02", start=start, end=start + timedelta(hours=1)
        )
    return week.top_mentioned
