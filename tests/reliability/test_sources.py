"""Every broken source at once, next to a good one, through the real polling cycle.

One ``FeedServer`` serves a good feed and every kind of broken source; the real
``run_due_sources`` polls them cycle after cycle with a controlled clock (one cycle every
two simulated minutes, each source due every minute). The good source is polled every
cycle and its moves are queued; each broken source is recorded failing with its error,
backs off, and is shown failing by /sources and the digest.
"""

from __future__ import annotations

import asyncio
import resource
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.console import ConsoleSender
from bot.digest import build_digest
from bot.dispatch import dispatch_due
from bot.render import render_digest, render_sources
from store import people, sources
from store.db import create_engine, create_sessionmaker, upgrade
from tests.fakes.feeds import FeedServer, closed_port_url
from tests.reliability.world import CHAT, movers, rss, story_feed
from watchers.fetch import build_client
from watchers.models import Person, Source, SourceOutcome
from watchers.run import load_watch, run_due_sources

FIXTURES = Path(__file__).parent.parent / "fixtures" / "feeds"
START = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)
INTERVAL = timedelta(minutes=1)
STEP = timedelta(minutes=2)
CYCLES = 16
MAX_BYTES = 256 * 1024
# The fetch deadline, 30 s in production, compressed like the clock.
DEADLINE = 2.0
BOMB_BYTES = 256 * 1024 * 1024
GOOD, LATE = movers(2)
WEEK = "2025-W10"

BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE rss [\n  <!ENTITY lol "lol">\n'
    + b"".join(
        b'  <!ENTITY lol%d "%s">\n' % (n, (b"&lol%d;" % (n - 1) if n > 1 else b"&lol;") * 10)
        for n in range(1, 10)
    )
    + b']>\n<rss version="2.0"><channel><title>t</title>'
    b"<item><title>bomb</title><description>&lol9;</description></item></channel></rss>"
)


def _external_entity(url: str) -> bytes:
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY xxe SYSTEM "{url}">]>\n'
        '<rss version="2.0"><channel><title>t</title>'
        "<item><title>x</title><description>&xxe;</description></item></channel></rss>"
    ).encode()


def _gzip_bomb(size: int) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = b"\0" * (1024 * 1024)
    return b"".join(packer.compress(zeros) for _ in range(size // len(zeros))) + packer.flush()


@dataclass(frozen=True, slots=True, kw_only=True)
class Broken:
    """A broken source: where it is served, and what /sources must say about it."""

    path: str
    error: str
    requests_per_poll: int = 1


BROKEN = [
    Broken(path="/status-500", error="returned 500"),
    Broken(path="/status-503", error="returned 503"),
    Broken(path="/status-404", error="returned 404"),
    Broken(path="/status-410", error="returned 410"),
    Broken(path="/status-429-retry", error="returned 429"),
    Broken(path="/status-503-retry", error="returned 503"),
    Broken(path="/refused", error="ConnectError"),
    # aiohttp tries a GET once more when the connection is reset under it.
    Broken(
        path="/reset", error="ReadError: [Errno 104] Connection reset by peer", requests_per_poll=2
    ),
    Broken(path="/hang", error="did not finish before the deadline"),
    Broken(path="/drip", error="did not finish before the deadline"),
    Broken(path="/too-big", error=f"body larger than {MAX_BYTES} bytes"),
    Broken(path="/gzip-bomb", error=f"body larger than {MAX_BYTES} bytes"),
    Broken(path="/truncated", error="could not be parsed: <unknown>:1"),
    Broken(path="/html-page", error="could not be parsed"),
    Broken(path="/loop-a", error="redirect loop"),
    Broken(path="/to-file", error="refused redirect to 'file:///etc/passwd'"),
    Broken(path="/to-gopher", error="refused redirect to 'gopher://"),
]
# Read without expanding or fetching anything, or read with a wrong or missing charset
# (the XML declaration wins over a wrong header; bytes in no declared charset are read
# as Latin-1 and match nobody): the source stays healthy.
SAFELY_PARSED = ("/entity-bomb", "/external-entity", "/wrong-charset", "/missing-charset")
RETRY_AFTER = {"/status-429-retry": 300, "/status-503-retry": 300}


@dataclass(frozen=True, slots=True, kw_only=True)
class Polled:
    """What a user can see after the cycles: source states, requests, listings, alerts."""

    outcomes: list[dict[SourceOutcome, int]]
    history: dict[str, list[Source]]
    hits: dict[str, int]
    listing: str
    digest: str
    alerts: list[str]
    peak_growth_kib: int


@pytest.fixture(scope="module")
def polled(tmp_path_factory: pytest.TempPathFactory) -> Polled:
    """The whole scenario, run once for the module (it takes a minute of real time)."""
    database = tmp_path_factory.mktemp("sources") / "rolecall.db"
    return asyncio.run(_scenario(f"sqlite:///{database}"))


async def _scenario(url: str) -> Polled:
    engine = create_engine(url)
    await upgrade(engine)
    sessions = create_sessionmaker(engine)
    try:
        async with FeedServer() as server:
            urls = _serve(server)
            await _setup(sessions, urls)
            peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            outcomes, history = await _cycles(sessions, server, urls)
            growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before
            hits = {path: server.hits(path) for path in (*urls, "/secret", "/loop-b")}
        end = START + CYCLES * STEP
        listing = render_sources(list((await _by_url(sessions)).values()), end)
        digest = render_digest(await build_digest(sessions, week=WEEK, tz=UTC))
        out = _Out()
        await dispatch_due(sessions, ConsoleSender(out=out), now=end)  # type: ignore[arg-type]
    finally:
        await engine.dispose()
    return Polled(
        outcomes=outcomes, history=history, hits=hits, listing=listing, digest=digest,
        alerts=out.texts, peak_growth_kib=growth,
    )  # fmt: skip


def _serve(server: FeedServer) -> dict[str, str]:
    """Serves the good feed and every broken source; returns their URLs by path."""
    server.set_feed("/good", story_feed(GOOD, guid="good-1", published=START))
    # Broken sources carry items of their own: an item's key is global, so a broken
    # copy of the good item that arrived first would stand for it.
    filler = rss([("filler-1", "Markets open higher", "Shares rose.")], published=START)
    for status in (500, 503, 404, 410):
        server.set_status(f"/status-{status}", status, body=b"no feed here")
    for path, seconds in RETRY_AFTER.items():
        status = int(path.split("-")[1])
        server.set_status(path, status, headers={"Retry-After": str(seconds)})
    server.set_reset("/reset")
    server.set_hang("/hang")
    server.set_drip("/drip", filler, delay=1.0)
    server.set_feed("/too-big", filler + b"<!--" + b"x" * MAX_BYTES + b"-->")
    bomb_headers = {"Content-Encoding": "gzip", "Content-Type": "application/rss+xml"}
    server.set_status("/gzip-bomb", 200, headers=bomb_headers, body=_gzip_bomb(BOMB_BYTES))
    server.set_feed("/truncated", filler[: filler.index(b"<item>") - 20])
    html = (FIXTURES / "html_page.html").read_bytes()
    server.set_feed("/html-page", html, content_type="text/html; charset=utf-8")
    server.set_feed("/entity-bomb", BILLION_LAUGHS)
    server.set_feed("/external-entity", _external_entity(server.url("/secret")))
    server.set_feed("/secret", b"the secret nobody may read")
    cyrillic = (FIXTURES / "windows1251.xml").read_bytes()
    server.set_feed("/wrong-charset", cyrillic, content_type="application/rss+xml; charset=utf-8")
    chinese = (FIXTURES / "gb2312_header_charset.xml").read_bytes()
    server.set_feed("/missing-charset", chinese, content_type="application/xml")
    server.set_redirect("/loop-a", "/loop-b")
    server.set_redirect("/loop-b", "/loop-a")
    server.set_redirect("/to-file", "file:///etc/passwd")
    server.set_redirect("/to-gopher", "gopher://127.0.0.1:70/feed")
    urls = {path: server.url(path) for path in ("/good", *SAFELY_PARSED)}
    urls |= {b.path: server.url(b.path) for b in BROKEN}
    urls["/refused"] = closed_port_url("/refused")
    return urls


async def _setup(sessions: async_sessionmaker[AsyncSession], urls: dict[str, str]) -> None:
    async with sessions.begin() as session:
        records = [Person(id=0, name=m.name) for m in (GOOD, LATE)]
        await people.sync_people(session, records, now=START)
        await sources.sync_sources(session, [(url, INTERVAL) for url in urls.values()], now=START)


async def _by_url(sessions: async_sessionmaker[AsyncSession]) -> dict[str, Source]:
    async with sessions.begin() as session:
        return {source.url: source for source in await sources.list_sources(session)}


async def _cycles(
    sessions: async_sessionmaker[AsyncSession], server: FeedServer, urls: dict[str, str]
) -> tuple[list[dict[SourceOutcome, int]], dict[str, list[Source]]]:
    """Runs every cycle; returns each cycle's outcomes and each source's state after each."""
    history: dict[str, list[Source]] = {path: [] for path in urls}
    outcomes = []
    async with build_client() as client:
        for cycle in range(CYCLES):
            now = START + cycle * STEP
            if cycle == CYCLES // 2:
                both = [("good-1", *GOOD.story()), ("good-2", *LATE.story())]
                server.set_feed("/good", rss(both, published=now))
            watch = await load_watch(sessions, chats=[CHAT])
            report = await run_due_sources(
                client=client, sessions=sessions, watch=watch, now=now,
                max_bytes=MAX_BYTES, deadline=DEADLINE,
            )  # fmt: skip
            outcomes.append(report.outcomes)
            state = await _by_url(sessions)
            for path, url in urls.items():
                history[path].append(state[url])
    return outcomes, history


def _polls(states: list[Source]) -> int:
    return len({state.checked_at for state in states if state.checked_at is not None})


def test_good_source_is_polled_every_cycle_and_its_moves_arrive(polled: Polled) -> None:
    assert polled.hits["/good"] == CYCLES
    assert _polls(polled.history["/good"]) == CYCLES
    assert all(state.error_count == 0 for state in polled.history["/good"])
    assert all(SourceOutcome.failed in outcome for outcome in polled.outcomes[:1])
    assert len(polled.alerts) == 2
    assert GOOD.name in polled.alerts[0]
    assert LATE.name in polled.alerts[1]


@pytest.mark.parametrize("broken", BROKEN, ids=[b.path.strip("/") for b in BROKEN])
def test_broken_source_is_recorded_failing_and_backs_off(polled: Polled, broken: Broken) -> None:
    states = polled.history[broken.path]
    last = states[-1]

    assert last.error_count == _polls(states) >= 2
    assert last.last_error is not None
    assert broken.error in last.last_error
    assert _polls(states) < CYCLES // 2
    if broken.path != "/refused":
        assert polled.hits[broken.path] == _polls(states) * broken.requests_per_poll
    gaps = _gaps(states)
    assert gaps == sorted(gaps)
    assert gaps[-1] > gaps[0]


def test_backoff_doubles_and_honours_retry_after(polled: Polled) -> None:
    assert _gaps(polled.history["/status-500"]) == [timedelta(minutes=m) for m in (1, 2, 4, 8, 16)]
    assert _gaps(polled.history["/status-429-retry"])[:3] == [timedelta(minutes=5)] * 3


def test_redirect_loop_is_given_up_on_each_poll(polled: Polled) -> None:
    assert polled.hits["/loop-b"] == polled.hits["/loop-a"]


@pytest.mark.parametrize("path", SAFELY_PARSED)
def test_odd_but_readable_feeds_stay_healthy(polled: Polled, path: str) -> None:
    states = polled.history[path]

    assert polled.hits["/secret"] == 0
    assert all(state.error_count == 0 for state in states)
    assert _polls(states) == CYCLES


def test_memory_stays_bounded_under_the_gzip_bomb(polled: Polled) -> None:
    assert polled.peak_growth_kib < BOMB_BYTES // 1024 // 4


def test_sources_and_digest_show_every_failing_source(polled: Polled) -> None:
    failing = [line for line in polled.listing.splitlines() if line.startswith("❌")]

    assert f"{len(BROKEN)} failing" in polled.listing
    assert len(failing) == len(BROKEN)
    for broken in BROKEN:
        assert any(f"{broken.path} —" in line for line in failing), broken.path
    section = polled.digest.split("<b>Failing sources</b>")[1].strip().splitlines()
    named = [line for line in section if line.startswith("• ")]
    more = int(section[-1].split()[1]) if section[-1].startswith("…and") else 0
    assert len(named) + more == len(BROKEN)
    assert all(any(b.path + " —" in line for b in BROKEN) for line in named)


def _gaps(states: list[Source]) -> list[timedelta]:
    """How long each failure made the source wait: next check minus that check."""
    seen: dict[datetime, timedelta] = {}
    for state in states:
        if state.checked_at is not None and state.next_check_at is not None:
            seen[state.checked_at] = state.next_check_at - state.checked_at
    return [seen[moment] for moment in sorted(seen)]


class _Out:
    def __init__(self) -> None:
        self.texts: list[str] = []
        self._current = ""

    def write(self, text: str) -> int:
        self._current += text
        if self._current.endswith("\n\n"):
            self.texts.append(self._current.strip())
            self._current = ""
        return len(text)

    def flush(self) -> None:
        pass
