"""Generated budgets at scale (yusuan/synth.py): `yusuan synth` of 1,000 and 10,000 units
(seconds, MB written, peak resident memory of the process), then read + derive + check per budget (ms) on a sample of
the files written (all of them with --all), and departments: a sample of the departments of the last year consolidated
(`yusuan consolidate`), derived, checked, and checked against their units' reports (`check --units`, the D.* rules),
beside the units' own derive + check in the same run. Prints figures, asserts nothing.

    python benchmarks/bench_synth.py [--units 1000,10000] [--years 2023-2025] [--sample 300] [--all]
"""
from __future__ import annotations

import argparse
import random
import resource
import shutil
import sys
import tempfile
import time
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from yusuan.check import check  # noqa: E402
from yusuan.commands.synth import parse_years  # noqa: E402
from yusuan.context import Context  # noqa: E402
from yusuan.derive import derive  # noqa: E402
from yusuan.inputs import read_budget  # noqa: E402


def synth(count: int, years: list[int], out: Path) -> tuple[float, int, int, float]:
    """(seconds, files, bytes, peak resident MB) of `yusuan synth` writing ``count`` units, run
    in a child process so that its peak memory is its own (tracemalloc would slow it threefold)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "yusuan.cli", "synth", "--units", str(count), "--seed", "0",
                    "--years", f"{years[0]}-{years[-1]}", "-o", str(out)], check=True, capture_output=True)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    files = sorted(out.glob("*/*.yaml"))
    # ru_maxrss of the children is the largest child's so far: the later, larger run is its own.
    return seconds, len(files), sum(f.stat().st_size for f in files), max(peak, before) / 1024


def derive_and_check(paths: list[Path], template: str) -> tuple[float, float, float, int]:
    """Per budget: ms to read, to derive, to check; and the error findings over all."""
    context = Context.create(template)
    read_s = derive_s = check_s = 0.0
    errors = 0
    for path in paths:
        t0 = time.perf_counter()
        budget = read_budget(path, context.catalog)
        t1 = time.perf_counter()
        report = derive(budget, context)
        t2 = time.perf_counter()
        errors += sum(1 for f in check(report) if f.severity == "error")
        t3 = time.perf_counter()
        read_s, derive_s, check_s = read_s + t1 - t0, derive_s + t2 - t1, check_s + t3 - t2
    n = len(paths)
    return 1000 * read_s / n, 1000 * derive_s / n, 1000 * check_s / n, errors


def departments(out: Path, year: int, sample: int) -> None:
    """Consolidate ``sample`` departments of ``year`` (of 2+ units), derive, check, and check the
    department against its units' reports: ms per department and per unit, and error findings."""
    import csv
    from collections import defaultdict

    from yusuan.check.department import department_findings
    from yusuan.consolidate import consolidate

    context = Context.create("shanxi-2024")
    members: dict[str, list[str]] = defaultdict(list)
    with open(out / "units.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if str(year) in row["years"].split():  # the unit's years, blank-separated
                members[row["department_code"]].append(row["path"])
    chosen = [codes for codes in members.values() if len(codes) > 1][:sample]
    units_s = whole_s = 0.0
    errors = d_errors = units = 0
    for codes in chosen:
        t0 = time.perf_counter()
        budgets = [read_budget(out / code / f"{code}-{year}.yaml", context.catalog) for code in codes]
        reports = [derive(b, context) for b in budgets]
        for report in reports:
            check(report)
        t1 = time.perf_counter()
        department = consolidate(budgets, budgets[0].unit.department)
        report = derive(department, context)
        errors += sum(1 for f in check(report) if f.severity == "error")
        d_errors += sum(1 for f in department_findings(report, reports) if f.severity == "error")
        t2 = time.perf_counter()
        units_s, whole_s, units = units_s + t1 - t0, whole_s + t2 - t1, units + len(codes)
    n = len(chosen) or 1
    print(f"    departments of {year}: {len(chosen)} of 2+ units ({units} units): consolidate + derive + check + D.* "
          f"{1000 * whole_s / n:6.1f} ms a department; beside: its units read + derived + checked {1000 * units_s / n:6.1f} ms "
          f"({1000 * units_s / max(units, 1):5.1f} ms a unit); error findings: {errors} (check), {d_errors} (D.*)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", default="1000,10000")
    parser.add_argument("--years", default="2023-2025")
    parser.add_argument("--sample", type=int, default=300)
    parser.add_argument("--all", action="store_true", help="derive and check every file written, not a sample")
    parser.add_argument("--departments", type=int, default=50, help="departments consolidated and checked against their units")
    args = parser.parse_args()
    years = parse_years(args.years)
    print(f"yusuan synth, years {years[0]}–{years[-1]} ({len(years)} budgets a unit), seed 0")
    work = Path(tempfile.mkdtemp(prefix="bench-synth-"))
    try:
        for count in (int(c) for c in args.units.split(",")):
            out = work / f"u{count}"
            seconds, files, size, peak = synth(count, years, out)
            print(f"  {count:>6,} units: {seconds:7.2f} s, {files:,} files, {size / 1e6:7.1f} MB written, "
                  f"{1000 * seconds / files:.2f} ms a budget, peak resident {peak:.0f} MB (the process)")
            paths = sorted(out.glob("*/*.yaml"))
            chosen = paths if args.all else random.Random(0).sample(paths, min(args.sample, len(paths)))
            for template in ("shanxi-2024", "shanghai-yusuan-danwei"):
                read_ms, derive_ms, check_ms, errors = derive_and_check(chosen, template)
                total = read_ms + derive_ms + check_ms
                print(f"    {template:<24} {len(chosen):>6,} budgets: read {read_ms:5.1f} ms + derive {derive_ms:5.1f} ms + "
                      f"check {check_ms:5.1f} ms = {total:5.1f} ms a budget ({1000 / total:5.1f}/s on one core); "
                      f"all {files:,}: ≈{files * total / 1000 / 60:.1f} min on one core; error findings: {errors}")
            departments(out, years[-1], args.departments)
            shutil.rmtree(out)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"  max resident set size of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
