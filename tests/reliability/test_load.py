"""Load held: 1,000 sources and 5,000 watched people for one simulated hour.

``benchmarks.load`` polls 1,000 local feeds that keep publishing, one cycle per simulated
minute, with the real ``run_due_sources`` on SQLite, and prunes items past a 20-minute
retention. Memory stays flat from the first cycle to the last, and the database stops
growing with the items: old items go, changes and the outbox stay. The figures are
printed for the README (``python -m benchmarks.load`` prints the same).
"""

from __future__ import annotations

import asyncio
from dataclasses import asdict
from datetime import timedelta

import pytest

from benchmarks.load import KEPT_ITEMS, PUBLISH_EVERY, LoadFigures, run_load

pytestmark = pytest.mark.slow

SOURCES = 1000
PEOPLE = 5000
MINUTES = 60
RETENTION_MINUTES = 20
# Items seen within the retention, plus one pruning period, plus each feed's first three.
KEPT_PER_SOURCE = KEPT_ITEMS + (RETENTION_MINUTES + 10) // PUBLISH_EVERY + 1


@pytest.fixture(scope="module")
def figures(tmp_path_factory: pytest.TempPathFactory) -> LoadFigures:
    result = asyncio.run(
        run_load(
            sources_count=SOURCES, people_count=PEOPLE, minutes=MINUTES,
            retention=timedelta(minutes=RETENTION_MINUTES),
            workdir=tmp_path_factory.mktemp("load"),
        )
    )  # fmt: skip
    print("\n" + "\n".join(f"{k}: {v}" for k, v in asdict(result).items()))
    return result


def test_every_source_is_polled_on_schedule(figures: LoadFigures) -> None:
    assert figures.fetches == SOURCES * (MINUTES // 10)


def test_memory_stays_flat(figures: LoadFigures) -> None:
    assert figures.rss_first_cycle_kib > 0
    assert figures.rss_end_kib - figures.rss_first_cycle_kib < 64 * 1024


def test_old_items_are_pruned_and_changes_kept(figures: LoadFigures) -> None:
    assert figures.items_end <= SOURCES * KEPT_PER_SOURCE < figures.items_published
    assert figures.changes_end > 0
    assert figures.outbox_end == figures.changes_end


def test_database_stops_growing(figures: LoadFigures) -> None:
    assert figures.db_end_bytes < figures.db_half_bytes * 1.25
