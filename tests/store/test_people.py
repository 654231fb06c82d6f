"""The watch list: config sync, known roles seeded and reseeded, lookups by name."""

from __future__ import annotations

from datetime import datetime, timedelta

from store import people, roles
from tests.store.factories import Sessions, change, person, role, store_change, watch
from watchers.models import ChangeStatus, KnownRole, MoveKind, Person, RoleChange


async def test_sync_people_returns_active_people_with_ids_and_config_roles(
    sessions: Sessions, now: datetime
) -> None:
    synced = await watch(
        sessions,
        person("Zhang Wei", "张伟", roles=(role("Acme", "CFO"), role("Initech", current=False))),
        person("Ada Lovelace"),
        now=now,
    )

    assert [p.name for p in synced] == ["Ada Lovelace", "Zhang Wei"]
    assert all(p.id > 0 for p in synced)
    assert synced[1].aliases == ("张伟",)
    assert synced[1].roles == (role("Acme", "CFO"), role("Initech", current=False))
    async with sessions() as session:
        assert await people.list_people(session) == synced


async def test_sync_people_deactivates_the_missing_and_keeps_their_id(
    sessions: Sessions, now: datetime
) -> None:
    ada, grace = await watch(sessions, person("Ada Lovelace"), person("Grace Hopper"), now=now)

    after_removal = await watch(sessions, person("Grace Hopper"), now=now)
    back = await watch(sessions, person("Grace Hopper"), person("Ada Lovelace", "Ada"), now=now)

    assert after_removal == [grace]
    assert back == [Person(id=ada.id, name="Ada Lovelace", aliases=("Ada",)), grace]


async def test_sync_people_keeps_confirmed_roles_while_the_config_is_unchanged(
    sessions: Sessions, now: datetime
) -> None:
    config = person("Zhang Wei", roles=(role("Acme", "CFO"),))
    (zhang,) = await watch(sessions, config, now=now)
    await _confirm(sessions, change(zhang, MoveKind.left, "Acme", None), now=now)

    (resynced,) = await watch(sessions, config, now=now + timedelta(days=1))

    assert resynced.roles == (role("Acme", "CFO", current=False),)


async def test_sync_people_reseeds_config_roles_when_the_config_changes(
    sessions: Sessions, now: datetime
) -> None:
    (zhang,) = await watch(sessions, person("Zhang Wei", roles=(role("Acme", "CFO"),)), now=now)
    await _confirm(sessions, change(zhang, MoveKind.founded, "Nova Labs", "CEO"), now=now)

    (resynced,) = await watch(
        sessions, person("Zhang Wei", roles=(role("Initech", "CTO"), role("Nova", "Adviser"))),
        now=now,
    )  # fmt: skip

    assert set(resynced.roles) == {role("Nova Labs", "CEO"), role("Initech", "CTO")}


async def test_find_people_puts_exact_matches_before_partial_ones(
    sessions: Sessions, now: datetime
) -> None:
    await watch(
        sessions,
        person("Jane Doe"),
        person("Janet Doerr", "J. Doerr"),
        person("張偉", "Wei Zhang"),
        person("Adalbert Stifter"),
        person("Zoe Ada", "Ada"),
        now=now,
    )

    async with sessions() as session:
        found = {
            query: [p.name for p in await people.find_people(session, query)]
            for query in ("ada", "jane doe", "DOE", "j. doerr", "张伟", "wei", "nobody", "  ")
        }

    assert found == {
        "ada": ["Zoe Ada", "Adalbert Stifter"],
        "jane doe": ["Jane Doe"],
        "DOE": ["Jane Doe", "Janet Doerr"],
        "j. doerr": ["Janet Doerr"],
        "张伟": ["張偉"],
        "wei": ["張偉"],
        "nobody": [],
        "  ": [],
    }


async def test_find_people_skips_people_no_longer_watched(
    sessions: Sessions, now: datetime
) -> None:
    await watch(sessions, person("Jane Doe"), now=now)
    await watch(sessions, person("Mary Major"), now=now)

    async with sessions() as session:
        assert await people.find_people(session, "Jane") == []


async def _confirm(
    sessions: Sessions, value: RoleChange, *, now: datetime
) -> tuple[KnownRole, ...]:
    stored = await store_change(sessions, value, now=now)
    async with sessions.begin() as session:
        await roles.set_change_status(session, stored.change_id, ChangeStatus.confirmed, now=now)
        return next(p.roles for p in await people.list_people(session) if p.id == value.person_id)


async def test_sync_watch_list_does_nothing_for_an_unchanged_list(
    sessions: Sessions, now: datetime
) -> None:
    config = [person("Zhang Wei", "张伟", roles=(role("Acme", "CFO"),)), person("Ada Lovelace")]

    done = [await _sync_list(sessions, config, now=now) for _ in range(2)]
    renamed_alias = [person("Zhang Wei", "張偉", roles=(role("Acme", "CFO"),)), config[1]]
    done.append(await _sync_list(sessions, renamed_alias, now=now))
    done.append(await _sync_list(sessions, renamed_alias[:1], now=now))

    assert done == [True, False, True, True]
    async with sessions() as session:
        assert [(p.name, p.aliases) for p in await people.list_people(session)] == [
            ("Zhang Wei", ("張偉",))
        ]


async def test_sync_people_adds_many_people_with_their_config_roles(
    sessions: Sessions, now: datetime
) -> None:
    config = [
        person(f"Person {i:03}", f"P. {i:03}", roles=(role(f"Org {i}", "CEO"),)) for i in range(300)
    ]

    synced = await watch(sessions, *config, now=now)

    assert [(p.name, p.aliases, p.roles) for p in synced] == [
        (p.name, p.aliases, p.roles) for p in config
    ]


async def _sync_list(sessions: Sessions, config: list[Person], *, now: datetime) -> bool:
    async with sessions.begin() as session:
        return await people.sync_watch_list(session, config, now=now)
