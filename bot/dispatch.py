"""Outbox dispatcher: claim due messages, render, send, release each with an outcome.

::

    DeliveryError
    ├── RetryLater     (after: timedelta | None) -- throttled or a passing fault
    ├── ChatGone       -- the bot was blocked or removed; this chat gets nothing more
    ├── ChatMoved      (new_chat_id: int) -- a group became a supergroup
    └── Undeliverable  -- Telegram refused this message for good
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.render import html_to_plain, render_change, render_change_plain
from store import outbox
from watchers.models import DeliveryOutcome, OutboxMessage

logger = logging.getLogger(__name__)


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


Render = Callable[[OutboxMessage], tuple[str, str]]

DEFAULT_LEASE = timedelta(minutes=2)
DEFAULT_BATCH = 20
MAX_ATTEMPTS = 10
MAX_BACKOFF = timedelta(minutes=10)


@dataclass(frozen=True, slots=True, kw_only=True)
class Delivery:
    """What one attempt came to, before it is recorded."""

    outcome: DeliveryOutcome
    retry_after: timedelta | None = None
    error: str | None = None
    moved_to: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class DispatchReport:
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    dead: int = 0


def render_message(message: OutboxMessage) -> tuple[str, str]:
    """The HTML of a message and the plain text sent when Telegram rejects the HTML."""
    if message.change is not None:
        return render_change(message.change), render_change_plain(message.change)
    html = message.html or ""
    return html, html_to_plain(html)


async def dispatch_due(
    sessions: async_sessionmaker[AsyncSession],
    sender: Sender,
    *,
    now: datetime,
    render: Render = render_message,
    limit: int = DEFAULT_BATCH,
    lease: timedelta = DEFAULT_LEASE,
) -> DispatchReport:
    """Claims due outbox messages, sends each, and records each outcome as it comes."""
    async with sessions.begin() as session:
        batch = await outbox.claim_due(session, now=now, lease=lease, limit=limit)
    outcomes: list[DeliveryOutcome] = []
    for message in batch:
        delivery = await _deliver(sender, message, render)
        async with sessions.begin() as session:
            outcomes.append(await _release(session, message, delivery, now=now))
    return DispatchReport(
        claimed=len(batch),
        sent=outcomes.count(DeliveryOutcome.sent),
        retried=outcomes.count(DeliveryOutcome.retry),
        dead=outcomes.count(DeliveryOutcome.dead),
    )


async def _deliver(sender: Sender, message: OutboxMessage, render: Render) -> Delivery:
    change_id = message.change.change_id if message.change else None
    try:
        html, plain = render(message)
        await sender.send(message.chat_id, html, plain=plain, change_id=change_id)
    except RetryLater as exc:
        return Delivery(outcome=DeliveryOutcome.retry, retry_after=exc.after, error=str(exc))
    except ChatMoved as exc:
        return Delivery(
            outcome=DeliveryOutcome.retry, retry_after=timedelta(0), moved_to=exc.new_chat_id
        )
    except (ChatGone, Undeliverable) as exc:
        return Delivery(outcome=DeliveryOutcome.dead, error=str(exc) or type(exc).__name__)
    except Exception as exc:  # one broken message must not block the queue
        logger.exception("delivery failed", extra={"chat_id": message.chat_id})
        return Delivery(outcome=DeliveryOutcome.retry, error=f"unexpected: {exc!r}")
    return Delivery(outcome=DeliveryOutcome.sent)


async def _release(
    session: AsyncSession, message: OutboxMessage, delivery: Delivery, *, now: datetime
) -> DeliveryOutcome:
    if delivery.moved_to is not None:
        await outbox.move_chat(session, old_chat_id=message.chat_id, new_chat_id=delivery.moved_to)
    outcome = delivery.outcome
    if outcome is DeliveryOutcome.retry and message.attempts + 1 >= MAX_ATTEMPTS:
        outcome = DeliveryOutcome.dead
    retry_at = now + _retry_delay(message.attempts, delivery.retry_after)
    await outbox.release(
        session, message.id, outcome, now=now, retry_at=retry_at, error=delivery.error
    )
    logger.info(
        "message delivered" if outcome is DeliveryOutcome.sent else "message not delivered",
        extra={"chat_id": message.chat_id, "outcome": outcome.value, "error": delivery.error},
    )
    return outcome


def _retry_delay(attempts: int, retry_after: timedelta | None) -> timedelta:
    if retry_after is not None:
        return retry_after
    return min(timedelta(seconds=2 ** (attempts + 1)), MAX_BACKOFF)
