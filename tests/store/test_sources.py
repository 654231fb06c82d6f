"""Sources: config sync, leases on due sources, and what a poll leaves behind."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest

from store import outbox, sources
from tests.store.factories import HOUR, Sessions, add_sources, fetched
from watchers.models import FetchResult, Source

LEASE = timedelta(minutes=5)
A, B, C = "https://feeds.example/a", "https://feeds.example/b", "https://feeds.example/c"


async def test_sync_sources_adds_updates_and_deactivates(sessions: Sessions, now: datetime) -> None:
    await add_sources(sessions, A, B, now=now)
    later = now + HOUR

    async with sessions.begin() as session:
        synced = await sources.sync_sources(
            session, [(B, timedelta(minutes=10)), (C, HOUR)], now=later
        )

    assert [(s.url, s.interval, s.next_check_at) for s in synced] == [
        (B, timedelta(minutes=10), now),
        (C, HOUR, later),
    ]
    async with sessions() as session:
        assert [s.url for s in await sources.list_sources(session)] == [B, C]


async def test_sync_sources_reactivates_a_returning_url_with_its_state(
    sessions: Sessions, now: datetime
) -> None:
    (a_id,) = await add_sources(sessions, A, now=now)
    async with sessions.begin() as session:
        await sources.record_success(
            session, a_id, fetched(etag='"v1"'), now=now, next_check_at=now + HOUR, item_count=3
        )
    await add_sources(sessions, B, now=now)

    (a, _) = await _sync(sessions, [A, B], now=now)

    assert (a.id, a.etag, a.next_check_at) == (a_id, '"v1"', now + HOUR)


@pytest.mark.parametrize(
    ("next_check_in", "claimed_until_in", "claimed"),
    [
        pytest.param(timedelta(0), None, True, id="due-now"),
        pytest.param(-HOUR, None, True, id="overdue"),
        pytest.param(timedelta(minutes=1), None, False, id="not-due"),
        pytest.param(-HOUR, timedelta(minutes=1), False, id="live-lease"),
        pytest.param(-HOUR, -timedelta(minutes=1), True, id="expired-lease"),
    ],
)
async def test_claim_due_sources(
    sessions: Sessions,
    now: datetime,
    next_check_in: timedelta,
    claimed_until_in: timedelta | None,
    claimed: bool,
) -> None:
    (source_id,) = await add_sources(sessions, A, now=now - 2 * HOUR)
    async with sessions.begin() as session:
        await sources.record_success(
            session, source_id, fetched(), now=now, next_check_at=now + next_check_in, item_count=0
        )
    if claimed_until_in is not None:
        lease_start = now + claimed_until_in - LEASE
        async with sessions.begin() as session:
            await sources.claim_due_sources(session, now=lease_start, lease=LEASE, due_only=False)

    async with sessions.begin() as session:
        got = await sources.claim_due_sources(session, now=now, lease=LEASE)

    assert [s.id for s in got] == ([source_id] if claimed else [])


async def test_claim_due_sources_orders_by_next_check_and_honours_limit(
    sessions: Sessions, now: datetime
) -> None:
    ids = await add_sources(sessions, A, B, C, now=now)
    async with sessions.begin() as session:
        for source_id, due in zip(ids, (now - HOUR, now - 3 * HOUR, now - 2 * HOUR), strict=True):
            await sources.record_failure(
                session, source_id, error="boom", now=now, next_check_at=due
            )

    async with sessions.begin() as session:
        first = await sources.claim_due_sources(session, now=now, lease=LEASE, limit=2)
    async with sessions.begin() as session:
        rest = await sources.claim_due_sources(session, now=now, lease=LEASE)

    assert [s.url for s in first] == [B, C]
    assert [s.url for s in rest] == [A]


async def test_claim_due_sources_takes_sources_not_due_when_asked(
    sessions: Sessions, now: datetime
) -> None:
    await add_sources(sessions, A, now=now + HOUR)

    async with sessions.begin() as session:
        due = await sources.claim_due_sources(session, now=now, lease=LEASE)
        every = await sources.claim_due_sources(session, now=now, lease=LEASE, due_only=False)

    assert (due, [s.url for s in every]) == ([], [A])


async def test_claim_due_sources_skips_inactive_sources(sessions: Sessions, now: datetime) -> None:
    await add_sources(sessions, A, now=now)
    await add_sources(sessions, B, now=now)

    async with sessions.begin() as session:
        got = await sources.claim_due_sources(session, now=now, lease=LEASE, due_only=False)

    assert [s.url for s in got] == [B]


async def test_record_success_stores_validators_resets_errors_and_ends_the_lease(
    sessions: Sessions, now: datetime
) -> None:
    (source_id,) = await add_sources(sessions, A, now=now)
    async with sessions.begin() as session:
        await sources.claim_due_sources(session, now=now, lease=LEASE)
        await sources.record_failure(session, source_id, error="boom", now=now, next_check_at=now)
        await sources.claim_due_sources(session, now=now, lease=LEASE)
        await sources.record_success(
            session,
            source_id,
            fetched(etag='"v2"', modified="Mon, 06 Jan 2025 08:00:00 GMT"),
            now=now,
            next_check_at=now,
            item_count=7,
        )

    (source,) = await _claim(sessions, now=now)

    assert (source.etag, source.last_modified) == ('"v2"', "Mon, 06 Jan 2025 08:00:00 GMT")
    assert (source.error_count, source.last_error, source.checked_at) == (0, None, now)


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        pytest.param(fetched(304), ('"v1"', "Sun"), id="304-keeps-both"),
        pytest.param(fetched(304, etag='"v2"'), ('"v2"', "Sun"), id="304-with-new-etag"),
        pytest.param(fetched(200), (None, None), id="200-without-validators"),
    ],
)
async def test_record_success_keeps_validators_a_304_omits(
    sessions: Sessions, now: datetime, reply: FetchResult, expected: tuple[str | None, str | None]
) -> None:
    (source_id,) = await add_sources(sessions, A, now=now)
    first = fetched(etag='"v1"', modified="Sun")
    async with sessions.begin() as session:
        await sources.record_success(
            session, source_id, first, now=now, next_check_at=now, item_count=1
        )
        await sources.record_success(
            session, source_id, reply, now=now, next_check_at=now, item_count=0
        )

    (source,) = await _listed(sessions)

    assert (source.etag, source.last_modified) == expected


async def test_record_failure_counts_cuts_the_error_and_ends_the_lease(
    sessions: Sessions, now: datetime
) -> None:
    (source_id,) = await add_sources(sessions, A, now=now)
    async with sessions.begin() as session:
        await sources.claim_due_sources(session, now=now, lease=LEASE)
        await sources.record_failure(
            session, source_id, error="x" * 900, now=now, next_check_at=now
        )
        await sources.record_failure(
            session, source_id, error="timeout", now=now, next_check_at=now
        )
    async with sessions.begin() as session:
        await sources.record_failure(
            session, source_id, error="y" * 900, now=now, next_check_at=now
        )

    (source,) = await _claim(sessions, now=now)

    assert source.error_count == 3
    assert source.last_error == "y" * 500
    assert source.checked_at == now


async def test_release_claims_frees_sources_and_outbox_rows(
    sessions: Sessions, now: datetime
) -> None:
    await add_sources(sessions, A, now=now)
    async with sessions.begin() as session:
        await outbox.enqueue_text(session, chat_id=1, html="<b>hi</b>", dedupe_key="k", now=now)
        await sources.claim_due_sources(session, now=now, lease=LEASE)
        await outbox.claim_due(session, now=now, lease=LEASE, limit=10)

    async with sessions.begin() as session:
        await sources.release_claims(session)
    async with sessions.begin() as session:
        got_sources = await sources.claim_due_sources(session, now=now, lease=LEASE)
        got_messages = await outbox.claim_due(session, now=now, lease=LEASE, limit=10)

    assert ([s.url for s in got_sources], [m.html for m in got_messages]) == ([A], ["<b>hi</b>"])


async def test_release_sources_frees_only_the_sources_named(
    sessions: Sessions, now: datetime
) -> None:
    await add_sources(sessions, A, B, now=now)
    async with sessions.begin() as session:
        claimed = await sources.claim_due_sources(session, now=now, lease=LEASE)
    stranded = next(s.id for s in claimed if s.url == A)

    async with sessions.begin() as session:
        await sources.release_sources(session, [stranded])
    async with sessions.begin() as session:
        again = await sources.claim_due_sources(session, now=now, lease=LEASE)

    assert [s.url for s in again] == [A]


@pytest.mark.postgres
async def test_concurrent_claims_on_postgres_get_disjoint_sources(
    postgres_sessions: Sessions, now: datetime
) -> None:
    urls = [f"https://feeds.example/{n}" for n in range(5)]
    await add_sources(postgres_sessions, *urls, now=now)

    async with postgres_sessions.begin() as first, postgres_sessions.begin() as second:
        mine = await sources.claim_due_sources(first, now=now, lease=LEASE, limit=3)
        # Without SKIP LOCKED the second claim would wait on the first transaction forever.
        async with asyncio.timeout(10):
            theirs = await sources.claim_due_sources(second, now=now, lease=LEASE)

    assert len(mine) == 3
    assert sorted(s.url for s in mine + theirs) == urls


async def _sync(sessions: Sessions, urls: list[str], *, now: datetime) -> list[Source]:
    async with sessions.begin() as session:
        return await sources.sync_sources(session, [(url, HOUR) for url in urls], now=now)


async def test_record_not_modified_ends_leases_and_resets_errors_in_one_batch(
    sessions: Sessions, now: datetime
) -> None:
    a, b, _ = await add_sources(sessions, A, B, C, now=now)
    async with sessions.begin() as session:
        await sources.record_success(
            session, a, fetched(etag='"v1"', modified="Sun"), now=now, next_check_at=now,
            item_count=7,
        )  # fmt: skip
        await sources.claim_due_sources(session, now=now, lease=LEASE)
        await sources.record_failure(session, b, error="boom", now=now, next_check_at=now)
        await sources.claim_due_sources(session, now=now, lease=LEASE)
        await sources.record_not_modified(
            session, [(a, now + HOUR), (b, now + 2 * HOUR)], now=now + LEASE
        )
        await sources.record_not_modified(session, [], now=now)

    listed = {source.id: source for source in await _listed(sessions)}
    async with sessions.begin() as session:
        unleased = await sources.claim_due_sources(
            session, now=now + LEASE, lease=LEASE, due_only=False
        )

    assert [s.id for s in unleased] == [a, b]  # C keeps the lease it was claimed with
    assert (listed[a].etag, listed[a].last_modified) == ('"v1"', "Sun")
    assert [(listed[i].next_check_at, listed[i].checked_at) for i in (a, b)] == [
        (now + HOUR, now + LEASE),
        (now + 2 * HOUR, now + LEASE),
    ]
    assert [(listed[i].error_count, listed[i].last_error) for i in (a, b)] == [(0, None)] * 2


async def _claim(sessions: Sessions, *, now: datetime) -> list[Source]:
    async with sessions.begin() as session:
        return await sources.claim_due_sources(session, now=now, lease=LEASE)


async def _listed(sessions: Sessions) -> list[Source]:
    async with sessions() as session:
        return await sources.list_sources(session)


async def test_record_successes_stores_each_poll_in_one_batch(
    sessions: Sessions, now: datetime
) -> None:
    a, b, c = await add_sources(sessions, A, B, C, now=now)
    async with sessions.begin() as session:
        await sources.record_success(
            session, c, fetched(etag='"c1"', modified="Sun"), now=now, next_check_at=now,
            item_count=4,
        )  # fmt: skip
        claimed = await sources.claim_due_sources(session, now=now, lease=LEASE)
        await sources.record_failure(session, a, error="boom", now=now, next_check_at=now)
        await sources.record_successes(
            session,
            [
                sources.Success(source_id=a, fetched=fetched(etag='"a2"'), item_count=20,
                                next_check_at=now + HOUR),
                sources.Success(source_id=b, fetched=fetched(modified="Mon"), item_count=3,
                                next_check_at=now + 2 * HOUR),
                sources.Success(source_id=c, fetched=fetched(304), item_count=0,
                                next_check_at=now + 3 * HOUR),
            ],
            now=now + LEASE,
        )  # fmt: skip

    listed = {source.id: source for source in await _listed(sessions)}

    assert len(claimed) == 3
    assert [
        (s.etag, s.last_modified, s.error_count, s.checked_at, s.next_check_at)
        for s in (listed[a], listed[b], listed[c])
    ] == [
        ('"a2"', None, 0, now + LEASE, now + HOUR),
        (None, "Mon", 0, now + LEASE, now + 2 * HOUR),
        ('"c1"', "Sun", 0, now + LEASE, now + 3 * HOUR),  # a 304 keeps what it omits
    ]
    async with sessions.begin() as session:  # every lease ended
        again = await sources.claim_due_sources(session, now=now, lease=LEASE, due_only=False)
    assert sorted(s.id for s in again) == [a, b, c]


async def test_sync_source_list_does_nothing_for_an_unchanged_list(
    sessions: Sessions, now: datetime
) -> None:
    specs = [(A, HOUR), (B, timedelta(minutes=10))]
    async with sessions.begin() as session:
        first = await sources.sync_source_list(session, specs, now=now)
    async with sessions.begin() as session:
        again = await sources.sync_source_list(session, specs, now=now + HOUR)
    async with sessions.begin() as session:
        changed = await sources.sync_source_list(session, [(B, HOUR)], now=now + HOUR)

    assert (first, again, changed) == (True, False, True)
    assert [(s.url, s.interval) for s in await _listed(sessions)] == [(B, HOUR)]
