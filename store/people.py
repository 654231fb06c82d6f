"""The watch list: people from the config, their aliases and the roles we know of."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from store.sql import insert
from store.tables import PersonRow, RoleRow
from watchers.models import KnownRole, Person
from watchers.text import fold, same_org

CONFIG = "config"
CONFIRMED = "confirmed"


async def sync_people(
    session: AsyncSession, people: Sequence[Person], *, now: datetime
) -> list[Person]:
    """Makes the active people those of the config; returns them with ids and known roles.

    People are matched by name; one no longer in the config is deactivated, history kept.
    Config roles are seeded when a person is first seen and again whenever the config's
    roles for them change; roles that confirmed changes put there stay, and a config role
    at an organisation a confirmed role covers is left out. An unchanged config costs
    one read: nothing is locked or written.
    """
    wanted = {person.name: person for person in people}
    if await _is_unchanged(session, wanted):
        return await list_people(session)
    await _insert_missing(session, list(wanted), now=now)
    for row in await _locked_rows(session):
        person = wanted.get(row.name)
        if person is None:
            _deactivate(row, now=now)
        else:
            _apply_config(row, person, now=now)
    await session.flush()
    return await list_people(session)


async def list_people(session: AsyncSession) -> list[Person]:
    """The active people, known roles included, ordered by name."""
    # Plain rows rather than ORM objects: with thousands of people, building and
    # tracking the objects cost most of the time.
    active = PersonRow.active.is_(True)
    roles_stmt = (
        select(RoleRow.person_id, RoleRow.org, RoleRow.title, RoleRow.current)
        .join(PersonRow, RoleRow.person_id == PersonRow.id)
        .where(active)
        .order_by(RoleRow.id)
    )
    known: dict[int, list[KnownRole]] = {}
    for person_id, org, title, current in await session.execute(roles_stmt):
        known.setdefault(person_id, []).append(KnownRole(org=org, title=title, current=current))
    stmt = select(PersonRow.id, PersonRow.name, PersonRow.aliases).where(active)
    return [
        Person(id=id_, name=name, aliases=tuple(aliases), roles=tuple(known.get(id_, ())))
        for id_, name, aliases in await session.execute(stmt.order_by(PersonRow.name))
    ]


async def find_people(session: AsyncSession, query: str) -> list[Person]:
    """Active people whose name or an alias is the query (first) or contains it (then).

    Matching folds case, accents and Chinese script, as the matcher does.
    """
    needle = fold(query.strip())
    if not needle:
        return []
    people = await list_people(session)
    exact = [p for p in people if needle in _folded_names(p)]
    partial = [p for p in people if p not in exact and any(needle in n for n in _folded_names(p))]
    return exact + partial


async def _is_unchanged(session: AsyncSession, wanted: dict[str, Person]) -> bool:
    """Whether the active people already are the config's, aliases and config roles alike."""
    stmt = select(PersonRow.name, PersonRow.aliases, PersonRow.roles_fingerprint).where(
        PersonRow.active.is_(True)
    )
    stored = {name: (aliases, fp) for name, aliases, fp in await session.execute(stmt)}
    return stored == {
        name: (list(person.aliases), _fingerprint(person.roles)) for name, person in wanted.items()
    }


async def _insert_missing(session: AsyncSession, names: list[str], *, now: datetime) -> None:
    if not names:
        return
    values = [
        {"name": name, "aliases": [], "active": True, "created_at": now, "updated_at": now}
        for name in names
    ]
    stmt = insert(session, PersonRow).values(values).on_conflict_do_nothing(index_elements=["name"])
    await session.execute(stmt)


async def _locked_rows(session: AsyncSession) -> Sequence[PersonRow]:
    stmt = (
        select(PersonRow)
        .options(selectinload(PersonRow.roles))
        .order_by(PersonRow.name)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return (await session.scalars(stmt)).all()


def _deactivate(row: PersonRow, *, now: datetime) -> None:
    if row.active:
        row.active = False
        row.updated_at = now


def _apply_config(row: PersonRow, person: Person, *, now: datetime) -> None:
    fingerprint = _fingerprint(person.roles)
    if list(person.aliases) != row.aliases or not row.active:
        row.aliases = list(person.aliases)
        row.active = True
        row.updated_at = now
    if fingerprint != row.roles_fingerprint:
        row.roles = _reseeded(row.roles, person.roles, now=now)
        row.roles_fingerprint = fingerprint
        row.updated_at = now


def _reseeded(
    rows: Iterable[RoleRow], config: Sequence[KnownRole], *, now: datetime
) -> list[RoleRow]:
    kept = [r for r in rows if r.origin == CONFIRMED]
    seeded = [
        _config_role(role, now=now)
        for role in config
        if not any(same_org(role.org, r.org) for r in kept)
    ]
    return kept + seeded


def _config_role(role: KnownRole, *, now: datetime) -> RoleRow:
    return RoleRow(
        org=role.org, title=role.title, current=role.current, origin=CONFIG,
        created_at=now, updated_at=now,
    )  # fmt: skip


def _fingerprint(roles: Sequence[KnownRole]) -> str:
    canonical = sorted([role.org, role.title or "", role.current] for role in roles)
    return hashlib.sha256(json.dumps(canonical, ensure_ascii=False).encode()).hexdigest()


def _folded_names(person: Person) -> set[str]:
    return {fold(name) for name in (person.name, *person.aliases)}
