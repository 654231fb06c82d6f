"""Scheduled jobs: short adapters from the scheduler into the pipeline and the outbox."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from bot.digest import enqueue_weekly_digest, previous_week
from bot.dispatch import DEFAULT_BATCH, Render, Sender, dispatch_due, render_message
from bot.runtime import Runtime
from bot.settings import Settings
from store import items, outbox, sources
from watchers.fetch import DEFAULT_DEADLINE
from watchers.run import DEFAULT_LEASE, CycleReport, load_watch, run_due_sources

logger = logging.getLogger(__name__)

MIN_LEASE = timedelta(seconds=15)


def utc_now() -> datetime:
    return datetime.now(UTC)


async def poll_sources(runtime: Runtime, *, every_source: bool = False) -> CycleReport:
    lease = DEFAULT_LEASE if every_source else source_lease(runtime.settings)
    async with runtime.config_lock:
        watch = await load_watch(runtime.sessions, chats=runtime.chats, pool=runtime.pool)
        report = await run_due_sources(
            client=runtime.client, sessions=runtime.sessions, watch=watch, now=utc_now(),
            every_source=every_source, max_bytes=runtime.max_bytes, lease=lease,
            deadline=fetch_deadline(lease), single_writer=runtime.single_writer,
            stranded=runtime.stranded_sources,
        )  # fmt: skip
    runtime.metrics.record_cycle(report)
    return report


def source_lease(settings: Settings) -> timedelta:
    """One poll interval (the shortest), between 15 s and 5 min: a dead worker's sources
    wait at most that long before another worker takes them over."""
    return max(MIN_LEASE, min(DEFAULT_LEASE, shortest_interval(settings)))


def shortest_interval(settings: Settings) -> timedelta:
    intervals = [interval for _, interval in settings.source_specs()] or [settings.poll_interval]
    return min(intervals)


def fetch_deadline(lease: timedelta) -> float:
    """A third of the lease: a claimed batch waits for at most one round of fetches before
    its own, so every source is done before its lease ends."""
    return min(DEFAULT_DEADLINE, lease.total_seconds() / 3)


async def deliver_due(runtime: Runtime, sender: Sender, render: Render = render_message) -> int:
    """Sends every message that is due now, batch after batch."""
    sent = 0
    while True:
        report = await dispatch_due(runtime.sessions, sender, now=utc_now(), render=render)
        runtime.metrics.record_dispatch(report)
        sent += report.sent
        if report.claimed < DEFAULT_BATCH:
            return sent


async def drain_outbox(
    runtime: Runtime, sender: Sender, *, render: Render = render_message, patience: timedelta
) -> int:
    """Delivers until nothing is pending, waiting out retries for at most ``patience``."""
    deadline = utc_now() + patience
    sent = await deliver_due(runtime, sender, render)
    while await _pending(runtime) and utc_now() < deadline:
        await asyncio.sleep(0.5)
        sent += await deliver_due(runtime, sender, render)
    return sent


async def send_weekly_digest(runtime: Runtime) -> None:
    now = utc_now()
    week = previous_week(now, runtime.settings.timezone)
    await enqueue_weekly_digest(
        runtime.sessions, chats=runtime.chats, week=week, tz=runtime.settings.timezone, now=now
    )


async def observe_store(runtime: Runtime) -> None:
    """The gauges only the database knows: failing sources, the oldest pending message."""
    async with runtime.sessions.begin() as session:
        failing = sum(1 for source in await sources.list_sources(session) if source.error_count)
        age = await outbox.oldest_pending_age(session, now=utc_now())
    runtime.metrics.record_store(failing=failing, queue_age=age)


async def prune_old_items(runtime: Runtime) -> None:
    before = utc_now() - runtime.settings.retention
    async with runtime.sessions.begin() as session:
        removed = await items.prune_items(session, before=before)
    logger.info("old items pruned", extra={"removed": removed})


async def _pending(runtime: Runtime) -> bool:
    async with runtime.sessions.begin() as session:
        counts = await outbox.outbox_counts(session)
    return counts.get("pending", 0) > 0
