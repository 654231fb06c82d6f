"""Outbox dispatcher: claim due messages, render, send, release each with an outcome.

::

    DeliveryError
    ├── RetryLater     (after: timedelta | None) -- throttled or a passing fault
    ├── ChatGone       -- the bot was blocked or removed; this chat gets nothing more
    ├── ChatMoved      (new_chat_id: int) -- a group became a supergroup
    └── Undeliverable  -- Telegram refused this message for good
"""

from __future__ import annotations

from datetime import timedelta
from typing import Protocol


class DeliveryError(Exception):
    """Base of the errors a ``Sender`` may raise."""


class RetryLater(DeliveryError):
    def __init__(self, reason: str, *, after: timedelta | None = None) -> None:
        super().__init__(reason)
        self.after = after


class ChatGone(DeliveryError):
    pass


class ChatMoved(DeliveryError):
    def __init__(self, new_chat_id: int) -> None:
        super().__init__(f"chat moved to {new_chat_id}")
        self.new_chat_id = new_chat_id


class Undeliverable(DeliveryError):
    pass


class Sender(Protocol):
    """Sends one rendered message to one chat; raises only ``DeliveryError``s.

    ``plain`` is the same message without markup, sent when Telegram cannot parse the
    HTML. ``change_id`` asks for the Confirm / Dismiss / Mute buttons of that change.
    """

    async def send(
        self, chat_id: int, html: str, *, plain: str, change_id: int | None = None
    ) -> None: ...
