"""Work over many inputs: in this process, or in worker processes (reading a PDF is CPU-bound)."""
from __future__ import annotations

import os
import re
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from pathlib import Path
from typing import Any

DEFAULT_JOBS = os.cpu_count() or 1


_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')  # separators, and what Windows forbids in a name


def folder_name(path: Path) -> str:
    """The folder an input's outputs go to inside OUT: its stem, made a plain name that cannot
    leave OUT — separators and control characters replaced, no leading dot ("...yaml" has the
    stem "..", a hidden name would be skipped when the folder is read), never empty."""
    name = _UNSAFE.sub("_", path.stem).strip()
    name = name.lstrip(".") if name.strip(".") else ""
    return name[:120] or "unnamed"


def folder_names(files: Sequence[Path]) -> list[str]:
    """A distinct folder name per input: each ``folder_name``, numbered -2, -3 … where two would
    meet — compared without case (macOS and Windows disks fold it), and a number never lands on
    another input's own name (s1/x.yaml, s2/x.yaml and x-2.yaml: x, x-3, x-2)."""
    wanted = [folder_name(path) for path in files]
    taken = {name.casefold() for name in wanted}
    used: set[str] = set()
    names = []
    for name in wanted:
        chosen, n = name, 1
        while chosen.casefold() in used or (chosen != name and chosen.casefold() in taken):
            n += 1
            chosen = f"{name}-{n}"
        used.add(chosen.casefold())
        names.append(chosen)
    return names


def internal_error(exc: Exception) -> str:
    """What a worker says of a bug of ours on one input, so that the others go on."""
    return f"internal error ({type(exc).__name__}: {exc}); please report it with this file"


class Interrupted(Exception):
    """A batch stopped by SIGINT or SIGTERM; the command exits 128 + the signal (130, 143)."""

    def __init__(self, signum: int):
        self.signum = signum
        self.code = 128 + signum
        super().__init__(signal.Signals(signum).name)


def _raise_interrupted(signum: int, frame) -> None:
    raise Interrupted(signum)


def _worker_signals() -> None:
    # A worker leaves the stopping to the parent: Ctrl-C reaches the whole process group, and a
    # worker's own KeyboardInterrupt would print a traceback per worker; SIGTERM from the parent
    # ends it at once (the parent's handler, inherited through fork, must not run here).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


@contextmanager
def _stoppable() -> Iterator[None]:
    """SIGINT and SIGTERM raise Interrupted in the main thread while the batch runs (the default
    SIGTERM would kill this process alone and leave its workers running, orphaned)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {s: signal.signal(s, _raise_interrupted) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def _stop(pool: ProcessPoolExecutor, futures) -> None:
    """End the workers now: what is running is killed, what waits is never started (about 0.1 s)."""
    for s in (signal.SIGINT, signal.SIGTERM):
        signal.signal(s, signal.SIG_IGN)  # a second Ctrl-C must not interrupt the cleaning up
    # Futures are not cancelled here: the pool's manager thread marks every pending one broken
    # once its workers are gone, and a cancelled one would make it raise (InvalidStateError).
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        process.terminate()
    deadline = time.monotonic() + 0.5
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            process.kill()
            process.join(0.5)
    pool.shutdown(wait=False)


def run_all(work: Callable[..., Any], calls: Sequence[tuple], jobs: int,
            done: Callable[[int, int, Any], None], names: Sequence[object] | None = None) -> list[Any]:
    """``work(*call)`` for every call, results in the calls' order; ``done(count, index, result)``
    as each finishes (in completion order). ``work`` must be a module-level function that does not
    raise for a bad input, so one file cannot stop the others.

    SIGINT or SIGTERM stops the batch within a second — workers ended, none left behind — says on
    stderr how many were done and which were not (``names``: what to call each call), and raises
    Interrupted."""
    results: list[Any] = [None] * len(calls)
    finished: set[int] = set()
    pool = None
    futures: dict = {}
    try:
        with _stoppable():
            if min(jobs, len(calls)) <= 1:
                for i, call in enumerate(calls):
                    results[i] = work(*call)
                    finished.add(i)
                    done(i + 1, i, results[i])
                return results
            pool = ProcessPoolExecutor(max_workers=min(jobs, len(calls)), initializer=_worker_signals)
            futures = {pool.submit(work, *call): i for i, call in enumerate(calls)}
            for count, future in enumerate(as_completed(futures), 1):
                i = futures[future]
                results[i] = future.result()
                finished.add(i)
                done(count, i, results[i])
            pool.shutdown()
            return results
    except (Interrupted, KeyboardInterrupt) as exc:
        if pool is not None:
            _stop(pool, futures)
        signum = exc.signum if isinstance(exc, Interrupted) else signal.SIGINT
        left = [names[i] if names else f"#{i + 1}" for i in range(len(calls)) if i not in finished]
        shown = ", ".join(map(str, left[:10])) + (f" and {len(left) - 10} more" if len(left) > 10 else "")
        print(f"interrupted ({signal.Signals(signum).name}): {len(finished)} of {len(calls)} done; "
              f"not done: {shown or 'none'}", file=sys.stderr, flush=True)
        raise Interrupted(signum) from None
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
