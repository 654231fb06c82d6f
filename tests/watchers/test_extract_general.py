"""extract_events: rules found by scoring a corpus the extractor had never seen.

Each row is one general cause of error: a post chained to a move's object, a kind of
company before its name, an indefinite "一家…公司", a removal verb before its object, a
hiring verb with its own object, a tenure, an intention, a noun use, a stay elsewhere,
a namesake's bare surname, an unwatched subject, a place or time taken for an
organisation, a listing after 包括, a supposition with "would" or 是否, a start-up
or studio kind before a founded name.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.watchers.reading import Reader
from watchers.models import (
    KnownRole,
    MoveKind,
    Person,
    When,
)

NOW = datetime(2025, 6, 4, 8, 0, tzinfo=UTC)
_reader = Reader(NOW)
events, alerts = _reader.events, _reader.alerts

ZHU = Person(id=1, name="祝临溪", roles=(KnownRole(org="雁回资本", title="合伙人"),))
WEN = Person(id=2, name="闻若川", roles=(KnownRole(org="岚桥重工", title="总经理"),))
MADDOX = Person(
    id=3,
    name="Corin Maddox",
    aliases=("Maddox",),
    roles=(KnownRole(org="Tidewell Freight", title="chief executive officer"),),
)
PARRISH = Person(
    id=4,
    name="Odile Parrish",
    aliases=("Parrish",),
    roles=(KnownRole(org="Kessway Mills", title="chief executive officer"),),
)

J, L, F, R = MoveKind.joined, MoveKind.left, MoveKind.founded, MoveKind.role_changed


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
        pytest.param(
            "Odile Parrish has run Kessway Mills since 2015. Her cousin Anselm Parrish ran "
            "its export desk for a decade. Parrish left Kessway Mills last month to open a bakery.",
            (PARRISH,),
            set(),
            id="en-bare-surname-after-a-relatives-full-name-is-the-relative",
        ),
        pytest.param(
            "Her cousin Anselm Parrish ran the export desk. Odile Parrish spoke on Monday. "
            "Parrish resigned from Kessway Mills on Friday.",
            (PARRISH,),
            {("Odile Parrish", L, "Kessway Mills")},
            id="en-bare-surname-after-the-watched-full-name-is-theirs",
        ),
        pytest.param(
            "Maddox's longtime driver, Pell Voss, retired in May, and Corin Maddox still misses him.",
            (MADDOX,),
            set(),
            id="en-possessive-with-an-adjective-labels-another-person",
        ),
        pytest.param(
            "Corin Maddox recalled the tenure of its former chair, Ivo Brennick, who left after a "
            "row over pay.",
            (MADDOX,),
            set(),
            id="en-who-clause-move-is-the-strangers",
        ),
        pytest.param(
            "今年新上任的六位总经理和董事长中，有两位来自制造业，包括闻若川。",
            (WEN,),
            set(),
            id="zh-including-after-a-count-of-new-posts-is-no-move",
        ),
        pytest.param(
            "Corin Maddox's exit would be a blow to Tidewell Freight, analysts said.",
            (MADDOX,),
            set(),
            id="en-move-noun-with-would-is-a-supposition",
        ),
        pytest.param(
            "曾任雁回资本合伙人的祝临溪近日在苏州创办独立设计工作室砚知，首批客户已签约。",
            (ZHU,),
            {("祝临溪", F, "砚知")},
            id="zh-studio-before-a-founded-name-is-its-kind",
        ),
        pytest.param(
            "曾任雁回資本合夥人的祝臨溪，近日與舊部共同創立冷鏈新創「舟簡」，主打倉儲調度。",
            (ZHU,),
            {("祝临溪", F, "舟簡")},
            id="zh-quoted-name-after-a-start-up-kind-is-the-new-company",
        ),
        pytest.param(
            "业内人士认为，不管闻若川是否离任，岚桥重工的海外扩张计划都会照常推进。",
            (WEN,),
            set(),
            id="zh-whether-is-a-supposition",
        ),
    ],
)
def test_extract_events_general_rules(
    text: str, people: tuple[Person, ...], expected: set[tuple[str, MoveKind, str | None]]
) -> None:
    assert alerts(text, *people) == expected


@pytest.mark.parametrize(
    ("text", "people", "expected"),
    [
        pytest.param(
            "Among the managers he hired was Corin Maddox, a Leeds-born engineer who joined "
            "Quayline Ports in 2001.",
            (MADDOX,),
            {(J, "Quayline Ports", When.past)},
            id="en-born-adjective-is-not-an-organisation",
        ),
        pytest.param(
            "After a doctorate in Aberdeen, Corin Maddox co-founded a start-up called Ferrow "
            "Robotics.",
            (MADDOX,),
            {(F, "Ferrow Robotics", When.recent)},
            id="en-one-word-after-in-is-a-place",
        ),
        pytest.param(
            "2019年祝临溪出走之后，团队一度人心浮动。",
            (ZHU,),
            {(L, "雁回资本", When.past)},
            id="zh-after-a-departure-is-a-time-not-a-place",
        ),
        pytest.param(
            "闻若川离开后留下的空缺，至今无人填补。",
            (WEN,),
            {(L, "岚桥重工", When.recent)},
            id="zh-hou-after-leaving-is-a-time-not-a-place",
        ),
        pytest.param(
            "Corin Maddox was promoted to chief executive in 2019, when her predecessor Ivo "
            "Brennick retired.",
            (MADDOX,),
            {(R, "Tidewell Freight", When.past)},
            id="en-predecessor-named-without-a-comma-owns-the-retirement",
        ),
    ],
)
def test_extract_events_places_and_times(
    text: str, people: tuple[Person, ...], expected: set[tuple[MoveKind, str, When]]
) -> None:
    assert {(e.kind, e.org, e.when) for e in events(text, *people)} == expected


def test_rumour_spread_in_the_trade_is_a_rumour() -> None:
    found = events("业内盛传闻若川将转战云栈物流。", WEN)
    assert [(e.kind, e.org, e.is_rumour, e.when) for e in found] == [
        (J, "云栈物流", True, When.any)
    ]
