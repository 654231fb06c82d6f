"""Changes to people's roles: saved once per dedupe key, confirmed into the known roles."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload

from store.people import CONFIRMED
from store.sql import insert
from store.tables import ChangeRow, ChangeUrlRow, RoleRow
from watchers.models import ChangeStatus, KnownRole, MoveKind, RoleChange, StoredChange
from watchers.text import same_org


async def apply_changes(
    session: AsyncSession, changes: Sequence[RoleChange], *, now: datetime
) -> list[StoredChange]:
    """Saves each change once per dedupe key, in the given order.

    A new key comes back pending with `is_new`; a known key only gains the change's URLs
    and comes back as stored, with `is_new` false.
    """
    saved = [await _save(session, change, now=now) for change in changes]
    loaded = await load_changes(session, [change_id for change_id, _ in saved])
    return [replace(loaded[change_id], is_new=is_new) for change_id, is_new in saved]


async def get_change(session: AsyncSession, change_id: int) -> StoredChange | None:
    return (await load_changes(session, [change_id])).get(change_id)


async def set_change_status(
    session: AsyncSession, change_id: int, status: ChangeStatus, *, now: datetime
) -> StoredChange | None:
    """Sets a change's status; confirming it writes the move into the person's roles.

    joined, founded and role_changed make the role at that organisation current with the
    new title (adding it when there is none); left makes the roles there past ones.
    """
    row = await session.get(ChangeRow, change_id, with_for_update=True, populate_existing=True)
    if row is None:
        return None
    confirming = status is ChangeStatus.confirmed and row.status != ChangeStatus.confirmed
    row.status = status
    row.updated_at = now
    await session.flush()
    stored = await get_change(session, change_id)
    if stored is not None and confirming:
        await _write_roles(session, stored.change, now=now)
    return stored


async def recent_changes(
    session: AsyncSession, *, since: datetime, person_id: int | None = None, limit: int = 20
) -> list[StoredChange]:
    """Changes saved since `since`, newest first."""
    stmt = (
        select(ChangeRow.id)
        .where(ChangeRow.created_at >= since)
        .order_by(ChangeRow.created_at.desc(), ChangeRow.id.desc())
        .limit(limit)
    )
    if person_id is not None:
        stmt = stmt.where(ChangeRow.person_id == person_id)
    return await load_ordered(session, list(await session.scalars(stmt)))


async def load_ordered(session: AsyncSession, change_ids: Sequence[int]) -> list[StoredChange]:
    """The stored changes with these ids, in this order."""
    loaded = await load_changes(session, change_ids)
    return [loaded[change_id] for change_id in change_ids]


async def load_changes(session: AsyncSession, change_ids: Sequence[int]) -> dict[int, StoredChange]:
    """Stored changes by id, with every URL and the person's name; `is_new` false."""
    if not change_ids:
        return {}
    stmt = (
        select(ChangeRow)
        .where(ChangeRow.id.in_(set(change_ids)))
        .options(selectinload(ChangeRow.urls), joinedload(ChangeRow.person))
        .execution_options(populate_existing=True)
    )
    return {row.id: to_stored(row) for row in (await session.scalars(stmt)).all()}


def to_stored(row: ChangeRow) -> StoredChange:
    change = RoleChange(
        person_id=row.person_id,
        person_name=row.person.name,
        kind=MoveKind(row.kind),
        org=row.org,
        title=row.title,
        before=_before(row),
        evidence=row.evidence,
        confidence=row.confidence,
        is_rumour=row.is_rumour,
        urls=tuple(url.url for url in row.urls),
        dedupe_key=row.dedupe_key,
    )
    status = ChangeStatus(row.status)
    return StoredChange(
        change_id=row.id, change=change, status=status, created_at=row.created_at, is_new=False
    )


async def _save(session: AsyncSession, change: RoleChange, *, now: datetime) -> tuple[int, bool]:
    """Inserts the change unless its key is taken; returns its id and whether it is new."""
    stmt = (
        insert(session, ChangeRow)
        .values(_change_values(change, now=now))
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
        .returning(ChangeRow.id)
    )
    change_id = (await session.execute(stmt)).scalar_one_or_none()
    is_new = change_id is not None
    if change_id is None:
        by_key = select(ChangeRow.id).where(ChangeRow.dedupe_key == change.dedupe_key)
        change_id = (await session.execute(by_key)).scalar_one()
    await _add_urls(session, change_id, change.urls)
    return change_id, is_new


async def _add_urls(session: AsyncSession, change_id: int, urls: Sequence[str]) -> None:
    if not urls:
        return
    values = [{"change_id": change_id, "url": url} for url in dict.fromkeys(urls)]
    stmt = insert(session, ChangeUrlRow).values(values)
    await session.execute(stmt.on_conflict_do_nothing(index_elements=["change_id", "url"]))


def _change_values(change: RoleChange, *, now: datetime) -> dict[str, object]:
    before = change.before
    return {
        "dedupe_key": change.dedupe_key,
        "person_id": change.person_id,
        "kind": change.kind.value,
        "org": change.org,
        "title": change.title,
        "before_org": before.org if before else None,
        "before_title": before.title if before else None,
        "before_current": before.current if before else None,
        "evidence": change.evidence,
        "confidence": change.confidence,
        "is_rumour": change.is_rumour,
        "status": ChangeStatus.pending.value,
        "created_at": now,
        "updated_at": now,
    }


def _before(row: ChangeRow) -> KnownRole | None:
    if row.before_org is None:
        return None
    current = True if row.before_current is None else row.before_current
    return KnownRole(org=row.before_org, title=row.before_title, current=current)


async def _write_roles(session: AsyncSession, change: RoleChange, *, now: datetime) -> None:
    org = change.org or (change.before.org if change.before else None)
    if org is None:
        return
    stmt = select(RoleRow).where(RoleRow.person_id == change.person_id).order_by(RoleRow.id)
    rows = (await session.scalars(stmt.execution_options(populate_existing=True))).all()
    at_org = [row for row in rows if same_org(row.org, org)]
    added = _ROLE_EFFECTS[change.kind](at_org, change, org, now)
    if added is not None:
        session.add(added)
    await session.flush()


def _hold(at_org: list[RoleRow], change: RoleChange, org: str, now: datetime) -> RoleRow | None:
    """The role at the organisation becomes current with the new title, or is added."""
    current = [row for row in at_org if row.current]
    if not at_org:
        return _new_role(change, org, current=True, now=now)
    row = (current or at_org)[-1]
    row.current = True
    row.title = change.title or row.title
    _touch(row, now)
    return None


def _leave(at_org: list[RoleRow], change: RoleChange, org: str, now: datetime) -> RoleRow | None:
    """The roles at the organisation become past ones; a past one is added if none was known."""
    if not at_org:
        return _new_role(change, org, current=False, now=now)
    for row in at_org:
        if row.current:
            row.current = False
            _touch(row, now)
    return None


def _new_role(change: RoleChange, org: str, *, current: bool, now: datetime) -> RoleRow:
    return RoleRow(
        person_id=change.person_id, org=org, title=change.title, current=current, origin=CONFIRMED,
        created_at=now, updated_at=now,
    )  # fmt: skip


def _touch(row: RoleRow, now: datetime) -> None:
    row.origin = CONFIRMED
    row.updated_at = now


_RoleEffect = Callable[[list[RoleRow], RoleChange, str, datetime], RoleRow | None]
_ROLE_EFFECTS: dict[MoveKind, _RoleEffect] = {
    MoveKind.joined: _hold,
    MoveKind.founded: _hold,
    MoveKind.role_changed: _hold,
    MoveKind.left: _leave,
}
