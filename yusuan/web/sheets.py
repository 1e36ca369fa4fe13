"""A table as shown on a page, and its two downloads, CSV and XLSX, made from that one description
so that neither can drift from the screen or from the other.

``Shown`` holds the lines above the table (caption, title, unit line), its grid (the layout's
cells: a merged header cell at its first position, an amount cell with its exact Decimal), and
the lines below (a note). CSV writes each cell's displayed text; XLSX writes an amount as a
number whose format keeps exactly the decimals the page shows (6640.71 → 0.00, 12 → 0), and every
other cell as a text cell — never a formula, whatever it starts with (a unit named "=HYPERLINK(…)"
stays a name), the same rule as yusuan.render.xlsx.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from ..render import csvsafe, layout, reproducible

XLSX_MEDIA = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_NUMBER = re.compile(r"[+-]?\d+(?:\.(\d+))?")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


@dataclass
class Shown:
    name: str  # the sheet's name (表3, function …)
    above: list[list[str]] = field(default_factory=list)
    grid: layout.Grid = field(default_factory=lambda: layout.Grid(0, 0, []))
    below: list[str] = field(default_factory=list)
    year: int = 2024  # dates the workbook reproducibly (the same bytes for the same table)

    def text_rows(self) -> list[list[str]]:
        """The grid as printed rows: a merged cell's text at its first position, blanks over the rest."""
        rows = [[""] * self.grid.columns for _ in range(self.grid.rows)]
        for cell in self.grid.cells:
            rows[cell.row][cell.col] = cell.text
        return rows


def grid_of(header: list[str], rows: list[list]) -> layout.Grid:
    """A grid from a header and rows whose amounts are Decimals (shown by ``show``) or (text,
    Decimal) pairs when shown otherwise, and whose other cells are text: the tables beside the charts and on the department and comparison pages."""
    cells = [layout.Cell(0, c, h, header=True, align="center") for c, h in enumerate(header)]
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if isinstance(value, Decimal):
                cells.append(layout.Cell(r, c, show(value), align="right", value=value))
            elif isinstance(value, tuple):  # (text as shown, its Decimal): a signed change, a percentage
                text, number = value
                cells.append(layout.Cell(r, c, text, align="right", value=number if text else None))
            else:
                cells.append(layout.Cell(r, c, "" if value is None else str(value)))
    width = max([len(header)] + [len(r) for r in rows])
    return layout.Grid(width, len(rows) + 1, cells, header_rows=1)


def show(value) -> str:
    """How the pages print a cell: an amount with two decimals, nothing for no value."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value)


def to_csv(shown: Shown) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for line in shown.above:
        writer.writerow(csvsafe.row(line))
    numbers = {(c.row, c.col) for c in shown.grid.cells
               if c.value is not None and _NUMBER.fullmatch(c.text.strip().removesuffix("%"))}
    for r, row in enumerate(shown.text_rows()):
        # A number we printed from a Decimal is written as printed: csvsafe would put a quote
        # before a change's "+" (+12.00), which guards text, not our own digits.
        writer.writerow([text if (r, c) in numbers else csvsafe.cell(text) for c, text in enumerate(row)])
    for line in shown.below:
        writer.writerow(csvsafe.row([line]))
    return "\ufeff" + out.getvalue()  # a BOM, so that Excel opens the Chinese as UTF-8


def number_format(text: str) -> str:
    """The Excel format showing the number as the page printed it: as many decimals (text
    "6640.71" → "0.00"), a sign when the page writes "+" (a change), a percent sign ("+3.20%")."""
    core = text.strip()
    percent = core.endswith("%")
    core = core.rstrip("%")
    match = _NUMBER.fullmatch(core)
    decimals = len(match.group(1) or "") if match else 2
    base = ("0." + "0" * decimals if decimals else "0") + ("%" if percent else "")
    return f"+{base};-{base};{base}" if core.startswith("+") else base


def _text(cell, text: str) -> None:
    # openpyxl reads a string starting with "=" as a formula; data_type "s" keeps it a string.
    cell.value = text
    cell.data_type = "s"


def sheet_name(name: str) -> str:
    """Excel refuses []:*?/\\ in a sheet name and more than 31 characters."""
    return (_SHEET_FORBIDDEN.sub("-", name) or "表")[:31]


def to_xlsx(shown: Shown) -> bytes:
    book = Workbook()
    ws = book.active
    ws.title = sheet_name(shown.name)
    bold = Font(bold=True)
    top = 1
    for line in shown.above:
        for c, text in enumerate(line, start=1):
            _text(ws.cell(top, c), text)
        top += 1
    grid = shown.grid
    for cell in grid.cells:
        target = ws.cell(top + cell.row, cell.col + 1)
        if cell.value is not None:
            # a Decimal: openpyxl writes its exact digits; a percentage as the fraction Excel formats
            target.value = cell.value / 100 if cell.text.strip().endswith("%") else cell.value
            target.number_format = number_format(cell.text)
            target.alignment = Alignment(horizontal="right")
        elif cell.text:
            _text(target, cell.text)
        if cell.header:
            target.font = bold
            target.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        if cell.rowspan > 1 or cell.colspan > 1:
            ws.merge_cells(start_row=top + cell.row, start_column=cell.col + 1,
                           end_row=top + cell.row + cell.rowspan - 1, end_column=cell.col + cell.colspan)
    end = top + grid.rows
    for i, line in enumerate(shown.below):
        _text(ws.cell(end + i, 1), line)
    if grid.header_rows:
        ws.freeze_panes = ws.cell(top + grid.header_rows, 1)
    widths = [8.0] * max(grid.columns, 1)
    for cell in grid.cells:
        if cell.colspan == 1 and cell.col < len(widths):
            widths[cell.col] = max(widths[cell.col], min(layout.text_width(cell.text) + 2, 60))
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    buffer = io.BytesIO()
    # A fixed date instead of the clock: the same table downloads as the same bytes.
    when = reproducible.build_time(shown.year)
    book.properties.created = book.properties.modified = when
    ExcelWriter(book, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED)).save()
    return reproducible.fixed_zip(buffer.getvalue(), when)


def html_rows(grid: layout.Grid) -> list[list[layout.Cell]]:
    """The grid's cells per printed row, in column order, for a page to draw as <tr>/<td>."""
    rows: list[list[layout.Cell]] = [[] for _ in range(grid.rows)]
    for cell in grid.cells:
        rows[cell.row].append(cell)
    return [sorted(r, key=lambda c: c.col) for r in rows]
