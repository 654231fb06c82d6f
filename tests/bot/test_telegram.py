"""TelegramSender against the fake Bot API over real HTTP: what arrives, and each failure."""

from __future__ import annotations

import io
import json
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from telegram import Bot

from bot.console import ConsoleSender
from bot.dispatch import ChatGone, ChatMoved, DeliveryError, RetryLater, Undeliverable
from bot.telegram import TelegramSender
from tests.fakes.botapi import FakeBotApi

TOKEN = "123456:TEST-TOKEN"
CHAT = 5550001
HTML = "<b>Ada Vint</b> joined Acorn &amp; Oak as CTO"
PLAIN = "Ada Vint joined Acorn & Oak as CTO"


@pytest.fixture
async def server() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as fake:
        yield fake


@pytest.fixture
async def sender(server: FakeBotApi) -> AsyncIterator[TelegramSender]:
    async with Bot(TOKEN, base_url=server.base_url) as bot:
        yield TelegramSender(bot)


async def test_send_delivers_html_with_buttons_and_no_preview(
    server: FakeBotApi, sender: TelegramSender
) -> None:
    await sender.send(CHAT, HTML, plain=PLAIN, change_id=42)

    [message] = server.sent(CHAT)
    assert (message.text, message.parse_mode) == (HTML, "HTML")
    assert message.link_preview_options == {"is_disabled": True}
    assert message.buttons == [
        ("Confirm", "confirm:42"),
        ("Dismiss", "dismiss:42"),
        ("Mute 7 days", "mute:42"),
    ]


async def test_send_without_change_has_no_buttons(
    server: FakeBotApi, sender: TelegramSender
) -> None:
    await sender.send(CHAT, HTML, plain=PLAIN)

    [message] = server.sent(CHAT)
    assert message.reply_markup is None


@pytest.mark.parametrize(
    ("status", "description", "parameters", "expected", "after"),
    [
        pytest.param(
            429, "Too Many Requests: retry after 3", {"retry_after": 3}, RetryLater,
            timedelta(seconds=3), id="429-retry-after",
        ),
        pytest.param(500, "Internal Server Error", None, RetryLater, None, id="500"),
        pytest.param(502, "Bad Gateway", None, RetryLater, None, id="502"),
        pytest.param(
            403, "Forbidden: bot was blocked by the user", None, ChatGone, None, id="403-blocked"
        ),
        pytest.param(
            400, "Bad Request: chat not found", None, Undeliverable, None, id="400-other"
        ),
        pytest.param(401, "Unauthorized", None, RetryLater, None, id="401-bad-token"),
    ],
)  # fmt: skip
async def test_send_maps_bot_api_errors(
    server: FakeBotApi,
    sender: TelegramSender,
    status: int,
    description: str,
    parameters: dict[str, Any] | None,
    expected: type[DeliveryError],
    after: timedelta | None,
) -> None:
    server.fail_next("sendMessage", status=status, description=description, parameters=parameters)

    with pytest.raises(expected) as caught:
        await sender.send(CHAT, HTML, plain=PLAIN, change_id=1)

    assert type(caught.value) is expected
    assert getattr(caught.value, "after", None) == after
    assert server.sent() == []


async def test_migrated_group_becomes_chat_moved(
    server: FakeBotApi, sender: TelegramSender
) -> None:
    server.fail_next(
        "sendMessage",
        status=400,
        description="Bad Request: group chat was upgraded to a supergroup chat",
        parameters={"migrate_to_chat_id": -1009876543210},
    )

    with pytest.raises(ChatMoved) as caught:
        await sender.send(-4001, HTML, plain=PLAIN)

    assert caught.value.new_chat_id == -1009876543210


async def test_dropped_connection_is_retried_later(
    server: FakeBotApi, sender: TelegramSender
) -> None:
    server.drop_next("sendMessage")

    with pytest.raises(RetryLater) as caught:
        await sender.send(CHAT, HTML, plain=PLAIN)

    assert caught.value.after is None
    assert server.sent() == []


async def test_unparsable_html_is_resent_as_plain_text(
    server: FakeBotApi, sender: TelegramSender
) -> None:
    server.fail_next(
        "sendMessage",
        status=400,
        description="Bad Request: can't parse entities: Unexpected end tag at byte offset 12",
    )

    await sender.send(CHAT, HTML, plain=PLAIN, change_id=9)

    [message] = server.sent(CHAT)
    assert (message.text, message.parse_mode) == (PLAIN, None)
    assert ("Confirm", "confirm:9") in message.buttons
    assert [call["text"] for call in server.calls("sendMessage")] == [HTML, PLAIN]


@pytest.mark.parametrize(
    ("status", "description", "parameters", "expected"),
    [
        pytest.param(400, "Bad Request: message is too long", None, Undeliverable, id="400"),
        pytest.param(429, "Too Many Requests", {"retry_after": 2}, RetryLater, id="429"),
        pytest.param(403, "Forbidden: bot was kicked", None, ChatGone, id="403"),
    ],
)
async def test_plain_resend_failure_is_a_delivery_error(
    server: FakeBotApi,
    sender: TelegramSender,
    status: int,
    description: str,
    parameters: dict[str, Any] | None,
    expected: type[DeliveryError],
) -> None:
    server.fail_next("sendMessage", status=400, description="Bad Request: can't parse entities")
    server.fail_next("sendMessage", status=status, description=description, parameters=parameters)

    with pytest.raises(expected):
        await sender.send(CHAT, HTML, plain=PLAIN)

    assert server.sent() == []


async def test_console_sender_prints_the_plain_text() -> None:
    out = io.StringIO()
    console = ConsoleSender(out=out)

    await console.send(CHAT, HTML, plain=PLAIN, change_id=3)
    await console.send(CHAT, "<b>2</b>", plain="second\n")

    assert out.getvalue() == f"{PLAIN}\n\nsecond\n\n"


async def test_console_sender_prints_json_lines_as_given() -> None:
    out = io.StringIO()
    console = ConsoleSender(out=out)
    lines = [json.dumps({"person": name}) for name in ("Ada Vint", "钱晓帆")]

    for line in lines:
        await console.send(CHAT, HTML, plain=line)

    assert [json.loads(line)["person"] for line in out.getvalue().splitlines()] == [
        "Ada Vint",
        "钱晓帆",
    ]
