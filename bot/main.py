"""The composition root: settings -> database -> HTTP client -> sender -> scheduled jobs."""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import json
import logging
import os
import signal
import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from apscheduler.events import EVENT_JOB_ERROR, JobExecutionEvent
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from bot import jobs
from bot.console import ConsoleSender
from bot.dispatch import Sender, render_message
from bot.metrics import Metrics, serve_metrics
from bot.render import render_change_json
from bot.runtime import Runtime
from bot.settings import ConfigError, Settings, config_cache_dir, load_settings
from store import people, sources
from store.db import create_engine, create_sessionmaker, is_sqlite, upgrade
from store.locks import AdvisoryLock
from store.sources import release_claims
from watchers.fetch import DEFAULT_MAX_BYTES, build_client
from watchers.models import OutboxMessage, SourceOutcome
from watchers.pool import AnalysisPool

if TYPE_CHECKING:
    from bot.handlers import RoleCallApplication

logger = logging.getLogger(__name__)

JOB_DEFAULTS = {"max_instances": 1, "coalesce": True, "misfire_grace_time": 60}
ONCE_PATIENCE = timedelta(seconds=60)
CONFIG_CHECK_SECONDS = 5
LEADER_CHECK_SECONDS = 5
# How long a stopping worker lets its running jobs (a poll, a delivery) finish.
SHUTDOWN_PATIENCE = timedelta(seconds=20)
OBSERVE_SECONDS = 15
# From this many sources on, parsing and matching run in worker processes, one per core.
POOL_MIN_SOURCES = 100


class AlreadyRunningError(RuntimeError):
    """Another process holds the SQLite database."""


@dataclass(frozen=True, slots=True, kw_only=True)
class OnceSummary:
    sources: int
    failed: int
    sent: int
    items: int = 0
    poll_s: float = 0.0


@contextlib.asynccontextmanager
async def open_runtime(settings: Settings) -> AsyncIterator[Runtime]:
    """Database, HTTP client and metrics for one process; the config synced into the store."""
    engine = create_engine(settings.database)
    try:
        await upgrade(engine)
        with _single_process_guard(engine):
            sessions = create_sessionmaker(engine)
            if is_sqlite(engine):
                # Only this process can hold claims on a SQLite file: older ones are a dead run's.
                async with sessions.begin() as session:
                    await release_claims(session)
            leader = AdvisoryLock(engine)
            async with build_client() as client, _analysis_pool(settings) as pool:
                runtime = Runtime(
                    settings=settings, sessions=sessions, client=client,
                    metrics=Metrics(), max_bytes=DEFAULT_MAX_BYTES, pool=pool,
                    single_writer=is_sqlite(engine), leader=leader,
                )  # fmt: skip
                try:
                    await sync_config(runtime)
                    yield runtime
                finally:
                    await leader.release()
    finally:
        await engine.dispose()


@contextlib.asynccontextmanager
async def _analysis_pool(settings: Settings) -> AsyncIterator[AnalysisPool | None]:
    """Worker processes for parsing and matching, when there are cores and feeds enough.

    A few feeds are analysed faster here than worker processes take to start.
    """
    workers = os.cpu_count() or 1
    if workers < 2 or len(settings.source_specs()) < POOL_MIN_SOURCES:
        yield None
        return
    pool = AnalysisPool(workers=workers)
    try:
        yield pool
    finally:
        pool.close()


async def sync_config(runtime: Runtime) -> None:
    now = jobs.utc_now()
    async with runtime.sessions.begin() as session:
        await people.sync_watch_list(session, runtime.settings.people_records(), now=now)
        await sources.sync_source_list(session, runtime.settings.source_specs(), now=now)


async def run_once(
    settings: Settings, *, json_output: bool = False, out: TextIO = sys.stdout
) -> OnceSummary:
    """One cycle over every source, then delivery of everything it queued."""
    async with open_runtime(settings) as runtime, open_sender(settings, out=out) as sender:
        report = await jobs.poll_sources(runtime, every_source=True)
        render = _json_render if json_output else render_message
        sent = await jobs.drain_outbox(runtime, sender, render=render, patience=ONCE_PATIENCE)
    return OnceSummary(
        sources=report.sources, failed=report.outcomes.get(SourceOutcome.failed, 0), sent=sent,
        items=report.items, poll_s=report.duration_s,
    )  # fmt: skip


async def run_forever(
    settings: Settings, *, out: TextIO = sys.stdout, stop: asyncio.Event | None = None
) -> None:
    """Polls, delivers, answers commands and sends the digest until ``stop`` is set.

    Without a ``stop`` event, SIGINT and SIGTERM stop it.
    """
    async with open_runtime(settings) as runtime, contextlib.AsyncExitStack() as stack:
        sender, application = await _start_telegram(runtime, stack, out=out)
        assert runtime.leader is not None  # open_runtime always gives one
        leadership = Leadership(runtime.leader, application)
        await leadership.check()
        scheduler = _start_scheduler(runtime, sender, leadership)
        stack.push_async_callback(_stop_scheduler, scheduler)
        if settings.metrics_port is not None:
            server = await serve_metrics(runtime.metrics, port=settings.metrics_port)
            stack.push_async_callback(_close_server, server)
        logger.info("rolecall running", extra={"telegram": application is not None})
        await (stop or _signalled_stop()).wait()


def load_or_exit(path: Path) -> Settings:
    try:
        return load_settings(path, cache_dir=config_cache_dir())
    except ConfigError as exc:
        print(f"rolecall: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


async def _start_telegram(
    runtime: Runtime, stack: contextlib.AsyncExitStack, *, out: TextIO
) -> tuple[Sender, RoleCallApplication | None]:
    token = _token(runtime.settings)
    if token is None:
        return ConsoleSender(out=out), None
    # python-telegram-bot is imported only when there is a token to use: it is a tenth of
    # a second of every start, and `run --once` without a token never needs it.
    from bot.handlers import BotServices
    from bot.telegram import TelegramSender, build_application, stop_polling

    services = BotServices(
        sessions=runtime.sessions,
        allowed_chats=lambda: frozenset(runtime.settings.telegram.chats),
        timezone=lambda: runtime.settings.timezone,
        clock=jobs.utc_now,
    )
    application = build_application(
        token, base_url=runtime.settings.telegram.api_url, services=services
    )
    await application.initialize()  # every worker sends; only the leader polls for updates
    stack.push_async_callback(stop_polling, application)
    return TelegramSender(application.bot), application


class Leadership:
    """Of the workers sharing a database, the one holding the leader lock polls Telegram
    (a second poller gets 409 Conflict) and sends the weekly digest; the others poll
    sources and deliver messages. Checked every few seconds, so a dead leader's place is
    taken as soon as the database has released its lock."""

    def __init__(self, lock: AdvisoryLock, application: RoleCallApplication | None) -> None:
        self.lock = lock
        self.application = application
        self.polling = False

    async def check(self) -> None:
        leading = await self.lock.try_acquire()
        if leading and not self.polling:
            logger.info("this worker leads: it polls Telegram and sends the digest")
            if self.application is not None:
                from bot.telegram import start_polling

                await start_polling(self.application)
            self.polling = True
        elif not leading and self.polling:
            logger.warning("this worker no longer leads")
            await self._stop_polling()
            self.polling = False

    async def _stop_polling(self) -> None:
        application = self.application
        if application is None:
            return
        if application.updater is not None and application.updater.running:
            await application.updater.stop()
        if application.running:
            await application.stop()


def _start_scheduler(runtime: Runtime, sender: Sender, leadership: Leadership) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone=runtime.settings.timezone, job_defaults=JOB_DEFAULTS)
    now = datetime.now(UTC)
    tick = _poll_tick(runtime.settings)
    scheduler.add_job(jobs.poll_sources, IntervalTrigger(seconds=tick), args=[runtime],
                      id="poll", next_run_time=now)  # fmt: skip
    scheduler.add_job(jobs.deliver_due, IntervalTrigger(seconds=2), args=[runtime, sender],
                      id="deliver", next_run_time=now)  # fmt: skip
    if not runtime.single_writer:  # PostgreSQL; on SQLite it stalled the first deliveries
        scheduler.add_job(jobs.observe_store, IntervalTrigger(seconds=OBSERVE_SECONDS),
                          args=[runtime], id="observe")  # fmt: skip
    scheduler.add_job(leadership.check, IntervalTrigger(seconds=LEADER_CHECK_SECONDS), id="lead")
    scheduler.add_job(jobs.prune_old_items, IntervalTrigger(hours=6), args=[runtime], id="prune")
    scheduler.add_job(_reload_config, IntervalTrigger(seconds=CONFIG_CHECK_SECONDS),
                      args=[runtime, scheduler, _config_stamp(runtime.settings.path)], id="reload")  # fmt: skip
    _schedule_digest(scheduler, runtime, leadership)
    scheduler.add_listener(_log_job_error, EVENT_JOB_ERROR)
    scheduler.start()
    return scheduler


async def _stop_scheduler(scheduler: AsyncIOScheduler) -> None:
    """Starts no more jobs and lets the running ones finish, then stops.

    APScheduler's shutdown cancels running jobs; a delivery cancelled between Telegram's
    answer and the release of its message would be sent again after a restart.
    """
    scheduler.pause()
    executor = scheduler._lookup_executor("default")  # APScheduler 3.x keeps no public handle
    running = [f for f in getattr(executor, "_pending_futures", ()) if not f.done()]
    if running:
        await asyncio.wait(running, timeout=SHUTDOWN_PATIENCE.total_seconds())
    scheduler.shutdown(wait=False)


def _schedule_digest(scheduler: AsyncIOScheduler, runtime: Runtime, leadership: Leadership) -> None:
    settings = runtime.settings
    trigger = CronTrigger(
        day_of_week=settings.digest_weekday, hour=settings.digest_time.hour,
        minute=settings.digest_time.minute, timezone=settings.timezone,
    )  # fmt: skip
    scheduler.add_job(_digest_if_leading, trigger, args=[runtime, leadership], id="digest",
                      replace_existing=True)  # fmt: skip


async def _digest_if_leading(runtime: Runtime, leadership: Leadership) -> None:
    if await leadership.lock.still_held():
        await jobs.send_weekly_digest(runtime)


async def _reload_config(
    runtime: Runtime, scheduler: AsyncIOScheduler, stamp: tuple[float, int]
) -> None:
    """Re-reads the config file when it changed; a broken edit keeps the last good config."""
    current = _config_stamp(runtime.settings.path)
    if current == stamp:
        return
    job = scheduler.get_job("reload")
    digest = scheduler.get_job("digest")
    if job is not None:
        job.modify(args=[runtime, scheduler, current])
    try:
        settings = load_settings(runtime.settings.path, cache_dir=config_cache_dir())
    except ConfigError as exc:
        logger.error("config not reloaded, the last good one stays in force: %s", exc)
        return
    if settings.database != runtime.settings.database:
        logger.warning("a new database setting takes effect at the next restart")
    async with runtime.config_lock:
        runtime.settings = settings
        await sync_config(runtime)
    if digest is not None:
        _schedule_digest(scheduler, runtime, digest.args[1])
    logger.info("config reloaded", extra={"people": len(settings.people)})


def _config_stamp(path: Path) -> tuple[float, int]:
    try:
        stat = path.stat()
    except OSError:
        return (0.0, -1)
    return (stat.st_mtime, stat.st_size)


def _poll_tick(settings: Settings) -> float:
    """How often due sources are looked for: often enough for the shortest interval."""
    return max(1.0, min(15.0, jobs.shortest_interval(settings).total_seconds() / 4))


def _json_render(message: OutboxMessage) -> tuple[str, str]:
    if message.change is None:
        return render_message(message)
    line = json.dumps(render_change_json(message.change), ensure_ascii=False)
    return line, line


@contextlib.asynccontextmanager
async def open_sender(settings: Settings, *, out: TextIO) -> AsyncIterator[Sender]:
    token = _token(settings)
    if token is None:
        yield ConsoleSender(out=out)
        return
    from telegram import Bot

    from bot.telegram import TelegramSender

    base_url = settings.telegram.api_url or "https://api.telegram.org/bot"
    async with Bot(token, base_url=base_url) as bot:
        yield TelegramSender(bot)


def _token(settings: Settings) -> str | None:
    token = settings.telegram.token
    if token is None:
        return None
    return token.get_secret_value() or None


@contextlib.contextmanager
def _single_process_guard(engine: AsyncEngine) -> Iterator[None]:
    """A SQLite file serves one process: a second ``rolecall run`` on it is refused."""
    database = make_url(str(engine.url)).database
    if not is_sqlite(engine) or not database or database == ":memory:":
        yield
        return
    with open(f"{database}.lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise AlreadyRunningError(
                f"another rolecall process is using {database}; "
                "use PostgreSQL to run several workers"
            ) from None
        yield


def _log_job_error(event: JobExecutionEvent) -> None:
    logger.error("job %s failed", event.job_id, exc_info=event.exception)


def _signalled_stop() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    return stop


async def _close_server(server: asyncio.Server) -> None:
    server.close()
    await server.wait_closed()
