"""Is the cost linear in a budget's size? derive + check of the seed's budget with 1×, 10×, 100×
and 1000× its line items and projects (benchmarks/scaled_budget.py). Prints, per size, the time,
the time per line and its ratio to 1× (1.0 = linear), the same with Python's cyclic garbage
collector off (what the algorithm costs, apart from the collector's passes over a growing heap),
the load of the budget file apart, and `check`'s reports/s per core on the seed's report.json.
Prints figures, asserts nothing.

    python benchmarks/bench_scale.py [--factors 1,10,100,1000] [--baseline DIR [--baseline-factors 1,10,100]]

``--baseline DIR`` runs the same measurement on another checkout (``git worktree add /tmp/base
<commit>``) in a child process, in the same run, and prints old against new (by default not
at 1000×: a quadratic baseline takes many minutes there).
"""
from __future__ import annotations

import argparse
import gc
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


def best(fn, repeat: int, collect: bool = True) -> tuple[float, object]:
    """The least wall time of ``repeat`` runs (the others are the machine's noise) and the result;
    ``collect=False``: with the cyclic garbage collector off during the runs."""
    times, result = [], None
    for _ in range(repeat):
        if not collect:
            gc.disable()
        try:
            started = time.perf_counter()
            result = fn()
            times.append(time.perf_counter() - started)
        finally:
            gc.enable()
    return min(times), result


def check_rate(report, check, seconds: float = 2.0) -> float:
    """Reports checked per second of this process's CPU time (one core): the seed's Report as
    report.json holds it, read back from its JSON the way `yusuan check report.json` gets it."""
    from yusuan.report import Report

    report = Report.model_validate_json(report.model_dump_json())
    count, started = 0, time.process_time()
    while time.process_time() - started < seconds:
        check(report)
        count += 1
    return count / (time.process_time() - started)


def measure(factors: list[int]) -> dict:
    from yusuan.read.budget_yaml import read_budget

    derive, check = api()
    seed = seed_data()
    rows, rate = [], None
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
            # The same without the collector: what the algorithm costs, apart from the passes
            # the collector makes over a heap that grows with the budget.
            derive_nogc, _ = best(lambda: derive(budget), repeat, collect=False)
            check_nogc, _ = best(lambda: check(report), repeat, collect=False)
            rows.append({"factor": factor, "lines": len(budget.lines), "projects": len(budget.projects),
                         "bytes": path.stat().st_size, "load": load_s, "derive": derive_s, "check": check_s,
                         "nogc": derive_nogc + check_nogc, "findings": len(findings)})
            if factor == 1:
                rate = check_rate(report, check)
    return {"rows": rows, "check_rate": rate}


def show(result: dict, title: str) -> None:
    rows = result["rows"]
    print(title)
    print(f"{'size':>6} {'lines':>7} {'projects':>8} {'load s':>8} {'derive s':>9} {'check s':>8} "
          f"{'d+c s':>8} {'µs/line':>8} {'ratio':>6} {'gc off: d+c s':>14} {'µs/line':>8} {'ratio':>6} {'findings':>9}")
    first = (rows[0]["derive"] + rows[0]["check"]) / rows[0]["lines"]
    first_nogc = rows[0]["nogc"] / rows[0]["lines"]
    for r in rows:
        both = r["derive"] + r["check"]
        per_line, per_line_nogc = both / r["lines"], r["nogc"] / r["lines"]
        print(f"{r['factor']:>5}× {r['lines']:>7} {r['projects']:>8} {r['load']:>8.3f} {r['derive']:>9.3f} "
              f"{r['check']:>8.3f} {both:>8.3f} {per_line * 1e6:>8.1f} {per_line / first:>6.2f} "
              f"{r['nogc']:>14.3f} {per_line_nogc * 1e6:>8.1f} {per_line_nogc / first_nogc:>6.2f} {r['findings']:>9}")
    if result["check_rate"]:
        print(f"check of the seed's report.json: {result['check_rate']:.0f} reports/s per core "
              f"({1000 / result['check_rate']:.2f} ms each)")


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
        by_factor = {n["factor"]: n for n in new["rows"]}
        for o in old["rows"]:
            n = by_factor.get(o["factor"])
            if n is None:
                continue
            o_both, n_both = o["derive"] + o["check"], n["derive"] + n["check"]
            print(f"{n['factor']:>5}× {o_both:>10.3f} {n_both:>10.3f} {o_both / n_both:>8.1f}× "
                  f"{o['load']:>11.3f} {n['load']:>11.3f} {o['load'] / n['load']:>8.1f}×")
        if old["check_rate"] and new["check_rate"]:
            print(f"check of the seed's report.json, reports/s per core: old {old['check_rate']:.0f}, "
                  f"new {new['check_rate']:.0f} ({new['check_rate'] / old['check_rate']:.2f}×)")


if __name__ == "__main__":
    main()
