"""When a move happened: news at publication time, or background history."""

from __future__ import annotations

import re

from watchers.models import When

_BOUNDARY = re.compile(r"[,;:，；：]")
_YEAR = re.compile(r"(?<![\d.])(?<!since )(?<!自)((?:19|20)\d\d)(?!\d)")
_FUTURE = re.compile(r"\bwill\b|\bto (?:become|join|lead|take)\b|\beffective\b|将|即将|起生效|即日")


def when_of(folded: str, trigger_start: int, trigger_end: int, year: int) -> When:
    """Past when the trigger's clause, or failing a clue there an earlier clause, names a
    year before the publication year; otherwise recent."""
    begin, end = _clause(folded, trigger_start, trigger_end)
    clause = folded[begin:end]
    years = [int(y) for y in _YEAR.findall(clause)]
    if years:
        return When.past if min(years) < year else When.recent
    if _FUTURE.search(clause):
        return When.recent
    earlier = [int(y) for y in _YEAR.findall(folded, 0, begin)]
    return When.past if earlier and earlier[-1] < year else When.recent


def _clause(folded: str, start: int, end: int) -> tuple[int, int]:
    marks = [m.start() for m in _BOUNDARY.finditer(folded)]
    begin = max((m + 1 for m in marks if m < start), default=0)
    finish = min((m for m in marks if m >= end), default=len(folded))
    return begin, finish
