"""Which organisation a claim is about: the text's own name, else the item, else the records."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from watchers.extract._orgs import OrgSpan
from watchers.models import KnownRole, Person
from watchers.text import fold, has_cjk, same_org

_WORDS = re.compile(r"[\w&]+")
_LEGAL_WORDS = frozenset({"the", "inc", "corp", "co", "ltd", "plc", "group", "company", "holdings"})


@lru_cache(maxsize=65536)
def is_same_place(a: str | None, b: str | None) -> bool:
    """Looser than ``same_org``: "Shell Plc" is "Royal Dutch Shell", "Disney" is "Walt Disney"."""
    if not a or not b:
        return False
    if same_org(a, b):
        return True
    wa, wb = _words(a), _words(b)
    if has_cjk(a) or has_cjk(b):
        return False
    return bool(wa and wb) and (wa <= wb or wb <= wa)


@lru_cache(maxsize=65536)
def _words(name: str) -> frozenset[str]:
    return frozenset({w for w in _WORDS.findall(fold(name)) if w not in _LEGAL_WORDS})


def current_role_at(person: Person, org: str | None) -> KnownRole | None:
    return next((r for r in person.current_roles if is_same_place(r.org, org)), None)


def resolve_generic(
    span: OrgSpan, sentence_orgs: Sequence[OrgSpan], history: Sequence[str]
) -> str | None:
    """ "the company", "该公司": the sentence's first name before it, else the latest in the item."""
    earlier = [o.name for o in sentence_orgs if not o.is_generic and o.end <= span.start]
    if earlier:
        return earlier[-1]
    return history[-1] if history else None


def fallback_org(
    person: Person, history: Sequence[str], *, prefer_records: bool
) -> tuple[str | None, float]:
    """No organisation in the sentence: a current role the item names, else records or item."""
    for role in person.current_roles:
        if any(is_same_place(role.org, name) for name in history):
            return role.org, 0.75
    records = sole_employer(person)
    item = history[-1] if history else None
    first, second = (records, item) if prefer_records else (item, records)
    if first:
        return first, 0.65
    return second, 0.6


def sole_employer(person: Person) -> str | None:
    """The one organisation all the person's current roles are at, if there is one."""
    orgs = [role.org for role in person.current_roles]
    if orgs and all(is_same_place(orgs[0], org) for org in orgs):
        return orgs[0]
    return None


def canonical_org(org: str | None, person: Person, history: Sequence[str]) -> str | None:
    """One spelling per organisation: the records' name, else the item's longest name."""
    if org is None:
        return None
    for role in person.roles:
        if is_same_place(role.org, org):
            return role.org
    return max((n for n in history if is_same_place(n, org)), key=len, default=org)
