"""Quotations: a move word inside someone's quoted words is theirs to tell, not a report
about the person who speaks them ("'I joined X because…,' she said")."""

from __future__ import annotations

import re
from collections.abc import Sequence

_OPEN = {"“": "”", "「": "」", "『": "』", '"': '"'}
_MARKS = re.compile(r"[“”「」『』\"]")


def quote_ranges(text: str) -> list[tuple[int, int]]:
    """Quoted stretches of one sentence; a quote left open runs to the sentence's end, one
    closed without opening runs from its start (quotes over several sentences)."""
    ranges: list[tuple[int, int]] = []
    start: int | None = None
    closer = ""
    for mark in _MARKS.finditer(text):
        ch = mark.group()
        if start is None and ch in _OPEN:
            start, closer = mark.start(), _OPEN[ch]
        elif start is not None and ch == closer:
            ranges.append((start, mark.end()))
            start = None
        elif start is None and not ranges:
            ranges.append((0, mark.end()))
    if start is not None:
        ranges.append((start, len(text)))
    return ranges


def is_quoted_hearsay(at: int, quotes: Sequence[tuple[int, int]], people: Sequence[int]) -> bool:
    """Whether offset ``at`` is in a quote that names none of ``people`` (their starts)."""
    quote = next(((a, b) for a, b in quotes if a <= at < b), None)
    return quote is not None and not any(quote[0] <= p < quote[1] for p in people)
