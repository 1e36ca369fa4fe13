"""Fixtures shared by the test packages."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# `YUSUAN_FUZZ=deep pytest tests/read/test_fuzz.py …`: the fuzz tests try 20× their CI budget
# (tests/fuzz.py scales each by this profile's max_examples over the default 100).
settings.register_profile("deep", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
if os.environ.get("YUSUAN_FUZZ"):
    settings.load_profile(os.environ["YUSUAN_FUZZ"])


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
