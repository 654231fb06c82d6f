"""A claim settled into a draft: its organisation, title, time and confidence, read with
what the item said before (``Reading``)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from watchers.extract._asides import in_relative_clause
from watchers.extract._claims import Claim
from watchers.extract._drafts import Draft
from watchers.extract._lexicon import Move
from watchers.extract._modality import Modality
from watchers.extract._orgs import OrgSpan
from watchers.extract._places import (
    canonical_org,
    employer_by_title,
    fallback_org,
    former_employer,
    is_same_place,
    resolve_generic,
    sole_employer,
)
from watchers.extract._sentences import Sentence
from watchers.extract._timing import when_of
from watchers.extract._titles import without_org
from watchers.models import Person, When
from watchers.text import fold, has_cjk

EVIDENCE_CHARS = 400
_JOINS = frozenset({Move.appoint, Move.succeeded_by})
_TAKES_OVER = re.compile(r"succeed|replac|takes? (?:over|the helm)|接任|接替|接掌|接棒|取代")
_RETURNS = re.compile(r"return|come back|came back|brought back|brings? back|回归|回巢|回锅|重返")
_AGAIN = re.compile(r"重新$|再度$|再次$")  # "重新出任技术总监": back in a post held before


@dataclass(slots=True)
class Reading:
    """What the reader remembers between sentences of one item."""

    people: Sequence[Person]
    year: int
    known_orgs: tuple[str, ...]
    body: str
    original: str = ""
    history: list[str] = field(default_factory=list)
    previous: int | None = None
    topic: int | None = None
    glosses: tuple[tuple[str, str], ...] = ()
    surnames: frozenset[str] = frozenset()
    strangers: tuple[tuple[int, int], ...] = ()


def settle(
    claim: Claim,
    sentence: Sentence,
    folded: str,
    orgs: Sequence[OrgSpan],
    reading: Reading,
    modality: Modality,
) -> Draft:
    returned = _returned_to(claim, folded, reading)
    org, confidence = returned or _org(claim, orgs, reading, folded)
    move = Move.appoint if claim.move is Move.succeeded_by else claim.move
    names = [o.name for o in orgs if not o.is_generic] + [org or ""]
    return Draft(
        person=claim.person,
        move=move,
        org=org,
        title=_new_title(claim, without_org(claim.title, names), reading),
        when=_when(folded, claim, reading.year),
        confidence=confidence * (0.7 if move is Move.replace else 1.0),
        evidence=reading.original[sentence.start : sentence.end][:EVIDENCE_CHARS],
        is_rumour=modality is Modality.rumoured,
        order=sentence.start + claim.trigger.start,
        guessed=claim.org is None and returned is None,
        sentence=sentence.start,
        takes_over=claim.move is Move.succeeded_by
        or _TAKES_OVER.match(folded, claim.trigger.start) is not None,
        named_object=claim.org_after and claim.org is not None and not claim.org.is_generic,
    )


def _new_title(claim: Claim, title: str | None, reading: Reading) -> str | None:
    """ "handing leadership to Y, the chief operating officer": Y's old title, not the new."""
    person = reading.people[claim.person]
    held = {fold(r.title) for r in person.current_roles if r.title}
    return None if claim.move is Move.succeeded_by and title and fold(title) in held else title


def _when(folded: str, claim: Claim, year: int) -> When:
    if in_relative_clause(folded, claim.trigger.start):
        return When.past
    return when_of(folded, claim.trigger.start, claim.trigger.end, year)


def _org(
    claim: Claim, orgs: Sequence[OrgSpan], reading: Reading, folded: str = ""
) -> tuple[str | None, float]:
    org, confidence = _named_org(claim, orgs, reading)
    person = reading.people[claim.person]
    employer = sole_employer(person)
    on_record = any(is_same_place(role.org, org) for role in person.roles)
    leaves = claim.move in (Move.leave, Move.replace, Move.promote)
    if leaves and not on_record and _unsure(claim, org, employer):  # records over the text
        org, confidence = employer, min(confidence, 0.6) if org else confidence
    if claim.move in _JOINS:
        org = employer_by_title(person, org, (claim.label, claim.title)) or org
        org = _setting_up_employer(person, org, folded) or org
    return canonical_org(org, person, reading.history, reading.glosses), confidence


def _setting_up_employer(person: Person, org: str | None, folded: str) -> str | None:
    """ "X大学宣布成立Y研究院，Z出任首任院长": a unit the person's employer sets up in the
    sentence is part of the employer, so the post is a new title there."""
    if not org:
        return None
    for role in person.current_roles:
        setting_up = re.escape(fold(role.org)) + r"[^，。；,;]{0,8}?(?:成立|设立|组建)"
        if re.search(setting_up + re.escape(fold(org)), folded):
            return role.org
    return None


def _returned_to(claim: Claim, folded: str, reading: Reading) -> tuple[str, float] | None:
    """ "X would return as sporting director", "前技术总监Y回归": a return that names no
    place goes back to the one organisation the records hold past roles at."""
    if claim.move not in _JOINS or (claim.org is not None and not claim.org.is_generic):
        return None
    start = claim.trigger.start
    if not (_RETURNS.match(folded, start) or _AGAIN.search(folded, max(0, start - 2), start)):
        return None
    former = former_employer(reading.people[claim.person])
    return (former, 0.75) if former else None


def _unsure(claim: Claim, org: str | None, employer: str | None) -> bool:
    """Not the records' employer, nor a Chinese name that is the trigger's object
    ("离开溯光科技"); Latin spans are too loose to trust over the records."""
    if employer is None or is_same_place(org, employer):
        return False
    return not (claim.org_after and org is not None and has_cjk(org) and has_cjk(employer))


def _named_org(claim: Claim, orgs: Sequence[OrgSpan], reading: Reading) -> tuple[str | None, float]:
    """The claim's own name; a generic word's referent; else the records (departures)."""
    person = reading.people[claim.person]
    if claim.org is not None and not claim.org.is_generic:
        return claim.org.name, 0.9 if claim.org_after else 0.8
    generic = resolve_generic(claim.org, orgs, reading.history) if claim.org else None
    found, confidence = fallback_org(person, reading.history, prefer_records=True)
    if claim.move is Move.succeeded_by and confidence >= 0.75:  # "handing leadership to Y"
        return found, confidence
    if claim.org is not None and claim.move in _JOINS:  # "加入公司": the announcer
        return generic, 0.7
    if confidence >= 0.75 or (found and not generic):
        return found, confidence
    return generic, 0.7
