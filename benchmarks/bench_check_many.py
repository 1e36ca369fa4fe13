"""`yusuan check FOLDER` over many report.json, as a finance bureau checks its drafts: ms per report,
wall and CPU (every process: the command and its workers), by output format and --jobs, for this
tree and base commits in the same run (each tree runs its own code on the same files; rounds
alternate between trees, and the least disturbed round of each is kept).

    python benchmarks/bench_check_many.py [BASE ...] [--reports 1000] [--rounds 3] [--formats text,json] [--jobs 1,2]
"""
from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from timing import checked_out  # noqa: E402 — benchmarks/timing.py, beside this script

ROOT = Path(__file__).resolve().parent.parent
# The tree's own yusuan, whatever the installed one is.
COMMAND = "import sys; sys.path.insert(0, '.'); from yusuan.cli import main; main()"


def write_reports(folder: Path, count: int) -> None:
    """``count`` generated reports (tests/check/generate.py) as report.json, made by this tree."""
    sys.path.insert(0, str(ROOT))
    from tests.check.generate import generate_budget
    from yusuan.context import Context
    from yusuan.derive import derive

    shanxi = Context.create("shanxi-2024")
    for i in range(count):
        (folder / f"r{i:05d}.json").write_text(derive(generate_budget(random.Random(i)), shanxi).to_json(), encoding="utf-8")


def run(tree: Path, folder: Path, form: str, jobs: int, out: Path) -> tuple[float, float]:
    """(wall s, CPU s of the command and its workers) of one `check FOLDER`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", COMMAND, "check", str(folder), "-f", form, "-j", str(jobs), "-o", str(out)],
                          cwd=tree, capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{tree}: check failed ({done.returncode}): {done.stderr[-2000:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("bases", nargs="*")
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--formats", default="text,json")
    parser.add_argument("--jobs", default="1,2")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, checked_out(args.bases, tmp) as trees:
        trees["now"] = ROOT
        folder = Path(tmp) / "reports"
        folder.mkdir()
        write_reports(folder, args.reports)
        best: dict[tuple, tuple[float, float]] = {}
        for _ in range(args.rounds):
            for form in args.formats.split(","):
                for jobs in map(int, args.jobs.split(",")):
                    for name, tree in trees.items():
                        wall, cpu = run(tree, folder, form, jobs, Path(tmp) / f"out-{name}.{form}")
                        key = (form, jobs, name)
                        if key not in best or wall < best[key][0]:
                            best[key] = (wall, cpu)
        n = args.reports
        print(f"`yusuan check FOLDER` of {n} generated report.json, best of {args.rounds} (ms per report)")
        for form in args.formats.split(","):
            for jobs in map(int, args.jobs.split(",")):
                line = f"-f {form:<4} -j {jobs}:"
                for name in trees:
                    wall, cpu = best[(form, jobs, name)]
                    line += f"  {name}: {wall / n * 1000:5.2f} wall, {cpu / n * 1000:5.2f} CPU"
                print(line)


if __name__ == "__main__":
    main()
