"""Reports checked per second per core: the seed (as read from its published text) and 1,000
generated reports (tests/check/generate.py, derived once, untimed). Prints figures, asserts nothing.

    python benchmarks/bench_check.py [count]
"""
from __future__ import annotations

import random
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests.check.generate: the same budgets as the property tests

from tests.check.generate import generate_budget  # noqa: E402
from tests.check.mutation import uncaught_cells  # noqa: E402
from yusuan.check import check  # noqa: E402
from yusuan.check.registry import rules_for  # noqa: E402
from yusuan.templates import load  # noqa: E402
from yusuan.derive import derive  # noqa: E402
from yusuan.read.published import published  # noqa: E402
from tests.contexts import SHANXI, DETECT

SEED = ROOT / "tests" / "data" / "tunliu-police-2024.txt"


def rate(reports, repeat: int = 1) -> tuple[float, Counter]:
    """Reports per second on one core (this process), and the findings by severity."""
    severities: Counter = Counter()
    started = time.process_time()
    for _ in range(repeat):
        for report in reports:
            severities.update(f.severity for f in check(report))
    elapsed = time.process_time() - started
    return len(reports) * repeat / elapsed, severities


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    started = time.perf_counter()
    seed = published(SEED, DETECT).report
    read_s = time.perf_counter() - started
    check(seed)  # warm: templates, catalogs
    seed_rate, seed_found = rate([seed], repeat=200)

    started = time.perf_counter()
    reports = [derive(generate_budget(random.Random(i)), SHANXI) for i in range(count)]
    derive_s = time.perf_counter() - started
    generated_rate, found = rate(reports)
    cells = sum(len(r.values) for rep in reports for t in rep.tables for r in t.rows) / count

    started = time.process_time()
    missed = uncaught_cells(seed.model_copy(deep=True))
    mutation_s = time.process_time() - started

    print(f"rules: {len(rules_for(load(seed.template, seed.year)))}")
    print(f"seed (read from text in {read_s * 1000:.0f} ms): {seed_rate:8.1f} reports/s per core "
          f"({1000 / seed_rate:.2f} ms each); findings per run: { {k: v // 200 for k, v in seed_found.items()} }")
    print(f"{count} generated reports (derived in {derive_s:.1f} s, {cells:.0f} amount cells each): "
          f"{generated_rate:8.1f} reports/s per core ({1000 / generated_rate:.2f} ms each); "
          f"findings in all: {dict(found)}")
    print(f"ratio generated/seed speed: {generated_rate / seed_rate:.2f}")
    print(f"mutation of every amount cell of the seed by 0.02: {mutation_s:.2f} s, {len(missed)} not caught")


if __name__ == "__main__":
    main()
