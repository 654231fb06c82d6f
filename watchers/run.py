"""The orchestrator: one source through fetch, parse, match, extract, diff and the outbox."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections import Counter
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from store import items, outbox, people, roles, sources
from watchers.backoff import next_check_at
from watchers.diff import diff_roles
from watchers.errors import TransientFetchError, WatcherError
from watchers.fetch import DEFAULT_DEADLINE, DEFAULT_MAX_BYTES, fetch_source
from watchers.match import NameIndex, compile_people
from watchers.models import (
    Analysis,
    FeedItem,
    FetchResult,
    KnownRole,
    Person,
    Source,
    SourceOutcome,
    StoredChange,
)
from watchers.pool import AnalysisPool

logger = logging.getLogger(__name__)

DEFAULT_CONCURRENCY = 16
DEFAULT_LEASE = timedelta(minutes=5)
# 304s are recorded together, at the latest once this many are waiting.
NOT_MODIFIED_BATCH = 200
# At most this many analysed sources share a transaction (20 items each, or so), and a
# group that is not full waits at most this long for the sources still on their way.
GROUP_LIMIT = 32
GROUP_WAIT = 0.2
# Sources claimed but not yet recorded, per fetch slot: fetching goes on while a group is
# written, and the analyses waiting for their turn stay within bounds.
IN_FLIGHT_PER_SLOT = 4


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


@dataclass(frozen=True, slots=True, kw_only=True)
class _Analysed:
    """A source whose new content waits for its group's transaction."""

    source: Source
    fetched: FetchResult
    analysis: Analysis
    report: asyncio.Future[SourceReport]


@dataclass(slots=True, kw_only=True)
class GroupCommit:
    """Analysed sources written together: one transaction for up to ``limit`` of them.

    A transaction per source cost the main process more than the analyses cost the
    workers. A source's write waits (``wait`` seconds at most) for the sources still being
    fetched or analysed to join its group, unless the group is full; the first to get the
    writer then writes every source waiting (a group commit). A source's items, mentions,
    changes, outbox rows and cache validators still commit together, so a kill loses whole
    sources, to be polled again, and never commits validators without their items.
    """

    sessions: async_sessionmaker[AsyncSession]
    watch: Watch
    now: datetime
    writer: asyncio.Lock = field(default_factory=asyncio.Lock)
    limit: int = GROUP_LIMIT
    wait: float = GROUP_WAIT
    waiting: list[_Analysed] = field(default_factory=list)
    # Sources being fetched or analysed now, which may join the next group.
    coming: int = 0
    may_write: asyncio.Event = field(default_factory=asyncio.Event)

    @contextlib.asynccontextmanager
    async def fetching(self) -> AsyncIterator[None]:
        """Marks a source on its way: a group waits for it, while it is not full."""
        self.coming += 1
        try:
            yield
        finally:
            self.coming -= 1
            self._note_change()

    async def write(self, source: Source, fetched: FetchResult, analysis: Analysis) -> SourceReport:
        """Stores the source's new content with its group; returns when that is committed."""
        report: asyncio.Future[SourceReport] = asyncio.get_running_loop().create_future()
        mine = _Analysed(source=source, fetched=fetched, analysis=analysis, report=report)
        self.waiting.append(mine)
        self._note_change()
        while not report.done():
            async with self.writer:
                if not report.done():
                    await self._settle(await self._next_group())
        return report.result()

    async def _next_group(self) -> list[_Analysed]:
        """The sources waiting, once the group is full, or none is on its way any more.

        Written as soon as they came, the sources made groups of two on average, and their
        transactions cost the main process five times what groups of 32 cost.
        """
        if not self._is_ready():
            self.may_write.clear()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.wait):
                    await self.may_write.wait()
        group, self.waiting = self.waiting[: self.limit], self.waiting[self.limit :]
        return group

    def _is_ready(self) -> bool:
        return len(self.waiting) >= self.limit or self.coming == 0

    def _note_change(self) -> None:
        if self._is_ready():
            self.may_write.set()

    async def _settle(self, group: list[_Analysed]) -> None:
        """Writes the group and answers each of its sources, with the error if it failed."""
        try:
            reports = await self._write(group)
        except Exception as exc:  # noqa: BLE001 -- not handled: each source's write() raises it
            for entry in group:
                entry.report.set_exception(exc)
            return
        except BaseException:
            for entry in group:
                entry.report.cancel()
            raise
        for entry, report in zip(group, reports, strict=True):
            entry.report.set_result(report)

    async def _write(self, group: list[_Analysed]) -> list[SourceReport]:
        watch, now = self.watch, self.now
        async with self.sessions.begin() as session:  # ONE transaction for the group
            new = await items.unseen_items(session, _all_items(group), now=now)
            fresh = _fresh_per_source(group, new)
            await items.record_mentions(session, [m for f in fresh for m in f.mentions], now=now)
            changes = [diff_roles(f.all_events, watch.known) for f in fresh]
            stored = await roles.apply_changes(session, [c for cs in changes for c in cs], now=now)
            queued = await outbox.enqueue_per_change(session, stored, chats=watch.chats, now=now)
            await sources.record_successes(session, _successes(group, now), now=now)
        per_source = _split(stored, [len(c) for c in changes])
        return [
            _report(entry.fetched, analysis, stored_here, queued)
            for entry, analysis, stored_here in zip(group, fresh, per_source, strict=True)
        ]


@dataclass(frozen=True, slots=True, kw_only=True)
class Writes:
    """Where a cycle's results go: 304s in batches, new content in groups, failures singly.

    ``writer``, when given, lets one of them write at a time.
    """

    sessions: async_sessionmaker[AsyncSession]
    not_modified: NotModifiedBatch
    analysed: GroupCommit
    writer: asyncio.Lock | None = None

    @classmethod
    def of(
        cls,
        sessions: async_sessionmaker[AsyncSession],
        watch: Watch,
        *,
        now: datetime,
        single_writer: bool,
    ) -> Writes:
        writer = asyncio.Lock() if single_writer else None
        return cls(
            sessions=sessions, writer=writer,
            not_modified=NotModifiedBatch(sessions=sessions, writer=writer),
            analysed=GroupCommit(sessions=sessions, watch=watch, now=now,
                                 writer=writer or asyncio.Lock()),
        )  # fmt: skip

    async def failure(self, source: Source, exc: WatcherError, *, now: datetime) -> None:
        async with self.writer or contextlib.nullcontext():
            await _record_failure(self.sessions, source, exc, now=now)


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
    watch: Watch,
    writes: Writes,
    now: datetime,
    gate: asyncio.Semaphore | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    deadline: float = DEFAULT_DEADLINE,
) -> SourceReport:
    """Fetches, analyses and stores one source.

    ``gate`` bounds the fetches and analyses running at once; a source waiting for its
    group's transaction no longer holds a place in it.
    """
    started = time.monotonic()
    try:
        async with gate or contextlib.nullcontext(), writes.analysed.fetching():
            fetched = await fetch_source(client, source, max_bytes=max_bytes, deadline=deadline)
            if _is_plain_304(fetched, source):
                await writes.not_modified.add(source, now=now)
                return _logged(source, SourceReport(outcome=SourceOutcome.not_modified), started)
            analysis = await _analyse(fetched, source, watch, now=now)  # parse, match, extract
    except WatcherError as exc:
        await writes.failure(source, exc, now=now)
        return _logged(source, SourceReport(outcome=SourceOutcome.failed), started, error=str(exc))
    report = await writes.analysed.write(source, fetched, analysis)  # ONE transaction, grouped
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
    stranded: set[int] | None = None,
) -> CycleReport:
    """Claims the due sources (all of them with ``every_source``) and runs each once.

    A cycle that fails (the database went away) adds the sources it had claimed to
    ``stranded``, and the next cycle ends those leases first: a process does not wait for
    its own leases to expire.

    Due sources are claimed a few at a time (twice ``concurrency``), so workers sharing
    the database share the work, and a lease covers only what its holder is about to do.
    A database that takes one writer at a time (SQLite) gets ``single_writer``: the
    transactions queue here instead of in the database's busy handler.
    """
    started = time.monotonic()
    gate = asyncio.Semaphore(concurrency)
    in_flight = asyncio.Semaphore(IN_FLIGHT_PER_SLOT * concurrency)
    writes = Writes.of(sessions, watch, now=now, single_writer=single_writer)
    batch = None if every_source else 2 * concurrency

    async def run_one(source: Source) -> SourceReport:
        async with in_flight:
            return await run_source(
                source, client=client, watch=watch, writes=writes, now=now, gate=gate,
                max_bytes=max_bytes, deadline=deadline,
            )  # fmt: skip

    stranded = set() if stranded is None else stranded
    await _release_stranded(sessions, stranded)
    reports: list[SourceReport] = []
    while True:
        claimed_at = now + timedelta(seconds=time.monotonic() - started)
        async with sessions.begin() as session:
            claimed = await sources.claim_due_sources(
                session, now=claimed_at, lease=lease, limit=batch, due_only=not every_source
            )
        try:
            reports += await asyncio.gather(*(run_one(source) for source in claimed))
            await writes.not_modified.flush(now=now)
        except Exception:
            stranded.update(source.id for source in claimed)
            raise
        if batch is None or len(claimed) < batch:
            return CycleReport.of(reports, duration_s=time.monotonic() - started)


async def _release_stranded(sessions: async_sessionmaker[AsyncSession], stranded: set[int]) -> None:
    if stranded:
        async with sessions.begin() as session:
            await sources.release_sources(session, stranded)
        stranded.clear()


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
    # Imported when first needed: with a pool, only the workers parse and extract, and
    # the main process is spared a tenth of a second of imports at every start.
    from watchers.analyse import analyse_feed

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


def _all_items(group: Sequence[_Analysed]) -> list[FeedItem]:
    return [item for entry in group for item in entry.analysis.items]


def _fresh_per_source(group: Sequence[_Analysed], new: Sequence[FeedItem]) -> list[Analysis]:
    """Each source's analysis restricted to its new items.

    An item another source of the group also brought is new for the first of them only,
    as if each had its own transaction, in order.
    """
    by_source: dict[int, list[FeedItem]] = {}
    for item in new:
        by_source.setdefault(item.source_id, []).append(item)
    return [entry.analysis.of_items(by_source.get(entry.source.id, [])) for entry in group]


def _successes(group: Sequence[_Analysed], now: datetime) -> list[sources.Success]:
    return [
        sources.Success(
            source_id=entry.source.id, fetched=entry.fetched,
            item_count=len(entry.analysis.items), next_check_at=_next_success(entry.source, now),
        )
        for entry in group
    ]  # fmt: skip


def _split(stored: Sequence[StoredChange], sizes: Sequence[int]) -> list[list[StoredChange]]:
    parts, start = [], 0
    for size in sizes:
        parts.append(list(stored[start : start + size]))
        start += size
    return parts


def _report(
    fetched: FetchResult, fresh: Analysis, stored: Sequence[StoredChange], queued: Counter[int]
) -> SourceReport:
    return SourceReport(
        outcome=_outcome(fetched, has_new=any(change.is_new for change in stored)),
        items=len(fresh.items), mentions=len(fresh.mentions), events=len(fresh.all_events),
        queued=sum(queued[change.change_id] for change in stored if change.is_new),
    )  # fmt: skip


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
