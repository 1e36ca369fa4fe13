"""Open whatever the user points the CLI at: a budget (yaml/xlsx), a report.json, a published report."""
from __future__ import annotations

from pathlib import Path

from .budget import Budget
from .errors import InputError


def read_budget(path: str | Path, catalog=None) -> Budget:
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        from .read.budget_yaml import read_budget as read_yaml

        return read_yaml(path, catalog)
    if suffix == ".xlsx":
        from .read.workbook import read_workbook

        return read_workbook(path, catalog)
    raise InputError(path, None, "a budget is a .yaml or .xlsx file")
