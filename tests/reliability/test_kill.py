"""kill -9 at random points of ``rolecall run --once`` and ``rolecall run``, restarted each time.

The feeds (``FeedServer``) and Telegram (``SlowBotApi``, where every ``sendMessage`` takes
a while to arrive) run in this process; ``rolecall`` runs as a child process and is
killed with SIGKILL while it polls or while it sends, chosen by a seeded random
generator. After the last kill, one complete ``rolecall run --once`` must leave every
expected alert in the fake Telegram: none lost.

Telegram's Bot API has no idempotency key, so one moment cannot be made safe: Telegram has
accepted a message and the process dies before it records that. After each kill the test
looks for that case (a message the fake Telegram holds whose outbox row is still pending)
and counts it; the message is sent again after the restart. Every other alert must arrive
exactly once.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import signal
import sqlite3
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.main import run_once
from bot.settings import load_settings
from tests.fakes.feeds import FeedServer
from tests.reliability.world import (
    CHAT,
    OTHER_CHAT,
    TOKEN,
    Mover,
    SlowBotApi,
    movers,
    rolecall_argv,
    rolecall_env,
    story_feed,
    telegram_config,
    until,
    write_config,
)

pytestmark = pytest.mark.slow

SEED = 20250303
PEOPLE = 24
ONCE_KILLS = 10
RUN_KILLS = 4
SEND_DELAY = 0.05
WAIT = 120.0


@dataclass
class Tally:
    """What the kills did, for the README's figures."""

    kills: int = 0
    while_polling: int = 0
    while_sending: int = 0
    exited_first: int = 0
    # (chat, person, copies Telegram holds) of each message Telegram accepted while its
    # outbox row stayed pending: each is sent once more after the restart.
    accepted_unrecorded: set[tuple[int, str, int]] = field(default_factory=set)
    log: list[str] = field(default_factory=list)


@dataclass
class Rig:
    feeds: FeedServer
    api: SlowBotApi
    config: Path
    database: Path
    people: list[Mover]


@pytest.fixture
async def rig(tmp_path: Path) -> AsyncIterator[Rig]:
    people = movers(PEOPLE)
    published = datetime.now(UTC) - timedelta(hours=1)
    async with FeedServer() as feeds, SlowBotApi() as api:
        for index, mover in enumerate(people):
            feeds.set_feed(
                f"/feed-{index}", story_feed(mover, guid=f"k-{index}", published=published)
            )
        database = tmp_path / "rolecall.db"
        config = _config(tmp_path / "rolecall.yaml", feeds, api, people, database)
        yield Rig(feeds=feeds, api=api, config=config, database=database, people=people)


def _config(path: Path, feeds: FeedServer, api: SlowBotApi, people: list[Mover], db: Path) -> Path:
    return write_config(
        path,
        database=f"sqlite:///{db}",
        telegram=telegram_config(api, CHAT, OTHER_CHAT),
        schedule={"poll": "5s"},
        sources=[{"url": feeds.url(f"/feed-{i}")} for i in range(len(people))],
        people=[m.config() for m in people],
    )


async def _expected(
    rig: Rig, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Counter[tuple[int, str]]:
    """The alerts one undisturbed run delivers, as (chat, person) pairs."""
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    async with SlowBotApi() as api:
        config = _config(
            tmp_path / "reference.yaml", rig.feeds, api, rig.people, tmp_path / "ref.db"
        )
        await run_once(load_settings(config))
        return _received(api, rig.people)


def _received(api: SlowBotApi, people: list[Mover]) -> Counter[tuple[int, str]]:
    alerts = [m for m in api.sent() if m.buttons]
    return Counter((m.chat_id, p.name) for m in alerts for p in people if p.name in m.text)


def _feed_hits(rig: Rig) -> int:
    return sum(rig.feeds.hits(f"/feed-{i}") for i in range(len(rig.people)))


async def _kill_round(rig: Rig, rng: random.Random, *, once: bool, tally: Tally, log: Path) -> None:
    """Starts ``rolecall``, waits for a random point while it polls or sends, kills it."""
    phase = rng.choice(["polling", "sending"])
    polls, sends = _feed_hits(rig), len(rig.api.calls("sendMessage"))
    args = ["run", "--once"] if once else ["run"]
    with log.open("ab") as err:
        process = await asyncio.create_subprocess_exec(
            *rolecall_argv(*args, "--config", str(rig.config)),
            env=rolecall_env(), stdout=asyncio.subprocess.DEVNULL, stderr=err,
        )  # fmt: skip
    if phase == "polling":
        target = rng.randint(1, len(rig.people))
        fired = lambda: _feed_hits(rig) >= polls + target
    else:
        target = rng.randint(1, 8)
        fired = lambda: len(rig.api.calls("sendMessage")) >= sends + target
    # Past 30 s there is nothing more to poll or send in this phase: killed while idle.
    with contextlib.suppress(AssertionError):
        await until(lambda: fired() or process.returncode is not None, timeout=30)
    await asyncio.sleep(rng.uniform(0, 2 * SEND_DELAY))
    if process.returncode is not None:
        tally.exited_first += 1
        tally.log.append(f"{' '.join(args)}: finished before the {phase} kill point")
        return
    process.send_signal(signal.SIGKILL)
    await process.wait()
    await until(lambda: rig.api.sending == 0, timeout=WAIT)
    tally.kills += 1
    tally.while_polling += phase == "polling"
    tally.while_sending += phase == "sending"
    unrecorded = _accepted_unrecorded(rig) - tally.accepted_unrecorded
    assert len(unrecorded) <= 1, "messages are sent one at a time: one at most in flight"
    tally.accepted_unrecorded |= unrecorded
    tally.log.append(
        f"{' '.join(args)}: killed while {phase} ({len(unrecorded)} accepted, unrecorded)"
    )


def _accepted_unrecorded(rig: Rig) -> set[tuple[int, str, int]]:
    """Messages the fake Telegram accepted whose outbox row is still pending."""
    if not rig.database.exists():
        return set()
    with contextlib.closing(sqlite3.connect(rig.database)) as db:
        rows = db.execute(
            "SELECT outbox.chat_id, people.name FROM outbox"
            " JOIN changes ON changes.id = outbox.change_id"
            " JOIN people ON people.id = changes.person_id"
            " WHERE outbox.status = 'pending'"
        ).fetchall()
    received = _received(rig.api, rig.people)
    return {(chat, name, received[(chat, name)]) for chat, name in rows if received[(chat, name)]}


async def test_kill_9_anywhere_loses_nothing(
    rig: Rig, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = await _expected(rig, tmp_path, monkeypatch)
    assert len(expected) == 2 * PEOPLE, "every move is expected once per chat"
    rig.api.send_delay = SEND_DELAY
    rng, tally, log = random.Random(SEED), Tally(), tmp_path / "rolecall.log"
    rounds = [True] * ONCE_KILLS + [False] * RUN_KILLS
    rng.shuffle(rounds)

    for once in rounds:
        await _kill_round(rig, rng, once=once, tally=tally, log=log)
    final = await asyncio.create_subprocess_exec(
        *rolecall_argv("run", "--once", "--config", str(rig.config)),
        env=rolecall_env(), stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, err = await asyncio.wait_for(final.communicate(), timeout=WAIT)

    assert final.returncode == 0, err.decode()
    received = _received(rig.api, rig.people)
    duplicated = sum(count - 1 for count in received.values())
    print(
        f"\nkill -9: {tally.kills} kills ({tally.while_polling} while polling, "
        f"{tally.while_sending} while sending), {tally.exited_first} runs finished first; "
        f"alerts expected {sum(expected.values())}, received {len(received)}, "
        f"duplicated {duplicated} (accepted by Telegram, unrecorded at the kill: "
        f"{len(tally.accepted_unrecorded)})"
    )
    print("\n".join(tally.log))
    assert set(received) == set(expected)
    assert duplicated == len(tally.accepted_unrecorded)
    assert tally.kills >= (ONCE_KILLS + RUN_KILLS) // 2
