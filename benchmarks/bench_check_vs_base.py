"""`check` throughput now against an earlier commit, measured in the same run: reports/s per core
on the seed (read from its text) and on N generated reports (tests/check/generate.py), each tree
running its own code. The base is checked out with `git worktree` into a temporary folder.

    python benchmarks/bench_check_vs_base.py [BASE_COMMIT] [N]    # default: 45152de (before template packages), 1000
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASE = "45152de"

# Runs inside a tree (old or new API: derive/published take a context since the template packages).
PROBE = r'''
import inspect, random, sys, time
sys.path.insert(0, ".")
from tests.check.generate import generate_budget
from yusuan.check import check
from yusuan.derive import derive
from yusuan.read.published import published
n = int(sys.argv[1])
new = "context" in inspect.signature(derive).parameters
if new:
    from yusuan.context import Context
    shanxi, detect = Context.create("shanxi-2024"), Context.create(None)
    seed = published("tests/data/tunliu-police-2024.txt", detect).report
    reports = [derive(generate_budget(random.Random(i)), shanxi) for i in range(n)]
else:
    seed = published("tests/data/tunliu-police-2024.txt").report
    reports = [derive(generate_budget(random.Random(i))) for i in range(n)]
check(seed)
def rate(items, repeat):
    started = time.process_time()
    found = sum(len(check(r)) for _ in range(repeat) for r in items)
    return len(items) * repeat / (time.process_time() - started), found // repeat
print(*rate([seed], 200), *rate(reports, 1))
'''


def measure(tree: Path, count: int) -> list[float]:
    done = subprocess.run([sys.executable, "-c", PROBE, str(count)], cwd=tree, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"{tree}: {done.stderr.strip().splitlines()[-1]}")
    return [float(x) for x in done.stdout.split()]


def main() -> None:
    base = sys.argv[1] if len(sys.argv) > 1 else BASE
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    with tempfile.TemporaryDirectory() as tmp:
        worktree = Path(tmp) / "base"
        subprocess.run(["git", "worktree", "add", "--detach", str(worktree), base], cwd=ROOT, check=True, capture_output=True)
        try:
            old = measure(worktree, count)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(worktree)], cwd=ROOT, capture_output=True)
    new = measure(ROOT, count)
    print(f"check, reports/s per core          base {base}    now      now/base")
    print(f"  seed (read from its text)     {old[0]:10.1f} {new[0]:10.1f} {new[0] / old[0]:8.2f}   findings {old[1]:.0f} → {new[1]:.0f}")
    print(f"  {count} generated reports     {old[2]:10.1f} {new[2]:10.1f} {new[2] / old[2]:8.2f}   findings {old[3]:.0f} → {new[3]:.0f}")


if __name__ == "__main__":
    main()
