"""When a move happened: news at publication time, or background history."""

from __future__ import annotations

import re

from watchers.models import When

_BOUNDARY = re.compile(r"[,;:，；：]")
_YEAR = re.compile(
    r"(?<![\d.])(?<!since )(?<!自)((?:19|20)\d\d)(?!\d)|([一二][〇零○九][〇零○一二三四五六七八九]{2})(?=年)"
)
_CJK_DIGITS = str.maketrans("〇零○一二三四五六七八九", "00012345678" + "9")
_FUTURE = re.compile(r"\bwill\b|\bto (?:become|join|lead|take)\b|\beffective\b|将|即将|起生效|即日")
# "When X stepped down", "since she joined", "he had joined": a story's past, not news.
_NARRATIVE = re.compile(r"\b(?:when|since|had)\s+(?:[^\s,;]+\s+){0,3}$")
# "six years after she left to lead X": a span of time after the move puts it in the past,
# even with "to lead" (which otherwise reads as ahead).
_SPAN_AFTER = re.compile(r"\b(?:years?|months?|decades?) after\s+(?:[^\s,;]+\s+){0,3}$")
_WHEN_AFTER = re.compile(r"[^.;]{0,30}?\bwhen\b")  # "she left the bank when the floor closed"
_REPORTED = re.compile(r"\b(?:said|says|announced|confirmed|disclosed|told)\b")


def when_of(folded: str, trigger_start: int, trigger_end: int, year: int) -> When:
    """Past when the trigger's clause, or failing a clue there an earlier clause, names a
    year before the publication year, or tells the move as a story's past ("when she
    joined", "he had left"); otherwise recent."""
    begin, end = _clause(folded, trigger_start, trigger_end)
    clause = folded[begin:end]
    years = _years(clause)
    if years:
        return When.past if min(years) < year else When.recent
    if _SPAN_AFTER.search(folded, begin, trigger_start):
        return When.past
    if _FUTURE.search(clause):
        return When.recent
    if _is_narrative(folded, begin, trigger_start) or _WHEN_AFTER.match(folded, trigger_end, end):
        return When.past
    earlier = _years(folded[:begin])
    return When.past if earlier and earlier[-1] < year else When.recent


def _years(text: str) -> list[int]:
    return [int((a or b).translate(_CJK_DIGITS)) for a, b in _YEAR.findall(text)]


def _is_narrative(folded: str, begin: int, trigger_start: int) -> bool:
    hit = _NARRATIVE.search(folded, begin, trigger_start)
    if hit is None:
        return False
    return not (hit.group().startswith("had") and _REPORTED.search(folded, 0, hit.start()))


def _clause(folded: str, start: int, end: int) -> tuple[int, int]:
    marks = [m.start() for m in _BOUNDARY.finditer(folded)]
    begin = max((m + 1 for m in marks if m < start), default=0)
    finish = min((m for m in marks if m >= end), default=len(folded))
    return begin, finish
