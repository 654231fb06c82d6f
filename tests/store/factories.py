"""Small builders for the values the store takes, with defaults that say nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from store import people, roles, sources
from watchers.models import (
    FeedItem,
    FetchResult,
    KnownRole,
    Mention,
    MoveKind,
    Person,
    RoleChange,
    StoredChange,
)

Sessions = async_sessionmaker[AsyncSession]
HOUR = timedelta(hours=1)


def role(org: str, title: str | None = None, *, current: bool = True) -> KnownRole:
    return KnownRole(org=org, title=title, current=current)


def person(name: str, *aliases: str, roles: tuple[KnownRole, ...] = ()) -> Person:
    return Person(id=0, name=name, aliases=aliases, roles=roles)


def item(key: str, *, source_id: int, title: str = "A headline") -> FeedItem:
    return FeedItem(
        key=key,
        url=f"https://news.example/{key}",
        title=title,
        summary="",
        published_at=None,
        source_id=source_id,
    )


def mention(feed_item: FeedItem, *who: Person) -> Mention:
    return Mention(item=feed_item, people=who)


def change(
    who: Person,
    kind: MoveKind = MoveKind.joined,
    org: str | None = "Acme",
    title: str | None = "CFO",
    *,
    urls: tuple[str, ...] = ("https://news.example/1",),
    key: str | None = None,
    before: KnownRole | None = None,
) -> RoleChange:
    return RoleChange(
        person_id=who.id,
        person_name=who.name,
        kind=kind,
        org=org,
        title=title,
        before=before,
        evidence=f"{who.name} {kind} {org}",
        confidence=0.9,
        is_rumour=False,
        urls=urls,
        dedupe_key=key or f"{who.id}|{kind}|{org}|{title}",
    )


def fetched(
    status: int = 200, *, etag: str | None = None, modified: str | None = None
) -> FetchResult:
    return FetchResult(status=status, etag=etag, last_modified=modified)


async def watch(sessions: Sessions, *who: Person, now: datetime) -> list[Person]:
    """Puts people on the watch list; returns them with their ids, ordered by name."""
    async with sessions.begin() as session:
        return await people.sync_people(session, who, now=now)


async def add_sources(sessions: Sessions, *urls: str, now: datetime) -> list[int]:
    """Adds sources polled hourly; returns their ids in the order given."""
    async with sessions.begin() as session:
        added = await sources.sync_sources(session, [(url, HOUR) for url in urls], now=now)
    by_url = {source.url: source.id for source in added}
    return [by_url[url] for url in urls]


async def store_change(sessions: Sessions, value: RoleChange, *, now: datetime) -> StoredChange:
    async with sessions.begin() as session:
        (stored,) = await roles.apply_changes(session, [value], now=now)
    return stored
