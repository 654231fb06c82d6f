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
import threading
from collections.abc import Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime

from watchers.errors import FeedParseError
from watchers.match import NameIndex, compile_people
from watchers.models import Analysis, Person

# How long a worker waits for the others to start before it gives up (and the pool breaks).
START_TIMEOUT_S = 60.0
# The index this worker process matches with; set once by ``_install``.
_index: NameIndex | None = None


@dataclass(frozen=True, slots=True)
class _Unreadable:
    """A ``FeedParseError`` as data: exceptions with keyword state do not pickle back."""

    url: str
    reason: str


class AnalysisPool:
    """A process pool for ``analyse_feed``; ``prepare`` it with the people of each cycle.

    The workers start with the first analysis, not before: a cycle in which every source
    answers 304 never starts them.
    """

    def __init__(self, *, workers: int) -> None:
        self.workers = workers
        self._people: tuple[Person, ...] | None = None
        self._executor: ProcessPoolExecutor | None = None
        self._starting = asyncio.Lock()

    def prepare(self, people: tuple[Person, ...]) -> None:
        """Makes the workers match ``people``; replaces the workers only when they changed."""
        if people == self._people:
            return
        self.close()
        self._people = people

    async def analyse(
        self, body: bytes, *, url: str, headers: Mapping[str, str], source_id: int, now: datetime
    ) -> Analysis:
        """``analyse_feed`` in a worker; raises ``FeedParseError`` as it would."""
        executor = await self._started()
        loop = asyncio.get_running_loop()
        result = await loop.run_in_executor(
            executor, _analyse_here, body, url, dict(headers), source_id, now
        )
        if isinstance(result, _Unreadable):
            raise FeedParseError(result.url, result.reason)
        return result

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
        self._executor = None
        self._people = None

    async def _started(self) -> ProcessPoolExecutor:
        if self._people is None:
            raise RuntimeError("AnalysisPool.prepare() was never called")
        async with self._starting:
            if self._executor is None:
                # In a thread: the loop goes on fetching while the workers import the pipeline.
                self._executor = await asyncio.to_thread(_start, self.workers, self._people)
        return self._executor


def _start(workers: int, people: tuple[Person, ...]) -> ProcessPoolExecutor:
    context = _context()
    # Every worker waits in its initializer until all have started, so that none is idle
    # yet when the next task is submitted: the pool then starts a new worker for each of
    # these tasks, here, while the main module is hidden. A worker the pool started later
    # would import the main module, the whole program, again.
    all_started = context.Barrier(workers)
    executor = ProcessPoolExecutor(
        workers, mp_context=context, initializer=_install, initargs=(people, all_started)
    )
    with _main_module_hidden():
        for _ in range(workers):
            executor.submit(_ready)
    return executor


def _context() -> multiprocessing.context.BaseContext:
    """Workers forked from a small server process that imported only this module.

    Plain fork would copy a threaded process; spawn would import the whole program again
    in each worker. The fork server gives lean workers that start fast.
    """
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__, "watchers.analyse"])
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


def _install(people: tuple[Person, ...], all_started: threading.Barrier) -> None:
    global _index  # per-process state is what an initializer is for
    _index = compile_people(people)
    all_started.wait(timeout=START_TIMEOUT_S)


def _analyse_here(
    body: bytes, url: str, headers: dict[str, str], source_id: int, now: datetime
) -> Analysis | _Unreadable:
    assert _index is not None, "the pool initializer did not run"
    # Preloaded by the fork server; the process that sends the work never imports it.
    from watchers.analyse import analyse_feed

    try:
        return analyse_feed(
            body, url=url, headers=headers, source_id=source_id, index=_index, now=now
        )
    except FeedParseError as exc:
        return _Unreadable(exc.url, exc.reason)
