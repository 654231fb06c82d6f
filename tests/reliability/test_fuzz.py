"""Fuzzing the pure stages: for any input they return a result or raise the project's
own error, so no feed can crash a polling cycle.

* the extractor (``extract_events``) on random mentions: names, aliases, known roles and
  text drawn from move vocabulary, punctuation, both Chinese scripts and control
  characters; it always returns a list of events about the mentioned people;
* the whole chain ``parse_feed -> find_mentions -> extract_events -> diff_roles`` on
  feed-shaped bytes built around the watched names; only ``FeedParseError`` may leave it.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from xml.sax.saxutils import escape

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from watchers.diff import diff_roles
from watchers.errors import FeedParseError
from watchers.extract import extract_events
from watchers.match import compile_people, find_mentions
from watchers.models import FeedItem, KnownRole, Mention, MoveKind, Person, RoleChange
from watchers.parse import parse_feed

NOW = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)
# A longer hunt: ROLECALL_FUZZ_EXAMPLES=20000 pytest tests/reliability/test_fuzz.py
EXAMPLES = int(os.environ.get("ROLECALL_FUZZ_EXAMPLES", "300"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
NAMES = ["Thessaly Gorringe", "Gorringe", "韩青禾", "韓青禾", "Ó Briain", "Lucan", "X"]
ORGS = ["Quarrystone Labs", "云栖数据", "Threlkeld Looms", "Acme", "", " ", "the board"]
WORDS = [
    *NAMES, *ORGS, "joins", "joined", "has joined", "left", "resigned", "steps down",
    "founded", "co-founded", "appointed", "named", "as", "chief executive", "CEO", "CFO",
    "chief technology officer", "former", "not", "denies", "rumoured", "will", "said",
    "加入", "离职", "辞去", "出任", "首席执行官", "创立", "宣布", "前", "不", "据传",
    ",", ".", "。", "，", "、", "“", "”", "(", ")", "'s", "-", "/", ":", ";", "&", "<b>",
    "\n", "\t", "\x00", "\u200b", "\u202e", "𝔘", "🙂", "1999", "2025年", "Jan.", "Mr.",
]  # fmt: skip

texts = st.one_of(
    st.lists(st.sampled_from(WORDS), max_size=40).map(" ".join),
    st.lists(st.sampled_from(WORDS), max_size=40).map("".join),
    st.text(max_size=300),
)
roles = st.builds(
    KnownRole,
    org=st.sampled_from(ORGS[:4]) | st.text(min_size=1, max_size=20),
    title=st.none() | st.sampled_from(["CEO", "CFO", "首席执行官"]) | st.text(max_size=20),
    current=st.booleans(),
)
people = st.builds(
    Person,
    id=st.integers(min_value=1, max_value=5),
    name=st.sampled_from(NAMES) | st.text(min_size=1, max_size=30),
    aliases=st.lists(st.sampled_from(NAMES) | st.text(max_size=10), max_size=3).map(tuple),
    roles=st.lists(roles, max_size=3).map(tuple),
)


@FUZZ
@given(title=texts, summary=texts, who=st.lists(people, min_size=1, max_size=3))
def test_extract_events_returns_events_about_the_mentioned_people(
    title: str, summary: str, who: list[Person]
) -> None:
    item = FeedItem(
        key="k", url="https://wire.example/1", title=title, summary=summary,
        published_at=NOW, source_id=1,
    )  # fmt: skip

    events = extract_events(Mention(item=item, people=tuple(who)), now=NOW)

    assert isinstance(events, list)
    assert {event.person_id for event in events} <= {person.id for person in who}
    assert all(event.kind in MoveKind for event in events)
    assert all(0.0 <= event.confidence <= 1.0 for event in events)


def _feed(entries: list[tuple[str, str]], noise: bytes) -> bytes:
    items = "".join(
        f"<item><guid>g{i}</guid><title>{escape(t)}</title><description>{escape(s)}"
        f"</description></item>"
        for i, (t, s) in enumerate(entries)
    )
    head = '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
    return head.encode() + items.encode("utf-8", "surrogatepass") + noise


@FUZZ
@given(
    entries=st.lists(st.tuples(texts, texts), max_size=4),
    noise=st.binary(max_size=50) | st.sampled_from([b"", b"</channel></rss>", b"<item><title>"]),
    who=st.lists(people, min_size=1, max_size=4, unique_by=lambda p: p.id),
)
def test_parse_match_extract_diff_never_crash(
    entries: list[tuple[str, str]], noise: bytes, who: list[Person]
) -> None:
    try:
        items = parse_feed(_feed(entries, noise), url="https://wire.example/rss", headers={},
                           source_id=1)  # fmt: skip
    except FeedParseError:
        return

    mentions = find_mentions(items, compile_people(who))
    events = [event for m in mentions for event in extract_events(m, now=NOW)]
    changes = diff_roles(events, {person.id: person.roles for person in who})

    assert all(isinstance(change, RoleChange) for change in changes)
    assert len({change.dedupe_key for change in changes}) == len(changes)
