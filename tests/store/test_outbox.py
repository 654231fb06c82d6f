"""The outbox: idempotent enqueue, mutes, leases, outcomes and migrated chats."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from store import outbox
from tests.store.factories import Sessions, change, person, store_change, watch
from watchers.models import DeliveryOutcome, OutboxMessage, StoredChange

LEASE = timedelta(minutes=2)
CHATS = (101, 102)


async def test_enqueue_for_subscribers_queues_each_change_once_per_chat(
    sessions: Sessions, now: datetime
) -> None:
    stored = await _stored(sessions, now=now)

    first = await _enqueue(sessions, [stored], now=now)
    again = await _enqueue(sessions, [stored], now=now)
    merged = await _enqueue(sessions, [replace(stored, is_new=False)], now=now)

    assert (first, again, merged) == (2, 0, 0)
    assert sorted(m.chat_id for m in await _claim(sessions, now=now)) == list(CHATS)


async def test_enqueue_for_subscribers_skips_chats_that_muted_the_person(
    sessions: Sessions, now: datetime
) -> None:
    ada, grace = await watch(sessions, person("Ada Lovelace"), person("Grace Hopper"), now=now)
    async with sessions.begin() as session:
        await outbox.mute(session, chat_id=101, person_id=ada.id, until=now + timedelta(days=1))
        await outbox.mute(session, chat_id=102, person_id=ada.id, until=now)
    of_ada = await store_change(sessions, change(ada), now=now)
    of_grace = await store_change(sessions, change(grace), now=now)

    added = await _enqueue(sessions, [of_ada, of_grace], now=now)

    claimed = {
        (m.chat_id, m.change.change.person_name)
        for m in await _claim(sessions, now=now)
        if m.change
    }
    assert added == 3
    assert claimed == {(102, "Ada Lovelace"), (101, "Grace Hopper"), (102, "Grace Hopper")}


async def test_mute_again_moves_the_end(sessions: Sessions, now: datetime) -> None:
    (ada,) = await watch(sessions, person("Ada Lovelace"), now=now)
    async with sessions.begin() as session:
        await outbox.mute(session, chat_id=101, person_id=ada.id, until=now + timedelta(days=7))
        await outbox.mute(session, chat_id=101, person_id=ada.id, until=now - timedelta(hours=1))
    stored = await store_change(sessions, change(ada), now=now)

    assert await _enqueue(sessions, [stored], chats=(101,), now=now) == 1


async def test_claim_due_carries_the_change_with_every_url(
    sessions: Sessions, now: datetime
) -> None:
    stored = await _stored(sessions, now=now, urls=("https://a.example/1", "https://b.example/2"))
    await _enqueue(sessions, [stored], chats=(101,), now=now)

    (message,) = await _claim(sessions, now=now)

    assert message.chat_id == 101
    assert (message.attempts, message.html) == (0, None)
    assert message.change == replace(stored, is_new=False)


async def test_claim_due_skips_live_leases_until_they_expire(
    sessions: Sessions, now: datetime
) -> None:
    await _enqueue(sessions, [await _stored(sessions, now=now)], chats=(101,), now=now)

    first = await _claim(sessions, now=now)
    during = await _claim(sessions, now=now + LEASE)
    after = await _claim(sessions, now=now + LEASE + timedelta(seconds=1))

    assert [m.id for m in first] == [m.id for m in after]
    assert (len(first), during) == (1, [])


async def test_claim_due_takes_the_longest_waiting_first_up_to_the_limit(
    sessions: Sessions, now: datetime
) -> None:
    async with sessions.begin() as session:
        for minutes, key in ((2, "b"), (0, "a"), (5, "later")):
            queued_at = now + timedelta(minutes=minutes) - timedelta(minutes=3)
            await outbox.enqueue_text(session, chat_id=101, html=key, dedupe_key=key, now=queued_at)

    async with sessions.begin() as session:
        got = await outbox.claim_due(session, now=now, lease=LEASE, limit=1)
        rest = await outbox.claim_due(session, now=now, lease=LEASE, limit=10)

    assert ([m.html for m in got], [m.html for m in rest]) == (["a"], ["b"])


async def test_release_sent_leaves_the_queue(sessions: Sessions, now: datetime) -> None:
    message = await _queued_text(sessions, now=now)

    await _release(sessions, message, DeliveryOutcome.sent, now=now)

    assert await _claim(sessions, now=now + timedelta(days=1)) == []
    assert await _counts(sessions) == {"pending": 0, "sent": 1, "dead": 0}


async def test_release_retry_requeues_at_the_retry_time(sessions: Sessions, now: datetime) -> None:
    message = await _queued_text(sessions, now=now)
    retry_at = now + timedelta(seconds=30)

    await _release(sessions, message, DeliveryOutcome.retry, now=now, retry_at=retry_at)

    assert await _claim(sessions, now=retry_at - timedelta(seconds=1)) == []
    (again,) = await _claim(sessions, now=retry_at)
    assert (again.id, again.attempts) == (message.id, 1)
    await _release(sessions, again, DeliveryOutcome.retry, now=retry_at)
    (third,) = await _claim(sessions, now=retry_at)
    assert third.attempts == 2


async def test_release_dead_gives_up(sessions: Sessions, now: datetime) -> None:
    message = await _queued_text(sessions, now=now)

    await _release(sessions, message, DeliveryOutcome.dead, now=now, error="chat not found")

    assert await _claim(sessions, now=now + timedelta(days=1)) == []
    assert await _counts(sessions) == {"pending": 0, "sent": 0, "dead": 1}


async def test_enqueue_text_queues_once_per_key_and_chat(sessions: Sessions, now: datetime) -> None:
    async with sessions.begin() as session:
        added = [
            await outbox.enqueue_text(session, chat_id=chat, html=html, dedupe_key=key, now=now)
            for chat, html, key in (
                (101, "<b>W02</b>", "digest:2025-W02"),
                (101, "<b>W02 again</b>", "digest:2025-W02"),
                (102, "<b>W02</b>", "digest:2025-W02"),
                (101, "<b>W03</b>", "digest:2025-W03"),
            )
        ]

    claimed = {(m.chat_id, m.html) for m in await _claim(sessions, now=now)}
    assert added == [True, False, True, True]
    assert claimed == {(101, "<b>W02</b>"), (102, "<b>W02</b>"), (101, "<b>W03</b>")}


async def test_move_chat_moves_pending_messages_and_mutes(
    sessions: Sessions, now: datetime
) -> None:
    ada, grace = await watch(sessions, person("Ada Lovelace"), person("Grace Hopper"), now=now)
    sent_change = await store_change(sessions, change(grace, org="Sent Co"), now=now)
    shared = await store_change(sessions, change(grace, org="Shared Co"), now=now)
    await _enqueue(sessions, [sent_change], chats=(1,), now=now)
    (sent,) = await _claim(sessions, now=now)
    await _release(sessions, sent, DeliveryOutcome.sent, now=now)
    await _enqueue(sessions, [shared], chats=(1, 2), now=now)
    async with sessions.begin() as session:
        await outbox.enqueue_text(session, chat_id=1, html="digest", dedupe_key="d", now=now)
        await outbox.mute(session, chat_id=1, person_id=ada.id, until=now + timedelta(days=1))

        await outbox.move_chat(session, old_chat_id=1, new_chat_id=2)

    pending = {(m.chat_id, _subject(m)) for m in await _claim(sessions, now=now)}
    assert pending == {(2, "Shared Co"), (2, "digest")}
    assert await _counts(sessions) == {"pending": 2, "sent": 1, "dead": 0}
    await _enqueue(
        sessions, [await store_change(sessions, change(ada), now=now)], chats=(1, 2), now=now
    )
    assert [m.chat_id for m in await _claim(sessions, now=now)] == [1]


async def test_oldest_pending_age(sessions: Sessions, now: datetime) -> None:
    async with sessions() as session:
        empty = await outbox.oldest_pending_age(session, now=now)
    async with sessions.begin() as session:
        for minutes, key in ((10, "old"), (3, "new")):
            queued_at = now - timedelta(minutes=minutes)
            await outbox.enqueue_text(session, chat_id=1, html=key, dedupe_key=key, now=queued_at)

    async with sessions() as session:
        age = await outbox.oldest_pending_age(session, now=now)

    assert (empty, age) == (None, timedelta(minutes=10))


async def _stored(
    sessions: Sessions, *, now: datetime, urls: tuple[str, ...] = ("https://a.example/1",)
) -> StoredChange:
    (ada,) = await watch(sessions, person("Ada Lovelace"), now=now)
    return await store_change(sessions, change(ada, urls=urls), now=now)


async def _enqueue(
    sessions: Sessions, stored: list[StoredChange], *, now: datetime, chats: tuple[int, ...] = CHATS
) -> int:
    async with sessions.begin() as session:
        return await outbox.enqueue_for_subscribers(session, stored, chats=chats, now=now)


async def _queued_text(sessions: Sessions, *, now: datetime) -> OutboxMessage:
    async with sessions.begin() as session:
        await outbox.enqueue_text(session, chat_id=101, html="<b>hi</b>", dedupe_key="k", now=now)
    (message,) = await _claim(sessions, now=now)
    return message


async def _claim(sessions: Sessions, *, now: datetime) -> list[OutboxMessage]:
    async with sessions.begin() as session:
        return await outbox.claim_due(session, now=now, lease=LEASE, limit=10)


async def _release(
    sessions: Sessions,
    message: OutboxMessage,
    outcome: DeliveryOutcome,
    *,
    now: datetime,
    retry_at: datetime | None = None,
    error: str | None = None,
) -> None:
    async with sessions.begin() as session:
        await outbox.release(session, message.id, outcome, now=now, retry_at=retry_at, error=error)


async def _counts(sessions: Sessions) -> dict[str, int]:
    async with sessions() as session:
        return await outbox.outbox_counts(session)


def _subject(message: OutboxMessage) -> str | None:
    return message.html if message.change is None else message.change.change.org


async def test_enqueue_per_change_counts_the_rows_each_change_added(
    sessions: Sessions, now: datetime
) -> None:
    ada, grace = await watch(sessions, person("Ada Lovelace"), person("Grace Hopper"), now=now)
    async with sessions.begin() as session:
        await outbox.mute(session, chat_id=101, person_id=ada.id, until=now + timedelta(days=1))
    of_ada = await store_change(sessions, change(ada), now=now)
    of_grace = await store_change(sessions, change(grace), now=now)

    async with sessions.begin() as session:
        added = await outbox.enqueue_per_change(session, [of_ada, of_grace], chats=CHATS, now=now)

    assert added == {of_ada.change_id: 1, of_grace.change_id: 2}
