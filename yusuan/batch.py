"""Work over many inputs: in this process, or in worker processes (reading a PDF is CPU-bound)."""
from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any

DEFAULT_JOBS = os.cpu_count() or 1


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
