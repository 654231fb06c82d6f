"""The orchestrator: one source through fetch, parse, match, extract, diff and the outbox."""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from store import items, outbox, people, roles, sources
from watchers.backoff import next_check_at
from watchers.diff import diff_roles
from watchers.errors import TransientFetchError, WatcherError
from watchers.extract import extract_events
from watchers.fetch import DEFAULT_MAX_BYTES, fetch_source
from watchers.match import NameIndex, compile_people, find_mentions
from watchers.models import FetchResult, Person, Source, SourceOutcome
from watchers.parse import parse_feed

logger = logging.getLogger(__name__)

DEFAULT_CONCURRENCY = 16
DEFAULT_LEASE = timedelta(minutes=5)


@dataclass(frozen=True, slots=True, kw_only=True)
class Watch:
    """What a cycle watches for: the people with their known roles, and who is told."""

    people: tuple[Person, ...]
    index: NameIndex
    chats: tuple[int, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class CycleReport:
    outcomes: dict[SourceOutcome, int] = field(default_factory=dict)
    duration_s: float = 0.0

    @property
    def sources(self) -> int:
        return sum(self.outcomes.values())


async def load_watch(sessions: async_sessionmaker[AsyncSession], *, chats: Sequence[int]) -> Watch:
    """The people as the store holds them now, compiled for matching."""
    async with sessions.begin() as session:
        watched = tuple(await people.list_people(session))
    return Watch(people=watched, index=compile_people(watched), chats=tuple(chats))


async def run_source(
    source: Source,
    *,
    client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    watch: Watch,
    now: datetime,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> SourceOutcome:
    started = time.monotonic()
    try:
        fetched = await fetch_source(client, source, max_bytes=max_bytes)
        found = (
            []
            if fetched.not_modified
            else parse_feed(
                fetched.body, url=source.url, headers=fetched.headers, source_id=source.id
            )
        )
    except WatcherError as exc:
        await _record_failure(sessions, source, exc, now=now)
        _log_outcome(source, SourceOutcome.failed, started, error=str(exc))
        return SourceOutcome.failed

    async with sessions.begin() as session:
        new_items = await items.unseen_items(session, found, now=now)
        mentions = find_mentions(new_items, watch.index)
        await items.record_mentions(session, mentions, now=now)
        events = [event for m in mentions for event in extract_events(m, now=now)]
        known = {p.id: p.roles for p in watch.people}
        stored = await roles.apply_changes(session, diff_roles(events, known), now=now)
        await outbox.enqueue_for_subscribers(session, stored, chats=watch.chats, now=now)
        await sources.record_success(
            session, source.id, fetched, now=now,
            next_check_at=_next_success(source, now), item_count=len(found),
        )  # fmt: skip
    outcome = _outcome(fetched, has_new=any(change.is_new for change in stored))
    _log_outcome(source, outcome, started, items=len(new_items), mentions=len(mentions))
    return outcome


async def run_due_sources(
    *,
    client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    watch: Watch,
    now: datetime,
    every_source: bool = False,
    concurrency: int = DEFAULT_CONCURRENCY,
    lease: timedelta = DEFAULT_LEASE,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> CycleReport:
    """Claims the due sources (all of them with ``every_source``) and runs each once."""
    started = time.monotonic()
    async with sessions.begin() as session:
        claimed = await sources.claim_due_sources(
            session, now=now, lease=lease, due_only=not every_source
        )
    gate = asyncio.Semaphore(concurrency)

    async def run_one(source: Source) -> SourceOutcome:
        async with gate:
            return await run_source(
                source, client=client, sessions=sessions, watch=watch, now=now,
                max_bytes=max_bytes,
            )  # fmt: skip

    results = await asyncio.gather(*(run_one(source) for source in claimed))
    counts = {outcome: results.count(outcome) for outcome in set(results)}
    return CycleReport(outcomes=counts, duration_s=time.monotonic() - started)


async def _record_failure(
    sessions: async_sessionmaker[AsyncSession], source: Source, exc: WatcherError, *, now: datetime
) -> None:
    retry_after = exc.retry_after if isinstance(exc, TransientFetchError) else None
    retry_at = next_check_at(
        now, interval=source.interval, error_count=source.error_count + 1, retry_after=retry_after
    )
    async with sessions.begin() as session:
        await sources.record_failure(
            session, source.id, error=str(exc), now=now, next_check_at=retry_at
        )


def _next_success(source: Source, now: datetime) -> datetime:
    # Jitter spreads sources that share an interval, so they do not all fall due together.
    return next_check_at(now, interval=source.interval, error_count=0, jitter=random.random())


def _outcome(fetched: FetchResult, *, has_new: bool) -> SourceOutcome:
    if fetched.not_modified:
        return SourceOutcome.not_modified
    return SourceOutcome.changes_found if has_new else SourceOutcome.no_changes


def _log_outcome(source: Source, outcome: SourceOutcome, started: float, **fields: object) -> None:
    logger.info(
        "source polled",
        extra={
            "source_id": source.id,
            "source_url": source.url,
            "outcome": outcome.value,
            "duration_ms": round((time.monotonic() - started) * 1000),
            **fields,
        },
    )
