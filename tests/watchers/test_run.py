"""The orchestrator's pieces: the analysis of new items only, and the worker pool."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from watchers.analyse import Analysis, analyse_feed
from watchers.errors import FeedParseError
from watchers.match import compile_people
from watchers.models import KnownRole, Person
from watchers.pool import AnalysisPool

NOW = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
PERSON = Person(
    id=7, name="Perrin Ashcombe", roles=(KnownRole(org="Quillmarsh Freight", title="CFO"),)
)
FEED = (
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
    b"<item><guid>a</guid><title>Perrin Ashcombe has joined Brindlewick Analytics</title>"
    b"<description>Perrin Ashcombe has joined Brindlewick Analytics as Chief Executive "
    b"Officer, the company said.</description></item>"
    b"<item><guid>b</guid><title>Freight rates fell</title>"
    b"<description>Freight rates fell again.</description></item>"
    b"</channel></rss>"
)


def _analysis() -> Analysis:
    index = compile_people([PERSON])
    return analyse_feed(FEED, url="https://x.invalid/", headers={}, source_id=1, index=index,
                        now=NOW)  # fmt: skip


def test_analyse_feed_finds_the_mention_and_its_event() -> None:
    analysis = _analysis()

    assert len(analysis.items) == 2
    assert [m.item.key for m in analysis.mentions] == [analysis.items[0].key]
    assert [e.org for e in analysis.all_events] == ["Brindlewick Analytics"]


@pytest.mark.parametrize(
    ("kept", "mentions"),
    [pytest.param([0, 1], 1, id="all-new"), pytest.param([1], 0, id="mention-seen")],
)
def test_of_items_keeps_only_the_chosen_items_mentions_and_events(
    kept: list[int], mentions: int
) -> None:
    analysis = _analysis()

    fresh = analysis.of_items([analysis.items[i] for i in kept])

    assert len(fresh.items) == len(kept)
    assert len(fresh.mentions) == len(fresh.events) == mentions
    assert len(fresh.all_events) == mentions


async def test_pool_analyses_in_workers_and_raises_parse_errors_as_here() -> None:
    pool = AnalysisPool(workers=1)
    pool.prepare((PERSON,))
    try:
        analysis = await pool.analyse(FEED, url="https://x.invalid/", headers={}, source_id=1,
                                      now=NOW)  # fmt: skip
        with pytest.raises(FeedParseError):
            await pool.analyse(b"not a feed", url="https://x.invalid/", headers={},
                               source_id=1, now=NOW)  # fmt: skip
    finally:
        pool.close()

    assert analysis == _analysis()
