"""Instructions per `check`, counted by valgrind's callgrind — the same on a loaded machine as on a
quiet one, where reports/s are not (bench_check_vs_base.py gives those). Each tree counts its own
code on the same reports: the seed as read from its text (with places) and N generated reports
(tests/check/generate.py, derived with shanxi-2024), both written once as report.json by this tree.
Only the checks are counted: collection is on inside ``functools.reduce`` alone, the loop that
runs them (``--toggle-collect``), not while importing or loading.

    python benchmarks/bench_check_callgrind.py [BASE ...] [--seed-runs 20] [--generated 50]
    # BASE: commits checked out with git worktree in /tmp; the tree itself is "now"
"""
from __future__ import annotations

import random
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from timing import checked_out  # noqa: E402 — benchmarks/timing.py, beside this script

ROOT = Path(__file__).resolve().parent.parent

PROBE = r'''
import functools, sys
from pathlib import Path
sys.path.insert(0, ".")
from yusuan.check import check
from yusuan.report import Report
folder, which, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
if which == "seed":
    reports = [Report.from_json((folder / "seed.json").read_text(encoding="utf-8"))] * count
else:
    reports = [Report.from_json(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("gen-*.json"))[:count]]
check(reports[0])  # warm: template, rules, catalogs
functools.reduce(lambda n, r: n + len(check(r)), reports, 0)
'''


def write_reports(folder: Path, generated: int) -> None:
    sys.path.insert(0, str(ROOT))
    from tests.check.generate import generate_budget
    from yusuan.context import Context
    from yusuan.derive import derive
    from yusuan.read.published import published

    seed = published(ROOT / "tests" / "data" / "tunliu-police-2024.txt", Context.create(None)).report
    (folder / "seed.json").write_text(seed.to_json(), encoding="utf-8")
    shanxi = Context.create("shanxi-2024")
    for i in range(generated):
        (folder / f"gen-{i:05d}.json").write_text(derive(generate_budget(random.Random(i)), shanxi).to_json(), encoding="utf-8")


def instructions(tree: Path, folder: Path, which: str, count: int) -> float:
    """Instructions per check of ``which`` (seed | generated), in millions."""
    with tempfile.TemporaryDirectory() as tmp:
        done = subprocess.run(["valgrind", "--tool=callgrind", "--collect-atstart=no", "--toggle-collect=functools_reduce",
                               f"--callgrind-out-file={tmp}/out", sys.executable, "-c", PROBE, str(folder), which, str(count)],
                              cwd=tree, capture_output=True, text=True)
    found = re.search(r"Collected : (\d+)", done.stderr)
    if done.returncode or not found:
        raise SystemExit(f"{tree}: {done.stderr.strip()[-2000:]}")
    return int(found.group(1)) / count / 1e6


def main() -> None:
    args = sys.argv[1:]
    options = {"--seed-runs": 20, "--generated": 50}
    for option in options:
        if option in args:
            i = args.index(option)
            options[option] = int(args[i + 1])
            del args[i:i + 2]
    bases = args
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "reports"
        folder.mkdir()
        write_reports(folder, options["--generated"])
        with checked_out(bases, tmp) as trees:
            trees["now"] = ROOT
            print(f"check, million instructions per report (callgrind; seed × {options['--seed-runs']}, "
                  f"{options['--generated']} generated)")
            print(f"  {'tree':<10} {'seed':>8} {'generated':>10}")
            for name, tree in trees.items():
                seed = instructions(tree, folder, "seed", options["--seed-runs"])
                generated = instructions(tree, folder, "generated", options["--generated"])
                print(f"  {name:<10} {seed:8.2f} {generated:10.2f}")


if __name__ == "__main__":
    main()
