"""extract_events: rules found by scoring a corpus the extractor had never seen.

Each row is one general cause of error: a post chained to a move's object, a kind of
company before its name, an indefinite "一家…公司", a removal verb before its object, a
hiring verb with its own object, a tenure, an intention, a noun use, a stay elsewhere.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from watchers.diff import diff_roles
from watchers.extract import extract_events
from watchers.models import FeedItem, KnownRole, Mention, MoveKind, Person, PersonnelEvent

NOW = datetime(2025, 6, 4, 8, 0, tzinfo=UTC)

ZHU = Person(id=1, name="祝临溪", roles=(KnownRole(org="雁回资本", title="合伙人"),))
WEN = Person(id=2, name="闻若川", roles=(KnownRole(org="岚桥重工", title="总经理"),))
MADDOX = Person(
    id=3,
    name="Corin Maddox",
    aliases=("Maddox",),
    roles=(KnownRole(org="Tidewell Freight", title="chief executive officer"),),
)

J, L, F, R = MoveKind.joined, MoveKind.left, MoveKind.founded, MoveKind.role_changed


def events(text: str, *people: Person, title: str = "") -> list[PersonnelEvent]:
    item = FeedItem(key="k", url="https://news.example/g", title=title, summary=text,
                    published_at=NOW, source_id=1)  # fmt: skip
    return extract_events(Mention(item=item, people=people), now=NOW)


def alerts(text: str, *people: Person) -> set[tuple[str, MoveKind, str | None]]:
    changes = diff_roles(events(text, *people), {p.id: p.roles for p in people})
    return {(c.person_name, c.kind, c.org) for c in changes}


@pytest.mark.parametrize(
    ("text", "people", "expected"),
    [
        pytest.param(
            "祝临溪日前已从雁回资本离职，加入松禾创投出任执行合伙人。",
            (ZHU,),
            {("祝临溪", L, "雁回资本"), ("祝临溪", J, "松禾创投")},
            id="zh-post-after-a-join-is-at-the-new-place",
        ),
        pytest.param(
            "祝临溪已离开雁回资本，跳槽到砾石物流任首席财务官。",
            (ZHU,),
            {("祝临溪", L, "雁回资本"), ("祝临溪", J, "砾石物流")},
            id="zh-job-hop-verb-takes-an-object",
        ),
        pytest.param(
            "祝临溪离开雁回资本后，加入医疗器械初创公司栖梧医疗担任首席运营官。",
            (ZHU,),
            {("祝临溪", L, "雁回资本"), ("祝临溪", J, "栖梧医疗")},
            id="zh-kind-of-company-before-its-name",
        ),
        pytest.param(
            "岚桥重工董事会决定免去闻若川公司总经理职务。",
            (WEN,),
            {("闻若川", L, "岚桥重工")},
            id="zh-removal-verb-moves-its-object",
        ),
        pytest.param(
            "董事会同日决议解除总经理闻若川的职务，并委任副总经理甘棠为代理总经理。",
            (WEN,),
            {("闻若川", L, "岚桥重工")},
            id="zh-hiring-verb-with-its-own-object-is-someone-else",
        ),
        pytest.param(
            "闻若川自2018年起担任岚桥重工总经理，主导了公司的海外扩张。",
            (WEN,),
            set(),
            id="zh-tenure-since-a-year-is-no-move",
        ),
        pytest.param(
            "闻若川目前担任岚桥重工总经理。",
            (WEN,),
            set(),
            id="zh-current-post-is-no-move",
        ),
        pytest.param(
            "祝临溪早年曾在一家外资银行工作，2011年加入雁回资本。",
            (ZHU,),
            set(),
            id="zh-indefinite-company-is-no-name",
        ),
        pytest.param(
            "祝临溪说，这个规矩是她加入雁回资本时定下的。",
            (ZHU,),
            set(),
            id="zh-when-joining-is-background",
        ),
        pytest.param(
            "多家券商曾邀请祝临溪加盟，她都婉拒了。",
            (ZHU,),
            set(),
            id="zh-invitation-is-no-move",
        ),
        pytest.param(
            "实习生们说，祝临溪打算加入鹤汀科技的传闻并不可信。",
            (ZHU,),
            set(),
            id="zh-intention-is-no-move",
        ),
        pytest.param(
            "这家老牌物流企业宣布，闻若川将接任董事长。",
            (WEN,),
            {("闻若川", R, "岚桥重工")},
            id="zh-descriptive-adjective-is-not-a-name",
        ),
        pytest.param(
            "闻若川表示，公司创立以来从未裁员。",
            (WEN,),
            set(),
            id="zh-since-founding-is-no-founding",
        ),
        pytest.param(
            "闻若川卸任岚桥重工总经理，并将负责云栈物流的筹建工作。",
            (WEN,),
            {("闻若川", L, "岚桥重工")},
            id="zh-stay-elsewhere-does-not-keep-the-old-place",
        ),
        pytest.param(
            "Tidewell Freight ships parts. For now, Corin Maddox is focused on hiring.",
            (MADDOX,),
            set(),
            id="en-gerund-after-preposition-is-a-noun",
        ),
        pytest.param(
            "Analysts expected Corin Maddox to go. Maddox dismissed the talk on Friday.",
            (MADDOX,),
            set(),
            id="en-dismissing-talk-is-a-denial",
        ),
        pytest.param(
            "To steady the group, Corin Maddox joined Quayline Ports as chairman this week.",
            (MADDOX,),
            {("Corin Maddox", J, "Quayline Ports")},
            id="en-sentence-opening-word-is-not-an-organisation",
        ),
        pytest.param(
            "At Tidewell Freight, Maddox's chief of staff, Ulla Brenning, resigned last week. "
            "Corin Maddox praised her work.",
            (MADDOX,),
            set(),
            id="en-possessive-labels-another-person",
        ),
        pytest.param(
            "Corin Maddox's departure from Tidewell Freight was confirmed on Monday.",
            (MADDOX,),
            {("Corin Maddox", L, "Tidewell Freight")},
            id="en-possessive-move-noun-is-still-theirs",
        ),
        pytest.param(
            "祝临溪的老同事、雁回资本原投资总监乔溯已于上月离职。",
            (ZHU,),
            set(),
            id="zh-possessive-labels-another-person",
        ),
        pytest.param(
            "A shipping blog said Corin Maddox would quit Tidewell Freight to run a rival. "
            "Tidewell Freight called the story false on Thursday.",
            (MADDOX,),
            set(),
            id="en-report-denied-in-the-next-sentence",
        ),
        pytest.param(
            "有财经媒体称，闻若川将辞去岚桥重工总经理一职。岚桥重工晚间回应，相关传闻与事实不符。",
            (WEN,),
            set(),
            id="zh-report-denied-in-the-next-sentence",
        ),
        pytest.param(
            "Corin Maddox resigned from Tidewell Freight in May. "
            "The company denied reports that the exit was linked to the audit.",
            (MADDOX,),
            {("Corin Maddox", L, "Tidewell Freight")},
            id="en-denial-of-another-report-keeps-the-move",
        ),
    ],
)
def test_extract_events_general_rules(
    text: str, people: tuple[Person, ...], expected: set[tuple[str, MoveKind, str | None]]
) -> None:
    assert alerts(text, *people) == expected
