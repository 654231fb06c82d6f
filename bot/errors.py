"""The one error handler: whatever a handler or a job raised is logged, with its traceback."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import CallbackContext

logger = logging.getLogger(__name__)

SORRY = "Something went wrong on our side; the error was logged."


async def on_error(update: object, context: CallbackContext) -> None:  # type: ignore[type-arg]
    """Logs the error first; then, when a chat was waiting for an answer, says so briefly."""
    chat_id = (
        update.effective_chat.id if isinstance(update, Update) and update.effective_chat else None
    )
    logger.error("unhandled error", exc_info=context.error, extra={"chat_id": chat_id})
    if isinstance(update, Update) and update.effective_message is not None:
        await update.effective_message.reply_text(SORRY)
