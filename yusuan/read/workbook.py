"""Read a budget workbook (budget.xlsx, from `yusuan template`): the same Budget as budget.yaml."""
from __future__ import annotations

from pathlib import Path

from ..budget import Budget


def read_workbook(path: str | Path, catalog=None) -> Budget:
    """Load and validate a budget workbook; raise InputErrors naming every bad sheet!cell."""
    from ..workbook.read import read_workbook as read

    return read(path, catalog)
