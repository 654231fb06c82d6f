"""Where the watched people are named in an item: full names, aliases, surnames."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from watchers.models import Person
from watchers.text import fold, has_cjk

_CJK_ORG_TAIL = re.compile(
    r"[\u4e00-\u9fff]{0,3}?(?:基金会|基金|精密|公司(?!(?:副|总|董事|首席|执行|职务))|集团|科技|"
    r"实业|控股|工业|电子|医院|学校|"
    r"中学|小学|大学|学院|研究院|奖|大厦|大楼|广场|纪念馆|文教)"
)
_CJK_TAIL_STOP = re.compile(r"[为任在于出加的和与及将已被从向对等是、，。；：（）\s]")
_LATIN_ORG_TAIL = re.compile(
    r"\s+(?:[A-Z][\w&.'-]*\s+){0,3}?(?:Foundation|Inc\b|Corp\b|Co\.|Company|Group|Holdings|"
    r"Capital|Partners|Precision|Lines|Bank|University|Institute|Motors|Labs?|Technologies|"
    r"Systems|Ventures|Fund|Trust|Center|Centre|Hall|Street|Road|Avenue|Prize|Award|School|"
    r"College|Airport|Stadium|Park|Square|Industries|Brothers)\b"
)
_NEXT_CAPITALISED = re.compile(
    r" & [A-Z]| (?!(?:January|February|March|April|May|June|July|August|"
    r"September|October|November|December|Monday|Tuesday|"
    r"Wednesday|Thursday|Friday|Saturday|Sunday)\b)[A-Z][a-z]"
)
_PREVIOUS_WORD = re.compile(r"([A-Z][a-z]+) $")
_TITLE_WORDS = frozenset(
    {
        "Chief", "Executive", "Officer", "President", "Chairman", "Chair", "Director", "Mr",
        "Ms", "Mrs", "Dr", "Prof", "Professor", "Provost", "Coach", "Manager", "Governor",
        "Minister", "Secretary", "Vice", "Founder", "Former", "Analyst", "Partner", "Head",
        "Treasurer", "Dean", "Chancellor", "Senator", "Judge", "Captain", "General",
    }
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class PersonSpan:
    """A stretch of the item's text that names one watched person."""

    person: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class _Form:
    person: int
    folded: str
    is_short: bool


def locate_people(people: Sequence[Person], text: str, folded: str) -> list[PersonSpan]:
    """Every unambiguous naming of a watched person, in text order, never overlapping."""
    forms = _forms(people)
    found = _longest_first(_occurrences(forms, folded))
    named = {form.person for form, _ in found if not form.is_short}
    spans = [
        _span(found, form, start, named)
        for form, start in found
        if _is_person(form, start, text)
        and (not form.is_short or form.person in named)
        and not (form.is_short and _namesake_named_last(found, form, start, text))
    ]
    return sorted((s for s in spans if s is not None), key=lambda s: s.start)


def _forms(people: Sequence[Person]) -> list[_Form]:
    forms: list[_Form] = []
    for index, person in enumerate(people):
        names = [fold(name).strip() for name in (person.name, *person.aliases)]
        names = [name for name in dict.fromkeys(names) if len(name) >= 2]
        forms.extend(_Form(index, name, _is_short(name, names)) for name in names)
    return forms


def _is_short(name: str, names: Sequence[str]) -> bool:
    """A surname or given name: a part of another of the person's names."""
    if has_cjk(name):
        return any(name != other and name in other for other in names)
    return any(name != other and name in other.replace("·", " ").split() for other in names)


def _occurrences(forms: Sequence[_Form], folded: str) -> list[tuple[_Form, int]]:
    hits: list[tuple[_Form, int]] = []
    for form in forms:
        start = folded.find(form.folded)
        while start >= 0:
            if has_cjk(form.folded) or _word_bounded(folded, start, len(form.folded)):
                hits.append((form, start))
            start = folded.find(form.folded, start + 1)
    return hits


def _word_bounded(folded: str, start: int, length: int) -> bool:
    before = folded[start - 1] if start else " "
    after = folded[start + length] if start + length < len(folded) else " "
    return not (_is_letter(before) or _is_letter(after))


def _is_letter(ch: str) -> bool:
    return ch.isalnum() and not has_cjk(ch)


def _longest_first(hits: list[tuple[_Form, int]]) -> list[tuple[_Form, int]]:
    """Drop hits inside a longer hit: 林可 inside 林可欣 is not a second person."""
    taken: list[tuple[int, int]] = []
    kept: list[tuple[_Form, int]] = []
    for form, start in sorted(hits, key=lambda hit: (-len(hit[0].folded), hit[1])):
        end = start + len(form.folded)
        overlaps = [(s, e) for s, e in taken if s < end and start < e]
        if all((s, e) == (start, end) for s, e in overlaps):
            taken.append((start, end))
            kept.append((form, start))
    return kept


def _span(
    found: Sequence[tuple[_Form, int]], form: _Form, start: int, named: set[int]
) -> PersonSpan | None:
    """The span, unless another named person shares the same words (a shared surname)."""
    rivals = {f.person for f, s in found if s == start and f.person in named}
    if len(rivals) > 1:
        return _closest_full_naming(found, rivals, start)
    return PersonSpan(form.person, start, start + len(form.folded))


def _closest_full_naming(
    found: Sequence[tuple[_Form, int]], rivals: set[int], start: int
) -> PersonSpan | None:
    earlier = [(s, f) for f, s in found if f.person in rivals and not f.is_short and s < start]
    if not earlier:
        return None
    _, form = max(earlier, key=lambda pair: pair[0])
    return PersonSpan(
        form.person, start, start + len(next(f.folded for f, s in found if s == start))
    )


def _is_person(form: _Form, start: int, text: str) -> bool:
    """False when the name is part of an organisation's or another person's name."""
    end = start + len(form.folded)
    if has_cjk(form.folded):
        tail = _CJK_ORG_TAIL.match(fold(text[end : end + 8]))
        return tail is None or _CJK_TAIL_STOP.search(tail.group()) is not None
    if _LATIN_ORG_TAIL.match(text, end) or _NEXT_CAPITALISED.match(text, end):
        return False
    previous = _PREVIOUS_WORD.search(text, max(0, start - 20), start)
    return not (form.is_short and previous and previous.group(1) not in _TITLE_WORDS)


def _namesake_named_last(
    found: Sequence[tuple[_Form, int]], form: _Form, start: int, text: str
) -> bool:
    """ "Her brother Conrad Halloran … Halloran left": a bare surname goes to whoever was
    last named in full with it, here someone the item does not watch."""
    if has_cjk(form.folded):
        return False
    own = [s for f, s in found if f.person == form.person and not f.is_short and s < start]
    surname = re.escape(text[start : start + len(form.folded)])
    others = [
        hit.start()
        for hit in re.compile(rf"\b([A-Z][a-z]+) {surname}\b").finditer(text, 0, start)
        if hit.start() not in own and _is_given_name(hit.group(1), text)
    ]
    return bool(others) and max(others) > max(own, default=-1)


def _is_given_name(word: str, text: str) -> bool:
    """Not a title ("President X") nor a word the item also writes in lower case ("When")."""
    return word not in _TITLE_WORDS and f" {word.lower()} " not in text
