"""Commands and buttons: parse the arguments, call the store in one transaction, reply.

Services reach the handlers through ``RoleCallContext.services``, a typed property over
``application.bot_data[SERVICES]`` that ``register`` fills in once. Only chats that
``BotServices.allowed_chats()`` returns may use the bot: any other chat gets a short
refusal to a command, and a button pressed there is answered with a refusal and changes
nothing.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any, TypeAlias, cast

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import CallbackQuery, LinkPreviewOptions, Update
from telegram.ext import (
    Application,
    CallbackContext,
    CallbackQueryHandler,
    CommandHandler,
    ExtBot,
    JobQueue,
)

from bot.digest import build_digest, iso_week
from bot.render import (
    cut,
    render_change,
    render_digest,
    render_help,
    render_people,
    render_person,
    render_recent,
    render_sources,
)
from store import outbox, people, roles, sources
from watchers.models import ChangeStatus

SERVICES = "services"
RECENT_DAYS = 7
WHO_HISTORY = timedelta(days=365)
MUTE_FOR = timedelta(days=7)
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
REFUSAL = "Sorry, this bot only answers the chats on its list."
BUTTON_REFUSAL = "Not allowed in this chat."
BUTTON_PATTERN = r"^(confirm|dismiss|mute):\d+$"
COMMANDS = (
    ("list", "Watched people and their current roles"),
    ("who", "Roles and recent changes of one person: /who <name>"),
    ("recent", "Changes of the last 7 days"),
    ("digest", "This week's digest, now"),
    ("sources", "Health of each source"),
    ("help", "What this bot can do"),
)
_STATUSES = {"confirm": ChangeStatus.confirmed, "dismiss": ChangeStatus.dismissed}
_STATUS_WORDS = {ChangeStatus.confirmed: "Confirmed", ChangeStatus.dismissed: "Dismissed"}


@dataclass(frozen=True, slots=True, kw_only=True)
class BotServices:
    """What the handlers need; callables, because a config reload can change them."""

    sessions: async_sessionmaker[AsyncSession]
    allowed_chats: Callable[[], frozenset[int]]
    timezone: Callable[[], tzinfo]
    clock: Callable[[], datetime]  # aware UTC now


class RoleCallContext(
    CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]
):
    @property
    def services(self) -> BotServices:
        return cast(BotServices, self.bot_data[SERVICES])


RoleCallApplication: TypeAlias = Application[
    ExtBot[None],
    RoleCallContext,
    dict[Any, Any],
    dict[Any, Any],
    dict[Any, Any],
    JobQueue[RoleCallContext],
]
HandlerCallback: TypeAlias = Callable[[Update, RoleCallContext], Coroutine[Any, Any, None]]


def register(application: RoleCallApplication, services: BotServices) -> None:
    """Hands the services to every handler and adds the commands and buttons."""
    application.bot_data[SERVICES] = services
    commands: dict[str, HandlerCallback] = {
        "start": show_help,
        "help": show_help,
        "list": list_people,
        "who": who,
        "recent": recent,
        "digest": digest_now,
        "sources": list_sources,
    }
    for name, callback in commands.items():
        application.add_handler(CommandHandler(name, members_only(callback)))
    application.add_handler(CallbackQueryHandler(members_only(press_button), BUTTON_PATTERN))


def members_only(callback: HandlerCallback) -> HandlerCallback:
    """Runs ``callback`` only for the allowed chats; refuses everyone else."""

    @functools.wraps(callback)
    async def guarded(update: Update, context: RoleCallContext) -> None:
        chat = update.effective_chat
        if chat is not None and chat.id in context.services.allowed_chats():
            await callback(update, context)
        elif update.callback_query is not None:
            await update.callback_query.answer(BUTTON_REFUSAL)
        elif update.effective_message is not None:
            await update.effective_message.reply_text(REFUSAL)

    return guarded


# --- commands -----------------------------------------------------------------------------


async def show_help(update: Update, _context: RoleCallContext) -> None:
    await _reply(update, render_help(COMMANDS))


async def list_people(update: Update, context: RoleCallContext) -> None:
    async with context.services.sessions.begin() as session:
        watched = await people.list_people(session)
    await _reply(update, render_people(watched))


async def who(update: Update, context: RoleCallContext) -> None:
    query = " ".join(context.args or [])
    if not query.strip():
        await _reply(update, "Usage: /who &lt;name&gt;")
        return
    services = context.services
    since = services.clock() - WHO_HISTORY
    async with services.sessions.begin() as session:
        found = await people.find_people(session, query)
        person = found[0] if found else None
        changes = (
            await roles.recent_changes(session, since=since, person_id=person.id, limit=10)
            if person
            else []
        )
    if person is None:
        await _reply(update, f"No watched person matches “{html.escape(cut(query, 100))}”.")
        return
    await _reply(update, render_person(person, changes, tz=services.timezone()))


async def recent(update: Update, context: RoleCallContext) -> None:
    services = context.services
    since = services.clock() - timedelta(days=RECENT_DAYS)
    async with services.sessions.begin() as session:
        changes = await roles.recent_changes(session, since=since, limit=20)
    await _reply(update, render_recent(changes, days=RECENT_DAYS, tz=services.timezone()))


async def digest_now(update: Update, context: RoleCallContext) -> None:
    services = context.services
    tz = services.timezone()
    week = await build_digest(services.sessions, week=iso_week(services.clock(), tz), tz=tz)
    await _reply(update, render_digest(week))


async def list_sources(update: Update, context: RoleCallContext) -> None:
    services = context.services
    async with services.sessions.begin() as session:
        watched = await sources.list_sources(session)
    await _reply(update, render_sources(watched, services.clock()))


async def _reply(update: Update, html_text: str) -> None:
    if update.effective_message is not None:
        await update.effective_message.reply_html(html_text, link_preview_options=NO_PREVIEW)


# --- buttons ------------------------------------------------------------------------------


async def press_button(update: Update, context: RoleCallContext) -> None:
    """Confirm / Dismiss edit the alert to show its status; Mute silences the person."""
    query = update.callback_query
    assert query is not None  # the handler is a CallbackQueryHandler
    assert query.data is not None  # ... whose pattern matched the data
    action, _, change_id = query.data.partition(":")
    if action == "mute":
        await _mute(query, context.services, int(change_id))
    else:
        await _set_status(query, context.services, int(change_id), _STATUSES[action])


async def _set_status(
    query: CallbackQuery, services: BotServices, change_id: int, status: ChangeStatus
) -> None:
    async with services.sessions.begin() as session:
        stored = await roles.set_change_status(session, change_id, status, now=services.clock())
    if stored is None:
        await query.answer("This change no longer exists.")
        return
    await query.answer(_STATUS_WORDS[status])
    await query.edit_message_text(render_change(stored), link_preview_options=NO_PREVIEW)


async def _mute(query: CallbackQuery, services: BotServices, change_id: int) -> None:
    chat = query.message.chat if query.message is not None else None
    assert chat is not None  # members_only let the press through, so it has a chat
    async with services.sessions.begin() as session:
        stored = await roles.get_change(session, change_id)
        if stored is not None:
            until = services.clock() + MUTE_FOR
            person_id = stored.change.person_id
            await outbox.mute(session, chat_id=chat.id, person_id=person_id, until=until)
    if stored is None:
        await query.answer("This change no longer exists.")
        return
    await query.answer(f"Muted {cut(stored.change.person_name, 100)} for {MUTE_FOR.days} days.")
