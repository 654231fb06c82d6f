"""The orchestrator's pieces: the analysis of new items only, the worker pool, and the
group commit of analysed sources."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy.exc import IntegrityError

from store import items, sources
from tests.store.factories import Sessions, add_sources, person, watch
from watchers.analyse import analyse_feed
from watchers.errors import FeedParseError
from watchers.match import compile_people
from watchers.models import Analysis, FetchResult, KnownRole, Person, Source, SourceOutcome
from watchers.pool import AnalysisPool
from watchers.run import GroupCommit, load_watch

NOW = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
CHAT = 101
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


async def test_group_commit_stores_each_source_as_if_it_had_a_transaction_alone(
    sessions: Sessions,
) -> None:
    await watch(sessions, person(PERSON.name, roles=PERSON.roles), now=NOW)
    first, second = await _sources(sessions, "https://a.example/feed", "https://b.example/feed")
    commit = GroupCommit(sessions=sessions, watch=await load_watch(sessions, chats=[CHAT]), now=NOW)

    reports = await _together(commit, [first, second], [FEED, FEED], etag="v")

    assert [(r.outcome, r.items, r.mentions, r.events, r.queued) for r in reports] == [
        (SourceOutcome.changes_found, 2, 1, 1, 1),
        (SourceOutcome.no_changes, 0, 0, 0, 0),  # the same items: new for the first only
    ]
    async with sessions() as session:
        assert [s.etag for s in await sources.list_sources(session)] == [
            f'"v{first.id}"',
            f'"v{second.id}"',
        ]


async def test_a_failed_group_fails_each_of_its_sources_and_keeps_nothing(
    sessions: Sessions,
) -> None:
    await watch(sessions, person(PERSON.name, roles=PERSON.roles), now=NOW)
    (real,) = await _sources(sessions, "https://a.example/feed")
    gone = Source(id=real.id + 1000, url="https://gone.example/feed", interval=real.interval)
    commit = GroupCommit(sessions=sessions, watch=await load_watch(sessions, chats=[CHAT]), now=NOW)

    other_feed = FEED.replace(b"<guid>a</guid>", b"<guid>c</guid>")
    outcomes = await _together(commit, [real, gone], [FEED, other_feed], etag="v")

    assert [type(outcome) for outcome in outcomes] == [IntegrityError, IntegrityError]
    async with sessions() as session:
        (source,) = await sources.list_sources(session)
        unseen = await items.unseen_items(session, _analysed(commit, real).items, now=NOW)
    assert source.etag is None  # no validators without their items
    assert len(unseen) == 2


async def _together(
    commit: GroupCommit, group: list[Source], feeds: list[bytes], *, etag: str
) -> list[object]:
    """Writes the sources in one group: a source still on its way holds the group back."""
    async with commit.fetching():
        writes = [
            asyncio.create_task(commit.write(s, FetchResult(status=200, etag=f'"{etag}{s.id}"'),
                                             _analysed(commit, s, feed=feed)))
            for s, feed in zip(group, feeds, strict=True)
        ]  # fmt: skip
        await asyncio.sleep(0)
    return await asyncio.gather(*writes, return_exceptions=True)


async def _sources(sessions: Sessions, *urls: str) -> list[Source]:
    ids = await add_sources(sessions, *urls, now=NOW)
    async with sessions() as session:
        listed = {s.id: s for s in await sources.list_sources(session)}
    return [listed[source_id] for source_id in ids]


def _analysed(commit: GroupCommit, source: Source, *, feed: bytes = FEED) -> Analysis:
    index = compile_people(commit.watch.people)
    return analyse_feed(feed, url=source.url, headers={}, source_id=source.id, index=index,
                        now=NOW)  # fmt: skip
