"""Reading published reports: the seed text (ms, MB/s), a PDF of the seed (pages/s), and
pdfplumber's generic extract_tables on the same PDF as the baseline (cells in the right place,
time ratio); the workbook of the seed's tables (sheets/s); a folder of PDFs read one at a time
and in worker processes (`yusuan read DIR --jobs`). Run: python benchmarks/bench_read.py"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.read.conftest import EXAMPLE_BUDGET, SEED, cells  # noqa: E402
from yusuan.derive import derive  # noqa: E402
from yusuan.inputs import read_budget  # noqa: E402
from yusuan.read import published  # noqa: E402
from yusuan.render import renderers  # noqa: E402
from tests.contexts import SHANXI, DETECT


def best(fn, repeat: int = 5) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return min(times), result


def in_place(read, derived) -> tuple[int, int]:
    """(cells equal to the derived ones, cells) over the 13 tables."""
    right = total = 0
    for table in derived.tables:
        for got, want in zip(cells(read, table.id), cells(derived, table.id)):
            right += sum(a == b for a, b in zip(got, want))
            total += len(want)
    return right, total


def main() -> None:
    size = SEED.stat().st_size
    published(SEED, DETECT)  # warm the catalog and template caches
    seconds, _ = best(lambda: published(SEED, DETECT), 10)
    print(f"seed text: {size / 1024:.0f} KB read in {seconds * 1000:.1f} ms = {size / seconds / 1e6:.2f} MB/s")

    derived = derive(read_budget(EXAMPLE_BUDGET), SHANXI)
    pdf = Path(tempfile.mkdtemp()) / "seed.pdf"
    pdf.write_bytes(renderers()["pdf"].render(derived, None))
    import pdfplumber

    with pdfplumber.open(str(pdf)) as doc:
        pages = len(doc.pages)
    ours_s, result = best(lambda: published(pdf, DETECT), 3)
    right, total = in_place(result.report, derived)
    print(f"seed PDF ({pages} pages): ours {ours_s:.2f} s = {pages / ours_s:.1f} pages/s; "
          f"{right}/{total} table cells in the right place ({right / total:.1%})")

    def baseline():
        with pdfplumber.open(str(pdf)) as doc:
            return [t for page in doc.pages for t in page.extract_tables()]

    base_s, grids = best(baseline, 3)
    # A baseline cell is in the right place when some extracted grid has, at the row whose
    # first cell equals a derived row's first label, the derived cell at the same column index.
    rows_by_key = {}
    for grid in grids:
        for row in grid:
            if row and row[0]:
                rows_by_key.setdefault(str(row[0]).replace("\n", ""), row)
    base_right = 0
    for table in derived.tables:
        for want in cells(derived, table.id):
            row = rows_by_key.get(want[0])
            if row is None:
                continue
            base_right += sum(1 for i, cell in enumerate(want)
                              if i < len(row) and (row[i] or "").replace("\n", "") == cell)
    print(f"pdfplumber extract_tables: {len(grids)} grids in {base_s:.2f} s = {pages / base_s:.1f} pages/s; "
          f"{base_right}/{total} cells in the right place ({base_right / total:.1%}); "
          f"time ratio ours/baseline = {ours_s / base_s:.2f}")

    xlsx = pdf.with_suffix(".xlsx")
    xlsx.write_bytes(renderers()["xlsx"].render(derived, None))
    xlsx_s, result = best(lambda: published(xlsx, DETECT), 3)
    right, total = in_place(result.report, derived)
    print(f"seed tables workbook (14 sheets): {xlsx_s:.2f} s = {14 / xlsx_s:.1f} sheets/s; "
          f"{right}/{total} table cells in the right place ({right / total:.1%})")

    import os
    import shutil
    import subprocess

    folder = pdf.parent / "folder"
    folder.mkdir()
    copies = 4
    for i in range(copies):
        shutil.copy(pdf, folder / f"unit-{i}.pdf")
    timings = {}
    for jobs in (1, os.cpu_count() or 1):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "yusuan.cli", "read", str(folder), "-o", str(pdf.parent / f"out-{jobs}"),
                        "--jobs", str(jobs)], check=True, capture_output=True)
        timings[jobs] = time.perf_counter() - started
    line = ", ".join(f"--jobs {j}: {t:.1f} s ({copies * pages / t:.1f} pages/s)" for j, t in timings.items())
    print(f"a folder of {copies} copies of the seed PDF: {line}; speed-up {timings[1] / timings[max(timings)]:.2f}×")


if __name__ == "__main__":
    main()
