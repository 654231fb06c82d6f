"""From claims to events: joined or role_changed, merged moves, one event per fact."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from watchers.extract._lexicon import Move
from watchers.extract._places import current_role_at, is_same_place
from watchers.models import KnownRole, MoveKind, Person, PersonnelEvent, When
from watchers.text import fold, org_key, same_org


@dataclass(frozen=True, slots=True)
class Draft:
    """A claim with its organisation settled; ``move`` still says how it was phrased."""

    person: int
    move: Move
    org: str | None
    title: str | None
    when: When
    confidence: float
    evidence: str
    is_rumour: bool
    order: int
    guessed: bool = False  # the sentence names no organisation: it came from elsewhere
    sentence: int = 0  # where the draft's sentence starts
    takes_over: bool = False  # "由B接任", "succeeded by B": B takes someone's post
    named_object: bool = False  # the organisation is the trigger's object ("加盟X")


def finish(drafts: Sequence[Draft], people: Sequence[Person], url: str) -> list[PersonnelEvent]:
    """Merge a departure with a new title at the same place, drop what others explain."""
    kept = _take_over_posts(_body_over_headline(drafts), people)
    kept = _merge_stays(_drop_guessed_joins(kept), people)
    kept = [d for d in kept if d.move is not Move.stay and d.org and not _is_guessed(d)]
    kept = _drop_guessed_departures(kept)
    kept = _one_spelling(kept)
    events = [_event(d, people[d.person], url) for d in sorted(kept, key=lambda d: d.order)]
    return _unique(events)


def _body_over_headline(drafts: Sequence[Draft]) -> list[Draft]:
    """ "…出走潮声数字", "创办氢能公司": a headline's short description yields to the body's
    account of the same person's same kind of move at a place it names otherwise."""
    body = [d for d in drafts if d.sentence > 0 and d.org and not d.guessed]
    return [
        d
        for d in drafts
        if d.sentence > 0
        or not any(
            b.person == d.person
            and b.move is d.move
            and b.when is d.when
            and not is_same_place(b.org, d.org)
            for b in body
        )
    ]


def _merge_stays(drafts: list[Draft], people: Sequence[Person]) -> list[Draft]:
    """ "Steps down as CEO and becomes chairman", "卸任总经理，专任董事长": a title change
    at a place the person works now."""
    leaves = [d for d in drafts if d.move is Move.leave and d.when is When.recent]
    for leave in [d for d in leaves if current_role_at(people[d.person], d.org)]:
        partner = next((d for d in drafts if _continues(leave, d)), None)
        if partner is not None and leave in drafts:
            drafts.remove(leave)
            title = None if partner.move is Move.stay else partner.title  # kept, not new
            drafts[drafts.index(partner)] = replace(
                partner, move=Move.promote, org=leave.org, title=title
            )
    return drafts


def _take_over_posts(drafts: list[Draft], people: Sequence[Person]) -> list[Draft]:
    """ "执行长A将卸任，由B接任": B takes A's post, so B's organisation is the one A
    leaves, as the records name it (the announcer may be named in another script), and
    A's title (the title written before B's name is the one B holds now)."""
    return [_taken_over(d, drafts, people) for d in drafts]


def _taken_over(draft: Draft, drafts: Sequence[Draft], people: Sequence[Person]) -> Draft:
    if not draft.takes_over or draft.named_object:
        return draft
    if any(is_same_place(role.org, draft.org) for role in people[draft.person].roles):
        return draft
    left = [
        d
        for d in drafts
        if d.move is Move.leave
        and d.sentence == draft.sentence
        and d.person != draft.person
        and current_role_at(people[d.person], d.org) is not None
    ]
    if len({d.org for d in left}) != 1:
        return draft
    post = current_role_at(people[left[0].person], left[0].org)
    title = left[0].title or (post.title if post else None) or draft.title
    return replace(draft, org=left[0].org, title=title)


def _continues(leave: Draft, other: Draft) -> bool:
    return (
        other.person == leave.person
        and other.move in (Move.stay, Move.appoint, Move.promote, Move.succeeded_by)
        and other.when is When.recent
        and ((other.move is Move.stay and other.guessed) or is_same_place(other.org, leave.org))
    )


def _is_guessed(draft: Draft) -> bool:
    """ "前X总经理Y创办独立游戏工作室": a founding names what is founded; the records'
    employer or the item's last name is not it."""
    return draft.move is Move.found and draft.guessed


def _drop_guessed_departures(drafts: list[Draft]) -> list[Draft]:
    """ "A succeeds B" says B left only when the item says nothing else about B."""
    said = {d.person for d in drafts if d.move is not Move.replace}
    return [d for d in drafts if d.move is not Move.replace or d.person not in said]


def _one_spelling(drafts: list[Draft]) -> list[Draft]:
    """ "Larkmoor" in the headline, "Larkmoor Optics" in the text: the fuller name, once."""
    names = sorted({d.org for d in drafts if d.org}, key=len, reverse=True)
    return [replace(d, org=next((n for n in names if same_org(n, d.org)), d.org)) for d in drafts]


def _drop_guessed_joins(drafts: list[Draft]) -> list[Draft]:
    """ "将加入X出任CFO", "X官宣Y出任主教练…Y将于11日履新": an appointment that names no
    organisation is the one the item reports by name, not a new title at the old place."""
    named = {d.person for d in drafts if d.move is Move.appoint and not d.guessed}
    return [d for d in drafts if not (d.guessed and d.move is Move.appoint and d.person in named)]


def _event(draft: Draft, person: Person, url: str) -> PersonnelEvent:
    return PersonnelEvent(
        person_id=person.id,
        person_name=person.name,
        kind=_kind(draft, person),
        org=draft.org,
        title=draft.title,
        when=When.any if draft.is_rumour else draft.when,
        confidence=min(draft.confidence, 0.45) if draft.is_rumour else draft.confidence,
        evidence=draft.evidence,
        is_rumour=draft.is_rumour,
        url=url,
    )


_KINDS = {
    Move.promote: MoveKind.role_changed,
    Move.leave: MoveKind.left,
    Move.replace: MoveKind.left,
    Move.found: MoveKind.founded,
}


def _kind(draft: Draft, person: Person) -> MoveKind:
    """An appointment where the person already works is a new title, not a new employer;
    to the very post on record ("因其出任港衡保险行政总裁"), it is the join the records hold."""
    if draft.move in _KINDS:
        return _KINDS[draft.move]
    held = current_role_at(person, draft.org)
    if draft.when is When.recent and held is not None and not _is_post_on_record(held, draft):
        return MoveKind.role_changed
    return MoveKind.joined


def _is_post_on_record(role: KnownRole, draft: Draft) -> bool:
    return bool(role.title and draft.title) and fold(role.title or "") == fold(draft.title or "")


def _unique(events: list[PersonnelEvent]) -> list[PersonnelEvent]:
    best: dict[tuple[int, str, str, str], PersonnelEvent] = {}
    for event in events:
        key = (event.person_id, event.kind.value, org_key(event.org or ""), event.when.value)
        if key not in best or event.confidence > best[key].confidence:
            best[key] = event
    return list(best.values())
