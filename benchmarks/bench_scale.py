"""Is the cost linear in a budget's size? derive + check of the seed's budget with 1×, 10×, 100×
and 1000× its line items and projects (benchmarks/scaled_budget.py). Prints, per size, the time,
the time per line and its ratio to 1× (1.0 = linear), and the load of the budget file apart.
Prints figures, asserts nothing.

    python benchmarks/bench_scale.py [--factors 1,10,100,1000] [--baseline DIR [--baseline-factors 1,10,100]]

``--baseline DIR`` runs the same measurement on another checkout (``git worktree add /tmp/base
<commit>``) in a child process, in the same run, and prints old against new (by default not
at 1000×: a quadratic baseline takes many minutes there).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scaled_budget import dump, scaled, seed_data  # noqa: E402


def api():
    """derive(budget) and check(report) of the checkout being measured: derive takes a Context
    since the templates became packages; before that it took the budget alone."""
    import inspect

    from yusuan.check import check
    from yusuan.derive import derive

    if list(inspect.signature(derive).parameters)[1:2] != ["context"]:
        return derive, check
    from yusuan.context import Context

    context = Context.create("shanxi-2024")
    return (lambda budget: derive(budget, context)), check


def best(fn, repeat: int) -> tuple[float, object]:
    """The least wall time of ``repeat`` runs (the others are the machine's noise) and the result."""
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return min(times), result


def measure(factors: list[int]) -> list[dict]:
    from yusuan.read.budget_yaml import read_budget

    derive, check = api()
    seed = seed_data()
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for factor in factors:
            path = Path(folder) / f"budget-x{factor}.yaml"
            path.write_text(dump(scaled(seed, factor)), encoding="utf-8")
            repeat = max(1, min(20, 200 // factor))
            if factor == factors[0]:
                check(derive(read_budget(path)))  # warm: catalogs, templates, imports
            load_s, budget = best(lambda: read_budget(path), min(repeat, 3))
            derive_s, report = best(lambda: derive(budget), repeat)
            check_s, findings = best(lambda: check(report), repeat)
            rows.append({"factor": factor, "lines": len(budget.lines), "projects": len(budget.projects),
                         "bytes": path.stat().st_size, "load": load_s, "derive": derive_s, "check": check_s,
                         "findings": len(findings)})
    return rows


def show(rows: list[dict], title: str) -> None:
    print(title)
    print(f"{'size':>6} {'lines':>7} {'projects':>8} {'load s':>8} {'derive s':>9} {'check s':>8} "
          f"{'d+c s':>8} {'µs/line':>8} {'ratio':>6} {'load µs/line':>13}")
    first = (rows[0]["derive"] + rows[0]["check"]) / rows[0]["lines"]
    for r in rows:
        both = r["derive"] + r["check"]
        per_line = both / r["lines"]
        print(f"{r['factor']:>5}× {r['lines']:>7} {r['projects']:>8} {r['load']:>8.3f} {r['derive']:>9.3f} "
              f"{r['check']:>8.3f} {both:>8.3f} {per_line * 1e6:>8.1f} {per_line / first:>6.2f} "
              f"{r['load'] / r['lines'] * 1e6:>13.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--factors", default="1,10,100,1000")
    parser.add_argument("--baseline", type=Path, help="a checkout of an earlier commit, measured alike")
    parser.add_argument("--baseline-factors", default="1,10,100")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)  # the child's output
    args = parser.parse_args()
    factors = [int(f) for f in args.factors.split(",")]
    if args.json:
        print(json.dumps(measure(factors)))
        return
    new = measure(factors)
    show(new, f"this checkout ({Path(__file__).resolve().parent.parent}):")
    if args.baseline:
        env = {**os.environ, "PYTHONPATH": str(args.baseline.resolve())}
        child = subprocess.run([sys.executable, __file__, "--json", "--factors", args.baseline_factors],
                               env=env, capture_output=True, text=True, check=True)
        old = json.loads(child.stdout)
        print()
        show(old, f"baseline ({args.baseline}):")
        print()
        print(f"{'size':>6} {'old d+c s':>10} {'new d+c s':>10} {'speed-up':>9} {'old load s':>11} {'new load s':>11} {'speed-up':>9}")
        by_factor = {n["factor"]: n for n in new}
        for o in old:
            n = by_factor.get(o["factor"])
            if n is None:
                continue
            o_both, n_both = o["derive"] + o["check"], n["derive"] + n["check"]
            print(f"{n['factor']:>5}× {o_both:>10.3f} {n_both:>10.3f} {o_both / n_both:>8.1f}× "
                  f"{o['load']:>11.3f} {n['load']:>11.3f} {o['load'] / n['load']:>8.1f}×")


if __name__ == "__main__":
    main()
