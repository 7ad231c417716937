"""Work spread over worker processes, results in the order of the work: `summary` over many cities.

Each city is read and evaluated on its own, so a national root (1,741 cities) is shared among the
machine's cores; the rows come back in the cities' order, so the output is the same byte for byte
as one process makes. Where worker processes cannot be started (a sandbox without semaphores, a
platform without them) or a worker dies (killed for memory), the rest is done in this process: the
run is slower, never different.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Fewer items than this are done in this process: starting a worker costs about what a few dozen
# cities take (a new interpreter imports kpicheck where processes are spawned: Windows, macOS).
PARALLEL_FROM = 100
# More workers than this gain little on reading files and cost a process's memory each.
MAX_JOBS = 8


def default_jobs() -> int:
    """The processes `summary` uses unless told: the cores this process may run on, at most MAX_JOBS."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # no affinity on Windows and macOS
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_JOBS))


def ordered_map(
    work: Callable[[T], R],
    items: Sequence[T],
    jobs: int,
    start: Callable[..., None] | None = None,
    start_args: tuple[Any, ...] = (),
) -> Iterator[R]:
    """`work(item)` for each item, in order, in up to `jobs` worker processes (this one with 1 or few items).

    `start(*start_args)` runs once in each worker (and in this process before it does any item here);
    `work` and `start` must be module-level functions (a worker started afresh imports them).
    """
    if jobs <= 1 or len(items) < PARALLEL_FROM:
        yield from _here(work, items, start, start_args)
        return
    try:
        from concurrent.futures import ProcessPoolExecutor  # noqa: PLC0415 - only for a large run
        from concurrent.futures.process import BrokenProcessPool  # noqa: PLC0415

        for stream in (sys.stdout, sys.stderr):  # a forked worker must not write this process's buffer again
            stream.flush()
        pool = ProcessPoolExecutor(max_workers=jobs, initializer=_worker, initargs=(start, start_args))
    except (ImportError, NotImplementedError, OSError):  # no semaphores or no processes here
        yield from _here(work, items, start, start_args)
        return
    done = 0
    try:
        # Small chunks keep the rows coming in order and the progress line moving.
        chunk = max(1, min(16, len(items) // (jobs * 8)))
        try:
            for result in pool.map(work, items, chunksize=chunk):
                yield result
                done += 1
        except (BrokenProcessPool, OSError):  # a worker died (killed for memory, say): the rest here
            yield from _here(work, items[done:], start, start_args)
    finally:
        # Waited for (the running chunks end, the rest are cancelled): returning while the pool's own
        # thread still closes its pipe races Python 3.11's exit hook into an "Exception ignored" traceback.
        pool.shutdown(wait=True, cancel_futures=True)


def _here(
    work: Callable[[T], R], items: Sequence[T], start: Callable[..., None] | None, start_args: tuple[Any, ...]
) -> Iterator[R]:
    if start is not None:
        start(*start_args)
    for item in items:
        yield work(item)


_in_worker = False


def in_worker() -> bool:
    """Whether this process is one of ordered_map's workers (`start` may set things up differently there)."""
    return _in_worker


def _worker(start: Callable[..., None] | None, start_args: tuple[Any, ...]) -> None:
    """A worker leaves Ctrl-C to the main process (which stops the run), rather than each printing it."""
    global _in_worker  # noqa: PLW0603 - set once, in the worker process only
    _in_worker = True
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if start is not None:
        start(*start_args)
