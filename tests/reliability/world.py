"""What the reliability tests share: invented people, feeds about them, configs, waits.

Every server these tests talk to runs on 127.0.0.1 and is started by the test itself.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from aiohttp import web

from tests.fakes.botapi import FakeBotApi

TOKEN = "424242:REL-iab_secret-TOKEN"
CHAT = 5151
OTHER_CHAT = 5252
ORIGINS = ("Threlkeld Looms", "Garrowby Freight", "Ollerton Mills", "Saxby Instruments")
DESTINATIONS = ("Quarrystone Labs", "Halloway Dynamics", "Brackenfold Bank", "Ivelet Robotics")
_FIRST = ("Thessaly", "Corvin", "Idony", "Lucan", "Merewyn", "Osgar", "Petronel", "Rowena")
_LAST = ("Gorringe", "Wetherall", "Ashdown", "Fenwright", "Kilbride", "Moxham", "Pennock")


@dataclass(frozen=True, slots=True, kw_only=True)
class Mover:
    """An invented person, the role we know of, and the move a feed will report."""

    name: str
    origin: str
    destination: str

    def config(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "roles": [{"org": self.origin, "title": "Chief Operating Officer"}],
        }

    def story(self) -> tuple[str, str]:
        title = f"{self.name} joins {self.destination}"
        text = (
            f"{self.name} has joined {self.destination} as chief technology officer, "
            "the company said on Monday."
        )
        return title, text


def movers(count: int) -> list[Mover]:
    """``count`` people with distinct names, each with one move to report."""
    result = []
    for index in range(count):
        first = _FIRST[index % len(_FIRST)]
        last = _LAST[(index // len(_FIRST)) % len(_LAST)]
        suffix = "" if index < len(_FIRST) * len(_LAST) else f" {_roman(index)}"
        result.append(
            Mover(
                name=f"{first} {last}{suffix}",
                origin=ORIGINS[index % len(ORIGINS)],
                destination=DESTINATIONS[index % len(DESTINATIONS)],
            )
        )
    return result


def _roman(index: int) -> str:
    return "I" * (index // (len(_FIRST) * len(_LAST)))


def rss(items: Sequence[tuple[str, str, str]], *, published: datetime) -> bytes:
    """An RSS 2.0 feed of (guid, title, description) items, all published at one moment."""
    entries = "".join(
        f"<item><guid>{escape(guid)}</guid><title>{escape(title)}</title>"
        f"<link>https://wire.example/{escape(guid)}</link>"
        f"<pubDate>{format_datetime(published)}</pubDate>"
        f"<description>{escape(text)}</description></item>"
        for guid, title, text in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Wire</title><link>https://wire.example/</link>{entries}</channel></rss>"
    ).encode()


def story_feed(mover: Mover, *, guid: str, published: datetime) -> bytes:
    return rss([(guid, *mover.story())], published=published)


def write_config(path: Path, **config: Any) -> Path:
    """A config file (JSON is YAML) with the given top-level keys."""
    path.write_text(json.dumps(config, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def telegram_config(api: FakeBotApi, *chats: int) -> dict[str, Any]:
    return {"token": "${TELEGRAM_BOT_TOKEN}", "chats": list(chats), "api_url": api.base_url}


def rolecall_env(**extra: str) -> dict[str, str]:
    """The environment of a ``rolecall`` child process: this one, with the token."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ROLECALL_", "TELEGRAM_"))}
    return {**env, "TELEGRAM_BOT_TOKEN": TOKEN, "PYTHONUNBUFFERED": "1", **extra}


def rolecall_argv(*args: str) -> list[str]:
    return [sys.executable, "-m", "bot", *args]


async def until(predicate: Callable[[], object], *, timeout: float = 60.0) -> None:
    """Waits until ``predicate()`` is true; fails the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        await asyncio.sleep(0.02)


class SlowBotApi(FakeBotApi):
    """The fake Bot API, with ``sendMessage`` taking ``send_delay`` seconds to arrive.

    A request whose client is gone by then never reaches the fake Telegram, as a request
    still on the network when its sender dies.
    """

    send_delay = 0.0
    sending = 0  # sendMessage calls under way

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["method"] != "sendMessage":
            return await super()._handle(request)
        self.sending += 1
        try:
            await asyncio.sleep(self.send_delay)
            if request.transport is None or request.transport.is_closing():
                raise asyncio.CancelledError
            return await super()._handle(request)
        finally:
            self.sending -= 1
