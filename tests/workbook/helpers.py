"""Write a budget to a workbook file, and read one back, for the workbook tests."""
from __future__ import annotations

from pathlib import Path

from yusuan.read.budget_yaml import read_budget
from yusuan.workbook.write import write_workbook

ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "tests" / "data" / "small-budget.yaml"
FUND = ROOT / "tests" / "data" / "fund-budget.yaml"  # 政府性基金 and 国有资本经营 lines, with income_items
SEED = ROOT / "examples" / "tunliu-police-2024" / "budget.yaml"
SEED_XLSX = ROOT / "examples" / "tunliu-police-2024" / "budget.xlsx"


def workbook_file(tmp_path: Path, budget=None, name: str = "budget.xlsx") -> Path:
    path = tmp_path / name
    path.write_bytes(write_workbook(budget))
    return path


def small_budget():
    return read_budget(SMALL)


def fund_budget():
    return read_budget(FUND)
