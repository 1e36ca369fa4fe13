"""`check` throughput now against earlier commits, measured in the same run: reports/s per core
on the seed (read from its text) and on N generated reports (tests/check/generate.py), each tree
running its own code. Each base is checked out with `git worktree` into a temporary folder; the
trees are measured in turn, ``--repeat`` times, and the best of each is kept (the machine may be
shared: the least disturbed run is the one that tells).

    python benchmarks/bench_check_vs_base.py [BASE_COMMIT ...] [N] [--repeat R]
    # default: 45152de (before template packages) and 3fc8f98 (before the one-pass check), 1000, 3
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from timing import checked_out  # noqa: E402 — benchmarks/timing.py, beside this script

ROOT = Path(__file__).resolve().parent.parent
BASES = ("45152de", "3fc8f98")

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
    args = sys.argv[1:]
    repeat = 3
    if "--repeat" in args:
        i = args.index("--repeat")
        repeat = int(args[i + 1])
        del args[i:i + 2]
    count = next((int(a) for a in args if a.isdigit()), 1000)
    bases = [a for a in args if not a.isdigit()] or list(BASES)
    with tempfile.TemporaryDirectory() as tmp:
        best: dict[str, list[float]] = {}
        with checked_out(bases, tmp) as trees:
            trees["now"] = ROOT
            for _ in range(repeat):
                for name, tree in trees.items():
                    seed, seed_found, generated, generated_found = measure(tree, count)
                    old = best.get(name)
                    best[name] = [max(seed, old[0]) if old else seed, seed_found,
                                  max(generated, old[2]) if old else generated, generated_found]
    now = best["now"]
    print(f"check, reports/s per core (best of {repeat})")
    print(f"  {'tree':<10} {'seed':>10} {'now/it':>7} {'findings':>9}   {count} generated {'now/it':>7} {'findings':>9}")
    for name, (seed, seed_found, generated, generated_found) in best.items():
        print(f"  {name:<10} {seed:10.1f} {now[0] / seed:7.2f} {seed_found:9.0f}   {generated:13.1f} {now[2] / generated:7.2f} {generated_found:9.0f}")


if __name__ == "__main__":
    main()
