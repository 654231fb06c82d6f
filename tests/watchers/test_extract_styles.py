"""extract_events and diff_roles: rules found by scoring a fifth corpus written in other
styles (wire stories with datelines, trade press, press releases, list articles, Q&A
interviews, Taiwanese filings) before any rule was fitted to it.

Each row is one general cause of a false or missed alert: an unwatched person named after
a title and their own news ("财务长X上月也已提出辞呈"), so a later 他 is theirs; a move to
an indefinite place ("left a consultancy", "担任一间…的义务主席"); a post after a comma
that follows a move's object ("加盟X，出任Y"); 自 (from) opening no name; the newspaper
itself (本报) as no organisation; a dateline as no organisation.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.watchers.reading import Reader
from watchers.models import KnownRole, MoveKind, Person

NOW = datetime(2025, 10, 20, 8, 0, tzinfo=UTC)
_reader = Reader(NOW)
events, alerts = _reader.events, _reader.alerts
J, L, F, R = MoveKind.joined, MoveKind.left, MoveKind.founded, MoveKind.role_changed

GUAN = Person(
    id=1,
    name="莘望舒",
    roles=(
        KnownRole(org="澄渊投资", title="董事长"),
        KnownRole(org="岚翼航空", title="财务处长", current=False),
    ),
)
TAN = Person(id=2, name="郗若岩", roles=(KnownRole(org="栎川证券", title="研究部主管"),))
HUA = Person(id=3, name="郦远舟", roles=(KnownRole(org="枫桥地产", title="行政总裁"),))
YUN = Person(id=4, name="璩雨眠", roles=(KnownRole(org="沐阳能源", title="执行长"),))
SUN = Person(id=5, name="缑思齐", roles=(KnownRole(org="汐石电子", title="研发处长"),))
CORM = Person(
    id=6,
    name="Philippa Rookwood",
    aliases=("Rookwood",),
    roles=(KnownRole(org="Hollins Dane", title="partner"),),
)
ESME = Person(
    id=7,
    name="Esmond Kitteridge",
    aliases=("Kitteridge",),
    roles=(KnownRole(org="Wexcombe Motion", title="president"),),
)


@pytest.mark.parametrize(
    ("text", "people", "expected"),
    [
        pytest.param(
            "大股东澄渊投资董事长莘望舒表示支持董事会。岚翼航空财务长羿承安上月也已提出辞呈。"
            "他随后向媒体表示，离职是为了回到学界任教。",
            (GUAN,),
            set(),
            id="zh-he-after-a-titled-unwatched-person-with-own-news-is-theirs",
        ),
        pytest.param(
            "Rookwood has been at Hollins Dane since 2008, when she left a consultancy.",
            (CORM,),
            set(),
            id="en-leaving-an-unnamed-place-is-not-leaving-the-employer",
        ),
        pytest.param(
            "郦远舟亦是多个地产业界组织的成员，并担任一间青少年中心的义务主席。",
            (HUA,),
            set(),
            id="zh-a-post-at-an-indefinite-place-is-no-move",
        ),
        pytest.param(
            "栎川证券研究部主管郗若岩已于上月底离职，本周正式加入鼎岳投信，出任投资长。",
            (TAN,),
            {("郗若岩", L, "栎川证券"), ("郗若岩", J, "鼎岳投信")},
            id="zh-post-after-a-comma-stays-at-the-joins-object",
        ),
        pytest.param(
            "沐阳能源执行长璩雨眠已于本月离开公司，与前同事共同创立储能新创「峰岚科技」，并出任执行长。",
            (YUN,),
            {("璩雨眠", L, "沐阳能源"), ("璩雨眠", F, "峰岚科技"), ("璩雨眠", J, "峰岚科技")},
            id="zh-post-after-a-comma-stays-at-the-founded-company",
        ),
        pytest.param(
            "缑思齐原任汐石电子研发处长，已于上月自汐石电子离职。",
            (SUN,),
            {("缑思齐", L, "汐石电子")},
            id="zh-from-opens-no-name",
        ),
        pytest.param(
            "郦远舟向本报表示，现阶段仍以行政总裁的身份处理日常工作。",
            (HUA,),
            set(),
            id="zh-the-newspaper-itself-is-no-organisation",
        ),
        pytest.param(
            "DORCHESTER, Mass., Oct. 2, 2025 -- Tarrow Lifts, Inc. today announced that its board "
            "has appointed Esmond Kitteridge as chief executive officer.",
            (ESME,),
            {("Esmond Kitteridge", J, "Tarrow Lifts")},
            id="en-a-dateline-is-no-organisation",
        ),
    ],
)
def test_styles(text: str, people: tuple[Person, ...], expected: set[object]) -> None:
    found = alerts(text, *people)

    assert found == expected
