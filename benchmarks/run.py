"""The scale benchmark (``make bench``): RoleCall against a naive baseline on generated feeds.

    python -m benchmarks.run [--quick] [--runs 3] [--n 2000] [--m 10000] [--big-n 10000]

For each size it starts ``benchmarks.feedserver`` on 127.0.0.1 (N feeds of 20 items, M
people) and times ``rolecall run --once`` (``python -m bot``) as a separate process on a
fresh SQLite file:
the first cycle (every feed new), then a second cycle on the same database, where every
feed answers 304. Wall time, CPU time (the process and its worker processes), items per
second and peak RSS (sampled, summed over the process and its workers) are medians over
``--runs`` runs. The naive baseline (``benchmarks.baseline``) runs on the first few
feeds only, since it needs hours for all of them; its time is scaled linearly to N feeds
and printed as such. The matching stage is timed alone with 100 and with M people.

The table goes to stdout; the figures also go to ``.bench/results.json``.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import psutil
import yaml

from benchmarks.corpus import make_feed, make_people
from watchers.match import compile_people, find_mentions
from watchers.models import FeedItem, KnownRole, Person
from watchers.parse import parse_feed

ROOT = Path(__file__).resolve().parent.parent
# The line `rolecall run --once` ends with, on stderr.
_SUMMARY = re.compile(
    r"rolecall: \d+ sources polled in (?P<poll_s>[\d.]+) s, \d+ failed, (?P<items>\d+) new items"
)
RESULTS = ROOT / ".bench" / "results.json"
ITEMS_PER_FEED = 20
SAMPLE_EVERY_S = 0.05
# Memory is read every this many CPU samples: a PSS reading walks the page tables of every
# process of the tree, and read every 50 ms it took a third of a core from the measured
# processes on a 2-core machine.
MEMORY_EVERY = 5


@dataclass(frozen=True, slots=True, kw_only=True)
class Cycle:
    """One cycle. Memory: the peak of the main process's RSS, and the peak of the
    proportional set size (PSS) summed over it and its worker processes, which counts
    the pages the workers share with one another once."""

    wall_s: float
    poll_s: float
    cpu_s: float
    items: int
    items_per_s: float
    peak_rss_mb: float
    peak_total_pss_mb: float


def main(argv: list[str] | None = None) -> None:
    args = _arguments(argv)
    results: dict[str, Any] = {"machine": _machine(), "args": vars(args)}
    with tempfile.TemporaryDirectory(prefix="rolecall-bench-") as tmp:
        work = Path(tmp)
        results["small"] = _size(work / "small", n=args.n, m=args.m, runs=args.runs,
                                 baseline_feeds=args.baseline_feeds)  # fmt: skip
        if args.big_n:
            results["big"] = _size(work / "big", n=args.big_n, m=args.m, runs=args.big_runs)
    results["matching"] = _matching(m=args.m)
    print(_table(results))
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nfigures written to {RESULTS.relative_to(ROOT)}")


def _size(work: Path, *, n: int, m: int, runs: int, baseline_feeds: int = 0) -> dict[str, Any]:
    """Medians of ``runs`` first and 304 cycles at N feeds and M people, and the baseline."""
    _log(f"N={n} M={m}: building and serving the corpus")
    work.mkdir(parents=True)
    config = work / "bench.yaml"
    database = work / "bench.db"
    with _feed_server(work, n=n, m=m, config=config, database=database):
        firsts, repeats = [], []
        for run in range(runs):
            _remove_database(database)
            # Cold, as a new install: no parsed config kept yet; the 304 cycle finds it.
            env = {**os.environ, "XDG_CACHE_HOME": str(work / f"cache-{run}")}
            firsts.append(_cycle(config, env))
            repeats.append(_cycle(config, env))
            _log(f"  run {run + 1}/{runs}: first {firsts[-1]}, 304 {repeats[-1]}")
        size: dict[str, Any] = {"n": n, "m": m, "runs": runs, "items": n * ITEMS_PER_FEED,
                                "first": _median(firsts), "not_modified": _median(repeats)}  # fmt: skip
        if baseline_feeds:
            size["baseline"] = _baseline(work, config, feeds=baseline_feeds, n=n)
    return size


class _feed_server:  # a context manager, named as one reads in a with statement
    """``benchmarks.feedserver`` in its own process, for the duration of a ``with``."""

    def __init__(self, work: Path, *, n: int, m: int, config: Path, database: Path) -> None:
        self.port_file = work / "port"
        self.command = [
            sys.executable, "-m", "benchmarks.feedserver", "--n", str(n), "--m", str(m),
            "--port-file", str(self.port_file), "--config", str(config),
            "--database", f"sqlite:///{database}",
        ]  # fmt: skip
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> None:
        self.process = subprocess.Popen(self.command, cwd=ROOT, stdout=subprocess.DEVNULL)
        while not self.port_file.exists():
            if self.process.poll() is not None:
                raise RuntimeError("the feed server exited before serving")
            time.sleep(0.2)

    def __exit__(self, *_exc: object) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)


def _cycle(config: Path, env: dict[str, str]) -> Cycle:
    """One ``rolecall run --once`` in a child process: wall, CPU of it and its workers,
    peak memory; the command's summary line says how long the poll itself took and how
    many items it read. Its alerts (no token: printed) are discarded.

    CPU is sampled per process (the workers are not this process's children, so their
    rusage never reaches it); the last sample of each process counts.
    """
    command = [sys.executable, "-m", "bot", "run", "--once", "--config", str(config)]
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        process = psutil.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=errors)
        usage = _usage_until_exit(process)
        wall = time.perf_counter() - started
        errors.seek(0)
        stderr = errors.read().decode(errors="replace")
    summary = _SUMMARY.search(stderr)
    if process.returncode != 0 or summary is None:
        raise RuntimeError(f"rolecall run --once failed:\n{stderr}")
    poll_s, items = float(summary["poll_s"]), int(summary["items"])
    return Cycle(
        wall_s=round(wall, 2), poll_s=round(poll_s, 2), cpu_s=round(usage.cpu_s, 2),
        items=items, items_per_s=round(items / poll_s) if poll_s else 0,
        peak_rss_mb=round(usage.peak_rss / 2**20), peak_total_pss_mb=round(usage.peak_pss / 2**20),
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Usage:
    peak_rss: int
    peak_pss: int
    cpu_s: float


def _usage_until_exit(process: psutil.Popen) -> _Usage:
    """Samples the process tree until the process exits: CPU often, memory less often."""
    peak_rss = peak_pss = 0
    cpu_of: dict[int, float] = {}
    members: list[psutil.Process] = [process]
    for sample in itertools.count():
        if process.poll() is not None:
            break
        if sample % MEMORY_EVERY == 0:
            members = _members(process)
            rss, pss = _memory(process, members)
            peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
        _note_cpu(members, cpu_of)
        time.sleep(SAMPLE_EVERY_S)
    return _Usage(peak_rss=peak_rss, peak_pss=peak_pss, cpu_s=sum(cpu_of.values()))


def _members(process: psutil.Process) -> list[psutil.Process]:
    """The process and every descendant (its worker processes)."""
    try:
        return [process, *process.children(recursive=True)]
    except psutil.Error:
        return [process]


def _memory(process: psutil.Process, members: list[psutil.Process]) -> tuple[int, int]:
    """The process's RSS, and the PSS of it and its descendants, summed."""
    try:
        rss = process.memory_info().rss
    except psutil.Error:
        return 0, 0
    total_pss = 0
    for member in members:
        with contextlib.suppress(psutil.Error):
            total_pss += member.memory_full_info().pss
    return rss, total_pss


def _note_cpu(members: list[psutil.Process], cpu_of: dict[int, float]) -> None:
    for member in members:
        with contextlib.suppress(psutil.Error):
            times = member.cpu_times()
            cpu_of[member.pid] = times.user + times.system


def _baseline(work: Path, config: Path, *, feeds: int, n: int) -> dict[str, Any]:
    """The baseline on the first ``feeds`` feeds with every person, scaled to ``n`` feeds."""
    _log(f"  baseline on a sample of {feeds} feeds")
    data = yaml.load(config.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    data["sources"] = data["sources"][:feeds]
    sample = work / "sample.yaml"
    sample.write_text(yaml.dump(data, Dumper=yaml.CSafeDumper, allow_unicode=True))
    started = time.perf_counter()
    output = subprocess.run(
        [sys.executable, "-m", "benchmarks.baseline", "--config", str(sample)],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    wall = time.perf_counter() - started
    counted = json.loads(output)
    return {"sample_feeds": feeds, "sample_items": counted["items"], "sample_wall_s": round(wall, 2),
            "mentions": counted["mentions"], "extrapolated_wall_s": round(wall * n / feeds, 1)}  # fmt: skip


def _matching(*, m: int, feeds: int = 100, repeats: int = 5) -> dict[str, Any]:
    """``find_mentions`` per item with 100 people and with ``m``: the median of ``repeats``."""
    _log(f"matching stage: 100 vs {m} people over {feeds} feeds")
    people_config = make_people(m)
    people = [
        Person(id=i, name=p["name"], aliases=tuple(p["aliases"]),
               roles=tuple(KnownRole(**role) for role in p["roles"]))
        for i, p in enumerate(people_config)
    ]  # fmt: skip
    items = [
        item for index in range(feeds) for item in _items(make_feed(index, people_config)[1], index)
    ]
    per_item: dict[str, float] = {}
    for size in (100, m):
        name_index = compile_people(people[:size])
        timings = []
        for _ in range(repeats):
            started = time.perf_counter()
            find_mentions(items, name_index)
            timings.append((time.perf_counter() - started) / len(items))
        per_item[str(size)] = statistics.median(timings) * 1e6
    return {"items": len(items), "us_per_item": {k: round(v, 1) for k, v in per_item.items()},
            "ratio": round(per_item[str(m)] / per_item["100"], 2)}  # fmt: skip


def _items(body: bytes, index: int) -> list[FeedItem]:
    return parse_feed(body, url="http://bench.invalid/", headers={}, source_id=index)


def _median(cycles: list[Cycle]) -> dict[str, float]:
    fields = asdict(cycles[0]).keys()
    return {f: statistics.median(getattr(c, f) for c in cycles) for f in fields}


def _remove_database(database: Path) -> None:
    for suffix in ("", "-wal", "-shm", ".lock"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)


def _table(results: dict[str, Any]) -> str:
    small = results["small"]
    lines = [
        (
            f"RoleCall scale benchmark on {results['machine']['cpus']} cores "
            f"(medians of {small['runs']} runs; SQLite; 20 items a feed)"
        ),
        "",
        (
            "| N feeds | M people | cycle | process wall s | of which poll s | CPU s | items/s "
            "| peak RSS MB | peak PSS MB, all |"
        ),
        "|---:|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for key in ("small", "big"):
        if key not in results:
            continue
        size = results[key]
        for label, cycle in (("first", size["first"]), ("all 304", size["not_modified"])):
            lines.append(
                f"| {size['n']:,} | {size['m']:,} | {label} | {cycle['wall_s']:.2f} | "
                f"{cycle['poll_s']:.2f} | {cycle['cpu_s']:.1f} | {_per_s(cycle)} | "
                f"{cycle['peak_rss_mb']:.0f} | {cycle['peak_total_pss_mb']:.0f} |"
            )
    lines += _baseline_lines(small) + _growth_lines(results) + _matching_lines(results)
    return "\n".join(lines)


def _per_s(cycle: dict[str, Any]) -> str:
    return f"{cycle['items_per_s']:,.0f}" if cycle["items"] else "-"


def _baseline_lines(small: dict[str, Any]) -> list[str]:
    base = small.get("baseline")
    if not base:
        return []
    ratio = base["extrapolated_wall_s"] / small["first"]["wall_s"]
    sample = (
        f"Naive baseline (sequential fetch, feedparser, one regex a person): "
        f"{base['sample_wall_s']:.1f} s for a sample of {base['sample_feeds']} feeds "
        f"({base['sample_items']} items), EXTRAPOLATED linearly to {small['n']:,} feeds: "
        f"{base['extrapolated_wall_s']:,.0f} s."
    )
    return ["", sample, f"RoleCall's first cycle is {ratio:,.0f}x faster than that."]


def _growth_lines(results: dict[str, Any]) -> list[str]:
    if "big" not in results:
        return []
    small, big = results["small"], results["big"]
    growth = big["first"]["wall_s"] / small["first"]["wall_s"]
    line = (
        f"First cycle, {big['n']:,} vs {small['n']:,} feeds: {growth:.2f}x the time "
        f"for {big['n'] / small['n']:.0f}x the feeds."
    )
    return ["", line]


def _matching_lines(results: dict[str, Any]) -> list[str]:
    matching = results["matching"]
    per_item = matching["us_per_item"]
    sizes = list(per_item)
    line = (
        f"Matching stage alone ({matching['items']} items): {per_item[sizes[0]]} us an "
        f"item with {sizes[0]} people, {per_item[sizes[-1]]} us with {sizes[-1]}: "
        f"{matching['ratio']}x."
    )
    return ["", line]


def _machine() -> dict[str, Any]:
    return {"cpus": os.cpu_count(), "python": sys.version.split()[0],
            "memory_mb": psutil.virtual_memory().total // 2**20}  # fmt: skip


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument("--quick", action="store_true",
                        help="a small run: N=200, M=1000, one run, no big size")  # fmt: skip
    parser.add_argument("--runs", type=int, default=3, help="runs per size (medians)")
    parser.add_argument("--n", type=int, default=2000, help="feeds")
    parser.add_argument("--m", type=int, default=10000, help="people")
    parser.add_argument("--big-n", type=int, default=10000, help="feeds of the big size; 0: none")
    parser.add_argument("--big-runs", type=int, default=1)
    parser.add_argument("--baseline-feeds", type=int, default=2, help="the baseline's sample")
    args = parser.parse_args(argv)
    if args.quick or os.environ.get("QUICK"):  # `make bench QUICK=1`
        args.n, args.m, args.runs, args.big_n, args.baseline_feeds = 200, 1000, 1, 0, 4
    return args


if __name__ == "__main__":
    main()
