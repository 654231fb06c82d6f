"""The ``rolecall extract`` contract: corpus lines in, one JSON line of events and alerts out.

It runs the bot's own stages (``extract_events`` then ``diff_roles``), so ``alerts`` is
exactly what the bot would send for the item.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any, TextIO

from watchers.diff import diff_roles
from watchers.extract import extract_events
from watchers.models import FeedItem, KnownRole, Mention, Person, PersonnelEvent, RoleChange

__all__ = ["run_extract"]


class _BadLine(ValueError):
    """A corpus line that cannot be read as an item."""


def run_extract(lines: Iterable[str], out: TextIO) -> int:
    """Write one result line per non-blank input line, in order; bad lines get an "error"."""
    for line in lines:
        if line.strip():
            out.write(json.dumps(_result(line), ensure_ascii=False) + "\n")
    out.flush()
    return 0


def _result(line: str) -> dict[str, Any]:
    try:
        record = json.loads(line)
        if not isinstance(record, dict):
            raise _BadLine("a line must hold a JSON object")
        return _answer(record)
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        return {
            "id": _id_of(line),
            "error": str(exc) or type(exc).__name__,
            "events": [],
            "alerts": [],
        }


def _id_of(line: str) -> str | None:
    try:
        record = json.loads(line)
    except ValueError:
        return None
    return str(record["id"]) if isinstance(record, dict) and "id" in record else None


def _answer(record: Mapping[str, Any]) -> dict[str, Any]:
    people = _people(record.get("watch") or [])
    published = _published(record.get("published"))
    mention = Mention(item=_item(record, published), people=people)
    events = extract_events(mention, now=published or datetime.now(UTC))
    changes = diff_roles(events, {person.id: person.roles for person in people})
    return {
        "id": record.get("id"),
        "events": [_event_line(e) for e in events],
        "alerts": [_alert_line(c) for c in changes],
    }


def _people(watch: Sequence[Mapping[str, Any]]) -> tuple[Person, ...]:
    return tuple(
        Person(
            id=index,
            name=str(entry["name"]),
            aliases=tuple(str(alias) for alias in entry.get("aliases") or ()),
            roles=tuple(_role(role) for role in entry.get("known_roles") or ()),
        )
        for index, entry in enumerate(watch)
    )


def _role(role: Mapping[str, Any]) -> KnownRole:
    return KnownRole(
        org=str(role["org"]), title=role.get("title"), current=bool(role.get("current", True))
    )


def _published(value: object) -> datetime | None:
    if not value:
        return None
    parsed = datetime.fromisoformat(str(value)) if "T" in str(value) else None
    if parsed is None:
        day = date.fromisoformat(str(value))
        parsed = datetime(day.year, day.month, day.day, tzinfo=UTC)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _item(record: Mapping[str, Any], published: datetime | None) -> FeedItem:
    key = str(record.get("id") or "")
    return FeedItem(
        key=key,
        url=str(record.get("url") or ""),
        title=str(record.get("title") or ""),
        summary=str(record.get("text") or ""),
        published_at=published,
        source_id=0,
    )


def _event_line(event: PersonnelEvent) -> dict[str, Any]:
    return {
        "person": event.person_name,
        "kind": event.kind.value,
        "org": event.org,
        "title": event.title,
        "when": event.when.value,
        "confidence": round(event.confidence, 2),
        "evidence": event.evidence,
    }


def _alert_line(change: RoleChange) -> dict[str, Any]:
    return {
        "person": change.person_name,
        "kind": change.kind.value,
        "org": change.org,
        "title": change.title,
        "confidence": round(change.confidence, 2),
        "evidence": change.evidence,
    }
