"""Rendering: what a chat reads for a change, a digest and each command."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest

from bot.render import (
    MESSAGE_LIMIT,
    html_to_plain,
    render_change,
    render_change_json,
    render_change_plain,
    render_digest,
    render_digest_plain,
    render_help,
    render_people,
    render_person,
    render_recent,
    render_sources,
)
from watchers.models import (
    ChangeStatus,
    KnownRole,
    MoveKind,
    Person,
    PersonCount,
    RoleChange,
    Source,
    StoredChange,
    WeekDigest,
)

NOW = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
HUGE = 100_000


def stored(
    *,
    name: str = "Tamsin Okonkwo-Reyes",
    kind: MoveKind = MoveKind.joined,
    org: str | None = "Fernhollow Robotics",
    title: str | None = "CTO",
    before: KnownRole | None = None,
    evidence: str = "Fernhollow Robotics named Tamsin Okonkwo-Reyes its CTO on Monday.",
    urls: tuple[str, ...] = ("https://news.example.com/a/1",),
    is_rumour: bool = False,
    status: ChangeStatus = ChangeStatus.pending,
    change_id: int = 7,
    created_at: datetime = NOW,
) -> StoredChange:
    change = RoleChange(
        person_id=1,
        person_name=name,
        kind=kind,
        org=org,
        title=title,
        before=before,
        evidence=evidence,
        confidence=0.9,
        is_rumour=is_rumour,
        urls=urls,
        dedupe_key=f"k{change_id}",
    )
    return StoredChange(change_id=change_id, change=change, status=status, created_at=created_at)


class _TagChecker(HTMLParser):
    """Collects tags, and fails on any tag Telegram's HTML mode would refuse."""

    ALLOWED = frozenset({"b", "i", "a", "blockquote", "code", "pre"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.hrefs: list[str] = []
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        assert tag in self.ALLOWED, tag
        self.open.append(tag)
        self.hrefs += [value or "" for key, value in attrs if key == "href"]

    def handle_endtag(self, tag: str) -> None:
        assert self.open.pop() == tag

    def handle_data(self, data: str) -> None:
        self.text += data


def parse_html(markup: str) -> _TagChecker:
    checker = _TagChecker()
    checker.feed(markup)
    checker.close()
    assert checker.open == []
    return checker


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        pytest.param(
            stored(), "Tamsin Okonkwo-Reyes joined Fernhollow Robotics as CTO", id="joined"
        ),
        pytest.param(stored(title=None), "joined Fernhollow Robotics\n", id="joined-no-title"),
        pytest.param(stored(org=None, title=None), "joined a new organisation", id="joined-no-org"),
        pytest.param(
            stored(kind=MoveKind.left, org="Halcyon Freight", title=None),
            "Tamsin Okonkwo-Reyes left Halcyon Freight\n",
            id="left",
        ),
        pytest.param(
            stored(
                kind=MoveKind.left, org=None, title=None, before=KnownRole(org="Halcyon Freight")
            ),
            "left Halcyon Freight\nPreviously: Halcyon Freight",
            id="left-org-from-before",
        ),
        pytest.param(
            stored(kind=MoveKind.founded, org="Quiet Harbor Labs", title=None),
            "Tamsin Okonkwo-Reyes founded Quiet Harbor Labs",
            id="founded",
        ),
        pytest.param(
            stored(
                kind=MoveKind.role_changed,
                org="Fernhollow Robotics",
                title="COO",
                before=KnownRole(org="Fernhollow Robotics", title="CFO"),
            ),
            "CFO → COO at Fernhollow Robotics\nPreviously: CFO at Fernhollow Robotics",
            id="role-changed",
        ),
        pytest.param(
            stored(kind=MoveKind.role_changed, title="COO", before=None),
            "is now COO at Fernhollow Robotics",
            id="role-changed-no-before",
        ),
        pytest.param(stored(is_rumour=True), "Unconfirmed report", id="rumour"),
        pytest.param(stored(status=ChangeStatus.confirmed), "Status: Confirmed", id="confirmed"),
        pytest.param(stored(status=ChangeStatus.dismissed), "Status: Dismissed", id="dismissed"),
        pytest.param(
            stored(
                name="钱晓帆",
                org="星河科技有限公司",
                title="首席执行官",
                evidence="钱晓帆出任星河科技首席执行官。",
            ),
            "钱晓帆 joined 星河科技有限公司 as 首席执行官",
            id="chinese-simplified",
        ),
        pytest.param(
            stored(name="錢曉帆", kind=MoveKind.left, org="長風資本", title=None),
            "錢曉帆 left 長風資本",
            id="chinese-traditional",
        ),
    ],
)
def test_render_change_plain_says_who_did_what(change: StoredChange, expected: str) -> None:
    text = render_change_plain(change) + "\n"

    assert expected in text


def test_render_change_marks_up_name_evidence_and_sources() -> None:
    markup = render_change(stored())

    assert markup.startswith("<b>Tamsin Okonkwo-Reyes</b> joined Fernhollow Robotics as CTO")
    assert "<blockquote><i>Fernhollow Robotics named" in markup
    assert 'Sources: <a href="https://news.example.com/a/1">news.example.com</a>' in markup


def test_pending_change_shows_no_status() -> None:
    assert "Status" not in render_change(stored())


@pytest.mark.parametrize(
    ("field", "hostile"),
    [
        pytest.param("name", "<b>Mallory</b> & co", id="name"),
        pytest.param("org", '</b><a href="https://evil.example">click</a>', id="org"),
        pytest.param("title", "<script>alert(1)</script>", id="title"),
        pytest.param("evidence", "</blockquote><pre>broken", id="evidence"),
    ],
)
def test_feed_text_cannot_inject_markup(field: str, hostile: str) -> None:
    markup = render_change(stored(**{field: hostile}))

    parsed = parse_html(markup)
    assert hostile in parsed.text
    assert parsed.hrefs == ["https://news.example.com/a/1"]


def test_only_web_links_become_anchors_and_hrefs_are_escaped() -> None:
    urls = (
        'https://news.example.com/a?x=1&y="2"',
        "javascript:alert(1)",
        "file:///etc/passwd",
        "https://example.org/" + "p" * 2000,
    )

    parsed = parse_html(render_change(stored(urls=urls)))

    assert parsed.hrefs == ['https://news.example.com/a?x=1&y="2"']
    assert "javascript" in parsed.text


def test_at_most_five_source_links_are_shown() -> None:
    urls = tuple(f"https://n{i}.example.com/story" for i in range(8))

    parsed = parse_html(render_change(stored(urls=urls)))

    assert len(parsed.hrefs) == 5
    assert "(+3 more)" in parsed.text


def test_control_characters_are_stripped() -> None:
    change = stored(name="Tam\x00sin\u202e Reyes\x1b[31m", evidence="line one\r\nline\x07 two")

    markup = render_change(change)

    assert "Tamsin Reyes[31m" in markup
    assert "line one line two" in markup
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f\u202e]", markup)


@pytest.mark.parametrize(
    "char",
    [
        pytest.param("a", id="latin"),
        pytest.param('"', id="escaped-quote"),
        pytest.param("汉", id="cjk"),
    ],
)
def test_huge_fields_are_cut_below_the_message_limit(char: str) -> None:
    big = char * HUGE
    change = stored(
        name=big,
        org=big,
        title=big,
        kind=MoveKind.role_changed,
        before=KnownRole(org=big, title=big),
        evidence=big,
        urls=tuple(f"https://news.example.com/{i}/" + char * 250 for i in range(6)),
        is_rumour=True,
        status=ChangeStatus.confirmed,
    )

    markup = render_change(change)
    plain = render_change_plain(change)

    assert len(markup) < MESSAGE_LIMIT
    assert len(plain) < MESSAGE_LIMIT
    assert "…" in markup
    parse_html(markup)


def test_render_change_json_has_the_fields_of_the_change() -> None:
    data = render_change_json(stored(urls=("https://a.example/1", "https://b.example/2")))

    assert data == {
        "person": "Tamsin Okonkwo-Reyes",
        "kind": "joined",
        "org": "Fernhollow Robotics",
        "title": "CTO",
        "evidence": "Fernhollow Robotics named Tamsin Okonkwo-Reyes its CTO on Monday.",
        "urls": ["https://a.example/1", "https://b.example/2"],
    }


# --- digest -------------------------------------------------------------------------------


def digest(
    changes: tuple[StoredChange, ...] = (),
    top: tuple[PersonCount, ...] = (),
    failing: tuple[Source, ...] = (),
) -> WeekDigest:
    return WeekDigest(
        week="2025-W02",
        start=datetime(2025, 1, 6, tzinfo=UTC),
        end=datetime(2025, 1, 13, tzinfo=UTC),
        changes=changes,
        top_mentioned=top,
        failing_sources=failing,
    )


def failing_source(
    error: str = "HTTP 503 from upstream", url: str = "https://f.example.com/rss"
) -> Source:
    return Source(id=3, url=url, interval=timedelta(minutes=15), error_count=4, last_error=error)


def test_empty_digest_says_no_moves() -> None:
    text = render_digest_plain(digest())

    assert text.splitlines()[0] == "Week 2025-W02 (06 Jan – 12 Jan 2025)"
    assert "No moves this week." in text


def test_digest_groups_moves_by_person_with_status() -> None:
    changes = (
        stored(name="Ada Vint", change_id=1, status=ChangeStatus.confirmed),
        stored(name="Bo Lindqvist", kind=MoveKind.founded, org="Kelp Works", change_id=2),
        stored(name="Ada Vint", kind=MoveKind.left, org="Old Mill", title=None, change_id=3),
    )

    text = render_digest_plain(digest(changes))

    assert (
        "Moves (3)\nAda Vint\n• joined Fernhollow Robotics as CTO — Confirmed\n"
        "• left Old Mill — Pending\nBo Lindqvist\n• founded Kelp Works — Pending"
    ) in text


def test_digest_lists_most_mentioned_and_failing_sources() -> None:
    top = (
        PersonCount(person_name="Ada Vint", count=12),
        PersonCount(person_name="钱晓帆", count=3),
    )
    failing = (failing_source("<timeout> & more"),)

    markup = render_digest(digest(top=top, failing=failing))

    parsed = parse_html(markup)
    assert "Most mentioned\n1. Ada Vint — 12\n2. 钱晓帆 — 3" in parsed.text
    assert "f.example.com/rss — 4 errors: <timeout> & more" in parsed.text


def test_huge_digest_is_truncated_with_a_count() -> None:
    changes = tuple(
        stored(name=f"Person {i} " + "x" * HUGE, org="O" * HUGE, change_id=i) for i in range(300)
    )
    top = tuple(PersonCount(person_name="N" * HUGE, count=i) for i in range(50))
    failing = tuple(failing_source("E" * HUGE, f"https://s{i}.example.com/feed") for i in range(80))

    markup = render_digest(digest(changes, top, failing))

    assert len(markup) < MESSAGE_LIMIT
    assert re.search(r"…and \d+ more lines", markup)
    assert re.search(r"…and \d+ more sources", markup)
    parse_html(markup)


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        pytest.param("<b>Week</b> &amp; more", "Week & more", id="tags-and-entities"),
        pytest.param(
            '<a href="https://a.example/?x=1&amp;y=2">a.example</a>', "a.example", id="link"
        ),
        pytest.param("1 &lt; 2", "1 < 2", id="escaped-angle"),
    ],
)
def test_html_to_plain(markup: str, expected: str) -> None:
    assert html_to_plain(markup) == expected


def test_html_to_plain_of_a_rendered_digest_matches_the_plain_digest() -> None:
    week = digest((stored(name="A & B <C>"),), failing=(failing_source("x < y"),))

    assert html_to_plain(render_digest(week)) == render_digest_plain(week)


# --- commands -----------------------------------------------------------------------------


def test_render_help_lists_commands() -> None:
    text = render_help([("who", "roles & changes of one person")])

    assert "/who — roles &amp; changes of one person" in text


def test_render_people_shows_current_roles() -> None:
    people = [
        Person(
            id=1,
            name="Ada Vint",
            roles=(
                KnownRole(org="Acorn & Oak", title="CEO"),
                KnownRole(org="Old Mill", current=False),
            ),
        ),
        Person(id=2, name="钱晓帆"),
    ]

    parsed = parse_html(render_people(people))

    assert (
        parsed.text
        == "Watched people (2)\n• Ada Vint — CEO at Acorn & Oak\n• 钱晓帆 — no known role"
    )


def test_render_people_empty_and_truncated() -> None:
    many = [Person(id=i, name=f"Person {i:04d} " + "z" * 100) for i in range(500)]

    assert render_people([]) == "Nobody is on the watch list yet."
    text = render_people(many)
    assert len(text) < MESSAGE_LIMIT
    assert re.search(r"…and \d+ more people$", text)


def test_render_person_shows_roles_and_changes_with_sources() -> None:
    person = Person(
        id=1,
        name="Ada Vint",
        aliases=("A. Vint",),
        roles=(KnownRole(org="Acorn", title="CEO"), KnownRole(org="Old Mill", current=False)),
    )
    change = stored(
        name="Ada Vint", org="Acorn", title="CEO", created_at=datetime(2025, 1, 3, 23, tzinfo=UTC)
    )

    parsed = parse_html(render_person(person, [change], tz=ZoneInfo("Asia/Shanghai")))

    assert parsed.text == (
        "Ada Vint\nAlso known as: A. Vint\n\nCurrent roles\n• CEO at Acorn\n\nPast roles\n• Old Mill"
        "\n\nRecent changes\n• 2025-01-04 joined Acorn as CEO — Pending (news.example.com)"
    )
    assert parsed.hrefs == ["https://news.example.com/a/1"]


def test_render_person_without_changes() -> None:
    text = render_person(Person(id=1, name="Ada Vint"), [])

    assert text.endswith("No recent changes.")


def test_render_recent_lists_changes_or_says_none() -> None:
    changes = [
        stored(name="Ada Vint"),
        stored(name="Bo Lindqvist", kind=MoveKind.founded, org="Kelp"),
    ]

    parsed = parse_html(render_recent(changes))

    assert render_recent([]) == "No changes in the last 7 days."
    assert parsed.text.splitlines() == [
        "Changes in the last 7 days (2)",
        "• 2025-01-06 Ada Vint joined Fernhollow Robotics as CTO — Pending (news.example.com)",
        "• 2025-01-06 Bo Lindqvist founded Kelp — Pending (news.example.com)",
    ]


def test_render_recent_stays_under_the_limit() -> None:
    changes = [stored(name="Q" * HUGE, org="R" * HUGE, change_id=i) for i in range(200)]

    assert len(render_recent(changes)) < MESSAGE_LIMIT


def test_render_sources_shows_health() -> None:
    sources = [
        Source(
            id=1,
            url="https://ok.example.com/feed.xml",
            interval=timedelta(minutes=15),
            checked_at=NOW - timedelta(minutes=7),
        ),
        Source(id=2, url="https://new.example.com/rss", interval=timedelta(minutes=15)),
        Source(
            id=3,
            url="https://bad.example.com/rss",
            interval=timedelta(minutes=15),
            error_count=3,
            last_error="HTTP 404 <not found>",
            checked_at=NOW - timedelta(hours=2),
        ),
    ]

    parsed = parse_html(render_sources(sources, NOW))

    assert parsed.text.splitlines() == [
        "Sources (3, 1 failing)",
        "✅ ok.example.com/feed.xml — checked 7 min ago",
        "✅ new.example.com/rss — never checked",
        "❌ bad.example.com/rss — checked 2 h ago, 3 errors: HTTP 404 <not found>",
    ]
    assert render_sources([], NOW) == "No sources are configured."
