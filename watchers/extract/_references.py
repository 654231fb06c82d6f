"""Later references to a person already named: he, she, 他, 該名高管, "the 54-year-old"."""

from __future__ import annotations

import re
from collections.abc import Sequence

from watchers.extract._people import PersonSpan

_PRONOUN = re.compile(
    r"\b(?:he|she)\b|(?<![其吉])[他她](?![们])|其(?=(?:将|已|随即)?(?:离职|辞职|卸任|退休|加盟|加入|出任))"
)
_DESCRIPTION = re.compile(
    r"^the (?:\d+-year-old|(?:former|retiring|outgoing|departing|incoming|veteran) [a-z-]+"
    r"(?: [a-z-]+)?|[a-z]+(?:ist|er|or|ian|ive))\b|该名?(?:高管|人士|负责人|主管|经理人|教练|分析师)|此人"
)

# "The former chief executive of Quarry Mills has been named …": a description that names
# its own place picks out whoever held that post, not the item's main person.
_OWN_PLACE = re.compile(r" (?:of|at) (?!the company|the firm|the group)")


def resolve_references(
    folded: str,
    named: Sequence[PersonSpan],
    previous: int | None,
    topic: int | None,
    strangers: Sequence[int] = (),
) -> list[PersonSpan]:
    """The sentence's people: names, plus pronouns (the last person named, here or in an
    earlier sentence) and descriptions (the item's main person). A pronoun right after an
    unwatched person (``strangers``: where they are named) is theirs. Offsets are the
    sentence's."""
    spans = list(named)
    for hit in _PRONOUN.finditer(folded):
        before = [s for s in named if s.end <= hit.start()]
        last = before[-1].end if before else -1
        if any(last < at < hit.start() for at in strangers):
            continue
        _add(spans, before[-1].person if before else previous, hit.start(), hit.end())
    for hit in _DESCRIPTION.finditer(folded):
        if not _OWN_PLACE.match(folded, hit.end()):
            _add(spans, topic, hit.start(), hit.end())
    return sorted(spans, key=lambda s: s.start)


def _add(spans: list[PersonSpan], person: int | None, start: int, end: int) -> None:
    if person is None or any(s.start < end and start < s.end for s in spans):
        return
    before = [s for s in spans if s.end <= start]
    if before and max(before, key=lambda s: s.end).person == person:
        return
    spans.append(PersonSpan(person, start, end))
