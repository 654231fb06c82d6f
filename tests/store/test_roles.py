"""Changes: saved once per dedupe key, confirmed into the known roles, listed newest first."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from store import people, roles
from tests.store.factories import Sessions, change, person, role, store_change, watch
from watchers.models import ChangeStatus, KnownRole, MoveKind, Person, RoleChange


async def test_apply_changes_saves_a_new_key_as_pending(sessions: Sessions, now: datetime) -> None:
    (ada,) = await watch(sessions, person("Ada Lovelace"), now=now)
    value = change(ada, before=role("Initech", "CTO"), urls=("https://a.example/1",))

    stored = await store_change(sessions, value, now=now)

    assert stored.is_new
    assert (stored.change, stored.status, stored.created_at) == (value, ChangeStatus.pending, now)
    async with sessions() as session:
        again = await roles.get_change(session, stored.change_id)
    assert again is not None
    assert (again.change, again.is_new) == (value, False)


async def test_apply_changes_merges_urls_into_a_known_key(
    sessions: Sessions, now: datetime
) -> None:
    (ada,) = await watch(sessions, person("Ada Lovelace"), now=now)
    first = await store_change(sessions, change(ada, urls=("https://a.example/1",)), now=now)
    later = now + timedelta(hours=1)
    echo = change(ada, urls=("https://b.example/2", "https://a.example/1"))

    merged = await store_change(sessions, echo, now=later)

    assert (merged.change_id, merged.is_new, merged.created_at) == (first.change_id, False, now)
    assert merged.change.urls == ("https://a.example/1", "https://b.example/2")


async def test_apply_changes_with_one_key_twice_in_a_batch_saves_it_once(
    sessions: Sessions, now: datetime
) -> None:
    (ada,) = await watch(sessions, person("Ada Lovelace"), now=now)
    one, two = (
        change(ada, urls=("https://a.example/1",)),
        change(ada, urls=("https://b.example/2",)),
    )

    async with sessions.begin() as session:
        stored = await roles.apply_changes(session, [one, two], now=now)

    assert [s.is_new for s in stored] == [True, False]
    assert stored[0].change_id == stored[1].change_id


async def test_get_change_of_an_unknown_id_is_none(sessions: Sessions) -> None:
    async with sessions() as session:
        assert await roles.get_change(session, 404) is None


ACME_CFO = role("Acme Inc.", "CFO")


def change_to(
    kind: MoveKind, org: str | None, title: str | None, *, before: KnownRole | None = None
) -> RoleChange:
    """A change for whoever the test watches; `_for` names the person."""
    return change(Person(id=0, name="?"), kind, org, title, before=before)


@pytest.mark.parametrize(
    ("known", "move", "expected"),
    [
        pytest.param(
            (ACME_CFO,), change_to(MoveKind.joined, "Nova", "CEO"),
            {ACME_CFO, role("Nova", "CEO")}, id="joined-new-org",
        ),
        pytest.param(
            (role("Acme", "CTO", current=False),), change_to(MoveKind.joined, "ACME", "CEO"),
            {role("Acme", "CEO")}, id="joined-back-at-past-org",
        ),
        pytest.param(
            (), change_to(MoveKind.founded, "Nova Labs", "Founder"),
            {role("Nova Labs", "Founder")}, id="founded",
        ),
        pytest.param(
            (ACME_CFO, role("Initech", "Adviser")), change_to(MoveKind.left, "Acme", None),
            {role("Acme Inc.", "CFO", current=False), role("Initech", "Adviser")}, id="left",
        ),
        pytest.param(
            (ACME_CFO,), change_to(MoveKind.left, None, None, before=ACME_CFO),
            {role("Acme Inc.", "CFO", current=False)}, id="left-org-from-before",
        ),
        pytest.param(
            (), change_to(MoveKind.left, "Initech", "CTO"),
            {role("Initech", "CTO", current=False)}, id="left-unknown-org-kept-as-past",
        ),
        pytest.param(
            (ACME_CFO,), change_to(MoveKind.role_changed, "Acme", "CEO"),
            {role("Acme Inc.", "CEO")}, id="role-changed",
        ),
        pytest.param(
            (ACME_CFO,), change_to(MoveKind.role_changed, "Nova", "CEO"),
            {ACME_CFO, role("Nova", "CEO")}, id="role-changed-at-unknown-org",
        ),
    ],
)  # fmt: skip
async def test_confirming_a_change_writes_it_into_the_known_roles(
    sessions: Sessions,
    now: datetime,
    known: tuple[KnownRole, ...],
    move: RoleChange,
    expected: set[KnownRole],
) -> None:
    (zhang,) = await watch(sessions, person("Zhang Wei", roles=known), now=now)
    stored = await store_change(sessions, _for(zhang, move), now=now)

    async with sessions.begin() as session:
        confirmed = await roles.set_change_status(
            session, stored.change_id, ChangeStatus.confirmed, now=now
        )

    assert confirmed is not None
    assert confirmed.status is ChangeStatus.confirmed
    assert set(await _roles_of(sessions, zhang)) == expected


async def test_dismissing_a_change_leaves_the_roles_alone(
    sessions: Sessions, now: datetime
) -> None:
    (zhang,) = await watch(sessions, person("Zhang Wei", roles=(ACME_CFO,)), now=now)
    stored = await store_change(sessions, change(zhang, MoveKind.left, "Acme", None), now=now)

    async with sessions.begin() as session:
        dismissed = await roles.set_change_status(
            session, stored.change_id, ChangeStatus.dismissed, now=now
        )
        missing = await roles.set_change_status(session, 404, ChangeStatus.dismissed, now=now)

    assert dismissed is not None
    assert (dismissed.status, missing) == (ChangeStatus.dismissed, None)
    assert await _roles_of(sessions, zhang) == (ACME_CFO,)


async def test_recent_changes_lists_newest_first(sessions: Sessions, now: datetime) -> None:
    ada, grace = await watch(sessions, person("Ada Lovelace"), person("Grace Hopper"), now=now)
    for hours, who, org in (
        (0, ada, "Old Co"),
        (1, ada, "Acme"),
        (2, grace, "Nova"),
        (3, ada, "Zeta"),
    ):
        await store_change(sessions, change(who, org=org), now=now + timedelta(hours=hours))

    async with sessions() as session:
        since = now + timedelta(hours=1)
        every = await roles.recent_changes(session, since=since)
        adas = await roles.recent_changes(session, since=since, person_id=ada.id)
        newest = await roles.recent_changes(session, since=since, limit=1)

    assert [s.change.org for s in every] == ["Zeta", "Nova", "Acme"]
    assert [s.change.org for s in adas] == ["Zeta", "Acme"]
    assert [s.change.org for s in newest] == ["Zeta"]


def _for(who: Person, move: RoleChange) -> RoleChange:
    return replace(move, person_id=who.id, person_name=who.name)


async def _roles_of(sessions: Sessions, who: Person) -> tuple[KnownRole, ...]:
    async with sessions() as session:
        return next(p.roles for p in await people.list_people(session) if p.id == who.id)
