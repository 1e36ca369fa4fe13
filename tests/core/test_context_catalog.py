"""One context, threaded: a catalog given with --catalog names the codes in every format of
`build`, the line-item CSV of the Fiscal Data Package and the XLSX 预算明细 sheet included (they
used to fall back to the packaged names), and `check --catalog` is accepted."""
from __future__ import annotations

import csv
import io
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "tests" / "data" / "small-budget.yaml"
RENAMED = "行政运行（本地名称）"


def yusuan(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "yusuan.cli", *map(str, args)], capture_output=True, text=True, cwd=ROOT)


def test_a_custom_catalog_names_the_codes_in_every_format(tmp_path):
    codes = tmp_path / "functional-local.csv"
    codes.write_text(f"code,name,level,parent,source\n2040201,{RENAMED},项,20402,local list\n", encoding="utf-8")
    done = yusuan("build", SMALL, "--catalog", codes, "-f", "json,xlsx,datapackage", "-o", tmp_path / "out")
    assert done.returncode == 0, done.stderr
    assert RENAMED in (tmp_path / "out" / "report.json").read_text(encoding="utf-8")
    sheet = openpyxl.load_workbook(tmp_path / "out" / "report.xlsx", read_only=True)["预算明细"]
    assert any(RENAMED in row for row in sheet.iter_rows(values_only=True))
    with zipfile.ZipFile(tmp_path / "out" / "datapackage.zip") as archive:
        name = next(n for n in archive.namelist() if n.endswith(".csv"))
        rows = list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8"))))
    assert {r["func_name"] for r in rows if r["func"] == "2040201"} == {RENAMED}
    checked = yusuan("check", tmp_path / "out" / "report.json", "--catalog", codes)
    assert checked.returncode in (0, 1) and "error: " not in checked.stderr
