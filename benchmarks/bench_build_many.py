"""Many units: `yusuan build DIR -f json,text` over N generated units (`yusuan synth`, one year
each), ms per unit per core (CPU of the command and its workers) and wall, with --jobs 1 and
--jobs 2; and the cold start of `yusuan check one.json` and `yusuan build one.yaml -f json`.
With --stages, where a unit's time goes, measured in one process per tree over the first 100
units (CPU ms per unit, the least of 5 passes): reading the budget, derive, rendering JSON and
text, and writing the two files (staged, made durable, moved into place: in groups of 16 with one
sync where the tree does so, as `build DIR` does, else each file fsync'ed).
With a base commit, the same figures of that commit's tree (a `git worktree`) in the same run,
rounds alternating, so that a machine busy with something else disturbs both alike. Prints
figures, asserts nothing.

    python benchmarks/bench_build_many.py [--units 1000] [--rounds 3] [--base COMMIT] [--stages]
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
import time

from timing import checked_out  # noqa: E402 — benchmarks/timing.py, beside this script

ROOT = Path(__file__).resolve().parent.parent


def run(tree: Path, args: list[str]) -> tuple[float, float]:
    """(CPU seconds of the command and its children, wall seconds) of `yusuan ARGS` in ``tree``'s code."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "yusuan.cli", *args], cwd=tree, env={**os.environ, "PYTHONPATH": str(tree)},
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime, wall


# Runs inside a tree, on its own code: CPU ms per unit of each stage of `build -f json,text`.
STAGES = r'''
import sys, time
from pathlib import Path
from yusuan.context import Context
from yusuan.derive import derive
from yusuan.inputs import read_budget
from yusuan.render import _renderers, write
units, out = sorted(Path(sys.argv[1]).glob("*.yaml"))[:100], Path(sys.argv[2])
context, renderers = Context.create("shanxi-2024"), _renderers(["json", "text"])
def least(stage, items):
    best = float("inf")
    for _ in range(5):
        started = time.process_time()
        done = [stage(item) for item in items]
        best = min(best, time.process_time() - started)
    return done, best / len(items) * 1000
budgets, read_ms = least(lambda path: read_budget(path, context.catalog), units)
reports, derive_ms = least(lambda budget: derive(budget, context), budgets)
renderings = [context.rendering(r, b) for r, b in zip(reports, budgets)]
_, json_ms = least(renderers["json"].render, renderings)
_, text_ms = least(renderers["text"].render, renderings)
try:  # a tree that writes a group of units with one sync (render/staging.py), as `build DIR` does
    from yusuan.render import rendered
    from yusuan.render.staging import stage, sync_together
except ImportError:  # a tree that fsyncs each file
    _, write_ms = least(lambda pair: write(pair[0], ["json", "text"], out / pair[1].stem), list(zip(renderings, units)))
else:
    def write_group(pairs, size=16):
        for start in range(0, len(pairs), size):
            staged = [stage(rendered(r, ["json", "text"]), out / u.stem, fsync=False) for r, u in pairs[start:start + size]]
            sync_together(staged)
            for each in staged:
                each.move_into_place()
    best = float("inf")
    for _ in range(5):
        started = time.process_time()
        write_group(list(zip(renderings, units)))
        best = min(best, time.process_time() - started)
    write_ms = best / len(units) * 1000
print(read_ms, derive_ms, json_ms, text_ms, write_ms - json_ms - text_ms)
'''
STAGE_NAMES = ("read budget", "derive", "render json", "render text", "write files")


def stages(tree: Path, units: Path, out: Path) -> list[float]:
    done = subprocess.run([sys.executable, "-c", STAGES, str(units), str(out)], cwd=tree, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(tree)})
    if done.returncode:
        raise SystemExit(f"{tree}: {done.stderr.strip().splitlines()[-1]}")
    return [float(x) for x in done.stdout.split()]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--base", default=None, help="a commit to measure beside the working tree")
    parser.add_argument("--stages", action="store_true", help="also the CPU of each stage of a unit, in one process")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        subprocess.run([sys.executable, "-m", "yusuan.cli", "synth", "--units", str(options.units), "--seed", "0",
                        "--years", "2024-2024", "-o", str(tmp / "synth")], cwd=ROOT, check=True, capture_output=True)
        units = tmp / "units"
        units.mkdir()
        for path in sorted((tmp / "synth").glob("*/*.yaml")):
            path.rename(units / f"{path.parent.name}.yaml")
        one = next(units.glob("*.yaml"))
        subprocess.run([sys.executable, "-m", "yusuan.cli", "build", str(one), "-f", "json", "-o", str(tmp / "one")], cwd=ROOT,
                       check=True, capture_output=True)
        with checked_out([options.base] if options.base else [], tmp) as bases:
            trees = {**{f"base {commit}": tree for commit, tree in bases.items()}, "now": ROOT}
            figures: dict[tuple[str, str], list[tuple[float, float]]] = {}
            for _ in range(options.rounds):
                for name, tree in trees.items():
                    for jobs in (1, 2):
                        out = tmp / f"out-{jobs}"
                        shutil.rmtree(out, ignore_errors=True)
                        figures.setdefault((name, f"jobs {jobs}"), []).append(
                            run(tree, ["build", str(units), "-f", "json,text", "-j", str(jobs), "-o", str(out)]))
                    if options.stages:
                        figures.setdefault((name, "stages"), []).append(stages(tree, units, tmp / "stages"))
                    for _ in range(3):
                        figures.setdefault((name, "cold check one.json"), []).append(run(tree, ["check", str(tmp / "one" / "report.json")]))
                        figures.setdefault((name, "cold build -f json"), []).append(
                            run(tree, ["build", str(one), "-f", "json", "-o", str(tmp / "cold")]))
    n = options.units
    print(f"{n} generated units, `yusuan build DIR -f json,text` (median of {options.rounds} rounds)")
    for name in trees:
        cpu1, wall1 = (statistics.median(x) for x in zip(*figures[(name, "jobs 1")]))
        cpu2, wall2 = (statistics.median(x) for x in zip(*figures[(name, "jobs 2")]))
        print(f"  {name:22s} --jobs 1: {cpu1 / n * 1000:6.2f} ms CPU per unit, {wall1 / n * 1000:6.2f} ms wall;"
              f"  --jobs 2: {cpu2 / n * 1000:6.2f} ms CPU per unit, {wall2 / n * 1000:6.2f} ms wall; speed-up {wall1 / wall2:.2f}")
    if options.stages:
        print("a unit's stages, in one process (CPU ms per unit, median of the rounds)")
        for name in trees:
            medians = [statistics.median(x) for x in zip(*figures[(name, "stages")])]
            print(f"  {name:22s} " + ", ".join(f"{what} {ms:5.2f}" for what, ms in zip(STAGE_NAMES, medians))
                  + f"; together {sum(medians):5.2f}")
    print("cold start (median CPU / wall, ms)")
    for what in ("cold check one.json", "cold build -f json"):
        line = "; ".join(f"{name} {statistics.median(c for c, _ in figures[(name, what)]) * 1000:5.0f} / "
                         f"{statistics.median(w for _, w in figures[(name, what)]) * 1000:5.0f}" for name in trees)
        print(f"  {what:22s} {line}")


if __name__ == "__main__":
    main()
