"""The bot as a user meets it: the real Application polling the fake Bot API, a real store."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.errors import SORRY
from bot.handlers import BUTTON_REFUSAL, COMMANDS, REFUSAL, SERVICES, BotServices
from bot.telegram import (
    RoleCallApplication,
    TelegramSender,
    build_application,
    start_polling,
    stop_polling,
)
from store import outbox, people, roles, sources
from tests.fakes.botapi import FakeBotApi, SentMessage
from watchers.models import ChangeStatus, KnownRole, MoveKind, Person, RoleChange, StoredChange

TOKEN = "123456:TEST-TOKEN"
MEMBER = 7_770_001
GROUP = -1_007_770_002
STRANGER = 8_880_002
FEED = "https://news.example.com/feed.xml"
BROKEN_FEED = "https://broken.example.org/rss"
STORY = "https://news.example.com/2025/01/ada-vint-joins-kelp-works"

Sessions = async_sessionmaker[AsyncSession]


@pytest.fixture
async def server() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as fake:
        yield fake


@pytest.fixture
async def seeded(sqlite_sessions: Sessions, now: datetime) -> StoredChange:
    """Two watched people, two sources (one failing) and one pending change."""
    watched = [
        Person(id=0, name="Ada Vint", aliases=("A. Vint",), roles=(KnownRole(org="Acorn", title="CEO"),)),
        Person(id=0, name="钱晓帆", roles=(KnownRole(org="星河科技", title="首席技术官"),)),
    ]  # fmt: skip
    async with sqlite_sessions.begin() as session:
        ada, _ = await people.sync_people(session, watched, now=now)
        feeds = await sources.sync_sources(
            session, [(FEED, timedelta(minutes=15)), (BROKEN_FEED, timedelta(hours=1))], now=now
        )
        await sources.record_failure(
            session, feeds[1].id, error="HTTP 503 Service Unavailable", now=now,
            next_check_at=now + timedelta(minutes=5),
        )  # fmt: skip
        [stored] = await roles.apply_changes(session, [joined(ada, "Kelp Works", "CTO")], now=now)
    return stored


def joined(person: Person, org: str, title: str) -> RoleChange:
    return RoleChange(
        person_id=person.id,
        person_name=person.name,
        kind=MoveKind.joined,
        org=org,
        title=title,
        before=None,
        evidence=f"{org} hired {person.name} as its {title}.",
        confidence=0.9,
        is_rumour=False,
        urls=(STORY,),
        dedupe_key=f"{person.id}:{org}:{title}",
    )


@pytest.fixture
async def app(
    server: FakeBotApi, sqlite_sessions: Sessions, seeded: StoredChange, now: datetime
) -> AsyncIterator[RoleCallApplication]:
    services = BotServices(
        sessions=sqlite_sessions,
        allowed_chats=lambda: frozenset({MEMBER, GROUP}),
        timezone=lambda: ZoneInfo("Asia/Shanghai"),
        clock=lambda: now + timedelta(hours=1),
    )
    application = build_application(TOKEN, base_url=server.base_url, services=services)
    await start_polling(application, timeout=1)
    try:
        yield application
    finally:
        await stop_polling(application)


async def reply_to(server: FakeBotApi, chat_id: int, text: str) -> SentMessage:
    before = len(server.sent(chat_id))
    server.user_sends(chat_id, text)
    await server.wait_for(lambda: len(server.sent(chat_id)) > before)
    return server.sent(chat_id)[before]


async def alert(
    app: RoleCallApplication, server: FakeBotApi, chat_id: int, stored: StoredChange
) -> int:
    """Delivers the change to the chat the way the dispatcher does; returns its message id."""
    await TelegramSender(app.bot).send(chat_id, "alert", plain="alert", change_id=stored.change_id)
    return server.sent(chat_id)[-1].message_id


async def status_of(sessions: Sessions, change_id: int) -> ChangeStatus | None:
    async with sessions.begin() as session:
        stored = await roles.get_change(session, change_id)
    return stored.status if stored else None


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        pytest.param("/start", ["/who — Roles and recent changes", "/digest — "], id="start"),
        pytest.param("/help", ["/list — Watched people"], id="help"),
        pytest.param(
            "/list",
            ["<b>Watched people (2)</b>", "<b>Ada Vint</b> — CEO at Acorn", "<b>钱晓帆</b> — 首席技术官 at 星河科技"],
            id="list",
        ),
        pytest.param(
            "/who a. vint",
            [
                "<b>Ada Vint</b>\nAlso known as: A. Vint",
                "• CEO at Acorn",
                f'2025-01-06 joined Kelp Works as CTO — Pending (<a href="{STORY}">news.example.com</a>)',
            ],
            id="who-alias",
        ),
        pytest.param("/who 錢曉帆", ["<b>钱晓帆</b>", "No recent changes."], id="who-traditional"),
        pytest.param("/who", ["Usage: /who &lt;name&gt;"], id="who-without-name"),
        pytest.param(
            "/who Zed <Unknown>", ["No watched person matches “Zed &lt;Unknown&gt;”."], id="who-nobody"
        ),
        pytest.param(
            "/recent",
            ["Changes in the last 7 days (1)", "<b>Ada Vint</b> joined Kelp Works as CTO — Pending"],
            id="recent",
        ),
        pytest.param(
            "/sources",
            [
                "Sources (2, 1 failing)",
                "✅ news.example.com/feed.xml — never checked",
                "❌ broken.example.org/rss — checked 1 h ago, 1 errors: HTTP 503 Service Unavailable",
            ],
            id="sources",
        ),
        pytest.param(
            "/digest",
            ["<b>Week 2025-W02", "<b>Ada Vint</b>\n• joined Kelp Works as CTO — Pending", "Failing sources"],
            id="digest",
        ),
    ],
)  # fmt: skip
async def test_command_replies(
    app: RoleCallApplication, server: FakeBotApi, command: str, expected: list[str]
) -> None:
    reply = await reply_to(server, MEMBER, command)

    assert reply.parse_mode == "HTML"
    for fragment in expected:
        assert fragment in reply.text


async def test_commands_work_in_an_allowed_group(
    app: RoleCallApplication, server: FakeBotApi
) -> None:
    reply = await reply_to(server, GROUP, "/recent")

    assert "Ada Vint" in reply.text


@pytest.mark.parametrize(
    "command", ["/list", "/who Ada", "/recent", "/digest", "/sources", "/start"]
)
async def test_stranger_is_refused(
    app: RoleCallApplication, server: FakeBotApi, command: str
) -> None:
    reply = await reply_to(server, STRANGER, command)

    assert reply.text == REFUSAL
    assert "Ada" not in reply.text


async def test_command_menu_is_set_at_start(app: RoleCallApplication, server: FakeBotApi) -> None:
    [call] = server.calls("setMyCommands")

    assert [(c["command"], c["description"]) for c in call["commands"]] == list(COMMANDS)


@pytest.mark.parametrize(
    ("action", "status", "answer"),
    [
        pytest.param("confirm", ChangeStatus.confirmed, "Confirmed", id="confirm"),
        pytest.param("dismiss", ChangeStatus.dismissed, "Dismissed", id="dismiss"),
    ],
)
async def test_status_button_records_and_shows_status(
    app: RoleCallApplication,
    server: FakeBotApi,
    sqlite_sessions: Sessions,
    seeded: StoredChange,
    action: str,
    status: ChangeStatus,
    answer: str,
) -> None:
    message_id = await alert(app, server, MEMBER, seeded)

    query_id = server.user_presses(MEMBER, message_id, f"{action}:{seeded.change_id}")
    await server.wait_for(lambda: server.edits(MEMBER) and server.answers)

    [edit] = server.edits(MEMBER)
    assert (edit.message_id, edit.reply_markup) == (message_id, None)
    assert edit.text is not None
    assert edit.text.startswith("<b>Ada Vint</b> joined Kelp Works as CTO")
    assert f"Status: {answer}" in edit.text
    assert [(a.callback_query_id, a.text) for a in server.answers] == [(query_id, answer)]
    assert await status_of(sqlite_sessions, seeded.change_id) is status


async def test_confirm_updates_the_known_roles(
    app: RoleCallApplication, server: FakeBotApi, sqlite_sessions: Sessions, seeded: StoredChange
) -> None:
    message_id = await alert(app, server, MEMBER, seeded)
    server.user_presses(MEMBER, message_id, f"confirm:{seeded.change_id}")
    await server.wait_for(lambda: server.answers)

    reply = await reply_to(server, MEMBER, "/list")

    assert "CTO at Kelp Works" in reply.text


async def mutes_next_change(sessions: Sessions, seeded: StoredChange, now: datetime) -> bool:
    """Whether a new change about the same person would skip MEMBER's chat."""
    person = Person(id=seeded.change.person_id, name=seeded.change.person_name)
    async with sessions.begin() as session:
        later = await roles.apply_changes(session, [joined(person, "Fernbank", "CFO")], now=now)
        queued = await outbox.enqueue_for_subscribers(session, later, chats=[MEMBER], now=now)
    return queued == 0


async def test_mute_button_silences_the_person_for_a_week(
    app: RoleCallApplication,
    server: FakeBotApi,
    sqlite_sessions: Sessions,
    seeded: StoredChange,
    now: datetime,
) -> None:
    message_id = await alert(app, server, MEMBER, seeded)

    server.user_presses(MEMBER, message_id, f"mute:{seeded.change_id}")
    await server.wait_for(lambda: server.answers)

    assert server.answers[0].text == "Muted Ada Vint for 7 days."
    assert await mutes_next_change(sqlite_sessions, seeded, now + timedelta(days=6))
    assert await status_of(sqlite_sessions, seeded.change_id) is ChangeStatus.pending


async def test_mute_ends_after_seven_days(
    app: RoleCallApplication,
    server: FakeBotApi,
    sqlite_sessions: Sessions,
    seeded: StoredChange,
    now: datetime,
) -> None:
    message_id = await alert(app, server, MEMBER, seeded)
    server.user_presses(MEMBER, message_id, f"mute:{seeded.change_id}")
    await server.wait_for(lambda: server.answers)

    assert not await mutes_next_change(sqlite_sessions, seeded, now + timedelta(days=8))


@pytest.mark.parametrize("action", ["confirm", "dismiss", "mute"])
async def test_stranger_button_press_changes_nothing(
    app: RoleCallApplication,
    server: FakeBotApi,
    sqlite_sessions: Sessions,
    seeded: StoredChange,
    now: datetime,
    action: str,
) -> None:
    server.user_presses(STRANGER, 99, f"{action}:{seeded.change_id}")
    await server.wait_for(lambda: server.answers)

    assert [a.text for a in server.answers] == [BUTTON_REFUSAL]
    assert server.edits() == []
    assert server.sent() == []
    assert await status_of(sqlite_sessions, seeded.change_id) is ChangeStatus.pending
    assert not await mutes_next_change(sqlite_sessions, seeded, now)


@pytest.mark.parametrize("action", ["confirm", "mute"])
async def test_button_for_a_missing_change(
    app: RoleCallApplication, server: FakeBotApi, action: str
) -> None:
    server.user_presses(MEMBER, 5, f"{action}:424242")
    await server.wait_for(lambda: server.answers)

    assert [a.text for a in server.answers] == ["This change no longer exists."]
    assert server.edits() == []


async def test_handler_error_is_logged_and_the_chat_told(
    app: RoleCallApplication, server: FakeBotApi, caplog: pytest.LogCaptureFixture
) -> None:
    services = app.bot_data[SERVICES]
    app.bot_data[SERVICES] = replace(services, sessions=None)  # every store call now fails

    reply = await reply_to(server, MEMBER, "/list")

    assert reply.text == SORRY
    [record] = [r for r in caplog.records if r.name == "bot.errors"]
    assert record.exc_info is not None
    assert isinstance(record.exc_info[1], AttributeError)
