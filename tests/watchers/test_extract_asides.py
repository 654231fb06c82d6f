"""extract_events and diff_roles: what an aside, a replaced person or a time phrase does
not report.

Each row is one general cause of a false alert: an apposition after a name ("X, a director
at Y who set up its office, would join …") reports no move of X's; a description that names
its own place ("the former chief executive of Q") is not the item's main person; "由Y接替X
出任…" is not X's new post; a post told right after a clause of history ("早年曾任职于X，
担任Y") is history; a passive move after someone's tenure ("在他担任…期间被提拔") is the
move of the passive's subject; 指派 (assign) appoints.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.watchers.reading import Reader
from watchers.models import KnownRole, MoveKind, Person

NOW = datetime(2025, 10, 20, 8, 0, tzinfo=UTC)
_reader = Reader(NOW)
alerts = _reader.alerts
J, L, F, R = MoveKind.joined, MoveKind.left, MoveKind.founded, MoveKind.role_changed

CORVIN = Person(
    id=1,
    name="Corvin Ashdale",
    aliases=("Ashdale",),
    roles=(KnownRole(org="Pellow Stanning", title="director"),),
)
SHU = Person(id=2, name="莘望舒", roles=(KnownRole(org="澄渊投资", title="董事长"),))
YAN = Person(id=3, name="郗若岩", roles=(KnownRole(org="栎川证券", title="研究部主管"),))


@pytest.mark.parametrize(
    ("text", "people", "expected"),
    [
        pytest.param(
            "Corvin Ashdale left Pellow Stanning this week. The former chief executive of "
            "Quenby Mills has been named chairman of Rothwick Hall.",
            (CORVIN,),
            {("Corvin Ashdale", L, "Pellow Stanning")},
            id="en-a-description-naming-its-own-place-is-someone-else",
        ),
        pytest.param(
            "澄渊投资宣布，由郗若岩接替莘望舒出任董事长。",
            (SHU, YAN),
            {("郗若岩", J, "澄渊投资"), ("莘望舒", L, "澄渊投资")},
            id="zh-the-post-after-the-replaced-person-is-the-successors",
        ),
        pytest.param(
            "莘望舒早年曾任职于岚翼航空，担任财务处长。",
            (SHU,),
            set(),
            id="zh-a-post-right-after-a-clause-of-history-is-history",
        ),
        pytest.param(
            "莘望舒表示，邝一鸣在他担任董事长期间被提拔为副总裁。",
            (SHU,),
            set(),
            id="zh-a-passive-promotion-in-someone-elses-clause-is-theirs",
        ),
        pytest.param(
            "澄渊投资的许多中层干部，都是在莘望舒担任董事长期间被提拔起来的。",
            (SHU,),
            set(),
            id="zh-a-name-inside-a-tenure-phrase-only-dates-the-move",
        ),
        pytest.param(
            "公司指派莘望舒出任栖霞基金总经理。",
            (SHU,),
            {("莘望舒", J, "栖霞基金")},
            id="zh-assigning-someone-to-a-post-appoints-them",
        ),
    ],
)
def test_alerts(text: str, people: tuple[Person, ...], expected: set[object]) -> None:
    assert alerts(text, *people) == expected


def test_an_open_successor_gives_the_replaced_person_no_post() -> None:
    found = alerts("恒穗银行会由谁接替莘望舒出任零售业务负责人，仍未可知。", SHU)
    assert not any(kind in (J, R) for _, kind, _ in found)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(
            "Corvin Ashdale, a director at Pellow Stanning who set up its Lisbon office, would "
            "join as head of strategy in January, Oxhey & Brand said.",
            id="en-a-relative-clause-inside-an-apposition",
        ),
        pytest.param(
            "Corvin Ashdale, currently a partner at Pellow Stanning who set up its Lisbon desk, "
            "will join Oakhurst Ventures in May.",
            id="en-an-apposition-opened-by-currently",
        ),
    ],
)
def test_an_apposition_after_a_name_reports_no_move_of_theirs(text: str) -> None:
    found = alerts(text, CORVIN)
    assert not any(kind is F for _, kind, _ in found)
    assert not any(org == "Lisbon" for _, _, org in found)
