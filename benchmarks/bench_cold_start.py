"""Cold start of `yusuan check one.json` and `yusuan build one.yaml -f json`: CPU (user + system of
the process) and wall per command, median of N rounds, each a fresh interpreter. Beside them, in
the same run and rounds alternating (a machine busy with something else disturbs all alike):

- baselines: `python -c pass` (the interpreter and site, with this machine's .pth files) and
  `python -c "import pydantic, typer"` (the libraries any command needs);
- with --base COMMIT: the same commands in that commit's tree (a `git worktree` in /tmp);
- two bytecode modes: "source", where nothing of yusuan is compiled beforehand (what a fresh
  editable install gives with PYTHONDONTWRITEBYTECODE=1 set, as on this machine: every module is
  compiled from its source at each command), and "bytecode", where it is (`python -m compileall`,
  what a regular `pip install` does; here into a PYTHONPYCACHEPREFIX in /tmp, so that the tree is
  not touched).

Prints figures, asserts nothing.

    python benchmarks/bench_cold_start.py [--rounds 7] [--base COMMIT] [--now COMMIT] [--imports]

--now measures a commit (its own worktree) instead of the working tree: on a tree where others
are editing files, what they have not committed is left out, and no module of it goes stale.
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from timing import checked_out  # noqa: E402 — benchmarks/timing.py, beside this script

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "tunliu-police-2024" / "budget.yaml"


def run(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one run of ``command``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime, wall


def environment(tree: Path, mode: str, cache: Path) -> dict[str, str]:
    """The tree's code first on the path; in "bytecode" mode its compiled modules (and the
    libraries') read from ``cache``, in "source" mode none written anywhere."""
    env = {**os.environ, "PYTHONPATH": str(tree), "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("PYTHONPYCACHEPREFIX", None)
    if mode == "bytecode":
        env["PYTHONPYCACHEPREFIX"] = str(cache)
    return env


def top_imports(tree: Path, command: list[str], env: dict[str, str], count: int = 12) -> list[str]:
    """The modules imported at the top level that cost most (cumulative µs), from -X importtime."""
    done = subprocess.run([sys.executable, "-X", "importtime", *command[1:]], cwd=tree, env=env,
                          capture_output=True, text=True)
    rows = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _, cumulative, name = line[len("import time:"):].split("|")
        if cumulative.strip().isdigit() and not name.startswith("  "):
            rows.append((int(cumulative), name.strip()))
    return [f"{name} {us / 1000:.1f}" for us, name in sorted(rows, reverse=True)[:count]]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--base", default=None, help="a commit to measure beside the working tree")
    parser.add_argument("--now", default=None, help="a commit to measure instead of the working tree")
    parser.add_argument("--imports", action="store_true", help="also list the costliest top-level imports")
    options = parser.parse_args()
    python = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        subprocess.run([python, "-m", "yusuan.cli", "build", str(SEED), "-f", "json", "-o", str(tmp / "one")],
                       cwd=ROOT, check=True, capture_output=True)
        report = tmp / "one" / "report.json"
        commands = {
            "check one.json": [python, "-m", "yusuan.cli", "check", str(report)],
            "build -f json": [python, "-m", "yusuan.cli", "build", str(SEED), "-f", "json", "-o", str(tmp / "cold")],
        }
        baselines = {
            "python -c pass": [python, "-c", "pass"],
            "import pydantic, typer": [python, "-c", "import pydantic, typer"],
        }
        figures: dict[tuple[str, str, str], list[tuple[float, float]]] = {}
        with checked_out(list(dict.fromkeys(c for c in (options.base, options.now) if c)), tmp) as checked:
            trees = {f"now {options.now}": checked[options.now]} if options.now else {"now": ROOT}
            if options.base:
                trees = {f"base {options.base}": checked[options.base], **trees}
            caches = {name: tmp / f"pyc-{n}" for n, name in enumerate(trees)}
            for name, tree in trees.items():  # compile everything once, into the cache only
                subprocess.run([python, "-m", "compileall", "-q", str(tree / "yusuan")], cwd=tree, capture_output=True,
                               env={**environment(tree, "bytecode", caches[name]), "PYTHONDONTWRITEBYTECODE": ""})
                for command in commands.values():  # and the libraries the commands import
                    subprocess.run(command, cwd=tree, capture_output=True,
                                   env={**environment(tree, "bytecode", caches[name]), "PYTHONDONTWRITEBYTECODE": ""})
            for _ in range(options.rounds):
                for what, command in baselines.items():
                    figures.setdefault(("baseline", what, ""), []).append(run(command, ROOT, environment(ROOT, "source", tmp)))
                for name, tree in trees.items():
                    for mode in ("source", "bytecode"):
                        for what, command in commands.items():
                            figures.setdefault((name, what, mode), []).append(
                                run(command, tree, environment(tree, mode, caches[name])))
            if options.imports:
                for name, tree in trees.items():
                    for what, command in commands.items():
                        print(f"{name}, {what} (bytecode), top-level imports ms: "
                              + ", ".join(top_imports(tree, command, environment(tree, "bytecode", caches[name]))))

    def median(key: tuple[str, str, str]) -> tuple[float, float]:
        cpu, wall = zip(*figures[key])
        return statistics.median(cpu) * 1000, statistics.median(wall) * 1000

    def least(key: tuple[str, str, str]) -> float:  # the least CPU: what the command costs when nothing disturbs it
        return min(cpu for cpu, _ in figures[key]) * 1000

    print(f"cold start, median of {options.rounds} rounds, ms CPU / wall (and the least CPU of the rounds)")
    for what in baselines:
        cpu, wall = median(("baseline", what, ""))
        print(f"  {'baseline ' + what:42s} {cpu:6.0f} / {wall:5.0f} (least {least(('baseline', what, '')):4.0f})")
    start_cpu = median(("baseline", "python -c pass", ""))[0]
    for what in commands:
        for mode in ("source", "bytecode"):
            cells = []
            for name in trees:
                cpu, wall = median((name, what, mode))
                cells.append(f"{name} {cpu:5.0f} / {wall:5.0f} ({cpu - start_cpu:+4.0f} over python; least {least((name, what, mode)):4.0f})")
            print(f"  {what + ', ' + mode:28s} " + ";  ".join(cells))
    if options.base:
        now = next(name for name in trees if name.startswith("now"))
        for what in commands:
            ratios = [median((now, what, m))[0] / median((f"base {options.base}", what, m))[0] for m in ("source", "bytecode")]
            leasts = [least((now, what, m)) / least((f"base {options.base}", what, m)) for m in ("source", "bytecode")]
            print(f"  now/base CPU, {what}: medians source {ratios[0]:.2f}, bytecode {ratios[1]:.2f}; "
                  f"leasts source {leasts[0]:.2f}, bytecode {leasts[1]:.2f}")


if __name__ == "__main__":
    main()
