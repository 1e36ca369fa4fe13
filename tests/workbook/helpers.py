"""Write a budget to a workbook file, and read one back, for the workbook tests."""
from __future__ import annotations

from pathlib import Path

from yusuan.read.budget_yaml import read_budget
from yusuan.workbook.write import write_workbook

ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "tests" / "data" / "small-budget.yaml"
SEED = ROOT / "examples" / "tunliu-police-2024" / "budget.yaml"
SEED_XLSX = ROOT / "examples" / "tunliu-police-2024" / "budget.xlsx"


def workbook_file(tmp_path: Path, budget=None, name: str = "budget.xlsx") -> Path:
    path = tmp_path / name
    path.write_bytes(write_workbook(budget))
    return path


def small_budget():
    return read_budget(SMALL)
