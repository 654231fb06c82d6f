"""Find the items that name watched people, with one Aho-Corasick pass per item.

Names and aliases are compared in ``watchers.text.fold`` form, so case, accents and the
two Chinese scripts do not matter. A Latin name must stand between non-letters (a
Chinese character counts as a boundary); a Chinese name needs no boundary. Where one
name lies inside another found at the same place, only the longer one counts. A short
alias (one Latin word, or at most two Chinese characters) never decides a mention on its
own: the person's full name or a longer alias must appear too, so short aliases are not
indexed at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import ahocorasick

from watchers.models import FeedItem, Mention, Person
from watchers.text import fold, has_cjk

_SPACES = re.compile(r"\s+")
_SHORT_CJK_ALIAS = 2


@dataclass(frozen=True, slots=True)
class NameIndex:
    """The compiled names of the watched people; build it once per run with ``compile_people``.

    ``automaton`` maps each folded name to ``(length, person positions in people)``.
    """

    people: tuple[Person, ...]
    automaton: Any | None


@dataclass(frozen=True, slots=True)
class _Hit:
    start: int
    end: int
    person_positions: tuple[int, ...]


def compile_people(people: Sequence[Person]) -> NameIndex:
    """Index every name and long alias of ``people``; mentions list people in this order."""
    names: dict[str, list[int]] = {}
    for position, person in enumerate(people):
        for name in _indexed_names(person):
            owners = names.setdefault(name, [])
            if position not in owners:
                owners.append(position)
    if not names:
        return NameIndex(people=tuple(people), automaton=None)
    automaton = ahocorasick.Automaton(ahocorasick.STORE_ANY, ahocorasick.KEY_STRING)
    for name, owners in names.items():
        automaton.add_word(name, (len(name), tuple(owners)))
    automaton.make_automaton()
    return NameIndex(people=tuple(people), automaton=automaton)


def find_mentions(items: Sequence[FeedItem], index: NameIndex) -> list[Mention]:
    """One ``Mention`` per item that names at least one watched person, in item order."""
    mentions = []
    for item in items:
        positions = _people_named(item, index)
        if positions:
            people = tuple(index.people[p] for p in sorted(positions))
            mentions.append(Mention(item=item, people=people))
    return mentions


def _indexed_names(person: Person) -> Iterator[str]:
    aliases = (_normalise(alias) for alias in person.aliases)
    names = [_normalise(person.name), *(a for a in aliases if not _is_short_alias(a))]
    return (name for name in names if name)


def _normalise(text: str) -> str:
    return _SPACES.sub(" ", fold(text)).strip()


def _is_short_alias(folded: str) -> bool:
    if has_cjk(folded):
        return len(folded.replace(" ", "")) <= _SHORT_CJK_ALIAS
    return " " not in folded


def _people_named(item: FeedItem, index: NameIndex) -> set[int]:
    if index.automaton is None:
        return set()
    text = _normalise(item.title + "\n" + item.summary)
    hits = [hit for hit in _hits(text, index.automaton) if _has_boundaries(text, hit)]
    return {p for hit in _outermost(hits) for p in hit.person_positions}


def _hits(text: str, automaton: Any) -> Iterator[_Hit]:
    for last, (length, positions) in automaton.iter(text):
        yield _Hit(start=last - length + 1, end=last + 1, person_positions=positions)


def _has_boundaries(text: str, hit: _Hit) -> bool:
    """A name edge that is a Latin letter or digit must not touch another one."""
    first, last = text[hit.start], text[hit.end - 1]
    before = text[hit.start - 1] if hit.start > 0 else ""
    after = text[hit.end] if hit.end < len(text) else ""
    return not (_is_word(first) and _is_word(before)) and not (_is_word(last) and _is_word(after))


def _is_word(char: str) -> bool:
    return char.isalnum() and not has_cjk(char)


def _outermost(hits: list[_Hit]) -> Iterator[_Hit]:
    """Drop every hit that lies inside a longer hit."""
    furthest_end = -1
    for hit in sorted(hits, key=lambda h: (h.start, -h.end)):
        if hit.end > furthest_end:
            yield hit
            furthest_end = hit.end
