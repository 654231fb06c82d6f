"""The vocabulary of RoleCall: frozen values that flow from one stage to the next.

fetch -> parse -> match -> extract -> diff -> outbox -> notify. Each stage takes these
values and returns new ones; none is ever changed in place.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum


class MoveKind(StrEnum):
    """The four kinds of move, named as the extract contract names them."""

    joined = "joined"
    left = "left"
    founded = "founded"
    role_changed = "role_changed"


class When(StrEnum):
    """Whether an event is news at publication time or background history."""

    recent = "recent"
    past = "past"
    any = "any"


class ChangeStatus(StrEnum):
    pending = "pending"
    confirmed = "confirmed"
    dismissed = "dismissed"


class SourceOutcome(StrEnum):
    not_modified = "not_modified"
    no_changes = "no_changes"
    changes_found = "changes_found"
    failed = "failed"


class DeliveryOutcome(StrEnum):
    sent = "sent"
    retry = "retry"
    dead = "dead"


@dataclass(frozen=True, slots=True, kw_only=True)
class KnownRole:
    """What we believe a person holds, or held when ``current`` is false."""

    org: str
    title: str | None = None
    current: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class Person:
    """A watched person with the roles we currently believe they hold or held."""

    id: int
    name: str
    aliases: tuple[str, ...] = ()
    roles: tuple[KnownRole, ...] = ()

    @property
    def current_roles(self) -> tuple[KnownRole, ...]:
        return tuple(role for role in self.roles if role.current)


@dataclass(frozen=True, slots=True, kw_only=True)
class Source:
    """One feed URL we poll, with its HTTP cache state and health."""

    id: int
    url: str
    interval: timedelta
    etag: str | None = None
    last_modified: str | None = None
    error_count: int = 0
    last_error: str | None = None
    next_check_at: datetime | None = None
    checked_at: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class FetchResult:
    """What one HTTP (or file) fetch returned; 304 carries an empty body."""

    status: int
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedItem:
    """One entry of a feed, normalised to plain text.

    ``key`` is stable across feeds and updates: guid, else link, else a content hash.
    ``summary`` is the longest plain-text body the feed offers (content or summary).
    """

    key: str
    url: str
    title: str
    summary: str
    published_at: datetime | None
    source_id: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Mention:
    """An item that names one or more watched people."""

    item: FeedItem
    people: tuple[Person, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class PersonnelEvent:
    """A claim extracted from a mention: a person joined, left, founded or changed role."""

    person_id: int
    person_name: str
    kind: MoveKind
    org: str | None
    title: str | None
    when: When
    confidence: float
    evidence: str
    is_rumour: bool = False
    url: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Analysis:
    """The items of a feed, the mentions among them, and the events of each mention.

    ``events[i]`` are the events extracted from ``mentions[i]``.
    """

    items: tuple[FeedItem, ...] = ()
    mentions: tuple[Mention, ...] = ()
    events: tuple[tuple[PersonnelEvent, ...], ...] = ()

    def of_items(self, chosen: Sequence[FeedItem]) -> Analysis:
        """The same analysis restricted to ``chosen`` items, e.g. the unseen ones."""
        keys = {item.key for item in chosen}
        kept = [i for i, mention in enumerate(self.mentions) if mention.item.key in keys]
        return Analysis(
            items=tuple(chosen),
            mentions=tuple(self.mentions[i] for i in kept),
            events=tuple(self.events[i] for i in kept),
        )

    @property
    def all_events(self) -> list[PersonnelEvent]:
        return [event for events in self.events for event in events]


@dataclass(frozen=True, slots=True, kw_only=True)
class RoleChange:
    """An event that adds to or contradicts the known roles: what we alert on."""

    person_id: int
    person_name: str
    kind: MoveKind
    org: str | None
    title: str | None
    before: KnownRole | None
    evidence: str
    confidence: float
    is_rumour: bool
    urls: tuple[str, ...]
    dedupe_key: str


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredChange:
    """A change once saved; ``is_new`` is false when a saved change only gained a source."""

    change_id: int
    change: RoleChange
    status: ChangeStatus
    created_at: datetime
    is_new: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class OutboxMessage:
    """One queued message for one chat: an alert for a change, or a pre-rendered text."""

    id: int
    chat_id: int
    attempts: int
    change: StoredChange | None = None
    html: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class PersonCount:
    person_name: str
    count: int


@dataclass(frozen=True, slots=True, kw_only=True)
class WeekDigest:
    """What the weekly digest sums up; ``week`` is an ISO week such as ``2025-W33``."""

    week: str
    start: datetime
    end: datetime
    changes: tuple[StoredChange, ...]
    top_mentioned: tuple[PersonCount, ...]
    failing_sources: tuple[Source, ...]
