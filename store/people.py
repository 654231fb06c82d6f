"""The watch list: people from the config, their aliases and the roles we know of."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from store import synced
from store.sql import insert, insert_new
from store.synced import fingerprint_of
from store.tables import PersonRow, RoleRow
from watchers.models import KnownRole, Person
from watchers.text import fold, same_org

CONFIG = "config"
CONFIRMED = "confirmed"
PEOPLE = "people"  # the watch list's part of the config, for its fingerprint


async def sync_people(
    session: AsyncSession, people: Sequence[Person], *, now: datetime
) -> list[Person]:
    """Makes the active people those of the config; returns them with ids and known roles.

    People are matched by name; one no longer in the config is deactivated, history kept.
    Config roles are seeded when a person is first seen and again whenever the config's
    roles for them change; roles that confirmed changes put there stay, and a config role
    at an organisation a confirmed role covers is left out.
    """
    await sync_watch_list(session, people, now=now)
    return await list_people(session)


async def sync_watch_list(
    session: AsyncSession, people: Sequence[Person], *, now: datetime
) -> bool:
    """``sync_people`` without reading the people back; whether anything had to be done.

    A watch list unchanged since the last sync costs one read: nothing is locked or written.
    """
    wanted = {person.name: person for person in people}
    fingerprint = fingerprint_of([_config_of(person) for person in wanted.values()])
    if await synced.is_synced(session, PEOPLE, fingerprint):
        return False
    await _insert_missing(session, wanted, now=now)
    for row in await _locked_rows(session, await _stale_ids(session, wanted)):
        person = wanted.get(row.name)
        if person is None:
            _deactivate(row, now=now)
        else:
            _apply_config(row, person, now=now)
    await session.flush()
    await synced.mark_synced(session, PEOPLE, fingerprint, now=now)
    return True


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


async def _insert_missing(
    session: AsyncSession, wanted: dict[str, Person], *, now: datetime
) -> None:
    """Adds the people not stored yet with their aliases and config roles: one statement
    for the people, one for their roles."""
    stored = set(await session.scalars(select(PersonRow.name)))
    values = [
        {"name": p.name, "aliases": list(p.aliases), "roles_fingerprint": _fingerprint(p.roles),
         "active": True, "created_at": now, "updated_at": now}
        for name, p in wanted.items()
        if name not in stored
    ]  # fmt: skip
    if not values:
        return
    stmt = insert_new(session, PersonRow, unique=("name",), returning=("id", "name"))
    added = (await session.execute(stmt, values)).all()  # another worker may have added some
    roles = [
        {"person_id": person_id, "org": role.org, "title": role.title, "current": role.current,
         "origin": CONFIG, "created_at": now, "updated_at": now}
        for person_id, name in added
        for role in wanted[name].roles
    ]  # fmt: skip
    if roles:
        await session.execute(insert(session, RoleRow.__table__), roles)


async def _stale_ids(session: AsyncSession, wanted: dict[str, Person]) -> list[int]:
    """The people whose row differs from the config: gone from it, or changed in it."""
    stmt = select(
        PersonRow.id, PersonRow.name, PersonRow.aliases, PersonRow.roles_fingerprint,
        PersonRow.active,
    )  # fmt: skip
    return [
        person_id
        for person_id, name, aliases, roles_fingerprint, active in await session.execute(stmt)
        if _is_stale(wanted.get(name), aliases, roles_fingerprint, is_active=active)
    ]


def _is_stale(
    person: Person | None, aliases: list[str], roles_fingerprint: str | None, *, is_active: bool
) -> bool:
    if person is None:
        return is_active  # gone from the config: to be deactivated
    return (
        not is_active
        or aliases != list(person.aliases)
        or roles_fingerprint != _fingerprint(person.roles)
    )


async def _locked_rows(session: AsyncSession, person_ids: list[int]) -> Sequence[PersonRow]:
    if not person_ids:
        return []
    stmt = (
        select(PersonRow)
        .where(PersonRow.id.in_(person_ids))
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


def _config_of(person: Person) -> list[object]:
    """What the config says of a person, as the watch list's fingerprint covers it."""
    roles = sorted([role.org, role.title or "", role.current] for role in person.roles)
    return [person.name, list(person.aliases), roles]


def _folded_names(person: Person) -> set[str]:
    return {fold(name) for name in (person.name, *person.aliases)}
