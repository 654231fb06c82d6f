"""An item read the way the pipeline reads it, for the extractor's table tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from watchers.diff import diff_roles
from watchers.extract import extract_events
from watchers.models import FeedItem, Mention, MoveKind, Person, PersonnelEvent

Move = tuple[str, MoveKind, str | None]


@dataclass(frozen=True, slots=True)
class Reader:
    """Reads a text published at ``now`` for the given people."""

    now: datetime

    def events(self, text: str, *people: Person, title: str = "") -> list[PersonnelEvent]:
        item = FeedItem(key="k", url="https://news.example/item", title=title, summary=text,
                        published_at=self.now, source_id=1)  # fmt: skip
        return extract_events(Mention(item=item, people=people), now=self.now)

    def moves(self, text: str, *people: Person, title: str = "") -> set[Move]:
        """Every event as (person, kind, organisation)."""
        return {(e.person_name, e.kind, e.org) for e in self.events(text, *people, title=title)}

    def alerts(self, text: str, *people: Person, title: str = "") -> set[Move]:
        """What the bot would alert: the events the known roles do not already hold."""
        found = self.events(text, *people, title=title)
        changes = diff_roles(found, {p.id: p.roles for p in people})
        return {(c.person_name, c.kind, c.org) for c in changes}
