"""The bot token never reaches the logs, even at DEBUG level and through failures.

python-telegram-bot and httpx log request URLs, and Bot API URLs carry the token. Here
``rolecall run`` runs as a child process with every logger at DEBUG, against a fake
Telegram that drops connections and fails calls, until an alert is delivered; then its
whole stderr is searched for the token.
"""

from __future__ import annotations

import asyncio
import signal
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.fakes.botapi import FakeBotApi
from tests.fakes.feeds import FeedServer
from tests.reliability.world import (
    CHAT,
    TOKEN,
    movers,
    rolecall_env,
    story_feed,
    telegram_config,
    until,
    write_config,
)

SECRET = TOKEN.split(":", 1)[1]
# The ``rolecall`` command with every logger at DEBUG, behind the command's own handler.
DEBUG_ROLECALL = """
import logging, sys
import bot.cli

configure = bot.cli._configure_logging

def verbose(*, verbose):
    configure(verbose=True)
    for name in ("", "httpx", "httpcore", "telegram", "apscheduler", "aiohttp", "sqlalchemy"):
        logging.getLogger(name).setLevel(logging.DEBUG)

bot.cli._configure_logging = verbose
sys.exit(bot.cli.main(sys.argv[1:]))
"""


async def _rolecall_debug(*args: str, log: Path) -> asyncio.subprocess.Process:
    """``rolecall`` with every logger at DEBUG; its stderr goes to ``log`` (a pipe nobody
    reads while it runs would fill up and stop it)."""
    with log.open("ab") as err:
        return await asyncio.create_subprocess_exec(
            sys.executable, "-c", DEBUG_ROLECALL, *args, env=rolecall_env(),
            stdout=asyncio.subprocess.DEVNULL, stderr=err,
        )  # fmt: skip


async def test_token_never_appears_in_logs_at_debug_level(tmp_path: Path) -> None:
    (mover,) = movers(1)
    published = datetime.now(UTC) - timedelta(hours=1)
    async with FeedServer() as feeds, FakeBotApi() as api:
        feeds.set_feed("/feed", story_feed(mover, guid="only", published=published))
        config = write_config(
            tmp_path / "rolecall.yaml",
            database=f"sqlite:///{tmp_path / 'rolecall.db'}",
            telegram=telegram_config(api, CHAT),
            sources=[{"url": feeds.url("/feed")}],
            people=[mover.config()],
        )
        api.drop_next("getUpdates", times=2)
        api.fail_next("getUpdates", status=502, description="Bad Gateway")
        api.fail_next("setMyCommands", status=500, description="Internal Server Error")
        api.fail_next("sendMessage", status=500, description="Internal Server Error")
        api.drop_next("sendMessage")
        api.fail_next("sendMessage", status=401, description="Unauthorized")

        log = tmp_path / "rolecall.log"
        process = await _rolecall_debug("run", "--config", str(config), log=log)

        def delivered() -> bool:
            return bool(api.sent(CHAT)) and len(api.calls("getUpdates")) >= 5

        try:
            await until(lambda: process.returncode is not None or delivered(), timeout=120)
        finally:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
            await asyncio.wait_for(process.wait(), timeout=60)
        assert process.returncode == 0, log.read_text()[-3000:]
        once = await _rolecall_debug("run", "--once", "--config", str(config), log=log)
        await asyncio.wait_for(once.wait(), timeout=120)

    logs = log.read_text()
    assert "DEBUG" in logs
    assert "/bot<token>/" in logs
    assert "sendMessage" in logs
    assert SECRET not in logs
