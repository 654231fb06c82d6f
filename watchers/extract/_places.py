"""Which organisation a claim is about: the text's own name, else the item, else the records."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from watchers.extract._orgs import OrgSpan
from watchers.models import KnownRole, Person
from watchers.text import fold, has_cjk, same_org

_WORDS = re.compile(r"[\w&]+")
_BARE_KINDS = frozenset({"公司", "its", "company", "firm", "group", "business", "后者", "集团"})
_LEGAL_WORDS = frozenset({"the", "inc", "corp", "co", "ltd", "plc", "group", "company", "holdings"})


@lru_cache(maxsize=65536)
def is_same_place(a: str | None, b: str | None) -> bool:
    """Looser than ``same_org``: "Corvid Plc" is "Great Corvid Mining", "Tessel" is "Tessel Works"."""
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
    """ "the company", "该学院": the nearest name before it in the sentence, else in the item;
    a name of the same type ("该学院" → "…经管学院", "the bank" → "… Bank") first."""
    earlier = [o.name for o in sentence_orgs if not o.is_generic and o.end <= span.start]
    candidates = [*history, *earlier]
    kind = _kind_word(span.word)
    typed = [name for name in candidates if kind and kind in fold(name)]
    found = typed or candidates
    return found[-1] if found else None


def _kind_word(word: str) -> str:
    """The type a generic word names: "学院" in 该学院, "bank" in "the bank"; "" for 公司."""
    kind = fold(word).split(" ")[-1].lstrip("该本")
    return "" if kind in _BARE_KINDS else kind


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


def former_employer(person: Person) -> str | None:
    """The one organisation the records hold only past roles at: where a return goes."""
    current = person.current_roles
    past = [r.org for r in person.roles if not any(is_same_place(r.org, c.org) for c in current)]
    if past and all(is_same_place(past[0], org) for org in past):
        return past[0]
    return None


def sole_employer(person: Person) -> str | None:
    """The one organisation all the person's current roles are at, if there is one."""
    orgs = [role.org for role in person.current_roles]
    if orgs and all(is_same_place(orgs[0], org) for org in orgs):
        return orgs[0]
    return None


def employer_by_title(person: Person, org: str | None, titles: Sequence[str | None]) -> str | None:
    """ "柏孟委任財務總監X接掌…" with the records in Latin script: the organisation
    named in the other script is the records' one when the person's title there is the
    title the item gives (before the name, or as the new post)."""
    if org is None or any(is_same_place(role.org, org) for role in person.roles):
        return None
    for role in person.current_roles:
        if has_cjk(role.org) != has_cjk(org) and any(_same_post(role.title, t) for t in titles):
            return role.org
    return None


def _same_post(known: str | None, said: str | None) -> bool:
    if not known or not said:
        return False
    a, b = fold(known).strip(), fold(said).strip()
    short, long_ = sorted((a, b), key=len)
    return len(short) >= 2 and long_.endswith(short)


_GLOSS = re.compile(r"([\u4e00-\u9fff]{2,12})[（(]([A-Za-z][\w&.,'’ -]{1,40}?)[）)]")


def glosses(text: str) -> tuple[tuple[str, str], ...]:
    """ "晨岚（Morrowgate）": names the item itself gives in two scripts."""
    return tuple((hit.group(1), hit.group(2)) for hit in _GLOSS.finditer(text))


def canonical_org(
    org: str | None, person: Person, history: Sequence[str], pairs: Sequence[tuple[str, str]] = ()
) -> str | None:
    """One spelling per organisation: the records' name (also through a name the item
    glosses in the other script), else the item's longest name."""
    if org is None:
        return None
    spellings = [org, *(latin for cjk, latin in pairs if fold(cjk).endswith(fold(org)))]
    for role in person.roles:
        if any(is_same_place(role.org, name) for name in spellings) or _is_unit_of(org, role):
            return role.org
    return max((n for n in [*history, org] if is_same_place(n, org)), key=len, default=org)


def _is_unit_of(org: str, role: KnownRole) -> bool:
    """ "化学学院" when the records hold "化学学院副院长" at a university: a unit the
    records name inside a title is part of the role's organisation."""
    name = fold(org)
    return has_cjk(name) and len(name) >= 3 and name in fold(role.title or "")
