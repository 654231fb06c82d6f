"""Split an item's text into sentences, keeping each one's offset in the text."""

from __future__ import annotations

import re
from dataclasses import dataclass

# A full stop ends a sentence unless it closes a known abbreviation or an initial.
_ENDS = re.compile(r"[。！？；!?]+[”」』\"']?|\.(?=[\s”\"']|$)[”\"']?|\n+")
_ABBREVIATIONS = frozenset(
    {
        "inc", "corp", "co", "ltd", "plc", "llc", "mr", "mrs", "ms", "dr", "prof", "st",
        "jr", "sr", "no", "vs", "u.s", "u.k", "jan", "feb", "mar", "apr", "jun", "jul",
        "aug", "sep", "sept", "oct", "nov", "dec", "gov", "sen", "rep", "gen", "p.l.c",
        "s.a", "n.v", "a.g", "e.g", "i.e", "approx", "est", "dept", "bros",
    }
)  # fmt: skip
_LAST_WORD = re.compile(r"([\w.]+)$")


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence: its text and where it starts in the item's text."""

    start: int
    text: str

    @property
    def end(self) -> int:
        return self.start + len(self.text)


def split_sentences(text: str) -> list[Sentence]:
    """Sentences in order; a trailing fragment without an end mark is a sentence too."""
    sentences: list[Sentence] = []
    begin = 0
    for end_mark in _ENDS.finditer(text):
        if end_mark.group().startswith(".") and _is_abbreviation(text, end_mark.start()):
            continue
        _append(sentences, text, begin, end_mark.end())
        begin = end_mark.end()
    _append(sentences, text, begin, len(text))
    return sentences


def _is_abbreviation(text: str, dot: int) -> bool:
    word = _LAST_WORD.search(text, max(0, dot - 12), dot)
    if word is None:
        return False
    token = word.group(1).lower()
    return token in _ABBREVIATIONS or (len(token) == 1 and token.isalpha())


def _append(sentences: list[Sentence], text: str, begin: int, end: int) -> None:
    chunk = text[begin:end]
    stripped = chunk.strip()
    if stripped:
        sentences.append(Sentence(begin + chunk.index(stripped), stripped))
