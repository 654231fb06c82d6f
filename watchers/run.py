"""The orchestrator: one source through fetch, parse, match, extract, diff and the outbox."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from store import items, outbox, people, roles, sources
from watchers.analyse import Analysis, analyse_feed
from watchers.backoff import next_check_at
from watchers.diff import diff_roles
from watchers.errors import TransientFetchError, WatcherError
from watchers.fetch import DEFAULT_DEADLINE, DEFAULT_MAX_BYTES, fetch_source
from watchers.match import NameIndex, compile_people
from watchers.models import FetchResult, KnownRole, Person, Source, SourceOutcome
from watchers.pool import AnalysisPool

logger = logging.getLogger(__name__)

DEFAULT_CONCURRENCY = 16
DEFAULT_LEASE = timedelta(minutes=5)
# 304s are recorded together, at the latest once this many are waiting.
NOT_MODIFIED_BATCH = 200


@dataclass(frozen=True, slots=True, kw_only=True)
class Watch:
    """What a cycle watches for: the people with their known roles, and who is told.

    With a ``pool`` the CPU-bound stages run in its worker processes; without one they run
    here, with ``index``.
    """

    people: tuple[Person, ...]
    index: NameIndex | None
    known: Mapping[int, tuple[KnownRole, ...]]
    chats: tuple[int, ...]
    pool: AnalysisPool | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceReport:
    """How one source's run ended, and what it added: new items, mentions, events, messages."""

    outcome: SourceOutcome
    items: int = 0
    mentions: int = 0
    events: int = 0
    queued: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class CycleReport:
    outcomes: dict[SourceOutcome, int] = field(default_factory=dict)
    items: int = 0
    mentions: int = 0
    events: int = 0
    queued: int = 0
    duration_s: float = 0.0

    @property
    def sources(self) -> int:
        return sum(self.outcomes.values())

    @classmethod
    def of(cls, reports: Sequence[SourceReport], *, duration_s: float) -> CycleReport:
        outcomes = [report.outcome for report in reports]
        return cls(
            outcomes={outcome: outcomes.count(outcome) for outcome in set(outcomes)},
            items=sum(r.items for r in reports), mentions=sum(r.mentions for r in reports),
            events=sum(r.events for r in reports), queued=sum(r.queued for r in reports),
            duration_s=duration_s,
        )  # fmt: skip


@dataclass(slots=True, kw_only=True)
class NotModifiedBatch:
    """304s waiting to be recorded together: one transaction and one UPDATE for many.

    A cycle's sources mostly answer 304, and a transaction each cost more than the poll.
    """

    sessions: async_sessionmaker[AsyncSession]
    writer: asyncio.Lock | None = None
    pending: list[tuple[int, datetime]] = field(default_factory=list)

    async def add(self, source: Source, *, now: datetime) -> None:
        self.pending.append((source.id, _next_success(source, now)))
        if len(self.pending) >= NOT_MODIFIED_BATCH:
            await self.flush(now=now)

    async def flush(self, *, now: datetime) -> None:
        batch, self.pending = self.pending, []
        if batch:
            async with self.writer or contextlib.nullcontext(), self.sessions.begin() as session:
                await sources.record_not_modified(session, batch, now=now)


async def load_watch(
    sessions: async_sessionmaker[AsyncSession],
    *,
    chats: Sequence[int],
    pool: AnalysisPool | None = None,
) -> Watch:
    """The people as the store holds them now, compiled for matching here or in ``pool``."""
    async with sessions.begin() as session:
        watched = tuple(await people.list_people(session))
    if pool is not None:
        pool.prepare(watched)
    index = compile_people(watched) if pool is None else None
    known = {person.id: person.roles for person in watched}
    return Watch(people=watched, index=index, known=known, chats=tuple(chats), pool=pool)


async def run_source(
    source: Source,
    *,
    client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    watch: Watch,
    now: datetime,
    max_bytes: int = DEFAULT_MAX_BYTES,
    deadline: float = DEFAULT_DEADLINE,
    writer: asyncio.Lock | None = None,
    not_modified: NotModifiedBatch | None = None,
) -> SourceReport:
    """Fetches, analyses and stores one source; ``writer`` serialises the transactions.

    A plain 304 goes to ``not_modified``, when given, to be recorded with others.
    """
    started = time.monotonic()
    try:
        fetched = await fetch_source(client, source, max_bytes=max_bytes, deadline=deadline)
        if not_modified is not None and _is_plain_304(fetched, source):
            await not_modified.add(source, now=now)
            return _logged(source, SourceReport(outcome=SourceOutcome.not_modified), started)
        analysis = await _analyse(fetched, source, watch, now=now)  # parse, match, extract
    except WatcherError as exc:
        async with writer or contextlib.nullcontext():
            await _record_failure(sessions, source, exc, now=now)
        return _logged(source, SourceReport(outcome=SourceOutcome.failed), started, error=str(exc))

    async with writer or contextlib.nullcontext(), sessions.begin() as session:  # ONE transaction
        fresh = analysis.of_items(await items.unseen_items(session, analysis.items, now=now))
        await items.record_mentions(session, fresh.mentions, now=now)
        changes = diff_roles(fresh.all_events, watch.known)
        stored = await roles.apply_changes(session, changes, now=now)
        queued = await outbox.enqueue_for_subscribers(session, stored, chats=watch.chats, now=now)
        await sources.record_success(
            session, source.id, fetched, now=now,
            next_check_at=_next_success(source, now), item_count=len(analysis.items),
        )  # fmt: skip
    outcome = _outcome(fetched, has_new=any(change.is_new for change in stored))
    report = SourceReport(
        outcome=outcome, items=len(fresh.items), mentions=len(fresh.mentions),
        events=len(fresh.all_events), queued=queued,
    )  # fmt: skip
    return _logged(source, report, started)


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
    deadline: float = DEFAULT_DEADLINE,
    single_writer: bool = False,
) -> CycleReport:
    """Claims the due sources (all of them with ``every_source``) and runs each once.

    Due sources are claimed a few at a time (twice ``concurrency``), so workers sharing
    the database share the work, and a lease covers only what its holder is about to do.
    A database that takes one writer at a time (SQLite) gets ``single_writer``: the
    transactions queue here instead of in the database's busy handler.
    """
    started = time.monotonic()
    gate = asyncio.Semaphore(concurrency)
    writer = asyncio.Lock() if single_writer else None
    not_modified = NotModifiedBatch(sessions=sessions, writer=writer)
    batch = None if every_source else 2 * concurrency

    async def run_one(source: Source) -> SourceReport:
        async with gate:
            return await run_source(
                source, client=client, sessions=sessions, watch=watch, now=now,
                max_bytes=max_bytes, deadline=deadline, writer=writer, not_modified=not_modified,
            )  # fmt: skip

    reports: list[SourceReport] = []
    while True:
        claimed_at = now + timedelta(seconds=time.monotonic() - started)
        async with sessions.begin() as session:
            claimed = await sources.claim_due_sources(
                session, now=claimed_at, lease=lease, limit=batch, due_only=not every_source
            )
        reports += await asyncio.gather(*(run_one(source) for source in claimed))
        await not_modified.flush(now=now)
        if batch is None or len(claimed) < batch:
            return CycleReport.of(reports, duration_s=time.monotonic() - started)


async def _analyse(
    fetched: FetchResult, source: Source, watch: Watch, *, now: datetime
) -> Analysis:
    if fetched.not_modified:
        return Analysis()
    if watch.pool is not None:
        return await watch.pool.analyse(
            fetched.body, url=source.url, headers=fetched.headers, source_id=source.id, now=now
        )
    assert watch.index is not None, "a Watch has a pool or an index"
    return analyse_feed(
        fetched.body, url=source.url, headers=fetched.headers, source_id=source.id,
        index=watch.index, now=now,
    )  # fmt: skip


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


def _is_plain_304(fetched: FetchResult, source: Source) -> bool:
    """A 304 that brings no new validator, so that nothing but the times change."""
    return (
        fetched.not_modified
        and fetched.etag in (None, source.etag)
        and fetched.last_modified in (None, source.last_modified)
    )


def _outcome(fetched: FetchResult, *, has_new: bool) -> SourceOutcome:
    if fetched.not_modified:
        return SourceOutcome.not_modified
    return SourceOutcome.changes_found if has_new else SourceOutcome.no_changes


def _logged(source: Source, report: SourceReport, started: float, **fields: object) -> SourceReport:
    logger.info(
        "source polled",
        extra={
            "source_id": source.id,
            "source_url": source.url,
            "outcome": report.outcome.value,
            "duration_ms": round((time.monotonic() - started) * 1000),
            "items": report.items,
            "mentions": report.mentions,
            **fields,
        },
    )
    return report
