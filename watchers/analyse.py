"""Analyse one feed body: parse, match and extract in one pure call a worker process can run.

These are the CPU-bound stages of a source's run. Bundled, they cost one round trip to a
worker process per source, and the caller's database transaction holds no CPU work.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from watchers.extract import extract_events
from watchers.match import NameIndex, find_mentions
from watchers.models import FeedItem, Mention, PersonnelEvent
from watchers.parse import parse_feed


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


def analyse_feed(
    body: bytes,
    *,
    url: str,
    headers: Mapping[str, str],
    source_id: int,
    index: NameIndex,
    now: datetime,
) -> Analysis:
    """Parse ``body``, find the watched people in its items and extract their moves.

    Raises ``FeedParseError`` when the body is no feed.
    """
    items = parse_feed(body, url=url, headers=headers, source_id=source_id)
    mentions = find_mentions(items, index)
    events = tuple(tuple(extract_events(mention, now=now)) for mention in mentions)
    return Analysis(items=tuple(items), mentions=tuple(mentions), events=events)
