"""Asides: the parts of a sentence that describe a person rather than report a move.

"前北辰数据工程副总裁卫澜清", "a onetime aide at the port authority,", ", who left Acme in 2019,":
an organisation or a title inside an aside belongs to the person's past, so a move
reported outside the aside never takes it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from watchers.extract._orgs import OrgSpan
from watchers.extract._people import PersonSpan
from watchers.extract._titles import TitleSpan

_MARKER = re.compile(
    r"\b(?:former|ex-|onetime|one-time|erstwhile)\W|,\s*(?:who|which)\b"
    r"|(?<![此目之日以提年月周天当先面眼空从史战向])(?:前|原)(?!往|来|景|夕|期|列|提|述|后|所|因|则|来|本|先|面)"
)
_CLAUSE_MARK = re.compile(r"[,;:，；：。(（]")
# "X, a director at Y who set up its office, would join …", "X, currently president of Y,":
# an apposition right after a name says what the person is; it reports no move of theirs.
_APPOSITION = re.compile(r",\s*(?:a|an|currently|now)\s[^,;:.]{2,90}?(?=,)")
_LABEL_GLUE = re.compile(r"[\s、,，兼暨和及与&'’s]*")


def aside_ranges(folded: str, people: Sequence[PersonSpan]) -> list[tuple[int, int]]:
    """Where each aside starts and ends: at the next person named, or the next clause mark."""
    ranges: list[tuple[int, int]] = []
    for hit in _MARKER.finditer(folded):
        start = hit.start() + (1 if folded[hit.start()] == "," else 0)
        mark = _CLAUSE_MARK.search(folded, hit.end())
        people_after = [p.start for p in people if p.start >= hit.end()]
        end = min([len(folded), *people_after, *([mark.start()] if mark else [])])
        if end > hit.end():
            ranges.append((start, end))
    return ranges + apposition_ranges(folded, people)


def apposition_ranges(folded: str, people: Sequence[PersonSpan]) -> list[tuple[int, int]]:
    """The appositions closed by a comma right after each person's name."""
    hits = (_APPOSITION.match(folded, person.end) for person in people)
    return [(hit.start() + 1, hit.end()) for hit in hits if hit]


_RELATIVE = re.compile(r",\s*who\b[^,;:.]*$")
_STILL_AHEAD = re.compile(r"\b(?:will|is to|are to|is set to|is due to)\b")


def in_relative_clause(folded: str, at: int) -> bool:
    """ ", who returned to X in the spring, will …": a move told in a relative clause
    describes the person's past; what the sentence reports comes after it."""
    clause = _RELATIVE.search(folded, 0, at)
    return clause is not None and not _STILL_AHEAD.search(clause.group())


def outside(start: int, ranges: Sequence[tuple[int, int]], at: int) -> bool:
    """Whether offset ``start`` is visible from offset ``at``: not in an aside ``at`` is not in."""
    return not any(a <= start < b and not a <= at < b for a, b in ranges)


def label_ranges(
    folded: str,
    people: Sequence[PersonSpan],
    orgs: Sequence[OrgSpan],
    titles: Sequence[TitleSpan],
) -> list[tuple[int, int]]:
    """ "霓岭集团董事长庞砚舟", "Acme CFO Jane Doe": an organisation and titles naming what
    the person holds now; a move to a new place ("将出任集团CEO") is not about it."""
    ranges: list[tuple[int, int]] = []
    for person in people:
        for org in (o for o in orgs if not o.is_generic and o.end <= person.start):
            gap = _without_titles(folded, org.start, person.start, titles)
            if gap is not None and _LABEL_GLUE.fullmatch(gap[org.end - org.start :]):
                ranges.append((org.start, person.start))
    return ranges


def _without_titles(folded: str, start: int, end: int, titles: Sequence[TitleSpan]) -> str | None:
    inside = [t for t in titles if start < t.end <= end]  # "旗下X执行长": may start before X
    if not inside:
        return None
    chars = list(folded[start:end])
    for title in inside:
        first = max(title.start, start)
        chars[first - start : title.end - start] = [" "] * (title.end - first)
    return "".join(chars)
