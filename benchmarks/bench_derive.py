"""Time to derive the seed's Report, and 1,000 copies of it. Prints figures, asserts nothing."""
from __future__ import annotations

import time
from pathlib import Path

from yusuan.catalog import Catalog
from yusuan.derive import derive
from yusuan.read.budget_yaml import read_budget
from tests.contexts import SHANXI, text_of

EXAMPLE = Path(__file__).parent.parent / "examples" / "tunliu-police-2024" / "budget.yaml"


def main() -> None:
    started = time.perf_counter()
    budget = read_budget(EXAMPLE)
    load_s = time.perf_counter() - started
    Catalog.default()
    derive(budget, SHANXI)  # warm: template and catalog caches

    started = time.perf_counter()
    report = derive(budget, SHANXI)
    one = time.perf_counter() - started

    copies = 1000
    started = time.perf_counter()
    for _ in range(copies):
        derive(budget, SHANXI)
    many = time.perf_counter() - started

    started = time.perf_counter()
    text = text_of(report)
    text_s = time.perf_counter() - started

    cells = sum(len(r.values) for t in report.tables for r in t.rows)
    print(f"seed budget: {len(budget.lines)} line items, {len(budget.projects)} projects -> "
          f"{len(report.tables)} tables, {cells} amount cells, {len(report.performance)} performance tables")
    print(f"load budget.yaml:        {load_s * 1000:8.1f} ms")
    print(f"derive once (warm):      {one * 1000:8.1f} ms")
    print(f"derive {copies} copies:      {many:8.2f} s  ({many / copies * 1000:.2f} ms each, {copies / many:.0f} reports/s on one core)")
    print(f"render text:             {text_s * 1000:8.1f} ms  ({len(text.encode()) / 1024:.0f} KiB)")
    print(f"ratio derive-1000 / derive-1: {many / one:.0f}x")


if __name__ == "__main__":
    main()
