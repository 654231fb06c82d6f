"""Feed text is data: markup, control characters and huge names never break a message.

Items whose titles and summaries carry HTML, Telegram markup, control characters and a
100,000-character name go through the whole product (``run_once``: fetch, parse, match,
extract, diff, outbox, ``TelegramSender``) to the fake Telegram. Each alert arrives once,
fits Telegram's 4,096 characters, and is well-formed Telegram HTML: only the tags
Telegram knows, balanced, every ``&`` an entity, no control characters.
"""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from bot.main import run_once
from bot.settings import load_settings
from tests.fakes.botapi import FakeBotApi
from tests.fakes.feeds import FeedServer
from tests.reliability.world import CHAT, TOKEN, movers, telegram_config, write_config

TELEGRAM_LIMIT = 4096
TELEGRAM_TAGS = frozenset(
    {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
     "tg-spoiler", "blockquote", "span", "tg-emoji"}
)  # fmt: skip
HUGE = "Q" * 100_000
MARKUP = (
    '<b>bold</b> <a href="javascript:alert(1)">x</a> <tg-spoiler>s</tg-spoiler> '
    "*stars* _under_ [link](https://evil.example) `tick` <i>unclosed &amp; &bogus; < > &"
)
CONTROL = "\x00\x01\x07\x1b[31m\u202e\u200b\ufeff\x7f"
FIRST, SECOND, THIRD = movers(3)


def _items() -> list[tuple[str, str, str]]:
    """(guid, title, description-as-HTML) of three hostile stories, one per person."""
    return [
        (
            "markup",
            f"{FIRST.name} joins {FIRST.destination} {MARKUP}",
            (
                f"<p>{FIRST.name} has joined {FIRST.destination} as chief technology officer."
                f"</p><script>alert('{FIRST.name}')</script> {escape(MARKUP)}"
            ),
        ),
        (
            "control",
            f"{SECOND.name}{CONTROL} joins {SECOND.destination}{CONTROL}",
            (
                f"{SECOND.name} has joined {SECOND.destination}{CONTROL} as chief technology "
                f"officer. {CONTROL * 50}"
            ),
        ),
        (
            "huge",
            f"{THIRD.name} joins {HUGE} Holdings",
            f"{THIRD.name} has joined {HUGE} Holdings as chief technology officer. {HUGE}",
        ),
    ]


def _feed(items: list[tuple[str, str, str]], published: datetime) -> bytes:
    entries = "".join(
        f"<item><guid>{guid}</guid><title>{escape(title)}</title>"
        f"<link>https://wire.example/{guid}?a=1&amp;b=&lt;2&gt;</link>"
        f"<pubDate>{published:%a, %d %b %Y %H:%M:%S} +0000</pubDate>"
        f"<description>{escape(text)}</description></item>"
        for guid, title, text in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>W</title>'
        f"{entries}</channel></rss>"
    ).encode()


class _TelegramHtml(HTMLParser):
    """Checks a text the way Telegram's HTML parse mode reads it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.open: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in TELEGRAM_TAGS:
            self.problems.append(f"tag <{tag}>")
        for name, value in attrs:
            if tag == "a" and name == "href" and not (value or "").startswith("https://"):
                self.problems.append(f"link {value!r}")
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open.pop() != tag:
            self.problems.append(f"unbalanced </{tag}>")

    def handle_entityref(self, name: str) -> None:
        if name not in {"lt", "gt", "amp", "quot"}:
            self.problems.append(f"entity &{name};")

    def handle_data(self, data: str) -> None:
        for char in data:
            if char != "\n" and unicodedata.category(char) in {"Cc", "Cf", "Cs"}:
                self.problems.append(f"control character {char!r}")
        if "<" in data or ">" in data or "&" in data:
            self.problems.append(f"raw markup in {data[:40]!r}")


def _problems(text: str) -> list[str]:
    checker = _TelegramHtml()
    checker.feed(text)
    checker.close()
    return checker.problems + [f"unclosed <{tag}>" for tag in checker.open]


@pytest.mark.parametrize("text", ["a <script>", "<b>x", "<b>x</i>", "&nbsp;", "\x07", "a & b"])
def test_the_checker_catches_what_telegram_refuses(text: str) -> None:
    assert _problems(text) != []


def test_the_checker_passes_telegram_html() -> None:
    assert _problems('<b>x</b> &amp; <a href="https://a.example/?q=1">y</a>\n<i>z</i>') == []


async def test_hostile_items_arrive_escaped_cut_and_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    published = datetime.now(UTC) - timedelta(hours=1)
    async with FeedServer() as feeds, FakeBotApi() as api:
        feeds.set_feed("/hostile", _feed(_items(), published))
        config = write_config(
            tmp_path / "rolecall.yaml",
            database=f"sqlite:///{tmp_path / 'rolecall.db'}",
            telegram=telegram_config(api, CHAT),
            sources=[{"url": feeds.url("/hostile")}],
            people=[m.config() for m in (FIRST, SECOND, THIRD)],
        )
        summary = await run_once(load_settings(config))
        again = await run_once(load_settings(config))
        sent = api.sent(CHAT)

    assert summary.failed == 0
    assert again.sent == 0
    for mover in (FIRST, SECOND, THIRD):
        (alert,) = [m for m in sent if m.text.startswith(f"<b>{mover.name}</b>")]
        assert alert.parse_mode == "HTML"
        assert len(alert.text) <= TELEGRAM_LIMIT
        assert _problems(alert.text) == [], alert.text[:500]
        assert alert.buttons
    assert len(sent) == 3
