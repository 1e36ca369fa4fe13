"""Fixtures shared by the test packages."""
from __future__ import annotations

from pathlib import Path

import pytest


def _write_edited(path: Path, workbook: bytes, edits) -> Path:
    """``workbook`` written to ``path`` with each (sheet, row, column, value) typed in — as a user
    in Excel would, so a position covered by a merged cell is left alone."""
    from openpyxl import load_workbook
    from openpyxl.cell.cell import MergedCell

    path.write_bytes(workbook)
    book = load_workbook(path)
    for sheet, row, column, value in edits:
        cell = book[sheet].cell(row, column)
        if not isinstance(cell, MergedCell):
            cell.value = value
    book.save(path)
    return path


@pytest.fixture
def edited_workbook():
    return _write_edited
