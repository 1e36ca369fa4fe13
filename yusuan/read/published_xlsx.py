"""A published report's workbook (a sheet per official table, as our XLSX renderer and the
budget systems export them) as lines for the published-report reader.

Each sheet is cut into its title rows (caption, title, unit line: no borders) and its ruled
grid; the grid goes through grid_text.py like a PDF's ruled table, so an empty cell stays an
empty field and a merged cell covers its positions once. Amounts are written as the sheet
shows them (its number format), exactly: openpyxl gives a float, which is turned into a
Decimal through its shortest repr and rounded to the format's places, never computed on.
"""
from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from ..errors import InputError
from .grid_text import is_performance, official_lines, performance_lines_by_row
from .published_lines import Line

# A sheet of the printed report starts with a table's caption or title: a line ending in 表, 表N
# or 表（…） (预算公开表6, 2024年预算收支总表, 项目支出绩效目标表); line items and instructions do not.
CAPTION = re.compile(r"表\d*$|表（[^）]*）$")
# Decimal places of a number format: "0.00" two; "#,##0.0#" one to two ('#' is shown only when not 0).
PLACES = re.compile(r"\.(0*)(#*)")


def _shown(cell) -> str | None:
    """The cell's text as displayed; None for a position covered by a merged cell."""
    if type(cell).__name__ == "MergedCell":
        return None
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float, Decimal)):
        amount = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        number_format = cell.number_format or "General"
        if number_format == "General":
            return format(amount.normalize(), "f")
        match = PLACES.search(number_format)
        required, optional = (len(match.group(1)), len(match.group(2))) if match else (0, 0)
        try:
            amount = amount.quantize(Decimal(1).scaleb(-(required + optional)), rounding=ROUND_HALF_UP)
        except InvalidOperation:  # beyond Decimal's precision (1e154): no amount; the reader says so where it lands
            return format(amount, "f")
        text = format(amount, ",f" if "#,##" in number_format else "f")
        for _ in range(optional):  # drop the optional places' trailing zeros
            if text.endswith("0"):
                text = text[:-1]
        return text.rstrip(".")
    return str(value)


def _ruled(row) -> bool:
    """A row of the table's grid: some cell has a left or top border (the title rows have none)."""
    def ruled(cell) -> bool:
        border = cell.border
        return border is not None and any(getattr(side, "style", None) for side in (border.left, border.top))
    return any(ruled(cell) for cell in row)


def _sheet_lines(ws) -> list[tuple[int, str]]:
    """(sheet row, text) of each line."""
    rows = list(ws.iter_rows())
    if not any(_ruled(row) for row in rows):
        # No ruling: the grid starts at the first row with three or more filled cells.
        start = next((i for i, row in enumerate(rows) if sum(bool(_shown(c)) for c in row) >= 3), len(rows))
        ruled = [i >= start for i in range(len(rows))]
    else:
        ruled = [_ruled(row) for row in rows]
    lines: list[tuple[int, str]] = []
    i = 0
    while i < len(rows):
        if not ruled[i]:
            text = " ".join(t for t in (_shown(c) for c in rows[i]) if t)
            if text.strip():
                lines.append((i + 1, text.strip()))
            i += 1
            continue
        j = i
        while j < len(rows) and ruled[j]:
            j += 1
        block = rows[i:j]
        grid = [[_shown(c) for c in row] for row in block]
        while grid and all(not c for c in grid[-1]):  # trailing blank rows of a sheet
            grid.pop()
        if is_performance(grid):
            lines += [(i + 1 + k, text) for k, text in performance_lines_by_row(grid)]
        else:
            texts = official_lines(grid, lambda k: int(block[k][0].alignment.indent or 0))
            lines += [(i + 1 + k, text) for k, text in enumerate(texts)]
        i = j
    return lines


def xlsx_lines(path: str | Path) -> list[Line]:
    """The lines of every sheet that holds an official table or the performance-target tables."""
    from ..limits import check_zip

    # Loaded whole (the borders and merges tell the tables), so the zip's declared sizes are checked
    # first: a 4 MB workbook declaring 1 GB of sheet XML would otherwise need some 20 GB.
    check_zip(path, what="report workbook")
    try:
        import openpyxl

        book = openpyxl.load_workbook(str(path), data_only=True)  # a formula's cached value, as Excel shows it
    except Exception as exc:  # openpyxl/zipfile raise many kinds on a damaged file
        raise InputError(path, None, f"not a readable workbook ({type(exc).__name__}: {exc})") from None
    lines: list[Line] = []
    for ws in book.worksheets:
        sheet = _sheet_lines(ws)
        if not any(CAPTION.search(text) for _, text in sheet[:3]):
            continue  # line items, instructions: not part of the printed report
        lines += [Line(text, len(lines) + 1 + i, f"sheet {ws.title} row {row}") for i, (row, text) in enumerate(sheet)]
    if not lines:
        raise InputError(path, None, "no sheet starts with a table's caption or title")
    return lines
