"""Three ``rolecall run`` workers share one PostgreSQL database; one of them is killed.

Each worker is a real process. The feeds and the Telegram Bot API are local fakes in
this test's process, on 127.0.0.1: the feed server notes when each feed was asked for,
the Bot API every message sent. The test checks that the workers together poll every
source once per interval, never twice, before and after one of them dies, and that
every alert is sent exactly once: those found before the kill and those found after it.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import json
import signal
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

import psycopg
import pytest
from aiohttp import web

from tests.fakes.botapi import FakeBotApi

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent
CHAT = 4242
TOKEN = "123456:WORKERS"
INTERVAL_S = 3
SOURCES = 9
WORKERS = 3
# Sources are leased for 15 s (the shortest lease); a dead worker's come back after that.
LEASE_S = 15
WAIT_S = 60

# Invented people and organisations; moves in the words the extractor knows.
PEOPLE = [
    ("Perrin Ashcombe", "Quillmarsh Freight"),
    ("Tamsin Wexley", "Harrowdale Foods"),
    ("Corvin Haldane", "Lumenreach Systems"),
    ("Isaura Penhallow", "Saltmere Energy"),
    ("Bertil Ostrand-Lune", "Gravenstone Capital"),
    ("Maelis Thorncroft", "Vellichor Health"),
]
NEW_ORGS = ["Brindlewick Analytics", "Cobaltine Robotics", "Ferrowyn Materials",
            "Ostrava Lane Logistics", "Kestrelholm Software", "Amberfold Networks"]  # fmt: skip


@dataclass
class Feeds:
    """The feed server's documents, and the time of every request for each path."""

    bodies: dict[str, bytes] = field(default_factory=dict)
    polls: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))

    async def handle(self, request: web.Request) -> web.Response:
        path = request.path
        body = self.bodies.get(path)
        if body is None:
            return web.Response(status=404)
        self.polls[path].append(time.monotonic())
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(body=body, headers={"ETag": etag},
                            content_type="application/rss+xml", charset="utf-8")  # fmt: skip


@dataclass
class Cluster:
    feeds: Feeds
    telegram: FakeBotApi
    base_url: str
    config: Path
    database_url: str
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def start(self, logs: Path) -> None:
        command = [sys.executable, "-m", "bot", "run", "--config", str(self.config)]
        for number in range(WORKERS):
            with (logs / f"worker-{number}.log").open("wb") as log:
                self.workers.append(subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=log))

    def alerts(self) -> list[str]:
        return [message.text for message in self.telegram.sent(CHAT) if message.buttons]

    def outbox(self) -> dict[str, int]:
        dsn, _, options = self.database_url.replace("+psycopg", "").partition("?options=")
        search_path = options.replace("-csearch_path%3D", "")
        with psycopg.connect(dsn, options=f"-csearch_path={search_path}") as conn:
            rows = conn.execute("SELECT status, count(*) FROM outbox GROUP BY status").fetchall()
        return dict(rows)


@pytest.fixture
async def cluster(postgres_url: str, tmp_path: Path) -> AsyncIterator[Cluster]:
    feeds = Feeds()
    app = web.Application()
    app.router.add_get("/{tail:.*}", feeds.handle)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    base_url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    async with FakeBotApi() as telegram:
        config = _config(tmp_path, base_url=base_url, api_url=telegram.base_url,
                         database=postgres_url)  # fmt: skip
        world = Cluster(feeds, telegram, base_url, config, postgres_url)
        try:
            yield world
        finally:
            _stop(world.workers)
            for log in sorted(tmp_path.glob("worker-*.log")):
                sys.stderr.write(f"--- {log.name} (tail)\n{log.read_text()[-3000:]}\n")
            await runner.cleanup()


async def test_three_workers_share_the_sources_and_send_each_alert_once(
    cluster: Cluster, tmp_path: Path
) -> None:
    for index in range(SOURCES):
        cluster.feeds.bodies[_path(index)] = _rss(index, moves=[index % len(PEOPLE)])
    cluster.start(tmp_path)

    await _until(lambda: len(cluster.alerts()) >= len(PEOPLE), what="the first alerts")
    await _until(lambda: _polled_at_least(cluster.feeds, 3), what="three rounds of polls")
    victim = cluster.workers[0]
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=10)
    killed_at = time.monotonic()
    first_alerts = len(cluster.alerts())
    updates_before = len(cluster.telegram.calls("getUpdates"))

    # News after the kill: every feed gains a second move, of a second person.
    for index in range(SOURCES):
        moves = [index % len(PEOPLE), (index + 1) % len(PEOPLE)]
        cluster.feeds.bodies[_path(index)] = _rss(index, moves=moves, second_wave=True)
    await _until(lambda: len(cluster.alerts()) >= first_alerts + len(PEOPLE), what="new alerts")
    taken_over = killed_at + LEASE_S + 2 * INTERVAL_S
    await _until(lambda: _every_feed_polled_after(cluster.feeds, taken_over), what="takeover")
    await _until(lambda: cluster.outbox().get("pending", 0) == 0, what="an empty outbox")
    _stop(cluster.workers[1:])

    alerts = cluster.alerts()
    assert len(alerts) == len(set(alerts)), "an alert was sent twice"
    assert len(alerts) == cluster.outbox().get("sent", 0) == 2 * len(PEOPLE)
    for path, times in cluster.feeds.polls.items():
        gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
        assert min(gaps) > INTERVAL_S / 3, f"{path} was polled twice in one interval: {gaps}"
    assert len(cluster.telegram.calls("getUpdates")) > updates_before, "nobody polls Telegram"


async def _until(predicate: Callable[[], object], *, what: str) -> None:
    deadline = time.monotonic() + WAIT_S
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.25)


def _polled_at_least(feeds: Feeds, times: int) -> bool:
    return all(len(feeds.polls[_path(i)]) >= times for i in range(SOURCES))


def _every_feed_polled_after(feeds: Feeds, moment: float) -> bool:
    return all(feeds.polls[_path(i)] and feeds.polls[_path(i)][-1] > moment for i in range(SOURCES))


def _stop(workers: list[subprocess.Popen[bytes]]) -> None:
    for worker in workers:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
    for worker in workers:
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def _path(index: int) -> str:
    return f"/feeds/{index}.xml"


def _config(tmp_path: Path, *, base_url: str, api_url: str, database: str) -> Path:
    config = {
        "database": database,
        "timezone": "UTC",
        "schedule": {"poll": f"{INTERVAL_S}s", "digest": "mon 09:00"},
        "telegram": {"token": TOKEN, "chats": [CHAT], "api_url": api_url},
        "sources": [{"url": base_url + _path(i)} for i in range(SOURCES)],
        "people": [
            {"name": name, "roles": [{"org": org, "title": "Chief Financial Officer"}]}
            for name, org in PEOPLE
        ],
    }
    path = tmp_path / "rolecall.yaml"
    path.write_text(json.dumps(config), encoding="utf-8")
    return path


def _rss(index: int, *, moves: list[int], second_wave: bool = False) -> bytes:
    published = format_datetime(datetime.now(UTC))
    items = "".join(_item(index, person, published, second_wave) for person in moves)
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Feed {index}</title><link>https://feed{index}.invalid/</link>"
        f"<description>Feed {index}</description>{items}</channel></rss>"
    ).encode()


def _item(index: int, person: int, published: str, second_wave: bool) -> str:
    name, org = PEOPLE[person]
    if second_wave and person != index % len(PEOPLE):
        text = f"{name} has joined {NEW_ORGS[person]} as Chief Executive Officer, the company said."
        key = f"joined-{person}-{index}"
    else:
        text = f"{name} has resigned as Chief Financial Officer of {org}, effective at once."
        key = f"left-{person}-{index}"
    return (
        f"<item><title>{escape(text[:70])}</title><link>https://feed{index}.invalid/{key}</link>"
        f"<guid>{key}</guid><pubDate>{published}</pubDate>"
        f"<description>{escape(text)}</description></item>"
    )
