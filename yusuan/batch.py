"""Work over many inputs: in this process, or in worker processes (reading a PDF is CPU-bound)."""
from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from typing import Any

DEFAULT_JOBS = os.cpu_count() or 1


def internal_error(exc: Exception) -> str:
    """What a worker says of a bug of ours on one input, so that the others go on."""
    return f"internal error ({type(exc).__name__}: {exc}); please report it with this file"


def run_all(work: Callable[..., Any], calls: Sequence[tuple], jobs: int,
            done: Callable[[int, int, Any], None]) -> list[Any]:
    """``work(*call)`` for every call, results in the calls' order; ``done(count, index, result)``
    as each finishes (in completion order). ``work`` must be a module-level function that does not
    raise for a bad input, so one file cannot stop the others."""
    results: list[Any] = [None] * len(calls)
    if min(jobs, len(calls)) <= 1:
        for i, call in enumerate(calls):
            results[i] = work(*call)
            done(i + 1, i, results[i])
        return results
    with ProcessPoolExecutor(max_workers=min(jobs, len(calls))) as pool:
        futures = {pool.submit(work, *call): i for i, call in enumerate(calls)}
        for count, future in enumerate(as_completed(futures), 1):
            i = futures[future]
            results[i] = future.result()
            done(count, i, results[i])
    return results


@contextmanager
def progress(total: int, what: str) -> Iterator[Callable[..., None]]:
    """Yields ``say(line, done=True)``: each line goes to stderr, and on a terminal a Rich progress
    bar (count and time left) stays under them; in a log or a pipe the lines alone."""
    if not sys.stderr.isatty():
        yield lambda line, done=True: print(line, file=sys.stderr, flush=True)
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(TextColumn(what), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(what, total=total)

        def say(line: str, done: bool = True) -> None:
            bar.console.print(line, markup=False, highlight=False, soft_wrap=True)
            if done:
                bar.advance(task)

        yield say
