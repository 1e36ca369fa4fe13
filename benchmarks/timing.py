"""What the benchmarks share: the best of several wall-clock runs (the least disturbed by whatever
else the machine does)."""
from __future__ import annotations

import time


def best(fn, repeat: int = 3) -> float:
    """The shortest of ``repeat`` runs of ``fn()``, in seconds."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)
