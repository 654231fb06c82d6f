"""The naive baseline the scale benchmark compares RoleCall against.

    python -m benchmarks.baseline --config CONFIG [--base-url URL]

Written to be obviously correct, not fast: every source is fetched one after another
with httpx, every body goes through ``feedparser.parse``, and every person has one
compiled regular expression (name and aliases) that is searched over each item's title
and summary. ``--base-url`` moves the config's sources onto another server (their paths
are kept). Prints ``{"items": n, "mentions": k, "person_mentions": p, "wall_s": x}``:
``mentions`` counts items naming at least one person, as RoleCall's ``Mention`` does.
"""

from __future__ import annotations

import argparse
import json
import re
import time
import urllib.parse
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import feedparser
import httpx
import yaml

# Next to a Latin name's edge there must be no other Latin letter or digit.
_EDGE = r"(?<![^\W_\u3400-\u9fff])"
_TAIL = r"(?![^\W_\u3400-\u9fff])"


def main(argv: Sequence[str] | None = None) -> None:
    args = _arguments(argv)
    started = time.perf_counter()
    config = yaml.safe_load(args.config.read_text(encoding="utf-8"))
    urls = [_rebase(source["url"], args.base_url) for source in config.get("sources", [])]
    patterns = [_pattern(person) for person in config.get("people", [])]
    items = mentions = person_mentions = 0
    with httpx.Client(timeout=30.0) as client:
        for url in urls:
            for text in _item_texts(client, url):
                items += 1
                found = sum(1 for pattern in patterns if pattern.search(text))
                mentions += found > 0
                person_mentions += found
    wall_s = round(time.perf_counter() - started, 3)
    print(json.dumps({"items": items, "mentions": mentions,
                      "person_mentions": person_mentions, "wall_s": wall_s}))  # fmt: skip


def _item_texts(client: httpx.Client, url: str) -> Iterator[str]:
    response = client.get(url)
    if response.status_code != 200:
        return
    feed: Any = feedparser.parse(response.content)
    for entry in feed.entries:
        yield f"{entry.get('title', '')}\n{entry.get('summary', '')}"


def _pattern(person: dict[str, Any]) -> re.Pattern[str]:
    """One regular expression for a person: the name or any alias, case-insensitive."""
    names = sorted({person["name"], *person.get("aliases", [])}, key=len, reverse=True)
    return re.compile("|".join(_name_pattern(name) for name in names), re.IGNORECASE)


def _name_pattern(name: str) -> str:
    """A Latin edge needs a boundary; a Chinese one does not (as in ``watchers.match``)."""
    words = r"\s+".join(re.escape(word) for word in name.split())
    head = _EDGE if _is_latin_word(name[0]) else ""
    tail = _TAIL if _is_latin_word(name[-1]) else ""
    return f"{head}{words}{tail}"


def _is_latin_word(char: str) -> bool:
    return char.isalnum() and not "\u3400" <= char <= "\u9fff"


def _rebase(url: str, base_url: str | None) -> str:
    if not base_url:
        return url
    parts = urllib.parse.urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return base_url.rstrip("/") + path


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.baseline", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument("--config", type=Path, required=True, help="a RoleCall YAML config")
    parser.add_argument("--base-url", help="serve the sources' paths from this URL instead")
    return parser.parse_args(argv)


if __name__ == "__main__":
    main()
