from __future__ import annotations

import itertools

import pytest

from watchers.match import compile_people, find_mentions
from watchers.models import FeedItem, Person

PEOPLE = (
    Person(id=1, name="Marisol Quenby", aliases=("Quenby", "M. Quenby")),
    Person(id=2, name="Zoë Varga-Lind"),
    Person(id=3, name="Anna"),
    Person(id=4, name="陈国栋", aliases=("国栋", "陈总")),
    Person(id=5, name="陈嘉欣"),
    Person(id=6, name="鍾麗華", aliases=("丽华", "钟大姐")),
    Person(id=7, name="Greta Strauß", aliases=("GRETA STRAUSS",)),
    Person(id=8, name="林一"),
    Person(id=9, name="林一鸣"),
    Person(id=10, name="Theo Brandvik", aliases=("T. Brandvik",)),
    Person(id=11, name="Theo Brandvik"),
)
INDEX = compile_people(PEOPLE)


def item(title: str, summary: str = "", key: str = "k") -> FeedItem:
    return FeedItem(
        key=key, url="https://news.example/a", title=title, summary=summary,
        published_at=None, source_id=1,
    )  # fmt: skip


def named(title: str, summary: str = "") -> list[int]:
    mentions = find_mentions([item(title, summary)], INDEX)
    return [person.id for mention in mentions for person in mention.people]


@pytest.mark.parametrize(
    ("title", "summary", "expected"),
    [
        pytest.param("Marisol Quenby joins Corvid Labs", "", [1], id="english-full-name"),
        pytest.param("MARISOL QUENBY named chair", "", [1], id="case-insensitive"),
        pytest.param("Zoe Varga-Lind leaves", "", [2], id="accent-insensitive"),
        pytest.param("ZOË VARGA-LIND", "", [2], id="accent-and-case"),
        pytest.param("Greta Strauss appointed", "", [7], id="sharp-s-folds-to-ss"),
        pytest.param("GRETA STRAUSS appointed", "", [7], id="sharp-s-upper-case"),
        pytest.param("Marisol  Quenby\nspeaks", "", [1], id="whitespace-collapsed"),
        pytest.param("Weather today", "Nothing to see.", [], id="no-names"),
        pytest.param("Anna joins Pellucid", "", [3], id="single-token-name-counts"),
        pytest.param("Annabel joins Pellucid", "", [], id="no-match-inside-longer-word"),
        pytest.param("Joanna joins Pellucid", "", [], id="no-match-at-word-end"),
        pytest.param("Anna2 joins", "", [], id="digit-is-not-a-boundary"),
        pytest.param("(Anna) joins", "", [3], id="punctuation-is-a-boundary"),
        pytest.param("公司CEO Marisol Quenby宣布", "", [1], id="latin-name-beside-chinese"),
        pytest.param("新任CEOMarisol Quenby", "", [], id="latin-name-glued-to-latin"),
        pytest.param("陈国栋出任星河科技总裁", "", [4], id="simplified-name"),
        pytest.param("陳國棟出任星河科技總裁", "", [4], id="traditional-text-simplified-name"),
        pytest.param("钟丽华加盟", "", [6], id="simplified-text-traditional-name"),
        pytest.param("鍾麗華加盟", "", [6], id="traditional-both"),
        pytest.param("董事长陈国栋宣布", "", [4], id="chinese-needs-no-boundary"),
        pytest.param("陈嘉欣加入", "", [5], id="shared-surname-only-named-one"),
        pytest.param("陈国栋与陈嘉欣", "", [4, 5], id="shared-surname-both-named"),
        pytest.param("林一鸣离职", "", [9], id="longer-chinese-name-wins"),
        pytest.param("林一离职", "", [8], id="shorter-chinese-name-alone"),
        pytest.param("林一与林一鸣", "", [8, 9], id="both-chinese-names-apart"),
        pytest.param("Quenby resigns", "", [], id="short-latin-alias-alone"),
        pytest.param("Marisol Quenby resigns", "Quenby said", [1], id="short-alias-with-name"),
        pytest.param("M. Quenby resigns", "", [1], id="multi-token-alias-alone"),
        pytest.param("国栋离职", "", [], id="short-chinese-alias-alone"),
        pytest.param("陈总宣布", "", [], id="two-char-alias-alone"),
        pytest.param("丽华加盟", "", [], id="short-traditional-alias-alone"),
        pytest.param("钟大姐加盟", "", [6], id="three-char-alias-counts"),
        pytest.param("Big news", "Marisol Quenby and 陈嘉欣", [1, 5], id="names-in-summary"),
        pytest.param("陈嘉欣 hires Zoë Varga-Lind", "", [2, 5], id="index-order-not-text-order"),
        pytest.param("Theo Brandvik moves", "", [10, 11], id="namesakes-both-named"),
        pytest.param("Marisol Quenby, Marisol Quenby", "", [1], id="person-listed-once"),
    ],
)
def test_find_mentions(title: str, summary: str, expected: list[int]) -> None:
    assert named(title, summary) == expected


def test_find_mentions_keeps_item_order_and_skips_unnamed_items() -> None:
    items = [
        item("陈嘉欣", key="a"),
        item("nobody", key="b"),
        item("Anna", key="c"),
    ]

    mentions = find_mentions(items, INDEX)

    assert [(m.item.key, [p.id for p in m.people]) for m in mentions] == [("a", [5]), ("c", [3])]


@pytest.mark.parametrize(
    "people",
    [
        pytest.param((), id="nobody-watched"),
        pytest.param((Person(id=1, name="  "),), id="blank-name"),
        pytest.param((Person(id=1, name="", aliases=("Quenby",)),), id="only-short-alias"),
    ],
)
def test_find_mentions_with_nothing_to_find(people: tuple[Person, ...]) -> None:
    assert find_mentions([item("Marisol Quenby and Quenby")], compile_people(people)) == []


def _invented_names(count: int) -> list[str]:
    syllables = ["ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "ze", "qu"]
    words = ("".join(parts).title() for parts in itertools.product(syllables, repeat=3))
    first_names = list(itertools.islice(words, 100))
    return [
        f"{a} {b}" for a, b in itertools.islice(itertools.product(first_names, repeat=2), count)
    ]


def test_find_mentions_in_ten_thousand_names() -> None:
    names = _invented_names(10_000)
    people = [Person(id=i, name=name) for i, name in enumerate(names)]
    people.append(Person(id=10_000, name="陳國棟"))
    index = compile_people(people)
    text = f"{names[7_777]} met {names[42]}; 陈国栋 agreed. {names[9_999][:-1]}"

    mentions = find_mentions([item(text)], index)

    assert len(names) == len(set(names)) == 10_000
    assert [p.id for m in mentions for p in m.people] == [42, 7_777, 10_000]
