"""LibreOffice opens the workbook cleanly, computes its running totals, and saves what we read back.

Runs only where LibreOffice is installed (`apt-get install -y libreoffice-calc-nogui`).
"""
from __future__ import annotations

import shutil
import subprocess

import pytest
from openpyxl import load_workbook

from yusuan.read.budget_yaml import read_budget
from yusuan.workbook.read import read_workbook

from .helpers import FUND, SEED, SMALL, workbook_file

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")


def converted_by_libreoffice(tmp_path, budget):
    source = workbook_file(tmp_path, budget, "in.xlsx")
    out = tmp_path / "out"
    result = subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
         "--convert-to", "xlsx", "--outdir", str(out), str(source)],
        capture_output=True, text=True, timeout=180,
    )
    converted = out / "in.xlsx"
    assert result.returncode == 0 and converted.exists(), result.stdout + result.stderr
    assert "Error" not in result.stderr
    return converted


def test_libreoffice_converts_computes_and_keeps_the_budget(tmp_path):
    budget = read_budget(SEED if SEED.exists() else SMALL)
    converted = converted_by_libreoffice(tmp_path, budget)
    # LibreOffice evaluated the running totals: every 差额 on 收入 is 0, the line total is the lines' sum
    values = load_workbook(converted, data_only=True)
    income = values["收入"]
    assert [income[f"D{r}"].value for r in range(3, 9)] == [0] * 6
    total = sum(line.amount for line in budget.lines)
    assert round(values["支出明细"]["I1"].value, 2) == float(total)
    # and what it saved is still the same budget
    assert read_workbook(converted) == budget


def test_libreoffice_keeps_the_income_items_and_shows_their_sources(tmp_path):
    budget = read_budget(FUND)
    converted = converted_by_libreoffice(tmp_path, budget)
    sheet = load_workbook(converted, data_only=True)["收入科目"]
    assert [sheet[f"C{r}"].value for r in (3, 4, 5)] == ["政府性基金预算", "政府性基金预算", "国有资本经营预算"]
    assert sheet["C6"].value in (None, "")
    assert read_workbook(converted) == budget
