"""Telegram faults end to end: outbox, dispatcher, ``TelegramSender`` and python-telegram-bot
over real HTTP to the fake Bot API, which fails on cue.

Each test counts what the fake Telegram finally accepted: every alert exactly once, in the
right chat, even after throttling, server errors, dropped connections, a blocked bot, a
migrated group and refused markup. The dispatcher's clock is controlled; the HTTP is real.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Bot

from bot.dispatch import dispatch_due
from bot.handlers import BotServices
from bot.render import render_change_plain
from bot.telegram import TelegramSender, build_application, start_polling, stop_polling
from store import outbox
from tests.fakes.botapi import FakeBotApi, SentMessage
from tests.reliability.world import CHAT, OTHER_CHAT, TOKEN, movers
from tests.store.factories import change, person, store_change, watch
from watchers.models import StoredChange

START = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)
SUPERGROUP = -1001234567


@dataclass
class Line:
    """The alert line under test: the store, the fake Telegram and a sender wired to it."""

    sessions: async_sessionmaker[AsyncSession]
    api: FakeBotApi
    sender: TelegramSender
    now: datetime = START

    async def queue(self, count: int, *chats: int) -> list[StoredChange]:
        """``count`` new changes, each queued for each of ``chats``."""
        who = await watch(self.sessions, *(person(m.name) for m in movers(count)), now=START)
        stored = [
            await store_change(self.sessions, change(p, org=f"Org {i}"), now=START)
            for i, p in enumerate(who)
        ]
        async with self.sessions.begin() as session:
            await outbox.enqueue_for_subscribers(session, stored, chats=chats, now=START)
        return stored

    async def deliver_at(self, offset: timedelta) -> int:
        """One dispatcher round at ``START + offset``; returns how many it sent."""
        self.now = START + offset
        return (await dispatch_due(self.sessions, self.sender, now=self.now)).sent

    async def deliver_all(self, *, within: timedelta = timedelta(minutes=30)) -> None:
        """Rounds one simulated second apart until nothing is pending."""
        offset = self.now - START
        while await self.counts() != {**await self.counts(), "pending": 0}:
            offset += SECOND
            assert offset <= within, "messages still pending"
            await self.deliver_at(offset)

    async def counts(self) -> dict[str, int]:
        async with self.sessions.begin() as session:
            return await outbox.outbox_counts(session)


@pytest.fixture
async def line(sqlite_sessions: Any) -> AsyncIterator[Line]:
    async with FakeBotApi() as api, Bot(TOKEN, base_url=api.base_url) as bot:
        yield Line(sessions=sqlite_sessions, api=api, sender=TelegramSender(bot))


def _alerts_about(sent: list[SentMessage], stored: StoredChange) -> list[SentMessage]:
    return [m for m in sent if stored.change.person_name in m.text]


async def test_429_waits_retry_after_then_sends_once(line: Line) -> None:
    (stored,) = await line.queue(1, CHAT)
    line.api.fail_next(
        "sendMessage", status=429, description="Too Many Requests: retry after 30",
        parameters={"retry_after": 30},
    )  # fmt: skip

    assert await line.deliver_at(timedelta(0)) == 0
    assert await line.deliver_at(29 * SECOND) == 0
    assert await line.deliver_at(30 * SECOND) == 1

    assert len(line.api.calls("sendMessage")) == 2
    assert len(_alerts_about(line.api.sent(CHAT), stored)) == 1


@pytest.mark.parametrize("fault", ["500", "502", "dropped"])
async def test_server_errors_and_dropped_connections_back_off_then_send_once(
    line: Line, fault: str
) -> None:
    (stored,) = await line.queue(1, CHAT)
    if fault == "dropped":
        line.api.drop_next("sendMessage", times=3)
    else:
        line.api.fail_next("sendMessage", status=int(fault), description="Bad Gateway", times=3)

    await line.deliver_at(timedelta(0))
    await line.deliver_at(2 * SECOND)
    await line.deliver_at(6 * SECOND)
    assert await line.deliver_at(13 * SECOND) == 0  # the third wait is 8 s: not due yet
    assert await line.deliver_at(14 * SECOND) == 1

    assert len(line.api.calls("sendMessage")) == 4
    assert len(_alerts_about(line.api.sent(CHAT), stored)) == 1


async def test_blocked_bot_marks_the_message_dead_and_others_continue(line: Line) -> None:
    _, second = await line.queue(2, CHAT, OTHER_CHAT)
    line.api.fail_next(
        "sendMessage", status=403, description="Forbidden: bot was blocked by the user"
    )

    await line.deliver_all()

    assert await line.counts() == {"pending": 0, "sent": 3, "dead": 1}
    assert len(line.api.sent(CHAT)) == 1
    assert _alerts_about(line.api.sent(CHAT), second)
    assert len(line.api.sent(OTHER_CHAT)) == 2
    assert len(line.api.calls("sendMessage")) == 4


async def test_migrated_group_gets_its_messages_at_the_new_id(line: Line) -> None:
    stored = await line.queue(3, CHAT)
    # Telegram refuses every message to the old id, each with the new id.
    line.api.fail_next(
        "sendMessage", status=400, description="Bad Request: group chat was upgraded to a supergroup chat",
        parameters={"migrate_to_chat_id": SUPERGROUP}, times=3,
    )  # fmt: skip

    await line.deliver_all()

    assert line.api.sent(CHAT) == []
    moved = line.api.sent(SUPERGROUP)
    assert sorted(m.text for m in moved) == sorted(_alerts_about(moved, s)[0].text for s in stored)
    assert len(moved) == 3
    assert await line.counts() == {"pending": 0, "sent": 3, "dead": 0}


async def test_refused_markup_is_resent_as_plain_text_with_its_buttons(line: Line) -> None:
    (stored,) = await line.queue(1, CHAT)
    line.api.fail_next(
        "sendMessage", status=400,
        description="Bad Request: can't parse entities: Unsupported start tag \"x\" at byte offset 3",
    )  # fmt: skip

    await line.deliver_all()

    (sent,) = line.api.sent(CHAT)
    assert sent.parse_mode is None
    assert sent.text == render_change_plain(stored)
    assert [text for text, _ in sent.buttons] == ["Confirm", "Dismiss", "Mute 7 days"]
    assert await line.counts() == {"pending": 0, "sent": 1, "dead": 0}


async def test_a_storm_of_faults_loses_nothing_and_doubles_nothing(line: Line) -> None:
    stored = await line.queue(6, CHAT, OTHER_CHAT)
    for status, description, parameters in [
        (429, "Too Many Requests: retry after 5", {"retry_after": 5}),
        (500, "Internal Server Error", None),
        (400, "Bad Request: can't parse entities: bad", None),
        (503, "Service Unavailable", None),
        (429, "Too Many Requests: retry after 1", {"retry_after": 1}),
    ]:
        line.api.fail_next(
            "sendMessage", status=status, description=description, parameters=parameters
        )
        line.api.drop_next("sendMessage")

    await line.deliver_all()

    for chat in (CHAT, OTHER_CHAT):
        sent = line.api.sent(chat)
        assert len(sent) == len(stored)
        assert all(len(_alerts_about(sent, s)) == 1 for s in stored)
    assert await line.counts() == {"pending": 0, "sent": 12, "dead": 0}


async def test_a_failed_command_menu_does_not_stop_the_bot(sqlite_sessions: Any) -> None:
    services = BotServices(
        sessions=sqlite_sessions, allowed_chats=lambda: frozenset({CHAT}),
        timezone=lambda: UTC, clock=lambda: START,
    )  # fmt: skip
    async with FakeBotApi() as api:
        api.fail_next("setMyCommands", status=500, description="Internal Server Error")
        application = build_application(TOKEN, base_url=api.base_url, services=services)
        await start_polling(application, timeout=1.0)
        try:
            api.user_sends(CHAT, "/list")
            await api.wait_for(lambda: api.sent(CHAT), timeout=30)
        finally:
            await stop_polling(application)

    assert len(api.calls("setMyCommands")) == 1
    assert len(api.sent(CHAT)) == 1
