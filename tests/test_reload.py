"""Editing the config of a running bot: good edits take effect, broken ones change nothing."""

from __future__ import annotations

import asyncio
import io
import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

import pytest

from bot.main import run_forever
from bot.settings import load_settings
from tests.fakes.feeds import FeedServer

WAIT = 40.0


def _rss(guid: str, title: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
        f"<item><guid>{guid}</guid><title>{title}</title>"
        f"<link>https://news.example/{guid}</link>"
        f"<pubDate>{format_datetime(datetime.now(UTC))}</pubDate>"
        f"<description>{title}.</description></item></channel></rss>"
    ).encode()


def _write(path: Path, *, urls: list[str], people: list[str]) -> None:
    config = {
        "database": f"sqlite:///{path.parent / 'rolecall.db'}",
        "sources": [{"url": url, "every": "1s"} for url in urls],
        "people": [{"name": name, "roles": [{"org": "Old Mill Works"}]} for name in people],
    }
    path.write_text(json.dumps(config), encoding="utf-8")


async def _until(predicate: Callable[[], bool]) -> None:
    async with asyncio.timeout(WAIT):
        while not predicate():
            await asyncio.sleep(0.2)


async def test_edited_config_is_reloaded_and_a_broken_edit_is_ignored(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    config = tmp_path / "rolecall.yaml"
    out = io.StringIO()
    stop = asyncio.Event()
    async with FeedServer() as feeds:
        feeds.set_feed("/first.xml", _rss("a-1", "Weather stays mild"))
        feeds.set_feed("/second.xml", _rss("b-1", "Ines Marchetti joins Corvid Labs as CEO"))
        _write(config, urls=[feeds.url("/first.xml")], people=["Ansel Pryor"])
        task = asyncio.create_task(run_forever(load_settings(config), out=out, stop=stop))
        try:
            await _until(lambda: feeds.hits("/first.xml") > 0)

            config.write_text("people:\n  - name: [broken\n", encoding="utf-8")
            with caplog.at_level(logging.ERROR, logger="bot.main"):
                await _until(lambda: "config not reloaded" in caplog.text)
            assert "rolecall.yaml:3: invalid YAML" in caplog.text
            hits = feeds.hits("/first.xml")
            await _until(lambda: feeds.hits("/first.xml") > hits)  # the old config still runs

            _write(
                config,
                urls=[feeds.url("/first.xml"), feeds.url("/second.xml")],
                people=["Ansel Pryor", "Ines Marchetti"],
            )
            await _until(lambda: "Corvid Labs" in out.getvalue())
        finally:
            stop.set()
            await asyncio.wait_for(task, timeout=WAIT)

    assert "Ines Marchetti joined Corvid Labs" in out.getvalue()
    assert not task.exception()
