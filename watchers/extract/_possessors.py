"""People who only describe someone else: "X's deputy", "X的学生", and denied reports.

A watched person followed by a possessive labels the person it describes ("Quarrie's
deputy left", "某某的副手离职"): the move is the described person's, not theirs, unless
the possessive is itself the move ("X's departure"). A sentence that denies a report
("called the report baseless", "上述消息不实") voids the moves reported just before it
("a newsletter reported …", "有媒体称…"); a stated move stays.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from watchers.extract._lexicon import Trigger
from watchers.extract._people import PersonSpan

_POSSESSIVE = re.compile(  # "X's post", "解除X的职务": the post is X's own
    r"['’]s\b(?! (?:\w+ )?(?:role|post|position|job|duties|seat)\b)|的(?![^，。；,;]{0,6}职[务位])"
)
_SUBJECT_GAP = re.compile(  # ", Ivo Brennick, retired": an apposition closes with a comma
    r"(?:,? who\b|, \d{2},|,)?[^,;:，；：]{0,24}|['’]s[^;:，；：]{0,60}"
)
_REPORT = re.compile(
    r"\b(?:reports?|rumou?rs?|speculation|claims?|story)\b|传闻|传言|消息|报道|报导|臆测|说法"
)
_REPORT_DENIAL = re.compile(
    r"\bden(?:y|ies|ied|ying)\b|\bbaseless\b|\bunfounded\b|\buntrue\b|\bfalse\b"
    r"|否认|不实|纯属|澄清|与事实不符|并非事实"
)


def subjects(
    folded: str, people: Sequence[PersonSpan], triggers: Sequence[Trigger]
) -> list[PersonSpan]:
    """The people who can own a move: not those who only label another person."""
    return [p for p in people if not _labels_another(folded, p, triggers)]


def is_someone_elses(
    folded: str,
    people: Sequence[PersonSpan],
    strangers: Sequence[tuple[int, int]],
    trigger: Trigger,
) -> bool:
    """ "Halloran's assistant, Mina Corrie, retired", "her predecessor Edmund Sallow
    retired", "Lionel Prewitt, who left": the subject next before the move is someone
    the item does not watch."""
    named = [(p.end, _labels_another(folded, p, [trigger])) for p in people]
    named += [(end, True) for start, end in strangers if start >= 0]
    before = [(end, other) for end, other in named if end <= trigger.start]
    if not before:
        return False
    end, other = max(before)
    return other and _SUBJECT_GAP.fullmatch(folded, end, trigger.start) is not None


_KIN_OF = re.compile(  # "Halvard X, the son of … Tessaly X,": the watched one is a label
    r"\b(?:son|daughter|wife|husband|brother|sister|father|mother|cousin|nephew|niece|widow"
    r"|widower|grandson|granddaughter|stepson|stepdaughter) of\b[^,;.]{0,40}$"
)


def _labels_another(folded: str, span: PersonSpan, triggers: Sequence[Trigger]) -> bool:
    if _KIN_OF.search(folded, max(0, span.start - 60), span.start):
        return True
    if not _POSSESSIVE.match(folded, span.end):
        return False
    return not any(span.end <= t.start <= span.end + 1 for t in triggers)


_REPORTED = re.compile(
    r"\breport(?:s|ed|edly)?\b|\brumou?r|\bspeculat|\bnewsletter|\bblog|\bcolumn"
    r"|称|传出|传闻|传言|报道|报导|据悉"
)


def tells_a_report(folded: str) -> bool:
    """ "A newsletter reported that …", "有媒体称…": a story a later denial can void."""
    return _REPORTED.search(folded) is not None


def denies_a_report(folded: str) -> bool:
    """ "The company called the report baseless", "相关报导纯属臆测"."""
    return bool(_REPORT.search(folded) and _REPORT_DENIAL.search(folded))
