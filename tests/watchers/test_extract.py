"""extract_events over tables of invented sentences in English and both Chinese scripts."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from watchers.extract import extract_events
from watchers.models import FeedItem, KnownRole, Mention, MoveKind, Person, When

NOW = datetime(2025, 3, 4, 8, 0, tzinfo=UTC)

ODA = Person(
    id=1, name="Mira Oda", aliases=("Oda",), roles=(KnownRole(org="Tallis Foods", title="CFO"),)
)
VENN = Person(
    id=2,
    name="Corin Venn",
    aliases=("Venn",),
    roles=(KnownRole(org="Brackwater Bank", title="CEO"),),
)
ZHOU = Person(
    id=3,
    name="周启澜",
    aliases=("Zhou Qilan",),
    roles=(KnownRole(org="岚川科技", title="首席技术官"),),
)
LIANG = Person(
    id=4, name="梁思博", aliases=("梁思博",), roles=(KnownRole(org="霁月银行", title="行长"),)
)
TAN = Person(
    id=5, name="譚嘉穎", aliases=("谭嘉颖",), roles=(KnownRole(org="泓岸證券", title="總經理"),)
)
CHEN = Person(id=6, name="陈屿", roles=(KnownRole(org="岚川科技", title="副总裁"),))
CHENLONG = Person(id=7, name="陈屿舟", roles=(KnownRole(org="岚川科技", title="首席执行官"),))
PENN = Person(
    id=8, name="Ada Penn", aliases=("Penn",), roles=(KnownRole(org="Orlo Labs", title="CTO"),)
)
SETH_PENN = Person(
    id=9, name="Seth Penn", aliases=("Penn",), roles=(KnownRole(org="Orlo Labs", title="COO"),)
)
FORMER = Person(
    id=10,
    name="Ines Marr",
    aliases=("Marr",),
    roles=(KnownRole(org="Kelp Analytics", current=False),),
)


def events(text: str, *people: Person, title: str = "", published: datetime | None = NOW):
    item = FeedItem(key="k", url="https://news.example/1", title=title, summary=text,
                    published_at=published, source_id=1)  # fmt: skip
    return extract_events(Mention(item=item, people=people), now=NOW)


def moves(text: str, *people: Person, title: str = "") -> set[tuple[str, MoveKind, str | None]]:
    return {(e.person_name, e.kind, e.org) for e in events(text, *people, title=title)}


@pytest.mark.parametrize(
    ("text", "people", "expected"),
    [
        pytest.param(
            "Halden Robotics has appointed Mira Oda as chief financial officer.",
            (ODA,),
            {("Mira Oda", MoveKind.joined, "Halden Robotics")},
            id="en-appointed",
        ),
        pytest.param(
            "Mira Oda will join Halden Robotics as chief operating officer on April 1.",
            (ODA,),
            {("Mira Oda", MoveKind.joined, "Halden Robotics")},
            id="en-future-join",
        ),
        pytest.param(
            "Corin Venn resigned as chief executive of Brackwater Bank on Monday.",
            (VENN,),
            {("Corin Venn", MoveKind.left, "Brackwater Bank")},
            id="en-resigns",
        ),
        pytest.param(
            "Corin Venn was ousted as chief executive of Brackwater Bank on Friday.",
            (VENN,),
            {("Corin Venn", MoveKind.left, "Brackwater Bank")},
            id="en-passive-ousted",
        ),
        pytest.param(
            "Mira Oda has left Tallis Foods to join Quent Systems as finance chief.",
            (ODA,),
            {
                ("Mira Oda", MoveKind.left, "Tallis Foods"),
                ("Mira Oda", MoveKind.joined, "Quent Systems"),
            },
            id="en-leave-to-join-is-two",
        ),
        pytest.param(
            "Mira Oda has co-founded Fernhill Bio, a maker of enzymes.",
            (ODA,),
            {("Mira Oda", MoveKind.founded, "Fernhill Bio")},
            id="en-cofounded",
        ),
        pytest.param(
            "Tallis Foods promoted Mira Oda to chief operating officer.",
            (ODA,),
            {("Mira Oda", MoveKind.role_changed, "Tallis Foods")},
            id="en-promoted",
        ),
        pytest.param(
            "Corin Venn will step down as chief executive of Brackwater Bank and become chairman.",
            (VENN,),
            {("Corin Venn", MoveKind.role_changed, "Brackwater Bank")},
            id="en-steps-down-stays-chairman",
        ),
        pytest.param(
            "Corin Venn, who has run Brackwater Bank since 2019, is stepping down. "
            "He will remain as an adviser.",
            (VENN,),
            {("Corin Venn", MoveKind.role_changed, "Brackwater Bank")},
            id="en-stays-as-adviser",
        ),
        pytest.param(
            "Mira Oda is leaving, according to a memo. Her last day is March 31.",
            (ODA,),
            {("Mira Oda", MoveKind.left, "Tallis Foods")},
            id="en-org-from-known-roles",
        ),
        pytest.param(
            "Corin Venn told staff he had no intention of stepping down.",
            (VENN,),
            set(),
            id="en-negation",
        ),
        pytest.param(
            "Brackwater Bank denied reports that Corin Venn would resign.",
            (VENN,),
            set(),
            id="en-denial",
        ),
        pytest.param(
            "If the merger succeeds, Corin Venn could step aside.",
            (VENN,),
            set(),
            id="en-hypothetical",
        ),
        pytest.param(
            "Mira Oda, the former CFO of Gantry Mills, spoke at the conference.",
            (ODA,),
            set(),
            id="en-descriptor-no-event",
        ),
        pytest.param(
            "The complaint names Mira Oda as a defendant.", (ODA,), set(), id="en-names-not-hire"
        ),
        pytest.param(
            "Ellis Oda Precision Co. hired a new auditor.",
            (ODA,),
            set(),
            id="en-surname-inside-org",
        ),
        pytest.param(
            "Quent Systems hired Oda as treasurer.",
            (ODA,),
            set(),
            id="en-surname-alone-is-not-enough",
        ),
        pytest.param(
            "岚川科技首席技术官周启澜已于近日离职，并加盟澄源数据出任首席技术官。",
            (ZHOU,),
            {("周启澜", MoveKind.left, "岚川科技"), ("周启澜", MoveKind.joined, "澄源数据")},
            id="zhs-leave-and-join",
        ),
        pytest.param(
            "澄源数据3月2日发布公告称，经董事会审议，聘请周启澜担任首席财务官。",
            (ZHOU,),
            {("周启澜", MoveKind.joined, "澄源数据")},
            id="zhs-appointed-by-company",
        ),
        pytest.param(
            "周启澜当晚通过内部邮件宣布离职。",
            (ZHOU,),
            {("周启澜", MoveKind.left, "岚川科技")},
            id="zhs-quits-org-from-records",
        ),
        pytest.param(
            "霁月银行公告，行长梁思博因到龄退休，辞去行长职务。",
            (LIANG,),
            {("梁思博", MoveKind.left, "霁月银行")},
            id="zhs-retires",
        ),
        pytest.param(
            "梁思博日前被霁月银行免去行长一职。",
            (LIANG,),
            {("梁思博", MoveKind.left, "霁月银行")},
            id="zhs-passive-removed",
        ),
        pytest.param(
            "周启澜上月底创办了青禾智能。",
            (ZHOU,),
            {("周启澜", MoveKind.founded, "青禾智能")},
            id="zhs-founded",
        ),
        pytest.param("梁思博称目前没有离开霁月银行的打算。", (LIANG,), set(), id="zhs-negation"),
        pytest.param(
            "针对网传梁思博即将离职的消息，霁月银行回应称纯属谣言。",
            (LIANG,),
            set(),
            id="zhs-denial",
        ),
        pytest.param(
            "梁思博表示，如果找到接班人，他会考虑退休。", (LIANG,), set(), id="zhs-hypothetical"
        ),
        pytest.param(
            "岚川科技的产品部门交由副总裁陈屿临时负责，陈屿舟已离职。",
            (CHEN, CHENLONG),
            {("陈屿", MoveKind.role_changed, "岚川科技"), ("陈屿舟", MoveKind.left, "岚川科技")},
            id="zhs-short-name-inside-longer",
        ),
        pytest.param(
            "泓岸證券10日公告，總經理譚嘉穎基於家庭因素請辭，月底生效。",
            (TAN,),
            {("譚嘉穎", MoveKind.left, "泓岸證券")},
            id="zht-resigns",
        ),
        pytest.param(
            "總經理譚嘉穎遭董事會解職。",
            (TAN,),
            {("譚嘉穎", MoveKind.left, "泓岸證券")},
            id="zht-passive-dismissed",
        ),
        pytest.param(
            "譚嘉穎將於4月1日轉投澄源數據，出任執行長。",
            (TAN,),
            {("譚嘉穎", MoveKind.joined, "澄源數據")},
            id="zht-moves-to",
        ),
        pytest.param("譚嘉穎強調自己並無卸任打算。", (TAN,), set(), id="zht-negation"),
        pytest.param(
            "泓岸證券晚間澄清，稱譚嘉穎將跳槽的說法不實。", (TAN,), set(), id="zht-denial"
        ),
        pytest.param("谭嘉颖文教基金会今日成立。", (TAN,), set(), id="zht-name-inside-foundation"),
    ],
)
def test_extract_events_finds_the_moves(text, people, expected):
    assert moves(text, *people) == expected


@pytest.mark.parametrize(
    ("text", "people", "expected"),
    [
        pytest.param(
            "Mira Oda joined Gantry Mills in 2014 as an analyst.",
            (ODA,),
            When.past,
            id="en-year-before",
        ),
        pytest.param(
            "Mira Oda will join Gantry Mills on March 17.", (ODA,), When.recent, id="en-future-date"
        ),
        pytest.param("周启澜2016年加入澄源数据。", (ZHOU,), When.past, id="zhs-year-before"),
        pytest.param("譚嘉穎將於4月1日加盟澄源數據。", (TAN,), When.recent, id="zht-future"),
        pytest.param(
            "Mira Oda is reportedly in talks to join Gantry Mills.",
            (ODA,),
            When.any,
            id="en-rumour",
        ),
        pytest.param("有消息人士称，周启澜有望加盟澄源数据。", (ZHOU,), When.any, id="zhs-rumour"),
    ],
)
def test_extract_events_dates_the_move(text, people, expected):
    assert [e.when for e in events(text, *people)] == [expected]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Mira Oda is reportedly in talks to join Gantry Mills.", id="en"),
        pytest.param("消息人士称，周启澜可能加盟澄源数据。", id="zhs"),
    ],
)
def test_extract_events_marks_rumours_low_confidence(text):
    found = events(text, ODA, ZHOU)

    assert found
    assert all(e.is_rumour for e in found)
    assert max(e.confidence for e in found) <= 0.5


@pytest.mark.parametrize(
    ("text", "people", "expected"),
    [
        pytest.param(
            "Gantry Mills named Ada Penn chief technology officer. Penn starts in May. "
            "Seth Penn, her brother, stays at Orlo Labs.",
            (PENN, SETH_PENN),
            {("Ada Penn", MoveKind.joined, "Gantry Mills")},
            id="en-shared-surname",
        ),
        pytest.param(
            "Tallis Foods said Mira Oda will retire in June. The 61-year-old joined the firm in 1990 "
            "as a clerk.",
            (ODA,),
            {
                ("Mira Oda", MoveKind.left, "Tallis Foods"),
                ("Mira Oda", MoveKind.joined, "Tallis Foods"),
            },
            id="en-description-refers-back",
        ),
        pytest.param(
            "青禾基金7月1日宣布，聘请周启澜出任研究总监。他在岚川科技工作多年，已于5月辞去该公司职务。",
            (ZHOU,),
            {("周启澜", MoveKind.joined, "青禾基金"), ("周启澜", MoveKind.left, "岚川科技")},
            id="zhs-pronoun-and-the-company",
        ),
    ],
)
def test_extract_events_follows_references(text, people, expected):
    assert moves(text, *people) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "Halden Robotics has appointed Mira Oda as chief financial officer.",
            "chief financial officer",
            id="en",
        ),
        pytest.param("澄源数据宣布任命周启澜为首席财务官。", "首席财务官", id="zhs"),
        pytest.param("泓岸證券委任譚嘉穎為行政總裁。", "行政總裁", id="zht"),
    ],
)
def test_extract_events_attaches_the_title(text, expected):
    found = events(text, ODA, ZHOU, TAN)

    assert [e.title for e in found] == [expected]


def test_extract_events_reads_long_items_to_the_end():
    filler = "Quarterly sales rose by a modest margin in every region. " * 120
    text = filler + "Separately, Mira Oda has left Tallis Foods to join Quent Systems."

    assert ("Mira Oda", MoveKind.joined, "Quent Systems") in moves(text, ODA)


def test_extract_events_gives_one_sentence_of_evidence():
    found = events(
        "Revenue rose. Corin Venn resigned as chief executive of Brackwater Bank. Shares fell.",
        VENN,
    )

    assert [e.evidence for e in found] == [
        "Corin Venn resigned as chief executive of Brackwater Bank."
    ]


def test_extract_events_returns_known_return_as_joined():
    found = moves("Kelp Analytics has rehired Ines Marr as chief technology officer.", FORMER)

    assert found == {("Ines Marr", MoveKind.joined, "Kelp Analytics")}


def test_extract_events_uses_now_without_publication_date():
    found = events("Mira Oda joined Gantry Mills in 2024.", ODA, published=None)

    assert [e.when for e in found] == [When.past]
