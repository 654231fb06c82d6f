"""``python -m benchmarks.extract_speed [corpus.jsonl]``: extract throughput in items/second.

Without a corpus it generates items of realistic length in English, simplified and
traditional Chinese (short notices and long features with many names). Prints the median
of several runs.
"""

from __future__ import annotations

import io
import json
import random
import statistics
import sys
import time
from pathlib import Path

from bot.contract import run_extract

RUNS = 5
ITEMS = 300

_EN = (
    "{org} said on Monday that {name} will join as chief operating officer on March 3. "
    "{short} previously ran the logistics unit at {other}, which {pronoun} joined in 2015. "
    "Analysts said the move would strengthen the management team. "
    "The company also reported quarterly revenue of $1.2 billion, up 8 per cent. "
)
_ZHS = (
    "{org}3月2日晚间公告，董事会同意聘任{name}为公司首席财务官。{name}此前任职于{other}，"
    "2016年加入该公司。公司表示，上半年营业收入同比增长百分之九。"
)
_ZHT = (
    "{org}昨日公告，總經理{name}因個人生涯規劃請辭，即日生效。{name}於2012年加入{other}，"
    "公司表示業務將由董事長直接督導。"
)
_EN_NAMES = ("Avery Lindqvist", "Morgan Tessaro", "Rowan Okonkwo", "Jules Penhallow")
_ZH_NAMES = ("韦思澄", "骆青岚", "司徒明远", "岑嘉言")
_ORGS_EN = ("Quarrystone Logistics", "Bellweather Foods Inc.", "Northgale Capital")
_ORGS_ZH = ("澜汀科技", "碧岑集团", "霁川银行")


def generated(count: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    return [json.dumps(_record(i, rng), ensure_ascii=False) for i in range(count)]


def _record(index: int, rng: random.Random) -> dict[str, object]:
    lang = ("en", "zh-Hans", "zh-Hant")[index % 3]
    names = _EN_NAMES if lang == "en" else _ZH_NAMES
    orgs = _ORGS_EN if lang == "en" else _ORGS_ZH
    name, org, other = rng.choice(names), rng.choice(orgs), rng.choice(orgs)
    template = {"en": _EN, "zh-Hans": _ZHS, "zh-Hant": _ZHT}[lang]
    repeat = 12 if index % 10 == 0 else 1  # one in ten is a long feature
    text = " ".join(
        template.format(org=org, name=n, short=n.split()[-1], other=other, pronoun="she")
        for n in (rng.choice(names) for _ in range(repeat))
    )
    watch = [
        {
            "name": n,
            "aliases": [n.split()[-1]] if " " in n else [],
            "known_roles": [{"org": other, "title": "director", "current": True}],
        }
        for n in names
    ]
    return {"id": str(index), "lang": lang, "published": "2025-03-04",
            "title": f"{org}: {name}", "text": text, "watch": watch}  # fmt: skip


def measure(lines: list[str]) -> float:
    """Median items per second over ``RUNS`` runs."""
    rates = []
    for _ in range(RUNS):
        started = time.perf_counter()
        run_extract(lines, io.StringIO())
        rates.append(len(lines) / (time.perf_counter() - started))
    return statistics.median(rates)


def main(argv: list[str]) -> int:
    lines = Path(argv[0]).read_text(encoding="utf-8").splitlines() if argv else generated(ITEMS)
    chars = sum(len(line) for line in lines) / max(len(lines), 1)
    rate = measure(lines)
    print(f"{rate:.0f} items/s (median of {RUNS} runs, {len(lines)} items, {chars:.0f} chars/item)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
