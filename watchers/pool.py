"""Worker processes for the CPU-bound stages: ``analyse_feed`` beside the event loop.

feedparser and the matcher are pure Python and hold the GIL, so one process parses at
most one core's worth of feeds. An ``AnalysisPool`` runs ``analyse_feed`` in worker
processes; each builds the name index once, in its initializer, from the people it is
started with. When the watched people change (config reload, confirmed roles) the pool
is replaced, so every worker always matches against the people of the current cycle.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import sys
from collections.abc import Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime

from watchers.analyse import Analysis, analyse_feed
from watchers.errors import FeedParseError
from watchers.match import NameIndex, compile_people
from watchers.models import Person

# The index this worker process matches with; set once by ``_install``.
_index: NameIndex | None = None


@dataclass(frozen=True, slots=True)
class _Unreadable:
    """A ``FeedParseError`` as data: exceptions with keyword state do not pickle back."""

    url: str
    reason: str


class AnalysisPool:
    """A process pool for ``analyse_feed``; ``prepare`` it with the people of each cycle."""

    def __init__(self, *, workers: int) -> None:
        self.workers = workers
        self._people: tuple[Person, ...] | None = None
        self._executor: ProcessPoolExecutor | None = None

    def prepare(self, people: tuple[Person, ...]) -> None:
        """Makes the workers match ``people``; replaces the workers only when they changed."""
        if self._executor is not None and people == self._people:
            return
        self.close()
        self._executor = ProcessPoolExecutor(
            self.workers, mp_context=_context(), initializer=_install, initargs=(people,)
        )
        self._people = people
        with _main_module_hidden():  # start every worker now, without the program's main
            for _ in range(self.workers):
                self._executor.submit(_ready)

    async def analyse(
        self, body: bytes, *, url: str, headers: Mapping[str, str], source_id: int, now: datetime
    ) -> Analysis:
        """``analyse_feed`` in a worker; raises ``FeedParseError`` as it would."""
        if self._executor is None:
            raise RuntimeError("AnalysisPool.prepare() was never called")
        loop = asyncio.get_running_loop()
        result = await loop.run_in_executor(
            self._executor, _analyse_here, body, url, dict(headers), source_id, now
        )
        if isinstance(result, _Unreadable):
            raise FeedParseError(result.url, result.reason)
        return result

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
        self._executor = None
        self._people = None


def _context() -> multiprocessing.context.BaseContext:
    """Workers forked from a small server process that imported only this module.

    Plain fork would copy a threaded process; spawn would import the whole program again
    in each worker. The fork server gives lean workers that start fast.
    """
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    return context


@contextlib.contextmanager
def _main_module_hidden() -> Iterator[None]:
    """multiprocessing imports the parent's main module again in every new worker; for
    a console script that is the whole program. The workers need only this module."""
    main = sys.modules["__main__"]
    names = ("__file__", "__spec__")
    saved: dict[str, object] = {n: main.__dict__[n] for n in names if n in main.__dict__}
    main.__dict__.pop("__file__", None)
    main.__dict__["__spec__"] = None
    try:
        yield
    finally:
        main.__dict__.update(saved)


def _ready() -> None:
    """A no-op task: submitting one per worker starts them all."""


def _install(people: tuple[Person, ...]) -> None:
    global _index  # per-process state is what an initializer is for
    _index = compile_people(people)


def _analyse_here(
    body: bytes, url: str, headers: dict[str, str], source_id: int, now: datetime
) -> Analysis | _Unreadable:
    assert _index is not None, "the pool initializer did not run"
    try:
        return analyse_feed(
            body, url=url, headers=headers, source_id=source_id, index=_index, now=now
        )
    except FeedParseError as exc:
        return _Unreadable(exc.url, exc.reason)
