"""Telegram edge: the sender the dispatcher uses, and the Application that answers commands.

``TelegramSender`` is the only code that calls ``send_message`` for alerts, and it turns
every python-telegram-bot error into one of the dispatcher's ``DeliveryError``s:

============================================  ==========================================
Telegram said                                 the dispatcher gets
============================================  ==========================================
``RetryAfter`` (429)                          ``RetryLater(after=retry_after)``
``TimedOut`` / ``NetworkError`` (5xx, reset)  ``RetryLater(after=None)``: back off
``Forbidden`` (403)                           ``ChatGone``
``ChatMigrated``                              ``ChatMoved(new_chat_id)``
``BadRequest`` "can't parse entities"         the plain text is sent instead
other ``BadRequest``                          ``Undeliverable``
any other ``TelegramError`` (bad token...)    ``RetryLater``: kept until it is fixed
============================================  ==========================================
"""

from __future__ import annotations

import logging
import warnings
from datetime import timedelta
from typing import cast

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.ext import AIORateLimiter, Application, ContextTypes, Defaults
from telegram.warnings import PTBDeprecationWarning

from bot.dispatch import ChatGone, ChatMoved, DeliveryError, RetryLater, Undeliverable
from bot.errors import on_error
from bot.handlers import COMMANDS, BotServices, RoleCallApplication, RoleCallContext, register

logger = logging.getLogger(__name__)

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
MUTE_LABEL = "Mute 7 days"


class TelegramSender:
    """Sends alerts through a ``telegram.Bot``; raises only ``DeliveryError``s."""

    def __init__(self, bot: Bot) -> None:
        self._bot = bot

    async def send(
        self, chat_id: int, html: str, *, plain: str, change_id: int | None = None
    ) -> None:
        markup = change_buttons(change_id) if change_id is not None else None
        try:
            await self._bot.send_message(
                chat_id,
                html,
                parse_mode=ParseMode.HTML,
                link_preview_options=NO_PREVIEW,
                reply_markup=markup,
            )
        except BadRequest as exc:
            if not _is_markup_error(exc):
                raise Undeliverable(exc.message) from exc
            logger.warning("markup refused, sending plain text", extra={"chat_id": chat_id})
            await self._send_plain(chat_id, plain, markup)
        except TelegramError as exc:
            raise delivery_error(exc) from exc

    async def _send_plain(
        self, chat_id: int, plain: str, markup: InlineKeyboardMarkup | None
    ) -> None:
        try:
            await self._bot.send_message(
                chat_id,
                plain,
                parse_mode=None,
                link_preview_options=NO_PREVIEW,
                reply_markup=markup,
            )
        except TelegramError as exc:
            raise delivery_error(exc) from exc


def change_buttons(change_id: int) -> InlineKeyboardMarkup:
    """Confirm / Dismiss / Mute 7 days, with callback data ``action:change_id``."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("Confirm", callback_data=f"confirm:{change_id}"),
                InlineKeyboardButton("Dismiss", callback_data=f"dismiss:{change_id}"),
                InlineKeyboardButton(MUTE_LABEL, callback_data=f"mute:{change_id}"),
            ]
        ]
    )


def delivery_error(exc: TelegramError) -> DeliveryError:
    """The dispatcher's name for a Telegram error (see the table above)."""
    if isinstance(exc, RetryAfter):
        return RetryLater(exc.message, after=_retry_after(exc))
    if isinstance(exc, ChatMigrated):
        return ChatMoved(exc.new_chat_id)
    if isinstance(exc, Forbidden):
        return ChatGone(exc.message)
    if isinstance(exc, BadRequest):
        return Undeliverable(exc.message)
    if isinstance(exc, NetworkError):
        return RetryLater(exc.message)
    return RetryLater(f"{type(exc).__name__}: {exc.message}")


def _retry_after(exc: RetryAfter) -> timedelta:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value if isinstance(value, timedelta) else timedelta(seconds=value)


def _is_markup_error(exc: BadRequest) -> bool:
    return "can't parse entities" in exc.message.lower()


def build_application(
    token: str, *, base_url: str | None, services: BotServices
) -> RoleCallApplication:
    """The bot Application: rate limited, HTML by default, handlers and one error handler.

    ``base_url`` is python-telegram-bot's form, e.g. ``http://127.0.0.1:8081/bot``; the
    file URL is derived from it (``.../file/bot``).
    """
    builder = (
        Application.builder()
        .token(token)
        .context_types(ContextTypes(context=RoleCallContext))
        .rate_limiter(AIORateLimiter())
        .defaults(Defaults(parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW))
        .post_init(_set_commands)
    )
    if base_url:
        builder = builder.base_url(base_url).base_file_url(_file_url(base_url))
    application = cast(RoleCallApplication, builder.build())
    register(application, services)
    application.add_error_handler(on_error)
    return application


async def start_polling(
    application: RoleCallApplication, *, poll_interval: float = 0.0, timeout: float = 10.0
) -> None:
    """Initialises the bot, runs its ``post_init`` (the command menu) and starts polling.

    ``Application.initialize`` alone never runs ``post_init``; ``run_polling`` would, but
    it owns the event loop, so a process that runs other jobs starts the bot with this.
    """
    await application.initialize()
    if application.post_init is not None:
        await application.post_init(application)
    await application.start()
    assert application.updater is not None  # the builder always makes one
    await application.updater.start_polling(
        poll_interval=poll_interval, timeout=timedelta(seconds=timeout)
    )


async def stop_polling(application: RoleCallApplication) -> None:
    """Stops what ``start_polling`` started, in reverse order."""
    if application.updater is not None and application.updater.running:
        await application.updater.stop()
    if application.running:
        await application.stop()
    await application.shutdown()


async def _set_commands(application: Application) -> None:  # type: ignore[type-arg]
    """Publishes the command menu; a failure only leaves the menu as it was."""
    try:
        await application.bot.set_my_commands(list(COMMANDS))
    except TelegramError as exc:
        logger.warning("command menu not set: %s", exc)


def _file_url(base_url: str) -> str:
    head, bot, tail = base_url.rpartition("/bot")
    return f"{head}/file/bot{tail}" if bot else base_url.rstrip("/") + "/file/bot"
