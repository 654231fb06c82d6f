"""Turn the bytes of an RSS or Atom feed into plain-text items; the only module that knows feedparser.

feedparser reads from a byte stream only, so it never fetches anything: its strict parser
has external entities switched off, and it drops every entity declaration whose value is
not plain text before parsing, which defuses entity-expansion bombs.
"""

from __future__ import annotations

import hashlib
import html
import io
import logging
import re
import unicodedata
from collections.abc import Mapping
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser

from watchers.errors import FeedParseError
from watchers.models import FeedItem

logger = logging.getLogger(__name__)

MAX_TITLE_CHARS = 1_000
MAX_SUMMARY_CHARS = 100_000
_MAX_MARKUP_CHARS = 10 * MAX_SUMMARY_CHARS
_SPACES = re.compile(r"\s+")
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs"})  # control, format (soft hyphen...), surrogate
_LINK_SCHEMES = frozenset({"http", "https"})
_MALFORMED = (AttributeError, KeyError, TypeError, ValueError)


def parse_feed(
    body: bytes, *, url: str, headers: Mapping[str, str], source_id: int
) -> list[FeedItem]:
    """The items of one feed body, in feed order; raises ``FeedParseError`` if it is no feed.

    ``headers`` are the response headers (their Content-Type carries the charset). An
    entry that cannot be read is skipped; a feed that is broken but still yields entries
    is kept.
    """
    parsed = _feedparser_result(body, headers)
    entries = parsed.get("entries") or []
    items = [item for entry in entries if (item := _item_or_none(entry, url, source_id))]
    if parsed.get("bozo") and not items:
        raise FeedParseError(url, str(parsed.get("bozo_exception") or "not well-formed"))
    if not parsed.get("version") and not items:
        raise FeedParseError(url, "not an RSS or Atom feed")
    if parsed.get("bozo"):
        logger.debug("Feed %r is not well-formed, keeping its %d items", url, len(items))
    return items


def _feedparser_result(body: bytes, headers: Mapping[str, str]) -> Any:
    """feedparser's dict; without a base URI it leaves guids alone, so item keys stay stable.

    Its HTML sanitiser and link rewriting are off: ``_html_to_text`` keeps only the text
    (script and style dropped), so their work on every item was thrown away.
    """
    lowered = {name.lower(): value for name, value in headers.items()}
    lowered.pop("content-location", None)
    return feedparser.parse(
        io.BytesIO(body), response_headers=lowered, sanitize_html=False, resolve_relative_uris=False
    )


def _item_or_none(entry: Any, url: str, source_id: int) -> FeedItem | None:
    try:
        return _item(entry, url, source_id)
    except _MALFORMED as exc:
        logger.debug("Skipping a malformed entry of feed %r: %r", url, exc)
        return None


def _item(entry: Any, url: str, source_id: int) -> FeedItem | None:
    title = _text(entry.get("title_detail"), entry.get("title"))[:MAX_TITLE_CHARS]
    summary = _longest_body(entry)[:MAX_SUMMARY_CHARS]
    link = _absolute_link(entry.get("link"), url)
    key = _item_key(entry.get("id"), link, title, summary)
    if key is None:
        return None
    return FeedItem(
        key=key,
        url=link,
        title=title,
        summary=summary,
        published_at=_published_at(entry),
        source_id=source_id,
    )


def _item_key(guid: object, link: str, title: str, summary: str) -> str | None:
    """sha256 of the guid, else the link, else the text; the kind prefix keeps them apart."""
    if isinstance(guid, str) and guid.strip():
        material = "guid:" + guid.strip()
    elif link:
        material = "link:" + link
    elif title or summary:
        material = "text:" + title + "\n" + summary
    else:
        return None
    return hashlib.sha256(material.encode("utf-8", "surrogatepass")).hexdigest()


def _longest_body(entry: Any) -> str:
    candidates = [_text(part, part.get("value")) for part in entry.get("content") or []]
    candidates.append(_text(entry.get("summary_detail"), entry.get("summary")))
    return max(candidates, key=len)


def _text(detail: Any, value: object) -> str:
    """Plain text of a feed text construct: HTML stripped when its type says it is HTML."""
    if not isinstance(value, str):
        return ""
    value = value[:_MAX_MARKUP_CHARS]
    kind = detail.get("type", "") if detail else ""
    if "html" in kind:
        value = _html_to_text(value)
    return _clean(value)


def _dropped_pattern() -> re.Pattern[str]:
    """One character class of the dropped characters that are not whitespace, as ranges.

    Surrogates (Cs) and controls (Cc) lie below U+10000; Unicode puts format characters
    (Cf) only in planes 0, 1 and 14, so only those are looked at (about 20 ms, once).
    """
    planes = (range(0x20000), range(0xE0000, 0xF0000))
    codes = [
        code
        for plane in planes
        for code in plane
        if unicodedata.category(chr(code)) in _DROPPED_CATEGORIES and not chr(code).isspace()
    ]
    ranges: list[tuple[int, int]] = []
    for code in codes:
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1] = (ranges[-1][0], code)
        else:
            ranges.append((code, code))
    return re.compile("[" + "".join(f"{chr(a)}-{chr(b)}" for a, b in ranges) + "]")


_DROPPED = _dropped_pattern()


def _clean(text: str) -> str:
    """Drop control, format and surrogate characters, then collapse whitespace."""
    collapsed = _SPACES.sub(" ", text).strip()
    if collapsed.isprintable():  # none to drop: most text, and one pass instead of two
        return collapsed
    return _SPACES.sub(" ", _DROPPED.sub("", text)).strip()


def _absolute_link(link: object, feed_url: str) -> str:
    if not isinstance(link, str) or not link.strip():
        return ""
    try:
        absolute = urljoin(feed_url, link.strip())
        scheme = urlsplit(absolute).scheme
    except ValueError:
        return ""
    return absolute if scheme in _LINK_SCHEMES else ""


def _published_at(entry: Any) -> datetime | None:
    # dict.get skips feedparser's key aliases: a missing ``updated_parsed`` would warn.
    keys = ("published_parsed", "updated_parsed")
    moment = next((found for key in keys if (found := dict.get(entry, key))), None)
    if moment is None:
        return None
    try:
        year, month, day, hour, minute, second = moment[:6]
        return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except (TypeError, ValueError):
        return None


_BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt",
        "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header",
        "hr", "li", "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul",
    }
)  # fmt: skip
_DROPPED_TAGS = frozenset({"script", "style", "template", "noscript"})


class _TextCollector(HTMLParser):
    """Collects the text of an HTML fragment; script and style content is dropped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._dropping = 0

    def handle_starttag(self, tag: str, _attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROPPED_TAGS:
            self._dropping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROPPED_TAGS:
            self._dropping = max(0, self._dropping - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._dropping:
            self.parts.append(data)


def _html_to_text(markup: str) -> str:
    collector = _TextCollector()
    collector.feed(markup)
    collector.close()
    return html.unescape("".join(collector.parts))
