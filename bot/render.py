"""Render: vocabulary values to message text (Telegram HTML or plain); pure, no I/O.

Every string that came from a feed is cleaned of control characters, cut to a budget and
HTML-escaped, so one message always stays under Telegram's 4,096 characters. Each
``render_*`` has an HTML form; the plain forms are what the dispatcher resends when
Telegram cannot parse the HTML, and what the console prints.
"""

from __future__ import annotations

import html
import re
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo

from watchers.models import (
    ChangeStatus,
    KnownRole,
    MoveKind,
    Person,
    Source,
    StoredChange,
    WeekDigest,
)

MESSAGE_LIMIT = 4096
MAX_LINKS = 5

# Per-field budgets, counted after escaping; together they stay far below MESSAGE_LIMIT.
NAME_BUDGET = 120
ORG_BUDGET = 160
TITLE_BUDGET = 100
EVIDENCE_BUDGET = 700
HREF_BUDGET = 300
HOST_BUDGET = 60
ERROR_BUDGET = 200
LIST_BUDGET = 3400

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]")
_SPACES = re.compile(r"[ \t\r\n]+")
_TAG = re.compile(r"<[^>]*>")
_STATUS_WORDS = {ChangeStatus.confirmed: "Confirmed", ChangeStatus.dismissed: "Dismissed"}


@dataclass(frozen=True, slots=True)
class _Style:
    """How one kind of output marks up text; every input is raw, every output is safe."""

    text: Callable[[str, int], str]
    bold: Callable[[str], str]
    italic_quote: Callable[[str], str]
    link: Callable[[str], str]


def cut(text: str, budget: int) -> str:
    """One line of clean text whose escaped form fits ``budget``, ending in … when cut."""
    text = _SPACES.sub(" ", _CONTROL.sub("", text)).strip()
    if len(html.escape(text)) <= budget:
        return text
    used, kept = 1, []
    for char in text:
        used += len(html.escape(char))
        if used > budget:
            break
        kept.append(char)
    return "".join(kept).rstrip() + "…"


def _html_link(url: str) -> str:
    host = cut(urllib.parse.urlsplit(url).netloc or url, HOST_BUDGET)
    if not _is_web(url) or len(html.escape(url)) > HREF_BUDGET:
        return html.escape(host)
    return f'<a href="{html.escape(url)}">{html.escape(host)}</a>'


def _is_web(url: str) -> bool:
    return urllib.parse.urlsplit(url).scheme in {"http", "https"} and not _CONTROL.search(url)


HTML = _Style(
    text=lambda value, budget: html.escape(cut(value, budget)),
    bold=lambda safe: f"<b>{safe}</b>",
    italic_quote=lambda safe: f"<blockquote><i>{safe}</i></blockquote>",
    link=_html_link,
)
PLAIN = _Style(
    text=cut,
    bold=lambda safe: safe,
    italic_quote=lambda safe: f"“{safe}”",
    link=lambda url: cut(url, HREF_BUDGET),
)


def html_to_plain(markup: str) -> str:
    """The text of a pre-rendered HTML message, for when Telegram refuses the markup."""
    return html.unescape(_TAG.sub("", markup))


# --- one change ---------------------------------------------------------------------------


def render_change(stored: StoredChange) -> str:
    """One alert in Telegram HTML: who, what, before, evidence, sources, status."""
    return _change(stored, HTML)


def render_change_plain(stored: StoredChange) -> str:
    return _change(stored, PLAIN)


def render_change_json(stored: StoredChange) -> dict[str, object]:
    """One alert as data, for ``rolecall run --json``."""
    change = stored.change
    return {
        "person": change.person_name,
        "kind": str(change.kind),
        "org": change.org,
        "title": change.title,
        "evidence": change.evidence,
        "urls": list(change.urls),
    }


def _change(stored: StoredChange, style: _Style) -> str:
    change = stored.change
    lines = [f"{style.bold(style.text(change.person_name, NAME_BUDGET))} {_move(stored, style)}"]
    if change.before is not None:
        lines.append(f"Previously: {_role(change.before, style)}")
    if change.is_rumour:
        lines.append("⚠️ Unconfirmed report")
    if change.evidence.strip():
        lines.append(style.italic_quote(style.text(change.evidence, EVIDENCE_BUDGET)))
    if change.urls:
        lines.append("Sources: " + _links(change.urls, style))
    if stored.status in _STATUS_WORDS:
        lines.append(f"Status: {_STATUS_WORDS[stored.status]}")
    return "\n".join(lines)


def _move(stored: StoredChange, style: _Style) -> str:
    change = stored.change
    org = style.text(change.org, ORG_BUDGET) if change.org else None
    title = style.text(change.title, TITLE_BUDGET) if change.title else None
    before = change.before
    if change.kind is MoveKind.joined:
        place = org or "a new organisation"
        return f"joined {place} as {title}" if title else f"joined {place}"
    if change.kind is MoveKind.left:
        place = org or (style.text(before.org, ORG_BUDGET) if before else "a role")
        return f"left {place} ({title})" if title else f"left {place}"
    if change.kind is MoveKind.founded:
        return f"founded {org or 'a new organisation'}"
    place = org or (style.text(before.org, ORG_BUDGET) if before else "an organisation")
    if before is not None and before.title and title:
        return f"{style.text(before.title, TITLE_BUDGET)} → {title} at {place}"
    return f"is now {title or 'in a new role'} at {place}"


def _role(role: KnownRole, style: _Style) -> str:
    org = style.text(role.org, ORG_BUDGET)
    return f"{style.text(role.title, TITLE_BUDGET)} at {org}" if role.title else org


def _links(urls: Sequence[str], style: _Style) -> str:
    shown = " · ".join(style.link(url) for url in urls[:MAX_LINKS])
    hidden = len(urls) - MAX_LINKS
    return f"{shown} (+{hidden} more)" if hidden > 0 else shown


# --- the weekly digest --------------------------------------------------------------------


def render_digest(digest: WeekDigest) -> str:
    """The weekly digest in Telegram HTML: moves by person, most mentioned, failing sources."""
    return _digest(digest, HTML)


def render_digest_plain(digest: WeekDigest) -> str:
    return _digest(digest, PLAIN)


def _digest(digest: WeekDigest, style: _Style) -> str:
    last_day = digest.end - timedelta(microseconds=1)
    heading = f"Week {digest.week} ({digest.start:%d %b} – {last_day:%d %b %Y})"
    parts = [style.bold(style.text(heading, 100)), *_digest_moves(digest, style)]
    if digest.top_mentioned:
        lines = [
            f"{index}. {style.text(entry.person_name, NAME_BUDGET)} — {entry.count}"
            for index, entry in enumerate(digest.top_mentioned, start=1)
        ]
        parts += ["", style.bold("Most mentioned"), *_bounded(lines, 500, "people")]
    if digest.failing_sources:
        lines = [_source_failure(source, style) for source in digest.failing_sources]
        parts += ["", style.bold("Failing sources"), *_bounded(lines, 800, "sources")]
    return "\n".join(parts)


def _digest_moves(digest: WeekDigest, style: _Style) -> list[str]:
    if not digest.changes:
        return ["", "No moves this week."]
    by_person: dict[str, list[StoredChange]] = {}
    for stored in digest.changes:
        by_person.setdefault(stored.change.person_name, []).append(stored)
    lines = []
    for name, changes in by_person.items():
        lines.append(style.bold(style.text(name, NAME_BUDGET)))
        lines += [f"• {_move(stored, style)}{_status_suffix(stored)}" for stored in changes]
    return ["", style.bold(f"Moves ({len(digest.changes)})"), *_bounded(lines, 2000, "lines")]


def _status_suffix(stored: StoredChange) -> str:
    rumour = " (unconfirmed report)" if stored.change.is_rumour else ""
    return f"{rumour} — {_STATUS_WORDS.get(stored.status, 'Pending')}"


def _source_failure(source: Source, style: _Style) -> str:
    error = style.text(source.last_error or "unknown error", ERROR_BUDGET)
    return f"• {style.text(_short_url(source.url), 120)} — {source.error_count} errors: {error}"


def _bounded(lines: Sequence[str], budget: int, noun: str) -> list[str]:
    """As many whole lines as fit the budget, then "…and N more"."""
    kept: list[str] = []
    used = 0
    for line in lines:
        if used + len(line) + 1 > budget:
            kept.append(f"…and {len(lines) - len(kept)} more {noun}")
            break
        kept.append(line)
        used += len(line) + 1
    return kept


# --- the commands -------------------------------------------------------------------------


def render_help(commands: Sequence[tuple[str, str]]) -> str:
    lines = [f"/{name} — {html.escape(description)}" for name, description in commands]
    return "\n".join(["<b>RoleCall</b> watches the news for the people on its list.", "", *lines])


def render_people(people: Sequence[Person]) -> str:
    """/list: every watched person with their current roles."""
    if not people:
        return "Nobody is on the watch list yet."
    lines = [f"• {_person_line(person)}" for person in people]
    return "\n".join(
        [f"<b>Watched people ({len(people)})</b>", *_bounded(lines, LIST_BUDGET, "people")]
    )


def _person_line(person: Person) -> str:
    roles = "; ".join(_role(role, HTML) for role in person.current_roles[:3])
    return f"<b>{HTML.text(person.name, NAME_BUDGET)}</b> — {roles or 'no known role'}"


def render_person(person: Person, changes: Sequence[StoredChange], *, tz: tzinfo = UTC) -> str:
    """/who: one person's roles, past roles and recent changes with their sources."""
    lines = [f"<b>{HTML.text(person.name, NAME_BUDGET)}</b>"]
    if person.aliases:
        lines.append("Also known as: " + HTML.text(", ".join(person.aliases), 300))
    past = [role for role in person.roles if not role.current]
    lines += _section("Current roles", [_role(role, HTML) for role in person.current_roles], 600)
    lines += _section("Past roles", [_role(role, HTML) for role in past], 600)
    entries = [_change_line(stored, tz, with_name=False) for stored in changes]
    if not entries:
        return "\n".join([*lines, "", "No recent changes."])
    return "\n".join(lines + _section("Recent changes", entries, 1800))


def _section(title: str, entries: Sequence[str], budget: int) -> list[str]:
    if not entries:
        return []
    lines = [f"• {entry}" for entry in entries]
    return ["", f"<b>{title}</b>", *_bounded(lines, budget, title.lower())]


def render_recent(changes: Sequence[StoredChange], *, days: int = 7, tz: tzinfo = UTC) -> str:
    """/recent: the changes of the last days, newest first as the store returns them."""
    if not changes:
        return f"No changes in the last {days} days."
    lines = [f"• {_change_line(stored, tz, with_name=True)}" for stored in changes]
    heading = f"<b>Changes in the last {days} days ({len(changes)})</b>"
    return "\n".join([heading, *_bounded(lines, LIST_BUDGET, "changes")])


def _change_line(stored: StoredChange, tz: tzinfo, *, with_name: bool) -> str:
    day = stored.created_at.astimezone(tz).strftime("%Y-%m-%d")
    who = f"<b>{HTML.text(stored.change.person_name, NAME_BUDGET)}</b> " if with_name else ""
    links = _links(stored.change.urls[:2], HTML) if stored.change.urls else ""
    status = _status_suffix(stored)
    return f"{day} {who}{_move(stored, HTML)}{status}" + (f" ({links})" if links else "")


def render_sources(sources: Sequence[Source], now: datetime) -> str:
    """/sources: each source's health: last check, error count, last error."""
    if not sources:
        return "No sources are configured."
    failing = sum(1 for source in sources if source.error_count)
    heading = f"<b>Sources ({len(sources)}, {failing} failing)</b>"
    lines = [_source_line(source, now) for source in sources]
    return "\n".join([heading, *_bounded(lines, LIST_BUDGET, "sources")])


def _source_line(source: Source, now: datetime) -> str:
    name = HTML.text(_short_url(source.url), 120)
    checked = f"checked {_ago(now - source.checked_at)}" if source.checked_at else "never checked"
    if not source.error_count:
        return f"✅ {name} — {checked}"
    error = HTML.text(source.last_error or "unknown error", ERROR_BUDGET)
    return f"❌ {name} — {checked}, {source.error_count} errors: {error}"


def _short_url(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.netloc}{parts.path}" if parts.netloc else url


def _ago(elapsed: timedelta) -> str:
    seconds = max(0, int(elapsed.total_seconds()))
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds // size} {unit} ago"
    return "just now"
