"""The database goes away under a running bot and comes back: the bot stays up and delivers.

PostgreSQL is reached through a TCP proxy on 127.0.0.1 that the test stops (every
connection cut, new ones refused) and starts again, as a database restart looks from the
bot's side, without touching the shared server. ``rolecall run`` (``run_forever``) runs in
this process against the proxy, a ``FeedServer`` and the fake Telegram.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest

from bot.main import run_forever
from bot.settings import load_settings
from tests.conftest import _libpq_dsn
from tests.fakes.botapi import FakeBotApi
from tests.fakes.feeds import FeedServer
from tests.reliability.world import (
    CHAT,
    TOKEN,
    Mover,
    movers,
    rss,
    telegram_config,
    until,
    write_config,
)

pytestmark = pytest.mark.postgres

OUTAGE = 6.0  # seconds the database stays away
WAIT = 90.0


class TcpProxy:
    """Forwards 127.0.0.1:``port`` to a target; ``stop`` cuts every connection."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self._target = (target_host, target_port)
        self._server: asyncio.Server | None = None
        self._pipes: set[asyncio.Task[None]] = set()
        self.port = 0
        self.trip_on: bytes | None = None  # client bytes that stop the pipe where they are
        self.tripped = asyncio.Event()

    async def start(self) -> None:
        self.tripped.clear()
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        assert self._server is not None
        self._server.close()
        for pipe in list(self._pipes):
            pipe.cancel()
        await asyncio.gather(*self._pipes, return_exceptions=True)
        await self._server.wait_closed()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._pipes.add(task)
        try:
            up_reader, up_writer = await asyncio.open_connection(*self._target)
            try:
                await asyncio.gather(_pump(reader, up_writer, self._trip), _pump(up_reader, writer))
            finally:
                up_writer.transport.abort()
        except (OSError, asyncio.CancelledError):
            pass
        finally:
            writer.transport.abort()
            self._pipes.discard(task)

    def _trip(self, data: bytes) -> bool:
        """True once the client sends ``trip_on``: nothing more goes through."""
        if self.trip_on is not None and self.trip_on in data:
            self.trip_on = None
            self.tripped.set()
        return self.tripped.is_set()


async def _pump(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    tripped: Callable[[bytes], bool] = lambda _: False,
) -> None:
    while data := await reader.read(65536):
        if tripped(data):
            await asyncio.Event().wait()  # held until the proxy stops: the server waits
        writer.write(data)
        await writer.drain()
    writer.close()


def _status_of_alerts(schema_url: str) -> list[str]:
    with psycopg.connect(_libpq_dsn(schema_url), connect_timeout=5) as conn:
        return [row[0] for row in conn.execute("SELECT status FROM outbox ORDER BY id")]


@dataclass(frozen=True, slots=True)
class Rig:
    """A running bot whose database connections go through ``proxy``."""

    proxy: TcpProxy
    feeds: FeedServer
    api: FakeBotApi
    bot: asyncio.Task[None]


@contextlib.asynccontextmanager
async def _bot_behind_a_proxy(
    postgres_url: str, tmp_path: Path, people: list[Mover], *, every: str, trip_on: bytes | None
) -> AsyncIterator[Rig]:
    """``rolecall run`` on a feed that reports the first person's move; ``trip_on`` is set
    before the bot starts."""
    proxy = TcpProxy("127.0.0.1", 5432)
    await proxy.start()
    proxy.trip_on = trip_on
    proxied = postgres_url.replace("127.0.0.1:5432", f"127.0.0.1:{proxy.port}", 1)
    assert proxied != postgres_url
    published = datetime.now(UTC) - timedelta(hours=1)
    async with FeedServer() as feeds, FakeBotApi() as api:
        feeds.set_feed("/wire", rss([("one", *people[0].story())], published=published))
        config = write_config(
            tmp_path / "rolecall.yaml",
            database=proxied,
            telegram=telegram_config(api, CHAT),
            sources=[{"url": feeds.url("/wire"), "every": every}],
            people=[person.config() for person in people],
        )
        stop = asyncio.Event()
        bot = asyncio.create_task(run_forever(load_settings(config), stop=stop))
        try:
            yield Rig(proxy, feeds, api, bot)
        finally:
            stop.set()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(bot, timeout=WAIT)
            with contextlib.suppress(Exception):
                await proxy.stop()


async def test_bot_survives_a_database_restart_and_delivers_after(
    postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    before, after = movers(2)
    people = [before, after]
    async with _bot_behind_a_proxy(postgres_url, tmp_path, people, every="2s", trip_on=None) as rig:
        await until(lambda: rig.bot.done() or rig.api.sent(CHAT), timeout=WAIT)
        # Cut only once the alert is recorded as sent: a cut between Telegram's
        # acceptance and that record is the one case that repeats a message.
        await until(lambda: _status_of_alerts(postgres_url) == ["sent"], timeout=WAIT)

        await rig.proxy.stop()
        polled = rig.feeds.hits("/wire")
        both = [("one", *before.story()), ("two", *after.story())]
        rig.feeds.set_feed("/wire", rss(both, published=datetime.now(UTC)))
        await asyncio.sleep(OUTAGE)
        assert not rig.bot.done()
        assert rig.feeds.hits("/wire") == polled  # no cycle gets past the database
        await rig.proxy.start()

        await until(lambda: rig.bot.done() or len(rig.api.sent(CHAT)) >= 2, timeout=WAIT)
        assert not rig.bot.done()
    sent = rig.api.sent(CHAT)

    assert [before.name in m.text for m in sent] == [True, False]
    assert after.name in sent[1].text
    assert _status_of_alerts(postgres_url) == ["sent", "sent"]


def _count(schema_url: str, table: str) -> int:
    with psycopg.connect(_libpq_dsn(schema_url), connect_timeout=5) as conn:
        row = conn.execute(f"SELECT count(*) FROM {table}").fetchone()
    return int(row[0]) if row else 0


async def test_a_cut_in_the_middle_of_a_write_loses_nothing_and_doubles_nothing(
    postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The connection dies after the item and change rows went out and before the outbox
    row and the commit: the server rolls the whole write back, and the first cycle once
    the database is back stores and sends it, once. The feed's lease is five minutes: the
    bot ends its own lease instead of waiting for it."""
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    people = movers(1)
    outbox_insert = b"INSERT INTO outbox"
    async with _bot_behind_a_proxy(
        postgres_url, tmp_path, people, every="5m", trip_on=outbox_insert
    ) as rig:
        await asyncio.wait_for(rig.proxy.tripped.wait(), timeout=WAIT)
        await rig.proxy.stop()
        assert _count(postgres_url, "changes") == 0, "the open write was rolled back"
        await asyncio.sleep(OUTAGE)
        assert not rig.bot.done()
        await rig.proxy.start()

        await until(lambda: rig.bot.done() or rig.api.sent(CHAT), timeout=WAIT)
        await until(lambda: _status_of_alerts(postgres_url) == ["sent"], timeout=WAIT)
        await asyncio.sleep(5)  # two more polls of the feed: nothing new to send
        assert not rig.bot.done()
    sent = rig.api.sent(CHAT)

    assert len(sent) == 1
    assert people[0].name in sent[0].text
    assert _count(postgres_url, "items") == 1
    assert _count(postgres_url, "changes") == 1
