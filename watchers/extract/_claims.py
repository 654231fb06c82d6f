"""One sentence's claims: which person each trigger word belongs to, with org and title."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from watchers.extract._asides import outside
from watchers.extract._lexicon import NEW_PLACE, Move, Trigger
from watchers.extract._objects import chained_object, cjk_object, first_after, named_after_kind
from watchers.extract._orgs import OrgSpan
from watchers.extract._owners import TRANSITIVE, owners
from watchers.extract._people import PersonSpan
from watchers.extract._titles import TitleSpan

_AS = re.compile(r"\bas\b|\bto\b|为|担任|出任|接任")
_CLAUSE_MARK = re.compile(r"[,;:，；：。]")
_BY = re.compile(r"由[^,;，；。]{0,12}$")


@dataclass(frozen=True, slots=True)
class Claim:
    """A trigger attached to a person, before the item-level clean-up."""

    person: int
    move: Move
    org: OrgSpan | None
    org_after: bool
    title: str | None
    trigger: Trigger
    label: str | None = None  # the title written right before the name: what the person holds


def sentence_claims(
    text: str,
    folded: str,
    people: Sequence[PersonSpan],
    triggers: Sequence[Trigger],
    orgs: Sequence[OrgSpan],
    titles: Sequence[TitleSpan],
    asides: Sequence[tuple[int, int]] = (),
    labels: Sequence[tuple[int, int]] = (),
) -> list[Claim]:
    """Claims in a sentence: each trigger goes to the person (or list of people) it belongs to.

    Organisations and titles inside an aside the trigger is not in are not its own, nor,
    for a move to a new place, the organisation labelling the person.
    """
    claims: list[Claim] = []
    for trigger in triggers:
        seen = visible_orgs(orgs, asides, labels, trigger)
        named = [t for t in titles if outside(t.start, asides, trigger.start)]
        claims.extend(_claims(text, folded, people, trigger, triggers, seen, named))
    return claims


def visible_orgs(
    orgs: Sequence[OrgSpan],
    asides: Sequence[tuple[int, int]],
    labels: Sequence[tuple[int, int]],
    trigger: Trigger,
) -> list[OrgSpan]:
    hidden = [*asides, *labels] if trigger.move in NEW_PLACE else asides
    return [o for o in orgs if outside(o.start, hidden, trigger.start)]


def _claims(
    text: str,
    folded: str,
    people: Sequence[PersonSpan],
    trigger: Trigger,
    triggers: Sequence[Trigger],
    orgs: Sequence[OrgSpan],
    titles: Sequence[TitleSpan],
) -> list[Claim]:
    owners_, region = owners(folded, people, trigger)
    reach = _reach(folded, trigger, triggers, region)
    claims: list[Claim] = []
    for owner in owners_:
        if _is_bare_naming(folded, trigger, owner, region, titles):
            continue
        org, after = _org(text, folded, trigger, owner, (region[0], reach), orgs)
        if not after:
            org, after = chained_object(text, folded, trigger, triggers, orgs, org)
        if not after and _is_purpose_of_leaving(folded, trigger, triggers, orgs):
            continue
        title = _title(folded, trigger, owner, region, titles)
        label = _label(people, owner, titles)
        claims.append(Claim(owner.person, trigger.move, org, after, title, trigger, label))
    return claims


_TO_BEFORE = re.compile(r"\bto $")
_TO_BOARD = re.compile(
    r"[^.;]{0,60}?\bto (?:the |its |their |his |her )?(?:[\w'’-]+ ){0,4}?board\b"
)
_LEAVE_WORD = re.compile(r"^(?:leav(?:e|es|ing)|left|quit(?:s|ting)?|depart(?:s|ed|ing)?)$")


def _is_purpose_of_leaving(
    folded: str, trigger: Trigger, triggers: Sequence[Trigger], orgs: Sequence[OrgSpan]
) -> bool:
    """ "will leave Tidewell Freight to become chief executive of the harbour board": a
    post taken by leaving a named place is elsewhere, never at the place left."""
    if trigger.move is not Move.appoint or not _TO_BEFORE.search(folded, 0, trigger.start):
        return False
    return any(
        _LEAVE_WORD.match(folded[t.start : t.end]) and first_after(orgs, t.end, trigger.start, 60)
        for t in triggers
        if t.end <= trigger.start
    )


def _label(
    people: Sequence[PersonSpan], owner: PersonSpan, titles: Sequence[TitleSpan]
) -> str | None:
    """The title right before a naming of the owner ("集團財務總監X（Latin name）")."""
    starts = [p.start for p in people if p.person == owner.person and p.start <= owner.start]
    return next((t.title for t in titles for at in starts if at - 2 <= t.end <= at), None)


def _reach(
    folded: str, trigger: Trigger, triggers: Sequence[Trigger], region: tuple[int, int]
) -> int:
    """Where the trigger's object can end: the clause, the next trigger, the next person."""
    mark = _CLAUSE_MARK.search(folded, trigger.end)
    later = [t.start for t in triggers if t.start >= trigger.end]
    return min([region[1], *later, mark.start() if mark else len(folded)])


def _is_bare_naming(
    folded: str,
    trigger: Trigger,
    owner: PersonSpan,
    region: tuple[int, int],
    titles: Sequence[TitleSpan],
) -> bool:
    """ "The complaint names X as defendants": a naming verb with no title to be named to."""
    if trigger.end > owner.start or not TRANSITIVE.match(folded[trigger.start : trigger.end]):
        return False
    if _TO_BOARD.match(folded, owner.end):  # a board seat is a post: "to its board"
        return False
    role = _AS.search(folded, owner.end, region[1])
    start = role.end() if role else owner.end
    return not any(
        start <= t.start <= max(start, owner.end + 3) + 30 for t in titles if t.start < region[1]
    )


def _org(
    text: str,
    folded: str,
    trigger: Trigger,
    owner: PersonSpan,
    region: tuple[int, int],
    orgs: Sequence[OrgSpan],
) -> tuple[OrgSpan | None, bool]:
    """The organisation the trigger points at: its object, else the nearest one before it."""
    if trigger.end <= owner.start:  # "X named Y as CEO of Z"
        role = _AS.search(folded, owner.end, region[1])
        found = first_after(orgs, role.end() if role else region[1], region[1], 40)
        subject = next((o for o in orgs if o.end <= trigger.start), None)
        return (found, True) if found else (subject, False)
    if trigger.takes_object:
        found = first_after(orgs, trigger.end, region[1], 60) or cjk_object(
            text, folded, trigger, region
        )
        if found:
            return named_after_kind(text, folded, trigger, region, found), True
    return _before(orgs, trigger.start), False


def _before(orgs: Sequence[OrgSpan], start: int) -> OrgSpan | None:
    earlier = [o for o in orgs if o.end <= start]
    return earlier[-1] if earlier else None


def _title(
    folded: str,
    trigger: Trigger,
    owner: PersonSpan,
    region: tuple[int, int],
    titles: Sequence[TitleSpan],
) -> str | None:
    end = region[1]
    if trigger.move is Move.leave and trigger.start >= owner.end:  # "A退休，由总经理B接任"
        mark = _CLAUSE_MARK.search(folded, trigger.end, end)
        end = mark.start() if mark else end
    after = [t for t in titles if max(trigger.end, owner.end) <= t.start < end]
    if after and trigger.end <= owner.start:  # "elevated Y, its general counsel, to COO"
        role = _AS.search(folded, owner.end, end)
        after = [t for t in after if role and t.start >= role.end()] or after
    if after:
        return after[0].title
    by = _BY.search(folded, max(0, owner.start - 14), owner.start)
    if by:  # "总经理由副总经理Y升任": the title just before 由 is the new one
        return next((t.title for t in titles if t.end == by.start()), None)
    near = [t for t in titles if region[0] - 40 <= t.start and t.end <= owner.start + 1]
    if not near:
        return None
    if trigger.move is not Move.leave and trigger.start >= owner.end >= near[-1].end:
        return None  # "副总裁Y临时负责": the title Y holds, not the one Y is given
    return near[-1].title
