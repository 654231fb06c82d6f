"""Analyse one feed body: parse, match and extract in one pure call a worker process can run.

These are the CPU-bound stages of a source's run. Bundled, they cost one round trip to a
worker process per source, and the caller's database transaction holds no CPU work.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from watchers.extract import extract_events
from watchers.match import NameIndex, find_mentions
from watchers.models import Analysis
from watchers.parse import parse_feed


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
