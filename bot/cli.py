"""The ``rolecall`` command line: run, check, extract, digest, db upgrade, demo."""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import re
import sys
import tempfile
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import TextIO

from bot import jobs
from bot.digest import WeekFormatError, build_digest, enqueue_weekly_digest, iso_week
from bot.main import (
    ONCE_PATIENCE,
    AlreadyRunningError,
    load_or_exit,
    open_runtime,
    open_sender,
    run_forever,
    run_once,
)
from bot.render import render_digest_plain
from bot.settings import Settings, check_summary
from store.db import create_engine, upgrade

_TOKEN_IN_URL = re.compile(r"/bot\d+:[A-Za-z0-9_-]+")
EXIT_CONFIG = 2
EXIT_BUSY = 3
GC_THRESHOLDS = (50_000, 20, 20)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    # A cycle allocates millions of short-lived containers (items, rows, results); collected
    # every 700 (Python's default), the full collections kept scanning the whole heap, the
    # watch list with it: 1.9 s of a first cycle over 2,000 feeds, 0.3 s now.
    gc.set_threshold(*GC_THRESHOLDS)
    _configure_logging(verbose=args.command == "run" and not getattr(args, "once", False))
    try:
        return int(args.handler(args))
    except AlreadyRunningError as exc:
        print(f"rolecall: {exc}", file=sys.stderr)
        return EXIT_BUSY
    except WeekFormatError as exc:
        print(f"rolecall: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    finally:
        # The command is done and every resource closed: at exit the interpreter would
        # still search the whole heap for cycles to free, a third of a second of a quiet
        # `run --once`, for memory the process is about to hand back anyway.
        gc.freeze()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rolecall", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run = _command(commands, "run", "poll, alert, answer commands, send the digest", _run)
    run.add_argument("--once", action="store_true", help="one cycle over every source, then exit")
    run.add_argument("--json", action="store_true", help="with no token: one JSON alert a line")
    _command(commands, "check", "validate and summarise the config", _check)
    extract = commands.add_parser("extract", help="JSON Lines in, events and alerts out")
    extract.set_defaults(handler=_extract)
    digest = _command(commands, "digest", "print or send a weekly digest", _digest)
    digest.add_argument("--week", help="ISO week such as 2025-W33 (default: this week)")
    digest.add_argument("--send", action="store_true", help="send it to the chats")
    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    _command(db_commands, "upgrade", "apply the database migrations", _db_upgrade)
    demo = commands.add_parser("demo", help="run on the bundled example feeds, offline")
    demo.set_defaults(handler=_demo)
    return parser


def _command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], name: str, help_text: str,
    handler: object,
) -> argparse.ArgumentParser:  # fmt: skip
    command = commands.add_parser(name, help=help_text)
    command.add_argument("--config", required=True, type=Path, help="the YAML config file")
    command.set_defaults(handler=handler)
    return command


def _run(args: argparse.Namespace) -> int:
    settings = load_or_exit(args.config)
    if not args.once:
        asyncio.run(run_forever(settings))
        return 0
    summary = asyncio.run(run_once(settings, json_output=args.json))
    print(
        f"rolecall: {summary.sources} sources polled in {summary.poll_s:.2f} s, "
        f"{summary.failed} failed, {summary.items} new items, "
        f"{summary.sent} messages delivered",
        file=sys.stderr,
    )
    return 0


def _check(args: argparse.Namespace) -> int:
    print(check_summary(load_or_exit(args.config)))
    return 0


def _extract(_args: argparse.Namespace) -> int:
    # Imported here, like the rest of the analysis: `run` leaves it to its worker processes.
    from bot.contract import run_extract

    return run_extract(sys.stdin, sys.stdout)


def _digest(args: argparse.Namespace) -> int:
    settings = load_or_exit(args.config)
    asyncio.run(_print_or_send_digest(settings, week=args.week, send=args.send, out=sys.stdout))
    return 0


async def _print_or_send_digest(
    settings: Settings, *, week: str | None, send: bool, out: TextIO
) -> None:
    tz = settings.timezone
    week = week or iso_week(jobs.utc_now(), tz)
    async with open_runtime(settings) as runtime:
        if not send:
            out.write(render_digest_plain(await build_digest(runtime.sessions, week=week, tz=tz)))
            out.write("\n")
            return
        await enqueue_weekly_digest(
            runtime.sessions, chats=runtime.chats, week=week, tz=tz, now=jobs.utc_now()
        )
        async with open_sender(settings, out=out) as sender:
            await jobs.drain_outbox(runtime, sender, patience=ONCE_PATIENCE)


def _db_upgrade(args: argparse.Namespace) -> int:
    settings = load_or_exit(args.config)

    async def upgrade_database() -> None:
        engine = create_engine(settings.database)
        try:
            await upgrade(engine)
        finally:
            await engine.dispose()

    asyncio.run(upgrade_database())
    print(f"rolecall: database at {settings.database.split('@')[-1]} is up to date")
    return 0


def _demo(_args: argparse.Namespace) -> int:
    """Runs the bundled example config once and prints the alerts, then the digest."""
    demo = resources.files("bot.demo")
    with tempfile.TemporaryDirectory(prefix="rolecall-demo-") as tmp:
        config = Path(tmp) / "demo.yaml"
        text = demo.joinpath("demo.yaml").read_text(encoding="utf-8")
        config.write_text(text.replace("{demo}", str(demo)).replace("{tmp}", tmp), "utf-8")
        settings = load_or_exit(config)
        print("== Alerts from the bundled feeds (English, 简体中文, 繁體中文) ==\n")
        summary = asyncio.run(run_once(settings))
        print(f"\n== {summary.sent} alerts from {summary.sources} sources ==\n")
        print("== Weekly digest ==\n")
        asyncio.run(_print_or_send_digest(settings, week=None, send=False, out=sys.stdout))
    return 0


class _RedactToken(logging.Filter):
    """Bot API URLs carry the token; no log line may show it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "/bot" in message:
            record.msg = _redact(message)
            record.args = None
        return True


def _redact(text: str) -> str:
    return _TOKEN_IN_URL.sub("/bot<token>", text)


def _configure_logging(*, verbose: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(_RedactToken())
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, handlers=[handler])
    for noisy in ("httpx", "httpcore", "apscheduler.executors.default"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
