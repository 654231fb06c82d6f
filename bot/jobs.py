"""Scheduled jobs: short adapters from the scheduler into the pipeline and the outbox."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from bot.digest import enqueue_weekly_digest, previous_week
from bot.dispatch import DEFAULT_BATCH, Render, Sender, dispatch_due, render_message
from bot.runtime import Runtime
from store import items, outbox
from watchers.run import CycleReport, load_watch, run_due_sources

logger = logging.getLogger(__name__)


def utc_now() -> datetime:
    return datetime.now(UTC)


async def poll_sources(runtime: Runtime, *, every_source: bool = False) -> CycleReport:
    watch = await load_watch(runtime.sessions, chats=runtime.chats)
    report = await run_due_sources(
        client=runtime.client, sessions=runtime.sessions, watch=watch, now=utc_now(),
        every_source=every_source, max_bytes=runtime.max_bytes,
    )  # fmt: skip
    runtime.metrics.record_cycle(report)
    return report


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


async def prune_old_items(runtime: Runtime) -> None:
    before = utc_now() - runtime.settings.retention
    async with runtime.sessions.begin() as session:
        removed = await items.prune_items(session, before=before)
    logger.info("old items pruned", extra={"removed": removed})


async def _pending(runtime: Runtime) -> bool:
    async with runtime.sessions.begin() as session:
        counts = await outbox.outbox_counts(session)
    return counts.get("pending", 0) > 0
