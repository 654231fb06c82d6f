"""Capitalised names in Latin script that may be organisations, trimmed of the words around
them: titles, function words, a sentence's opening word, places and people."""

from __future__ import annotations

import re
from collections.abc import Iterable

_LATIN_SPAN = re.compile(r"(?<![\w&])[A-Z][\w&.'’-]*(?:(?: of| &| for| de)? [A-Z0-9][\w&.'’-]*)*")
_LEGAL = frozenset({"inc.", "corp.", "co.", "ltd.", "plc.", "s.a.", "n.v.", "p.l.c.", "u.s."})
_STOP_WORDS = frozenset(
    """the a an in on at but and separately also if he she it its his her they their after
    before when while as former new mr ms mrs dr monday tuesday wednesday thursday friday
    saturday sunday january february march april may june july august september october
    november december jan feb mar apr jun jul aug sep sept oct nov dec chief executive
    officer president chairman chair vice director head ceo cfo coo cto cio cmo provost
    assistant coach manager interim acting co-president co-ceo independent board deputy
    general senior managing partner operating financial technology counsel founder
    co-founder analyst q&a who what why how this that these those one two three under
    according some many last next""".split()  # noqa: SIM905 - a word list reads best as prose
)
_LEADING = frozenset(  # capitalised only because they open a sentence: "To lead the effort, …"
    "to for with from by during since despite asked like unlike among over".split()  # noqa: SIM905
) | frozenset("there people we our you".split())  # noqa: SIM905 - "There had been talk …"
_ADJECTIVE = ("-based", "-born", "-bred", "-raised", "-educated", "-trained")  # "Lagos-born"
_PLACE_BEFORE = re.compile(r"\bin $")  # "a doctorate in Galway": one word after "in" is a place
_CITY_AND_REGION = re.compile(  # "the Dayton, Ohio, trucking group": a place, not two firms
    r"\b(?:the|in) ([A-Z][a-z]+(?: [A-Z][a-z]+)?, [A-Z][a-z]+(?: [A-Z][a-z]+)?)(?=, [a-z])"
)
_PERSON_BEFORE = re.compile(  # "chief operating officer Dana Ilverton": a person, not a firm
    r"\b(?:officer|executive|president|chair(?:man|woman)?|director|ceo|cfo|coo|cto|cio|founder"
    r"|manager|coach|analyst|economist|strategist|counsel|secretary|minister|governor|mr|ms|mrs"
    r"|dr|prof|professor|spokesman|spokeswoman|spokesperson)\.?,? $",
    re.IGNORECASE,
)


def person_words(text: str) -> frozenset[str]:
    """Last words of names written after a person's title ("President Jo Ambler", "Mr.
    Ambler"): a one-word span equal to one of them is that person, not an organisation."""
    spans = (_trim_latin(hit.start(), hit.group()) for hit in _LATIN_SPAN.finditer(text))
    return frozenset(
        span[1].split(" ")[-1]
        for span in spans
        if span is not None and _PERSON_BEFORE.search(text, max(0, span[0] - 40), span[0])
    )


def latin_names(text: str) -> Iterable[tuple[int, str]]:
    """Where each capitalised name that may be an organisation starts, and the name."""
    places = [hit.span(1) for hit in _CITY_AND_REGION.finditer(text)]
    for hit in _LATIN_SPAN.finditer(text):
        span = _trim_latin(hit.start(), hit.group())
        if (
            span is not None
            and not _PERSON_BEFORE.search(text, max(0, span[0] - 40), span[0])
            and not _is_place(text, span)
            and not any(a <= span[0] < b for a, b in places)
        ):
            yield span


def _is_place(text: str, span: tuple[int, str]) -> bool:
    """ "a doctorate in Galway": one capitalised word after "in" is a place, not a firm."""
    start, name = span
    before = _PLACE_BEFORE.search(text, max(0, start - 3), start)
    return " " not in name and before is not None


def _trim_latin(start: int, raw: str) -> tuple[int, str] | None:
    words = raw.split(" ")
    while words and (
        words[0].lower().strip(".,'’") in _STOP_WORDS | _LEADING or words[0].endswith(_ADJECTIVE)
    ):
        start += len(words.pop(0)) + 1
    kept: list[str] = []
    for word in words:
        if word.lower().rstrip(".,") in _STOP_WORDS or word.endswith(_ADJECTIVE):
            break
        kept.append(word)
    name = _clean_tail(" ".join(kept))
    if len(name) < 2 or name.lower() in _STOP_WORDS or not name[0].isupper():
        return None
    return start, name


def _clean_tail(name: str) -> str:
    name = re.sub(r"['’]s?$", "", name)
    while name.endswith((".", ",", "-", "'")) and name.split(" ")[-1].lower() not in _LEGAL:
        name = name[:-1]
    return re.sub(r" (?:of|&|for|de)$", "", name)
