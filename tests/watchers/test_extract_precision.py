"""extract_events: rules found by scoring a third corpus of long features the extractor
had never seen.

Each row is one general cause of a false or missed event: a kind of industry or a maker
word before a company's name, a quoted name after its kind, an indefinite ("两位大学同学",
"一家外资银行"), a body that speaks without a name (主管机关), a join verb with an object
(转赴), taking a post told as a time ("上任后的第一件事"); "joins from X", a post taken by
leaving a named place, a city and its region, an apposition closed by a comma, the title
after "as" or "to" rather than the one in an apposition; "不再在公司担任任何职务" and
"提交辞呈" as departures, 推选 as an appointment, 代理 at a clause's end, "曾在X担任",
会否 as "whether", a founding with no name, "由一群…创立", a unit the records name in a
title, a Latin gloss in brackets, the very post on record as no title change.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.watchers.reading import Reader
from watchers.models import KnownRole, MoveKind, Person

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
    roles=(KnownRole(org="Kessway Mills", title="general counsel"),),
)

YU = Person(
    id=5,
    name="俞见山",
    roles=(KnownRole(org="澄岸科技", title="董事"), KnownRole(org="北渚创投", title="合伙人")),
)
SIMA = Person(id=6, name="司马静姝", roles=(KnownRole(org="南岭大学", title="化学学院副院长"),))
LAI = Person(id=7, name="赖志崇", roles=(KnownRole(org="海洋研究院", title="副院长"),))
GONG = Person(
    id=8,
    name="龚子豪",
    roles=(KnownRole(org="联昇投资", title="总经理"), KnownRole(org="晶耀半导体", title="董事")),
)
LIAO = Person(id=9, name="廖景行", roles=(KnownRole(org="启辰电子", title="副总裁"),))
OU = Person(
    id=10,
    name="欧阳骏",
    roles=(KnownRole(org="港衡保险", title="行政总裁"), KnownRole(org="恒信银行", title="董事")),
)

J, L, F, R = MoveKind.joined, MoveKind.left, MoveKind.founded, MoveKind.role_changed


@pytest.mark.parametrize(
    ("text", "people", "expected"),
    [
        pytest.param(
            "芯片制造商岭澈电子3月3日宣布，祝临溪加盟公司出任首席财务官。",
            (ZHU,),
            {("祝临溪", J, "岭澈电子")},
            id="zh-maker-word-before-the-announcer",
        ),
        pytest.param(
            "人工智能算力服务商岭澈智算5月19日宣布，祝临溪加入公司出任首席财务官。",
            (ZHU,),
            {("祝临溪", J, "岭澈智算")},
            id="zh-industry-and-service-word-describe-the-announcer",
        ),
        pytest.param(
            "祝临溪宣布离职，并将创办一家专注于储能运维的新公司“澄岸科技”。",
            (ZHU,),
            {("祝临溪", L, "雁回资本"), ("祝临溪", F, "澄岸科技")},
            id="zh-quoted-name-after-its-kind-is-the-founded-company",
        ),
        pytest.param(
            "祝临溪近日与友人共同创办AI新创「数桥」。",
            (ZHU,),
            {("祝临溪", F, "数桥")},
            id="zh-kind-with-latin-letters-before-a-quoted-name",
        ),
        pytest.param(
            "闻若川已请辞，将转赴新创公司澄岸医学担任执行长。",
            (WEN,),
            {("闻若川", L, "岚桥重工"), ("闻若川", J, "澄岸医学")},
            id="zh-transfer-verb-takes-the-new-place-as-object",
        ),
        pytest.param(
            "一位接近公司的人士透露，闻若川上任后的第一件事，是裁撤两个事业部。",
            (WEN,),
            set(),
            id="zh-taking-office-as-a-time-is-no-move",
        ),
    ],
)
def test_alerts_for_chinese_names_and_objects(
    text: str, people: tuple[Person, ...], expected: set[tuple[str, MoveKind, str | None]]
) -> None:
    assert alerts(text, *people) == expected


@pytest.mark.parametrize(
    ("text", "people", "unexpected"),
    [
        pytest.param(
            "泊舟生物2016年由祝临溪与两位大学同学共同创办。",
            (ZHU,),
            "两位大学",
            id="zh-two-classmates-are-no-university",
        ),
        pytest.param(
            "祝临溪1999年加入一家外资银行，由柜员做起。",
            (ZHU,),
            "一家外资银行",
            id="zh-an-indefinite-object-is-no-name",
        ),
        pytest.param(
            "祝临溪2019年离开雁回资本，加入创业公司担任首席运营官。",
            (ZHU,),
            "创业公司",
            id="zh-a-start-up-is-a-kind-not-a-name",
        ),
        pytest.param(
            "祝临溪此后加入上市公司担任工程师。",
            (ZHU,),
            "上市公司",
            id="zh-a-listed-company-is-a-kind-not-a-name",
        ),
        pytest.param(
            "据澄微光电透露，祝临溪出任公司首席科学家。",
            (ZHU,),
            "据澄微光电",
            id="zh-according-to-is-no-part-of-a-name",
        ),
        pytest.param(
            "首席经济学家祝临溪转投公募。",
            (ZHU,),
            "公募",
            id="zh-a-sector-is-no-new-employer",
        ),
        pytest.param(
            "主管机关同日宣布，由祝临溪接任院长。",
            (ZHU,),
            "主管机关",
            id="zh-a-body-speaking-without-a-name-is-no-employer",
        ),
    ],
)
def test_descriptions_are_no_organisations(
    text: str, people: tuple[Person, ...], unexpected: str
) -> None:
    assert unexpected not in {e.org for e in events(text, *people)}


@pytest.mark.parametrize(
    ("text", "people", "expected"),
    [
        pytest.param(
            "Sablecrest Robotics has appointed Corin Maddox as chief operating officer. Maddox "
            "joins from Tidewell Freight, where she ran the port business.",
            (MADDOX,),
            {("Corin Maddox", J, "Sablecrest Robotics"), ("Corin Maddox", L, "Tidewell Freight")},
            id="en-joins-from-names-the-place-left",
        ),
        pytest.param(
            "Corin Maddox comes from Tidewell Freight, where she was chief executive for six "
            "years.",
            (MADDOX,),
            {("Corin Maddox", L, "Tidewell Freight")},
            id="en-comes-from-names-the-place-left",
        ),
        pytest.param(
            "Corin Maddox will leave Tidewell Freight to take charge of the harbour board's "
            "first team.",
            (MADDOX,),
            {("Corin Maddox", L, "Tidewell Freight")},
            id="en-a-post-taken-by-leaving-a-place-is-not-there",
        ),
        pytest.param(
            "Corin Maddox will step down as chief executive officer on July 1 and become "
            "executive chair.",
            (MADDOX,),
            {("Corin Maddox", R, "Tidewell Freight")},
            id="en-stepping-down-from-a-title-to-another-stays-a-role-change",
        ),
        pytest.param(
            "Tidewell Freight, the Dayton, Ohio, trucking group, said Corin Maddox will step "
            "down as chief executive officer and become executive chair.",
            (MADDOX,),
            {("Corin Maddox", R, "Tidewell Freight")},
            id="en-a-city-and-its-region-are-a-place",
        ),
        pytest.param(
            "Corin Maddox was named chief executive officer of Tidewell Freight in 2017, after "
            "her predecessor, Ivo Brennick, retired.",
            (MADDOX,),
            set(),
            id="en-the-predecessor-in-a-comma-apposition-retired",
        ),
        pytest.param(
            "Kessway Mills said on Thursday it had elevated Odile Parrish, its general counsel, "
            "to chief operating officer.",
            (PARRISH,),
            {("Odile Parrish", R, "Kessway Mills")},
            id="en-the-new-title-follows-to-not-the-apposition",
        ),
    ],
)
def test_alerts_for_english_moves(
    text: str, people: tuple[Person, ...], expected: set[tuple[str, MoveKind, str | None]]
) -> None:
    assert alerts(text, *people) == expected


@pytest.mark.parametrize(
    ("text", "people", "expected"),
    [
        pytest.param(
            "公告同时披露，俞见山辞去澄岸科技董事职务，辞职后不再在公司担任任何职务。",
            (YU,),
            {("俞见山", L, "澄岸科技")},
            id="zh-no-longer-holding-any-post-is-a-departure",
        ),
        pytest.param(
            "据岚桥重工方面透露，闻若川已于上周正式提交辞呈。",
            (WEN,),
            {("闻若川", L, "岚桥重工")},
            id="zh-handing-in-a-resignation-letter-is-a-departure",
        ),
        pytest.param(
            "晶耀半导体董事会并推选联昇投资总经理龚子豪为新任董事长。",
            (GONG,),
            {("龚子豪", R, "晶耀半导体")},
            id="zh-elected-by-the-board-is-an-appointment",
        ),
        pytest.param(
            "在新院长到任前，院务由副院长赖志崇代理。",
            (LAI,),
            {("赖志崇", R, "海洋研究院")},
            id="zh-acting-at-the-end-of-a-clause",
        ),
        pytest.param(
            "至于外界关注闻若川本人会否离任，闻若川重申，自己不会离开岚桥重工。",
            (WEN,),
            set(),
            id="zh-whether-he-leaves-is-no-departure",
        ),
        pytest.param(
            "化学学院副院长司马静姝接任化学学院院长。",
            (SIMA,),
            {("司马静姝", R, "南岭大学")},
            id="zh-a-unit-named-in-the-records-title-is-that-organisation",
        ),
        pytest.param(
            "芯片设计公司芯澜半导体（Corelane Semi）4月7日宣布，原启辰电子副总裁廖景行正式加盟，"
            "出任公司首席运营官。",
            (LIAO,),
            {("廖景行", J, "芯澜半导体")},
            id="zh-a-latin-gloss-is-not-the-reported-name",
        ),
        pytest.param(
            "独立非执行董事欧阳骏因其出任港衡保险行政总裁可能构成利益冲突，已辞任恒信银行董事职务。",
            (OU,),
            {("欧阳骏", L, "恒信银行")},
            id="zh-resigning-a-named-seat-and-the-post-on-record",
        ),
    ],
)
def test_alerts_for_chinese_departures_and_posts(
    text: str, people: tuple[Person, ...], expected: set[tuple[str, MoveKind, str | None]]
) -> None:
    assert alerts(text, *people) == expected


def test_the_post_on_record_is_the_join_the_records_hold() -> None:
    found = events("欧阳骏出任港衡保险行政总裁一事，近日引起讨论。", OU)

    assert [(e.kind, e.org) for e in found] == [(J, "港衡保险")]


def test_a_founding_by_others_named_after_by_is_not_the_persons() -> None:
    found = events(
        "闻若川将出任执行长的澄岸医学，是一家成立仅一年的新创，由一群从海外返国的科学家创立。", WEN
    )

    assert F not in {e.kind for e in found}


@pytest.mark.parametrize(
    ("text", "people", "expected"),
    [
        pytest.param(
            "曾在雁回资本担任合伙人的祝临溪近日创办设计工作室“雾屿”。",
            (ZHU,),
            {(F, "雾屿")},
            id="zh-once-held-at-a-place-is-a-descriptor",
        ),
        pytest.param(
            "前岚桥重工总经理闻若川创办独立游戏工作室。",
            (WEN,),
            set(),
            id="zh-a-founding-without-a-name-is-not-the-old-employer",
        ),
    ],
)
def test_events_of_descriptors_and_nameless_foundings(
    text: str, people: tuple[Person, ...], expected: set[tuple[MoveKind, str | None]]
) -> None:
    assert {(e.kind, e.org) for e in events(text, *people)} == expected
