"""Extract: a mention's text becomes personnel events (who joined, left, founded, moved).

``extract_events`` is the stage's one public function; the private modules each do one
step: sentences, people, references, trigger words, organisations, titles, modality, time.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from datetime import datetime

from watchers.extract._asides import apposition_ranges, aside_ranges, label_ranges
from watchers.extract._claims import sentence_claims, visible_orgs
from watchers.extract._drafts import Draft, finish
from watchers.extract._latin_names import person_words
from watchers.extract._lexicon import NEW_PLACE, Move, find_triggers
from watchers.extract._modality import (
    Modality,
    is_at_unnamed_place,
    is_modifier,
    is_negated,
    is_time_reference,
    sentence_modality,
)
from watchers.extract._objects import cjk_investees
from watchers.extract._orgs import OrgSpan, find_orgs
from watchers.extract._people import PersonSpan, locate_people
from watchers.extract._places import glosses
from watchers.extract._possessors import (
    denies_a_report,
    is_someone_elses,
    subjects,
    tells_a_report,
)
from watchers.extract._quotes import is_quoted_hearsay, quote_ranges
from watchers.extract._references import resolve_references
from watchers.extract._sentences import Sentence, split_sentences
from watchers.extract._settle import Reading, settle
from watchers.extract._strangers import stranger_spans
from watchers.extract._titles import find_titles
from watchers.models import FeedItem, Mention, Person, PersonnelEvent, When
from watchers.text import fold

__all__ = ["extract_events"]


def extract_events(mention: Mention, *, now: datetime) -> list[PersonnelEvent]:
    """Every move the item states for one of the mention's people, in text order."""
    item = mention.item
    text = _normalise(item.title) + "\n" + _normalise(item.summary)
    folded = _aligned_fold(text)
    named = locate_people(mention.people, text, folded)
    year = (item.published_at or now).year
    body = folded[len(_normalise(item.title)) + 1 :]
    reading = Reading(mention.people, year, _known_orgs(mention.people), body, _original(item))
    if len(reading.original) != len(text):
        reading.original = text
    reading.topic = named[0].person if named else None
    reading.glosses = glosses(text)
    reading.surnames = person_words(text) | _name_words(mention.people)
    reading.strangers = tuple(
        s
        for s in stranger_spans(text, folded)
        if not any(p.start < s[1] and s[0] < p.end for p in named)
    )
    return finish(_read_all(text, folded, named, reading), mention.people, item.url)


def _read_all(text: str, folded: str, named: Sequence[PersonSpan], reading: Reading) -> list[Draft]:
    """Each sentence's drafts; a denied report voids the reports of the two sentences before."""
    told: list[tuple[bool, list[Draft]]] = []
    for sentence in split_sentences(text):
        words = folded[sentence.start : sentence.end]
        if denies_a_report(words):
            for reported, earlier in told[-2:]:
                earlier[:] = [d for d in earlier if d.when is When.past or not reported]
        told.append((tells_a_report(words), _read(sentence, words, named, reading)))
    return [draft for _, drafts in told for draft in drafts]


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


def _name_words(people: Sequence[Person]) -> frozenset[str]:
    """ "Idris will sit with a problem …": one word of a watched Latin name is that person."""
    names = (name for person in people for name in (person.name, *person.aliases))
    return frozenset(word for name in names if name.isascii() for word in name.split(" "))


def _known_orgs(people: Sequence[Person]) -> tuple[str, ...]:
    names = (fold(role.org) for person in people for role in person.roles)
    return tuple(dict.fromkeys(name for name in names if len(name) >= 2))


def _read(
    sentence: Sentence, folded: str, named: Sequence[PersonSpan], reading: Reading
) -> list[Draft]:
    local = [
        PersonSpan(s.person, s.start - sentence.start, s.end - sentence.start)
        for s in named
        if sentence.start <= s.start < sentence.end
    ]
    strangers = [
        a - sentence.start for a, _ in reading.strangers if sentence.start <= a < sentence.end
    ]
    people = resolve_references(folded, local, reading.previous, reading.topic, strangers)
    orgs = find_orgs(sentence.text, folded, reading.known_orgs, [(p.start, p.end) for p in local])
    investees = [i for i in cjk_investees(sentence.text, folded) if not _overlaps(i, orgs)]
    orgs = sorted([*orgs, *investees], key=lambda o: o.start)
    if sentence.start == 0:  # a headline's capitals are style, not names: keep the body's
        orgs = [o for o in orgs if o.is_generic or fold(o.name) in reading.body]
    orgs = [
        o
        for o in orgs
        if o.name not in reading.surnames and not any(o.start <= at < o.end for at in strangers)
    ]
    drafts = _drafts(sentence, folded, people, orgs, reading)
    reading.history.extend(o.name for o in orgs if not o.is_generic)
    reading.previous = people[0].person if people else reading.previous
    if strangers and max(strangers) > max((p.start for p in local), default=-1):
        reading.previous = None  # "… hired Wendell Amory. He later …": not the watched one
    return drafts


def _drafts(
    sentence: Sentence,
    folded: str,
    people: Sequence[PersonSpan],
    orgs: Sequence[OrgSpan],
    reading: Reading,
) -> list[Draft]:
    masked = _masked(folded, people)  # "岑若溪" holds 若 (if): names are no words
    modality = sentence_modality(masked)
    if modality is Modality.unreal or not people:
        return []
    quotes = quote_ranges(folded)
    starts = [p.start for p in people]
    triggers = [
        t
        for t in find_triggers(masked)
        if not is_negated(masked, t.start, t.end)
        and not is_quoted_hearsay(t.start, quotes, starts)
        and not (t.move in NEW_PLACE and is_time_reference(masked, t.end))
        and not (t.move is not Move.found and is_modifier(masked, t.end))
        and not (t.move is not Move.found and is_at_unnamed_place(masked, t.end, t.move))
    ]
    appositions = apposition_ranges(folded, people)
    triggers = [t for t in triggers if not any(a <= t.start < b for a, b in appositions)]
    cuts = [p.end for p in people] + [t.end for t in triggers]
    titles = find_titles(sentence.text, folded, cuts)
    asides = aside_ranges(folded, people)
    labels = label_ranges(folded, people, orgs, titles)
    others = [(a - sentence.start, b - sentence.start) for a, b in reading.strangers]
    triggers = [t for t in triggers if not is_someone_elses(folded, people, others, t)]
    owners = subjects(folded, people, triggers)
    claims = sentence_claims(sentence.text, folded, owners, triggers, orgs, titles, asides, labels)
    return [
        settle(
            c, sentence, folded, visible_orgs(orgs, asides, labels, c.trigger), reading, modality
        )
        for c in claims
    ]


def _overlaps(span: OrgSpan, orgs: Sequence[OrgSpan]) -> bool:
    return any(o.start < span.end and span.start < o.end for o in orgs)


def _masked(folded: str, people: Sequence[PersonSpan]) -> str:
    chars = list(folded)
    for span in people:
        chars[span.start : span.end] = ["\u3007"] * (span.end - span.start)
    return "".join(chars)
