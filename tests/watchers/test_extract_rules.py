"""extract_events: asides, labels, nominal triggers, objects, glosses and long features."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.watchers.reading import Reader
from watchers.models import KnownRole, MoveKind, Person

NOW = datetime(2025, 6, 4, 8, 0, tzinfo=UTC)
_reader = Reader(NOW)
events, moves, alerts = _reader.events, _reader.moves, _reader.alerts

CEN = Person(id=1, name="岑若溪", roles=(KnownRole(org="砚川数据", title="工程副总裁"),))
LOU = Person(id=2, name="娄启航", roles=(KnownRole(org="栖霞汽车", title="董事长"),))
KOVA = Person(
    id=3,
    name="Marta Kova",
    aliases=("Kova",),
    roles=(KnownRole(org="Brightmoor Tools", title="CFO"),),
)
DUAN = Person(id=4, name="段知微", roles=(KnownRole(org="澜亭证券", title="首席经济学家"),))
HALE = Person(
    id=5,
    name="Ilse Varga",
    aliases=("Varga",),
    roles=(KnownRole(org="Quorvale Foods S.A.", title="集團財務總監"),),
)
MO = Person(id=6, name="莫青原", roles=(KnownRole(org="北溟医药", title="总裁"),))
RUAN = Person(id=7, name="阮听松", roles=(KnownRole(org="北溟医药", title="董事长"),))


@pytest.mark.parametrize(
    ("text", "people", "expected"),
    [
        pytest.param(
            "云杉智能创始人表示，岑若溪的加盟将加快公司海外业务的布局。",
            (CEN,),
            set(),
            id="zh-nominal-join-is-no-report",
        ),
        pytest.param(
            "机器人初创公司云杉智能周二宣布，委任岑若溪为首席技术官。",
            (CEN,),
            {("岑若溪", MoveKind.joined, "云杉智能")},
            id="zh-descriptor-before-name",
        ),
        pytest.param(
            "云杉智能周二宣布，原砚川数据工程副总裁岑若溪正式加入公司，出任首席技术官。",
            (CEN,),
            {("岑若溪", MoveKind.joined, "云杉智能")},
            id="zh-join-the-announcing-company",
        ),
        pytest.param(
            "坊间传闻，栖霞汽车董事长娄启航可能在年底卸任，由现任总裁接棒。",
            (LOU,),
            {("娄启航", MoveKind.left, "栖霞汽车")},
            id="zh-rumoured-exit-successor-unnamed",
        ),
        pytest.param(
            "岑若溪此前于砚川数据担任工程副总裁，负责数据平台。",
            (CEN,),
            set(),
            id="zh-previously-served",
        ),
        pytest.param(
            "砚川数据工程副总裁岑若溪离职，将出任云杉智能CTO。",
            (CEN,),
            {("岑若溪", MoveKind.left, "砚川数据"), ("岑若溪", MoveKind.joined, "云杉智能")},
            id="zh-leaves-for-post-at-new-firm",
        ),
        pytest.param(
            "Tarnwell Insurance said on Friday that Marta Kova, a former auditor with the Office "
            "of Audits, has joined its board as a non-executive member.",
            (KOVA,),
            {("Marta Kova", MoveKind.joined, "Tarnwell Insurance")},
            id="en-former-aside-not-the-board",
        ),
        pytest.param(
            "The board named chief operating officer Dana Perrow interim CEO. Kova, who "
            "co-founded the company, said she would stay.",
            (KOVA,),
            set(),
            id="en-title-before-name-is-a-person",
        ),
        pytest.param(
            "松岚资本7月2日宣布，聘请段知微出任公司首席策略师。",
            (DUAN,),
            {("段知微", MoveKind.joined, "松岚资本")},
            id="zh-company-is-the-announcer-not-the-records",
        ),
        pytest.param(
            "瑞士食品集團奎沃（Quorvale）董事會1日決定，任命瓦尔加為集團行政總裁。",
            (Person(id=5, name="Ilse Varga", aliases=("瓦尔加",), roles=HALE.roles),),
            {("Ilse Varga", MoveKind.role_changed, "Quorvale Foods S.A.")},
            id="zht-gloss-links-scripts",
        ),
        pytest.param(
            "北溟医药公告，总裁莫青原因健康原因辞职。新总裁产生之前，董事长阮听松代行总裁职权。",
            (MO, RUAN),
            {("莫青原", MoveKind.left, "北溟医药"), ("阮听松", MoveKind.role_changed, "北溟医药")},
            id="zh-acting-title-after-verb",
        ),
    ],
)
def test_extract_events_reads_asides_and_labels(text, people, expected):
    assert moves(text, *people) == expected


def test_titles_lose_the_organisation_prefix():
    found = events("机器人初创公司云杉智能周二宣布，委任岑若溪为云杉智能首席技术官。", CEN)
    assert [e.title for e in found] == ["首席技术官"]


def test_a_former_title_is_not_the_new_one():
    found = events("前砚川数据工程副总裁岑若溪加盟云杉智能。", CEN)
    assert [(e.kind, e.org, e.title) for e in found] == [(MoveKind.joined, "云杉智能", None)]


def test_acting_title_is_a_change_and_alerts():
    text = "北溟医药公告，新总裁产生之前，董事长阮听松代行总裁职权。"
    assert alerts(text, RUAN) == {("阮听松", MoveKind.role_changed, "北溟医药")}


def test_a_title_with_the_org_prefix_is_no_change():
    text = "传闻栖霞汽车董事长娄启航或将于年底卸任。"
    found = alerts(text, LOU)
    assert found == {("娄启航", MoveKind.left, "栖霞汽车")}


LIN = Person(id=8, name="蔺舒", roles=(KnownRole(org="曜石重工", title="财务总监"),))


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(
            "曜石重工周二公告，财务总监蔺舒因家庭原因请辞。青屿造船同日宣布，委任蔺舒为首席财务官。",
            id="announcer-on-the-same-day",
        ),
        pytest.param(
            "曜石重工周二公告，财务总监蔺舒因家庭原因请辞。同日，青屿造船宣布委任蔺舒为首席财务官。",
            id="announcer-after-a-time-clause",
        ),
        pytest.param(
            "蔺舒请辭曜石重工财务总监，轉投青屿造船任首席财务官。", id="moves-to-then-post"
        ),
    ],
)
def test_a_suffixless_announcer_or_object_is_the_new_employer(text):
    assert alerts(text, LIN) == {
        ("蔺舒", MoveKind.left, "曜石重工"),
        ("蔺舒", MoveKind.joined, "青屿造船"),
    }


WEI = Person(
    id=9,
    name="韦岫",
    aliases=("Ambrose Wei",),
    roles=(KnownRole(org="Pellmont Holdings", title="集團財務總監"),),
)
ORR = Person(
    id=10,
    name="Tamsin Orr",
    aliases=("歐譚心",),
    roles=(KnownRole(org="Pellmont Holdings", title="集團行政總裁"),),
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "柏孟控股3日公布，董事會任命集團財務總監韦岫（Ambrose Wei）出任集團行政總裁，下月起生效，"
            "接替今年宣布退休的歐譚心。韦岫於2009年加入柏孟。",
            {
                ("韦岫", MoveKind.role_changed, "Pellmont Holdings"),
                ("Tamsin Orr", MoveKind.left, "Pellmont Holdings"),
            },
            id="title-before-the-name-links-the-records",
        ),
        pytest.param("柏孟控股3日宣布，韦岫加盟出任財務總監。", set(), id="same-post-is-no-change"),
    ],
)
def test_a_name_in_the_other_script_is_linked_by_title(text, expected):
    assert alerts(text, WEI, ORR) == expected


SALKO = Person(
    id=11,
    name="Wren Salko",
    aliases=("Salko",),
    roles=(KnownRole(org="Harbour Board", title="deputy"),),
)
FERRANT = Person(
    id=12,
    name="Odile Ferrant",
    aliases=("Ferrant",),
    roles=(KnownRole(org="Marrowby Rovers", title="assistant coach"),),
)
BREHM = Person(
    id=13,
    name="Oskar Brehm",
    aliases=("布雷姆",),
    roles=(
        KnownRole(org="大岳汽车集团", title="管理董事会成员"),
        KnownRole(org="岚驰", title="执行长"),
    ),
)


@pytest.mark.parametrize(
    ("text", "people", "title", "expected"),
    [
        pytest.param(
            "President Jo Ambler on Tuesday named Wren Salko as director of the Coastal Planning "
            "Office.",
            (SALKO,),
            "Ambler picks Salko as planning chief",
            {("Wren Salko", MoveKind.joined, "Coastal Planning Office")},
            id="en-a-titled-persons-surname-is-no-organisation",
        ),
        pytest.param(
            "Assistant coach Odile Ferrant, who came back to Brightwell Park with the new staff "
            "in the spring, will take charge of the squad for two matches.",
            (FERRANT,),
            "",
            {("Odile Ferrant", MoveKind.role_changed, "Marrowby Rovers")},
            id="en-relative-clause-is-background",
        ),
        pytest.param(
            "大岳汽車集團22日晚間宣布，執行長韓默將於9月1日卸任，由旗下嵐馳執行長布雷姆接任。",
            (BREHM,),
            "",
            {("Oskar Brehm", MoveKind.role_changed, "大岳汽车集团")},
            id="zht-an-unwatched-predecessor-leaves",
        ),
    ],
)
def test_extract_events_keeps_precision(text, people, title, expected):
    assert alerts(text, *people, title=title) == expected


HE = Person(id=21, name="賀行遠", roles=(KnownRole(org="Wufeng Heavy Industries", title="總裁"),))
SHI = Person(
    id=22,
    name="施青禾",
    roles=(
        KnownRole(org="霧峰電機", title="總經理"),
        KnownRole(org="Wufeng Heavy Industries", title="董事"),
    ),
)
MORROW = Person(
    id=23, name="Ada Morrow", aliases=("Morrow",), roles=(KnownRole(org="塞尔温货运", title="CEO"),)
)
OLANDER = Person(
    id=24,
    name="Piet Olander",
    aliases=("Olander",),
    roles=(KnownRole(org="塞尔温货运", title="head of rail"),),
)


@pytest.mark.parametrize(
    ("text", "people", "expected"),
    [
        pytest.param(
            "霧峰重工週一公告，總裁賀行遠年底屆滿退休，其職位由子公司霧峰電機總經理施青禾接任。",
            (HE, SHI),
            {
                ("賀行遠", MoveKind.left, "Wufeng Heavy Industries"),
                ("施青禾", MoveKind.role_changed, "Wufeng Heavy Industries"),
            },
            id="zht-successor-takes-the-post-the-records-name-in-latin",
        ),
        pytest.param(
            "Selwyn Freight said on Monday that its chief executive, Ada Morrow, will retire in "
            "June and will be succeeded by Piet Olander, who now runs the group's rail unit.",
            (MORROW, OLANDER),
            {
                ("Ada Morrow", MoveKind.left, "塞尔温货运"),
                ("Piet Olander", MoveKind.role_changed, "塞尔温货运"),
            },
            id="en-successor-takes-the-post-the-records-name-in-chinese",
        ),
    ],
)
def test_a_successor_takes_the_predecessors_post(text, people, expected):
    assert alerts(text, *people) == expected


def test_a_successor_takes_the_predecessors_title_not_the_one_held():
    text = "霧峰重工週一公告，總裁賀行遠年底屆滿退休，其職位由子公司霧峰電機總經理施青禾接任。"
    taken = [e for e in events(text, HE, SHI) if e.person_name == "施青禾"]
    assert [(e.kind, e.title) for e in taken] == [(MoveKind.role_changed, "總裁")]
