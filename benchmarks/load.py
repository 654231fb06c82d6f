"""The load run: 1,000 sources and 5,000 watched people polled for one simulated hour.

    python -m benchmarks.load [--sources 1000] [--people 5000] [--minutes 60]
                              [--interval 10] [--retention 20]

A feed server on 127.0.0.1 (in this process) serves ``--sources`` feeds; each publishes a
new item every ten simulated minutes, keeps its last three, and answers 304 while
nothing changed. One item in eight names a watched person and one in three of those
reports a move. The real ``run_due_sources`` polls them on a SQLite file, one cycle per
simulated minute, every source due each ``--interval`` minutes; every ten simulated
minutes items older than ``--retention`` minutes are pruned, as ``rolecall run`` does
with the configured ``retention`` (changes and the outbox are kept).

It prints the figures: resident memory (VmRSS) after the first cycle and at the end, the
peak (VmHWM), the database size at half time and at the end, and row counts.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import sqlite3
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

from aiohttp import web
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from benchmarks.corpus import make_people
from store import items, people, sources
from store.db import create_engine, create_sessionmaker, upgrade
from store.tables import ChangeRow, ItemRow, MentionRow, OutboxRow
from watchers.fetch import build_client
from watchers.models import KnownRole, Person
from watchers.run import load_watch, run_due_sources

START = datetime(2025, 3, 3, 0, 0, tzinfo=UTC)
SEED = 20250303
PUBLISH_EVERY = 10  # simulated minutes between two items of one feed
KEPT_ITEMS = 3
PRUNE_EVERY = 10  # simulated minutes
CHAT = 1
_FILLER = (
    "Shares in the sector closed higher after a quiet day of trading.",
    "The regional council approved the new harbour budget on Tuesday.",
    "Analysts expect freight volumes to recover in the second half.",
    "The museum reopened its east wing after two years of repairs.",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class LoadFigures:
    sources: int
    people: int
    minutes: int
    fetches: int
    rss_first_cycle_kib: int
    rss_end_kib: int
    rss_peak_kib: int
    db_half_bytes: int
    db_end_bytes: int
    items_end: int
    items_published: int
    mentions_end: int
    changes_end: int
    outbox_end: int
    seconds: float


class LoadFeeds:
    """The feeds, as a function of the simulated minute the run is at."""

    def __init__(self, count: int, watched: list[dict[str, object]]) -> None:
        self.count = count
        self.minute = 0
        self.fetches = 0
        self._names = [str(person["name"]) for person in watched if str(person["name"]).isascii()]

    def latest(self, feed: int) -> int:
        """The number of the newest item feed ``feed`` has published by now."""
        return (self.minute + feed % PUBLISH_EVERY) // PUBLISH_EVERY

    def body(self, feed: int) -> bytes:
        newest = self.latest(feed)
        entries = "".join(self._item(feed, n) for n in range(newest, newest - KEPT_ITEMS, -1))
        return (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Load {feed}</title>{entries}</channel></rss>"
        ).encode()

    def etag(self, feed: int) -> str:
        return f'"{feed}-{self.latest(feed)}"'

    def published(self) -> int:
        """How many items the feeds have published so far, the first three of each included."""
        return sum(self.latest(feed) + KEPT_ITEMS for feed in range(self.count))

    def _item(self, feed: int, number: int) -> str:
        rng = random.Random(f"{SEED}-{feed}-{number}")
        text = " ".join(rng.sample(_FILLER, 2))
        if rng.random() < 1 / 8:
            name = rng.choice(self._names)
            move = rng.random() < 1 / 3
            said = f"{name} has joined Copperline Works {number} as chief financial officer."
            text = (said if move else f"{name} spoke at the trade fair.") + " " + text
        return (
            f"<item><guid>load-{feed}-{number}</guid><title>{escape(text[:80])}</title>"
            f"<link>https://load.example/{feed}/{number}</link>"
            f"<description>{escape(text)}</description></item>"
        )

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.fetches += 1
        feed = int(request.match_info["feed"])
        etag = self.etag(feed)
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        headers = {"ETag": etag, "Content-Type": "application/rss+xml; charset=utf-8"}
        return web.Response(body=self.body(feed), headers=headers)


async def run_load(
    *,
    sources_count: int = 1000,
    people_count: int = 5000,
    minutes: int = 60,
    interval: timedelta = timedelta(minutes=10),
    retention: timedelta = timedelta(minutes=20),
    workdir: Path,
) -> LoadFigures:
    """Runs the simulated hour and returns its figures (see the module docstring)."""
    started = time.monotonic()
    watched = make_people(people_count, seed=SEED)
    feeds = LoadFeeds(sources_count, watched)
    database = workdir / "load.db"
    engine = create_engine(f"sqlite:///{database}")
    await upgrade(engine)
    sessions = create_sessionmaker(engine)
    runner = await _serve(feeds)
    try:
        port = runner.addresses[0][1]
        urls = [(f"http://127.0.0.1:{port}/feeds/{i}", interval) for i in range(sources_count)]
        async with sessions.begin() as session:
            await people.sync_people(session, [_person(p) for p in watched], now=START)
            await sources.sync_sources(session, urls, now=START)
        rss_first = db_half = 0
        async with build_client() as client:
            watch = await load_watch(sessions, chats=[CHAT])
            for minute in range(minutes):
                feeds.minute = minute
                now = START + timedelta(minutes=minute)
                await run_due_sources(
                    client=client, sessions=sessions, watch=watch, now=now, single_writer=True
                )
                if minute % PRUNE_EVERY == PRUNE_EVERY - 1:
                    async with sessions.begin() as session:
                        await items.prune_items(session, before=now - retention)
                if minute == 0:
                    rss_first = _status_kib("VmRSS")
                if minute == minutes // 2:
                    db_half = _database_bytes(database)
        counts = await _counts(sessions)
        db_end = _database_bytes(database)
    finally:
        await runner.cleanup()
        await engine.dispose()
    return LoadFigures(
        sources=sources_count, people=people_count, minutes=minutes, fetches=feeds.fetches,
        rss_first_cycle_kib=rss_first, rss_end_kib=_status_kib("VmRSS"),
        rss_peak_kib=_status_kib("VmHWM"), db_half_bytes=db_half,
        db_end_bytes=db_end, items_published=feeds.published(),
        seconds=round(time.monotonic() - started, 1), **counts,
    )  # fmt: skip


def _person(raw: dict[str, object]) -> Person:
    roles = raw.get("roles") or []
    assert isinstance(roles, list)
    aliases = raw.get("aliases") or []
    assert isinstance(aliases, list)
    return Person(
        id=0,
        name=str(raw["name"]),
        aliases=tuple(str(alias) for alias in aliases),
        roles=tuple(KnownRole(org=str(r["org"]), title=str(r["title"])) for r in roles),
    )


async def _serve(feeds: LoadFeeds) -> web.AppRunner:
    app = web.Application()
    app.router.add_get("/feeds/{feed}", feeds.handle)
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    return runner


async def _counts(sessions: async_sessionmaker[AsyncSession]) -> dict[str, int]:
    tables = {
        "items_end": ItemRow, "mentions_end": MentionRow,
        "changes_end": ChangeRow, "outbox_end": OutboxRow,
    }  # fmt: skip
    async with sessions.begin() as session:
        return {
            name: (await session.execute(select(func.count()).select_from(table))).scalar_one()
            for name, table in tables.items()
        }


def _status_kib(field: str) -> int:
    """A VmRSS-style line of /proc/self/status, in KiB (0 where there is no /proc)."""
    try:
        lines = Path("/proc/self/status").read_text().splitlines()
    except OSError:
        return 0
    for line in lines:
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _database_bytes(database: Path) -> int:
    """The size of the SQLite file once its write-ahead log is folded into it (between
    cycles, when no transaction is open)."""
    with contextlib.closing(sqlite3.connect(database)) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return database.stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load", description=__doc__)
    parser.add_argument("--sources", type=int, default=1000)
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--minutes", type=int, default=60)
    parser.add_argument("--interval", type=int, default=10, help="minutes between polls")
    parser.add_argument("--retention", type=int, default=20, help="minutes items are kept")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="rolecall-load-") as tmp:
        figures = asyncio.run(
            run_load(
                sources_count=args.sources, people_count=args.people, minutes=args.minutes,
                interval=timedelta(minutes=args.interval),
                retention=timedelta(minutes=args.retention), workdir=Path(tmp),
            )
        )  # fmt: skip
    for name, value in asdict(figures).items():
        print(f"{name:>22}: {value}")


if __name__ == "__main__":
    main()
