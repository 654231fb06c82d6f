"""Whose move a trigger word is: the person named before it ("Y resigned"), after it
("X named Y", "succeeded by Y", "…退休的Y"), a list of people, or someone unnamed."""

from __future__ import annotations

import re
from collections.abc import Sequence

from watchers.extract._lexicon import Move, Trigger
from watchers.extract._people import PersonSpan
from watchers.text import has_cjk

_LIST_GLUE = re.compile(r"^(?:\s*(?:,|and|、|和|及|与|以及|&)\s*)+$")
_PASSIVE = re.compile(r"(?:\b(?:was|were|been|be|is|are|being)|被|获)\s*$")
TRANSITIVE = re.compile(
    r"^(?:named|names|appoint(?:s|ed)?|(?:re)?hire[sd]?|hiring|poach(?:es|ed)|tap(?:s|ped)|picks|"
    r"picked|elect(?:s|ed)|recruit(?:s|ed)?|lure[sd]?|brings? back|brought back|promot\w+|任命|聘任|"
    r"聘请|聘为|委任|指派|延揽|提拔|补选|选出|推选|推举)$"
)
_RELATIVE = re.compile(r"^的[^,;，；。]{0,8}$")
_REMOVAL = re.compile(r"^(?:免去|罢免|撤换|解除)$")  # "董事会免去Y…职务": Y is removed
_CLAUSE_END = re.compile(r"[.;。；]")
_OBJECT = re.compile(
    r" (?!as\b|to\b|by\b|in\b|on\b|at\b|for\b|from\b|this\b|last\b|and\b)[\w\u3007]"
)
_CJK_OBJECT = re.compile(r"[^,;，；。、]{2,14}?为")  # "聘任副总经理Y为…": Y is the object
_LISTING = re.compile(r"包括|包含|其中|\bincluding\b|\bamong them\b|\bsuch as\b")
_BY_OTHER = re.compile(r"由[^,;，；。]{1,16}$")  # "…，由一群从海外返国的科学家创立"
_UNNAMED_POST = re.compile(  # "委任署理院长", "直至新任校长履新": a post nobody here holds
    r"(?:新任?|署理|代理|临时|候任)[\u4e00-\u9fff]{0,4}?(?:长|裁|监|理|席|练|辑|官|ceo)"
)
_NEW_HOLDER = re.compile(_UNNAMED_POST.pattern + r"[^,;，；。\u3007]{0,10}$")
_CLAUSE_BREAK = re.compile(r"[,;，；]")
_FOLLOWERS = re.compile(r"(?:跟随|追随|随|跟着)[^,;，；。]{0,6}?(?:一同|一起|一并)$")
_REASON_PARTNER = re.compile(r"因(?:为)?(?:与|和|跟|同)$")
# "于Y退休后署理校长", "在他担任董事期间被提拔": a name inside a time phrase only dates the move
_TIME_AFTER_NAME = re.compile(
    r"[^,;，；。]{0,8}?(?:之|以)?[后前]|[^,;，；。]{0,16}?(?:期间|任内)(?:被|获)?"
)
_REPLACED = re.compile(r"(?:接替|取代)$")  # "由Y接替X出任…": X is the one replaced


def owners(
    folded: str, people: Sequence[PersonSpan], trigger: Trigger
) -> tuple[list[PersonSpan], tuple[int, int]]:
    """The people a trigger belongs to, and their part of the sentence."""
    after = [p for p in people if p.start >= trigger.end]
    before = [p for p in people if p.end <= trigger.start]
    while before and _names_a_time(folded, before[-1], trigger):
        dated, before = before[-1], before[:-1]
        if before and _CLAUSE_BREAK.search(folded, before[-1].end, dated.start):
            before = []  # "X表示，Y在他任内被提拔": the subject is Y, unwatched
    if before and _is_passive_of_later_subject(folded, before[-1], trigger):
        before = []  # "X表示，Y在他任内被提拔": the passive's subject is in its own clause
    if before and trigger.move is Move.appoint and _is_replaced(folded, before[-1], trigger):
        before = before[:-1]
    if _FOLLOWERS.search(folded, max(0, trigger.start - 12), trigger.start):
        return [], (trigger.start, trigger.end)  # "骨干将随她一同加入": the followers move
    if before and _REASON_PARTNER.search(folded, max(0, before[-1].start - 4), before[-1].start):
        before = before[:-1]  # "因与Y在路线上的分歧离开X": Y is the other side of the quarrel
        if not before:
            return [], (trigger.start, trigger.end)
    if trigger.move in (Move.succeeded_by, Move.replace) or _goes_forward(
        folded, trigger, before, after
    ):
        return (_group(folded, after, 0) if after else []), _region(folded, people, trigger, after)
    if before and _BY_OTHER.search(folded, before[-1].end, trigger.start):
        return [], (trigger.start, trigger.end)  # "Y卸任，由现任总裁接棒": someone else's move
    if before and _NEW_HOLDER.search(folded, before[-1].end, trigger.start):
        return [], (trigger.start, trigger.end)  # "新行政总监可于第四季上任": the newcomer's
    if before and _has_own_object(folded, trigger):
        return [], (trigger.start, trigger.end)  # "he hired Wendell Amory": someone else
    if before:
        return _group_ending(folded, before), _region(folded, people, trigger, before[-1:])
    if trigger.move is Move.appoint and _REPLACED.search(folded, trigger.start, trigger.end):
        return [], (trigger.start, trigger.end)  # "由谁接替X": X is replaced, not appointed
    if after and _is_someone_elses_exit(folded, trigger, after[0]):
        return [], (trigger.start, trigger.end)
    if after and _LISTING.search(folded, trigger.end, after[0].start):
        return [], (trigger.start, trigger.end)  # "新上任的六位总经理中……包括Y": a count
    if after and _is_in_later_clause(folded, trigger, after[0]):
        return [], (trigger.start, trigger.end)  # "Y将继续留任，她与X并无亲属关系": Y's
    return (_group(folded, after, 0) if after else []), _region(folded, people, trigger, after)


def _is_in_later_clause(folded: str, trigger: Trigger, first_after: PersonSpan) -> bool:
    """A Chinese move word with no one before it is not the move of someone named only
    after a comma: its subject is an unwatched name or a title before it."""
    word = folded[trigger.start : trigger.end]
    return (
        has_cjk(word) and _CLAUSE_BREAK.search(folded, trigger.end, first_after.start) is not None
    )


def _names_a_time(folded: str, person: PersonSpan, trigger: Trigger) -> bool:
    """ "委任X于Y退休后署理校长": Y only dates X's move."""
    if folded[max(0, person.start - 1) : person.start] not in ("于", "在"):
        return False
    return _TIME_AFTER_NAME.fullmatch(folded, person.end, trigger.start) is not None


def _is_passive_of_later_subject(folded: str, person: PersonSpan, trigger: Trigger) -> bool:
    word = folded[trigger.start : trigger.end]
    if not has_cjk(word) or not folded.endswith(("被", "获"), 0, trigger.start):
        return False
    return _CLAUSE_BREAK.search(folded, person.end, trigger.start) is not None


def _is_replaced(folded: str, person: PersonSpan, trigger: Trigger) -> bool:
    """ "由Y接替X出任董事长": the post after X is taken by whoever replaces X."""
    gap = folded[person.end : trigger.start]
    return not gap.strip() and _REPLACED.search(folded, 0, person.start) is not None


def _has_own_object(folded: str, trigger: Trigger) -> bool:
    """ "She promoted two plant managers": an active hiring verb whose object is not a
    watched person moves that object, not its subject."""
    word = folded[trigger.start : trigger.end]
    if not TRANSITIVE.match(word):
        return False
    if _PASSIVE.search(folded, max(0, trigger.start - 12), trigger.start):
        return False
    if has_cjk(word):
        return bool(
            _CJK_OBJECT.match(folded, trigger.end) or _UNNAMED_POST.match(folded, trigger.end)
        )
    return _OBJECT.match(folded, trigger.end) is not None


def _is_someone_elses_exit(folded: str, trigger: Trigger, first_after: PersonSpan) -> bool:
    """ "执行长A将卸任，由B接任" with A unwatched: a Chinese departure's subject comes
    before it; the person after it leaves only in "…卸任的B"."""
    word = folded[trigger.start : trigger.end]
    if trigger.move is not Move.leave or not has_cjk(word) or _REMOVAL.match(word):
        return False
    return not _RELATIVE.match(folded[trigger.end : first_after.start])


def _goes_forward(
    folded: str, trigger: Trigger, before: Sequence[PersonSpan], after: Sequence[PersonSpan]
) -> bool:
    """ "X named Y", "…退休的Y", "免去Y的职务": the trigger belongs to the person named next."""
    if after and _REMOVAL.match(folded[trigger.start : trigger.end]):
        return not _CLAUSE_END.search(folded, trigger.end, after[0].start)
    if not after or not before:
        return False
    gap = folded[trigger.end : after[0].start]
    if _RELATIVE.match(gap):
        return True
    word = folded[trigger.start : trigger.end]
    passive = _PASSIVE.search(folded, max(0, trigger.start - 12), trigger.start)
    return (
        bool(TRANSITIVE.match(word))
        and not passive
        and len(gap) < 40
        and not _CLAUSE_END.search(gap)
    )


def _group(folded: str, people: Sequence[PersonSpan], first: int) -> list[PersonSpan]:
    group = [people[first]]
    for person in people[first + 1 :]:
        if not _LIST_GLUE.match(folded[group[-1].end : person.start]):
            break
        group.append(person)
    return group


def _group_ending(folded: str, before: Sequence[PersonSpan]) -> list[PersonSpan]:
    group = [before[-1]]
    for person in reversed(before[:-1]):
        if not _LIST_GLUE.match(folded[person.end : group[0].start]):
            break
        group.insert(0, person)
    return group


def _region(
    folded: str, people: Sequence[PersonSpan], trigger: Trigger, owners: Sequence[PersonSpan]
) -> tuple[int, int]:
    """The owner's part of the sentence: up to the next person not in the owner's list."""
    start = min([trigger.start, *(p.start for p in owners)])
    last = max([trigger.end, *(p.end for p in owners)])
    following = [p.start for p in people if p.start >= last and p not in owners]
    return start, min(following, default=len(folded))
