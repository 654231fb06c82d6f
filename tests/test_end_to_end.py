"""The whole product as a user meets it: feeds on a local server, a fake Telegram, the real bot.

Feeds come from ``FeedServer`` and Telegram is ``FakeBotApi``, both on 127.0.0.1, reached
over real HTTP (python-telegram-bot through its ``base_url``).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from bot.main import run_forever
from bot.settings import load_settings
from tests.fakes.botapi import FakeBotApi, SentMessage
from tests.fakes.feeds import FeedServer
from watchers.text import to_simplified

CHAT = 111
STRANGER = 999
TOKEN = "123456:END-TO-END-SECRET"
WAIT = 45.0


def _rss(items: list[tuple[str, str, str]], *, published: datetime) -> bytes:
    entries = "".join(
        f"<item><guid>{escape(guid)}</guid><title>{escape(title)}</title>"
        f"<link>https://news.example/{escape(guid)}</link>"
        f"<pubDate>{format_datetime(published)}</pubDate>"
        f"<description>{escape(text)}</description></item>"
        for guid, title, text in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Test wire</title><link>https://news.example/</link>{entries}</channel></rss>"
    ).encode()


ENGLISH = [
    (
        "en-1",
        "Marisol Quenby joins Larkmoor Analytics as CTO",
        (
            "Marisol Quenby has joined Larkmoor Analytics as chief technology officer, "
            "the company said on Monday."
        ),
    ),
    (
        "en-2",
        "Robotics conference opens",
        "Marisol Quenby spoke at the conference on Tuesday about warehouse robots.",
    ),
]
SIMPLIFIED = [
    ("zh-1", "韩青禾辞去云栖数据首席财务官职务", "云栖数据周三公告，首席财务官韩青禾已辞职。"),
]
# The same move as en-1, reported by another outlet under another guid.
SECOND_REPORT = [
    (
        "wire-7",
        "Larkmoor hires Marisol Quenby",
        "Marisol Quenby has joined Larkmoor Analytics as chief technology officer.",
    ),
]


def _config(
    tmp_path: Path, feeds: FeedServer, *, api_url: str | None, token: bool, every: str = "10m"
) -> Path:
    telegram = {"chats": [CHAT], "api_url": api_url}
    if token:
        telegram["token"] = "${TELEGRAM_BOT_TOKEN}"
    config = {
        "database": f"sqlite:///{tmp_path / 'rolecall.db'}",
        "timezone": "UTC",
        "telegram": telegram,
        "schedule": {"poll": "10m", "digest": "mon 09:00"},
        "sources": [
            {"url": feeds.url("/en.xml"), "every": every},
            {"url": feeds.url("/zh.xml"), "every": every},
        ],
        "people": [
            {
                "name": "Marisol Quenby",
                "aliases": ["Quenby"],
                "roles": [{"org": "Tallow Systems", "title": "CTO"}],
            },
            {
                "name": "韩青禾",
                "aliases": ["Han Qinghe"],
                "roles": [{"org": "云栖数据", "title": "首席财务官"}],
            },
        ],
    }
    path = tmp_path / "rolecall.yaml"
    path.write_text(json.dumps(config, ensure_ascii=False), encoding="utf-8")
    return path


@dataclass
class World:
    feeds: FeedServer
    telegram: FakeBotApi
    config: Path

    def alerts(self) -> list[SentMessage]:
        return [m for m in self.telegram.sent(CHAT) if m.buttons]

    def alerts_about(self, *words: str) -> list[SentMessage]:
        return [m for m in self.alerts() if all(_has(m.text, w) for w in words)]


def _has(text: str, word: str) -> bool:
    return to_simplified(word).casefold() in to_simplified(text).casefold()


@pytest.fixture
async def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[World]:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    published = datetime.now(UTC) - timedelta(hours=1)
    async with FeedServer() as feeds, FakeBotApi() as telegram:
        feeds.set_feed("/en.xml", _rss(ENGLISH, published=published))
        feeds.set_feed("/zh.xml", _rss(SIMPLIFIED, published=published))
        yield World(
            feeds, telegram, _config(tmp_path, feeds, api_url=telegram.base_url, token=True)
        )


async def _running_bot(world: World) -> tuple[asyncio.Task[None], asyncio.Event]:
    stop = asyncio.Event()
    task = asyncio.create_task(run_forever(load_settings(world.config), stop=stop))
    return task, stop


async def _stopped(task: asyncio.Task[None], stop: asyncio.Event) -> None:
    stop.set()
    await asyncio.wait_for(task, timeout=WAIT)


async def _reply_to(world: World, chat: int, text: str) -> SentMessage:
    before = len(world.telegram.sent(chat))
    world.telegram.user_sends(chat, text)
    await world.telegram.wait_for(lambda: len(world.telegram.sent(chat)) > before, timeout=WAIT)
    return world.telegram.sent(chat)[before]


async def _until(predicate: Callable[[], object], world: World) -> None:
    await world.telegram.wait_for(predicate, timeout=WAIT)


async def test_user_gets_each_move_once_and_answers_it(world: World) -> None:
    task, stop = await _running_bot(world)
    try:
        await _until(
            lambda: world.alerts_about("Larkmoor") and world.alerts_about("云栖数据"), world
        )
        joined = world.alerts_about("Marisol Quenby", "Larkmoor Analytics")
        left = world.alerts_about("韩青禾", "云栖数据")
        assert len(joined) == 1
        assert len(left) == 1
        assert "https://news.example/en-1" in joined[0].text
        assert [text for text, _ in joined[0].buttons] == ["Confirm", "Dismiss", "Mute 7 days"]
        assert not world.alerts_about("warehouse robots")

        listing = await _reply_to(world, CHAT, "/list")
        assert "Marisol Quenby" in listing.text
        assert "韩青禾" in listing.text

        confirm = next(data for text, data in joined[0].buttons if text == "Confirm")
        world.telegram.user_presses(CHAT, joined[0].message_id, confirm)
        await _until(lambda: world.telegram.edits(CHAT), world)
        assert "Confirmed" in world.telegram.edits(CHAT)[-1].text
        who = await _reply_to(world, CHAT, "/who Marisol Quenby")
        assert "Larkmoor Analytics" in who.text

        refusal = await _reply_to(world, STRANGER, "/recent")
        assert "Larkmoor" not in refusal.text
        assert all(not m.buttons for m in world.telegram.sent(STRANGER))
        assert world.telegram.calls("setMyCommands")
    finally:
        await _stopped(task, stop)


async def test_restart_and_a_second_outlet_send_nothing_twice(world: World, tmp_path: Path) -> None:
    world.config = _config(
        tmp_path, world.feeds, api_url=world.telegram.base_url, token=True, every="2s"
    )
    task, stop = await _running_bot(world)
    try:
        await _until(lambda: world.alerts_about("Larkmoor"), world)
    finally:
        await _stopped(task, stop)
    first = len(world.alerts())

    world.feeds.set_feed("/en.xml", _rss(ENGLISH + SECOND_REPORT, published=datetime.now(UTC)))
    hits = world.feeds.hits("/en.xml")
    task, stop = await _running_bot(world)
    try:
        await _until(lambda: world.feeds.hits("/en.xml") > hits, world)
        await asyncio.sleep(3)  # one more delivery round, which must find nothing to send
    finally:
        await _stopped(task, stop)

    assert len(world.alerts()) == first
    assert len(world.alerts_about("Larkmoor")) == 1


async def _rolecall(*args: str, env: dict[str, str]) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=env,
    )  # fmt: skip
    out, err = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_run_once_twice_delivers_each_alert_once(world: World) -> None:
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN}
    for _ in range(2):
        status, _, err = await _rolecall("run", "--once", "--config", str(world.config), env=env)
        assert status == 0, err
        assert TOKEN not in err

    assert len(world.alerts_about("Larkmoor")) == 1
    assert len(world.alerts_about("云栖数据")) == 1
    texts = [m.text for m in world.alerts()]
    assert len(texts) == len(set(texts))


async def test_without_token_alerts_print_as_json_lines(world: World, tmp_path: Path) -> None:
    config = _config(tmp_path, world.feeds, api_url=None, token=False)
    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}

    status, out, err = await _rolecall("run", "--once", "--json", "--config", str(config), env=env)

    assert status == 0, err
    alerts = [json.loads(line) for line in out.splitlines() if line.strip()]
    assert {"person", "kind", "org", "title", "evidence", "urls"} <= set(alerts[0])
    joined = [a for a in alerts if a["org"] == "Larkmoor Analytics"]
    assert [(a["person"], a["kind"]) for a in joined] == [("Marisol Quenby", "joined")]
    assert joined[0]["urls"] == ["https://news.example/en-1"]
    assert world.telegram.sent() == []
