"""What the benchmarks share: the best of several wall-clock runs (the least disturbed by whatever
else the machine does), and base commits checked out beside the working tree."""
from __future__ import annotations

import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def best(fn, repeat: int = 3) -> float:
    """The shortest of ``repeat`` runs of ``fn()``, in seconds."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


@contextmanager
def checked_out(commits, folder):
    """{commit: its tree}: each commit checked out with `git worktree` in ``folder`` (never
    switching the working tree, which others may be editing), removed afterwards."""
    trees: dict[str, Path] = {}
    try:
        for commit in commits:
            tree = Path(folder) / commit.replace("/", "_")
            subprocess.run(["git", "worktree", "add", "--detach", str(tree), commit], cwd=ROOT, check=True,
                           capture_output=True)
            trees[commit] = tree
        yield dict(trees)  # a copy: the caller may add its own trees (the working tree) to it
    finally:
        for tree in trees.values():
            subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, capture_output=True)
