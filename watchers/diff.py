"""Diff: the events that add to or contradict the known roles become changes."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence

from watchers.models import KnownRole, MoveKind, PersonnelEvent, RoleChange, When
from watchers.text import fold, org_key, same_org

__all__ = ["diff_roles"]

_SCOPES = ("集团", "公司", "本行", "group ")  # "集團財務總監" is the 財務總監 of the group


def diff_roles(
    events: Sequence[PersonnelEvent], known: Mapping[int, Sequence[KnownRole]]
) -> list[RoleChange]:
    """One change per (person, kind, organisation) the records do not already hold."""
    changes: list[RoleChange] = []
    moved_on = _moved_on(events, known)
    for group in _groups(events):
        event = _best(group)
        roles = known.get(event.person_id, ())
        if _is_background(event, roles, moved_on) or _is_held(event, roles, events):
            continue
        changes.append(_change(event, group, roles))
    return changes


def _moved_on(
    events: Sequence[PersonnelEvent], known: Mapping[int, Sequence[KnownRole]]
) -> set[int]:
    """People the item says left a role the records hold as current (and did not come back
    to it): the item's history elsewhere is then news to the records."""
    return {
        e.person_id
        for e in events
        if e.kind is MoveKind.left
        and not _came_back(e, events)
        and any(r.current and same_org(r.org, e.org) for r in known.get(e.person_id, ()))
    }


def _came_back(left: PersonnelEvent, events: Sequence[PersonnelEvent]) -> bool:
    """ "她2013年离开，2016年回来": a past departure followed by a return to the same place."""
    later = events[events.index(left) + 1 :] if left in events else []
    return any(
        e.person_id == left.person_id and e.kind is MoveKind.joined and same_org(e.org, left.org)
        for e in later
    )


def _is_background(event: PersonnelEvent, roles: Sequence[KnownRole], moved_on: set[int]) -> bool:
    """History at another organisation while the records' current role still stands: a
    feature's past, not news ("spent six years at X before joining Y" of a person on record
    at Y)."""
    if event.when is not When.past or event.person_id in moved_on:
        return False
    current = [role for role in roles if role.current]
    return bool(current) and not any(same_org(role.org, event.org) for role in current)


def _groups(events: Sequence[PersonnelEvent]) -> list[list[PersonnelEvent]]:
    """Same person, same kind, same organisation (by ``same_org``): one fact."""
    groups: list[list[PersonnelEvent]] = []
    for event in events:
        group = next((g for g in groups if _same_fact(g[0], event)), None)
        if group is None:
            groups.append([event])
        else:
            group.append(event)
    return groups


def _same_fact(a: PersonnelEvent, b: PersonnelEvent) -> bool:
    same_place = org_key(a.org or "") == org_key(b.org or "") or same_org(a.org, b.org)
    return a.person_id == b.person_id and a.kind is b.kind and same_place


def _best(group: Sequence[PersonnelEvent]) -> PersonnelEvent:
    """The firmest report: a stated move over a rumour, then news over history, then confidence."""
    return max(group, key=lambda e: (not e.is_rumour, e.when is not When.past, e.confidence))


def _is_held(
    event: PersonnelEvent, roles: Sequence[KnownRole], events: Sequence[PersonnelEvent]
) -> bool:
    there = [role for role in roles if same_org(role.org, event.org)]
    current = [role for role in there if role.current]
    history = event.when is When.past
    if event.kind is MoveKind.joined:
        return bool(current) or (history and bool(there))
    if event.kind is MoveKind.left:  # only a current role on record can be left
        return not current or (history and _came_back(event, events))
    if event.kind is MoveKind.founded:
        return bool(there)
    return (history and bool(there)) or any(_same_title(r, event.title) for r in current)


def _same_title(role: KnownRole, title: str | None) -> bool:
    """ "澄川汽车董事长" at 澄川汽车 is the title "董事长": the organisation's name is no change."""
    if not role.title or not title:
        return False
    known, said = _bare_title(role.title, role.org), _bare_title(title, role.org)
    return known == said


def _bare_title(title: str, org: str) -> str:
    folded, name = fold(title).strip(), fold(org).strip()
    for prefix in (name, org_key(org), *_SCOPES):
        if prefix and folded.startswith(prefix) and len(folded) > len(prefix) + 1:
            return folded[len(prefix) :].lstrip(" 's’的")
    return folded


def _change(
    event: PersonnelEvent, group: Sequence[PersonnelEvent], roles: Sequence[KnownRole]
) -> RoleChange:
    return RoleChange(
        person_id=event.person_id,
        person_name=event.person_name,
        kind=event.kind,
        org=event.org,
        title=event.title,
        before=_before(event, roles),
        evidence=event.evidence,
        confidence=event.confidence,
        is_rumour=all(e.is_rumour for e in group),
        urls=tuple(dict.fromkeys(e.url for e in group if e.url)),
        dedupe_key=_dedupe_key(event),
    )


def _before(event: PersonnelEvent, roles: Sequence[KnownRole]) -> KnownRole | None:
    """The role this change contradicts or replaces, if the records hold one."""
    current = [role for role in roles if role.current]
    there = [role for role in current if same_org(role.org, event.org)]
    if event.kind in (MoveKind.left, MoveKind.role_changed):
        return there[0] if there else (current[0] if event.org is None and current else None)
    return None


def _dedupe_key(event: PersonnelEvent) -> str:
    raw = f"{event.person_id}|{event.kind.value}|{org_key(event.org or '')}"
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()
