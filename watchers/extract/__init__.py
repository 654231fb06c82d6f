"""Extract: a mention's text becomes personnel events (who joined, left, founded, moved).

``extract_events`` is the stage's one public function; the private modules each do one
step: sentences, people, references, trigger words, organisations, titles, modality, time.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from watchers.extract._asides import aside_ranges, in_relative_clause, label_ranges
from watchers.extract._claims import Claim, sentence_claims, visible_orgs
from watchers.extract._drafts import Draft, finish
from watchers.extract._lexicon import Move, find_triggers
from watchers.extract._modality import Modality, is_negated, sentence_modality
from watchers.extract._orgs import OrgSpan, find_orgs, person_words
from watchers.extract._people import PersonSpan, locate_people
from watchers.extract._places import (
    canonical_org,
    employer_by_title,
    fallback_org,
    glosses,
    is_same_place,
    resolve_generic,
    sole_employer,
)
from watchers.extract._references import resolve_references
from watchers.extract._sentences import Sentence, split_sentences
from watchers.extract._timing import when_of
from watchers.extract._titles import find_titles, without_org
from watchers.models import FeedItem, Mention, Person, PersonnelEvent, When
from watchers.text import fold, has_cjk

__all__ = ["extract_events"]

EVIDENCE_CHARS = 400
_JOINS = frozenset({Move.appoint, Move.succeeded_by})


@dataclass(slots=True)
class _Reading:
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


def extract_events(mention: Mention, *, now: datetime) -> list[PersonnelEvent]:
    """Every move the item states for one of the mention's people, in text order."""
    item = mention.item
    text = _normalise(item.title) + "\n" + _normalise(item.summary)
    folded = _aligned_fold(text)
    named = locate_people(mention.people, text, folded)
    year = (item.published_at or now).year
    body = folded[len(_normalise(item.title)) + 1 :]
    reading = _Reading(mention.people, year, _known_orgs(mention.people), body, _original(item))
    if len(reading.original) != len(text):
        reading.original = text
    reading.topic = named[0].person if named else None
    reading.glosses = glosses(text)
    reading.surnames = person_words(text)
    drafts: list[Draft] = []
    for sentence in split_sentences(text):
        drafts.extend(_read(sentence, folded[sentence.start : sentence.end], named, reading))
    return finish(drafts, mention.people, item.url)


def _original(item: FeedItem) -> str:
    """The item as written (full-width punctuation kept), for evidence."""
    return (item.title or "").replace("\n", " ") + "\n" + (item.summary or "").replace("\n", " ")


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").replace("\n", " ")


def _aligned_fold(text: str) -> str:
    """``fold`` keeps offsets for our scripts; where it would not, fold char by char."""
    folded = fold(text)
    if len(folded) == len(text):
        return folded
    return "".join(f if len(f := fold(ch)) == 1 else ch.lower() for ch in text)


def _known_orgs(people: Sequence[Person]) -> tuple[str, ...]:
    names = (fold(role.org) for person in people for role in person.roles)
    return tuple(dict.fromkeys(name for name in names if len(name) >= 2))


def _read(
    sentence: Sentence, folded: str, named: Sequence[PersonSpan], reading: _Reading
) -> list[Draft]:
    local = [
        PersonSpan(s.person, s.start - sentence.start, s.end - sentence.start)
        for s in named
        if sentence.start <= s.start < sentence.end
    ]
    people = resolve_references(folded, local, reading.previous, reading.topic)
    orgs = find_orgs(sentence.text, folded, reading.known_orgs, [(p.start, p.end) for p in local])
    if sentence.start == 0:  # a headline's capitals are style, not names: keep the body's
        orgs = [o for o in orgs if o.is_generic or fold(o.name) in reading.body]
    orgs = [o for o in orgs if o.name not in reading.surnames]
    drafts = _drafts(sentence, folded, people, orgs, reading)
    reading.history.extend(o.name for o in orgs if not o.is_generic)
    reading.previous = people[0].person if people else reading.previous
    return drafts


def _drafts(
    sentence: Sentence,
    folded: str,
    people: Sequence[PersonSpan],
    orgs: Sequence[OrgSpan],
    reading: _Reading,
) -> list[Draft]:
    masked = _masked(folded, people)  # "岑若溪" holds 若 (if): names are no words
    modality = sentence_modality(masked)
    if modality is Modality.unreal or not people:
        return []
    triggers = [t for t in find_triggers(masked) if not is_negated(masked, t.start, t.end)]
    cuts = [p.end for p in people] + [t.end for t in triggers]
    titles = find_titles(sentence.text, folded, cuts)
    asides = aside_ranges(folded, people)
    labels = label_ranges(folded, people, orgs, titles)
    claims = sentence_claims(sentence.text, folded, people, triggers, orgs, titles, asides, labels)
    return [
        _draft(
            c, sentence, folded, visible_orgs(orgs, asides, labels, c.trigger), reading, modality
        )
        for c in claims
    ]


def _masked(folded: str, people: Sequence[PersonSpan]) -> str:
    chars = list(folded)
    for span in people:
        chars[span.start : span.end] = ["\u3007"] * (span.end - span.start)
    return "".join(chars)


def _draft(
    claim: Claim,
    sentence: Sentence,
    folded: str,
    orgs: Sequence[OrgSpan],
    reading: _Reading,
    modality: Modality,
) -> Draft:
    org, confidence = _org(claim, orgs, reading)
    move = Move.appoint if claim.move is Move.succeeded_by else claim.move
    names = [o.name for o in orgs if not o.is_generic] + [org or ""]
    return Draft(
        person=claim.person,
        move=move,
        org=org,
        title=without_org(claim.title, names),
        when=_when(folded, claim, reading.year),
        confidence=confidence * (0.7 if move is Move.replace else 1.0),
        evidence=reading.original[sentence.start : sentence.end][:EVIDENCE_CHARS],
        is_rumour=modality is Modality.rumoured,
        order=sentence.start + claim.trigger.start,
        guessed=claim.org is None,
    )


def _when(folded: str, claim: Claim, year: int) -> When:
    if in_relative_clause(folded, claim.trigger.start):
        return When.past
    return when_of(folded, claim.trigger.start, claim.trigger.end, year)


def _org(claim: Claim, orgs: Sequence[OrgSpan], reading: _Reading) -> tuple[str | None, float]:
    org, confidence = _named_org(claim, orgs, reading)
    person = reading.people[claim.person]
    employer = sole_employer(person)
    on_record = any(is_same_place(role.org, org) for role in person.roles)
    if claim.move in (Move.leave, Move.replace, Move.promote) and not on_record:
        org = employer if _unsure(claim, org, employer) else org
    if claim.move in _JOINS:
        org = employer_by_title(person, org, (claim.label, claim.title)) or org
    return canonical_org(org, person, reading.history, reading.glosses), confidence


def _unsure(claim: Claim, org: str | None, employer: str | None) -> bool:
    """Not the records' employer, nor a Chinese name that is the trigger's object
    ("离开溯光科技"); Latin spans are too loose to trust over the records."""
    if employer is None or is_same_place(org, employer):
        return False
    return not (claim.org_after and org is not None and has_cjk(org) and has_cjk(employer))


def _named_org(
    claim: Claim, orgs: Sequence[OrgSpan], reading: _Reading
) -> tuple[str | None, float]:
    """The claim's own name; a generic word's referent; else the records (departures)."""
    person = reading.people[claim.person]
    if claim.org is not None and not claim.org.is_generic:
        return claim.org.name, 0.9 if claim.org_after else 0.8
    generic = resolve_generic(claim.org, orgs, reading.history) if claim.org else None
    if claim.org is not None and claim.move in _JOINS:  # "加入公司": the announcer
        return generic, 0.7
    found, confidence = fallback_org(person, reading.history, prefer_records=True)
    if confidence >= 0.75 or (found and not generic):
        return found, confidence
    return generic, 0.7
