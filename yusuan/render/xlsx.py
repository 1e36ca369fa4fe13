"""XLSX (openpyxl): a sheet per official table (表1 … 表13) as printed — caption, title and
unit rows, the template's merged header, numbers as numbers in format 0.00, the header
frozen — a sheet with the performance-target tables, and the line items when a Budget is given.
"""
from __future__ import annotations

import io
import zipfile
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..report import Report
from . import layout, lineitems, register, reproducible

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..templates import Template
    from . import Rendering

FONT = "宋体"  # what the official workbooks use; Excel/WPS substitute where it is missing
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")
TABLE_FORMAT = "0.00"


def _yuan_format(value: Decimal) -> str:
    # 元 in the performance tables: 2,970,000 and 445,349.1 as printed (no trailing point).
    return "#,##0" if value == value.to_integral_value() else "#,##0.0#"


def _text(cell, text: str) -> None:
    """A text cell that stays text: openpyxl turns a string starting with "=" into a formula
    (and "#N/A" into an error), so a unit or project name like ``=HYPERLINK(…)`` would run in
    Excel. We write no formula of our own in this workbook, so every string is data_type 's'."""
    cell.value = text
    cell.data_type = "s"


def _row(ws: Worksheet, row: int, values) -> None:
    """One sheet row from a list: strings as text cells, numbers as numbers (not ws.append,
    which would read every string starting with "=" as a formula)."""
    for col, value in enumerate(values, start=1):
        if isinstance(value, str):
            _text(ws.cell(row, col), value)
        else:
            ws.cell(row, col).value = value


def _column_widths(grid: layout.Grid) -> list[float]:
    """Excel widths (in characters of the default font) fitting the widest unmerged text;
    merged header cells wrap instead of widening a column."""
    widths = [8.0] * grid.columns
    for cell in grid.cells:
        if cell.colspan == 1:
            lines = cell.text.split("\n") or [""]
            need = max(layout.text_width(line) for line in lines) + 2 + 2 * cell.indent
            widths[cell.col] = max(widths[cell.col], min(need, 60))
    return widths


def _styles(book: Workbook) -> dict[tuple, str]:
    """Named styles for every kind of grid cell, registered once per workbook.

    openpyxl de-duplicates each per-cell font/border/alignment by hashing it, which costs
    seconds on a report's few thousand cells; a named style is looked up by name instead.
    Keyed by (kind, indent, number format).
    """
    names: dict[tuple, str] = {}

    def add(key: tuple, font: Font, alignment: Alignment, fill=None, number_format="General") -> None:
        name = "yusuan " + " ".join(map(str, key))
        style = NamedStyle(name=name, font=font, border=BORDER, alignment=alignment, number_format=number_format)
        if fill is not None:
            style.fill = fill
        book.add_named_style(style)
        names[key] = name

    plain, bold = Font(name=FONT, size=10), Font(name=FONT, size=10, bold=True)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    add(("header",), bold, centre, HEADER_FILL)
    add(("strong",), bold, centre)
    add(("center",), plain, centre)
    for indent in range(4):
        add(("left", indent), plain, Alignment(horizontal="left", vertical="center", wrap_text=True, indent=indent))
    for number_format in (TABLE_FORMAT, "#,##0", "#,##0.0#", "General"):
        add(("right", number_format), plain, Alignment(horizontal="right", vertical="center"), number_format=number_format)
    return names


def _style_key(cell: layout.Cell, number_format: str) -> tuple:
    if cell.header:
        return ("header",)
    if cell.strong:
        return ("strong",)
    if cell.align == "right":
        return ("right", number_format)
    if cell.align == "center":
        return ("center",)
    return ("left", min(cell.indent, 3))


def _merge(ws: Worksheet, first_row: int, first_col: int, last_row: int, last_col: int) -> None:
    # Recorded directly: ws.merge_cells would restyle the range's edge cells one by one, and
    # every cell of the range already carries its border from the named style. Into the set of
    # ranges itself: MultiCellRange.add first asks whether any range recorded holds the new one,
    # comparing it with each (quadratic: a third of the workbook's time with the seed's ~600
    # merges); a layout's merges never overlap, and the set keeps an exact repeat once.
    ws.merged_cells.ranges.add(CellRange(min_col=first_col, min_row=first_row, max_col=last_col, max_row=last_row))


def _write_grid(ws: Worksheet, grid: layout.Grid, top: int, styles: dict[tuple, str], yuan: bool = False) -> int:
    """Draw ``grid`` with its first row at sheet row ``top`` (1-based); return the next free row."""
    covered = styles[("left", 0)]
    for r in range(grid.rows):
        for c in range(grid.columns):
            ws.cell(top + r, c + 1).style = covered  # covered cells of a merge need borders too
    for cell in grid.cells:
        target = ws.cell(top + cell.row, cell.col + 1)
        number_format = TABLE_FORMAT
        if cell.value is not None:
            target.value = cell.value
            number_format = _yuan_format(cell.value) if yuan else TABLE_FORMAT
        elif cell.align != "right" and cell.text:
            _text(target, cell.text)
        target.style = styles[_style_key(cell, number_format)]
        if cell.rowspan > 1 or cell.colspan > 1:
            _merge(ws, top + cell.row, cell.col + 1, top + cell.row + cell.rowspan - 1, cell.col + cell.colspan)
    return top + grid.rows


def _title_rows(ws: Worksheet, block: layout.TableBlock, top: int, width: int) -> int:
    def merged(row: int, text: str, align: str, size: int = 10, bold: bool = False, first: int = 1, last: int = width):
        cell = ws.cell(row, first)
        _text(cell, text)
        cell.font = Font(name=FONT, size=size, bold=bold)
        cell.alignment = Alignment(horizontal=align, vertical="center")
        if last > first:
            _merge(ws, row, first, row, last)

    if block.caption:
        merged(top, block.caption, "right")
        top += 1
    merged(top, block.title, "center", size=14, bold=True)
    ws.row_dimensions[top].height = 24
    top += 1
    if block.unit and width > 1:
        merged(top, block.subtitle, "left", last=width - 1)
        merged(top, block.unit, "right", first=width)
        top += 1
    elif block.subtitle:
        merged(top, block.subtitle, "center")
        top += 1
    return top


def _official_sheet(ws: Worksheet, block: layout.TableBlock, styles: dict[tuple, str]) -> None:
    grid = block.grid
    top = _title_rows(ws, block, 1, grid.columns)
    end = _write_grid(ws, grid, top, styles)
    if block.note:
        _text(ws.cell(end, 1), block.note)
        ws.cell(end, 1).font = Font(name=FONT, size=10)
    ws.freeze_panes = ws.cell(top + grid.header_rows, 1)  # caption, title, unit and header stay in view
    for i, width in enumerate(_column_widths(grid), start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.print_title_rows = f"{top}:{top + grid.header_rows - 1}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _performance_sheet(ws: Worksheet, blocks: list[layout.TableBlock], styles: dict[tuple, str]) -> None:
    top = 1
    for block in blocks:
        top = _title_rows(ws, block, top, layout.PERF_COLUMNS)
        top = _write_grid(ws, block.grid, top, styles, yuan=True)
        _text(ws.cell(top, 1), block.footer)
        ws.cell(top, 1).font = Font(name=FONT, size=10)
        top += 3
    for i, width in enumerate((16, 14, 14, 18, 14, 14, 18, 14), start=1):
        ws.column_dimensions[get_column_letter(i)].width = width


def _line_item_sheet(ws: Worksheet, budget, catalog) -> None:
    _row(ws, 1, [title for _, title in lineitems.FIELDS])
    for cell in ws[1]:
        cell.font = Font(name=FONT, bold=True)
        cell.fill = HEADER_FILL
    # The row is counted here: ws.max_row scans every cell, which made 10,000 lines cost minutes.
    row = 1
    for row, record in enumerate(lineitems.records(budget, catalog), start=2):
        _row(ws, row, [record[key] for key, _ in lineitems.FIELDS])
        ws.cell(row, len(lineitems.FIELDS)).number_format = "#,##0.00"
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(lineitems.FIELDS))}{row}"
    for i, (key, title) in enumerate(lineitems.FIELDS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(layout.text_width(title) + 2, 10)


INCOME_HEADER = ("收入科目编码", "科目名称", "资金来源", "金额（元）")


def _income_item_sheet(ws: Worksheet, budget, catalog) -> None:
    """The budget's income by 收入科目 (the grain of 表7 and 表9's income side), names from the catalog."""
    _row(ws, 1, INCOME_HEADER)
    for cell in ws[1]:
        cell.font = Font(name=FONT, bold=True)
        cell.fill = HEADER_FILL
    for row, record in enumerate(lineitems.income_records(budget, catalog), start=2):
        _row(ws, row, record)
        ws.cell(row, len(INCOME_HEADER)).number_format = "#,##0.00"
    ws.freeze_panes = "A2"
    for i, width in enumerate((14, 30, 16, 16), start=1):
        ws.column_dimensions[get_column_letter(i)].width = width


def workbook(report: Report, template: "Template", budget=None, catalog=None) -> Workbook:
    book = Workbook()
    book.remove(book.active)
    styles = _styles(book)
    blocks = [b for b in layout.document(report, template) if isinstance(b, layout.TableBlock)]
    for block in blocks:
        if block.table_id.isdigit():
            _official_sheet(book.create_sheet(f"表{block.table_id}"), block, styles)
    performance = [b for b in blocks if b.table_id.startswith("perf-")]
    if performance:
        _performance_sheet(book.create_sheet("绩效目标表"), performance, styles)
    if budget is not None:
        _line_item_sheet(book.create_sheet("预算明细"), budget, catalog)
        if budget.income_items:
            _income_item_sheet(book.create_sheet("收入科目明细"), budget, catalog)
    if not book.sheetnames:  # a report without tables still opens (a workbook needs a sheet)
        _text(book.create_sheet("说明").cell(1, 1), f"{layout.document_title(report, template)}：本报告无表格")
    book.properties.title = layout.document_title(report, template)
    return book


@register("xlsx", "report.xlsx")
def render_xlsx(rendering: "Rendering") -> bytes:
    buffer = io.BytesIO()
    book = workbook(rendering.report, rendering.template, rendering.budget, rendering.catalog)
    # openpyxl's save() dates the workbook with the clock; one fixed time instead (reproducible)
    when = reproducible.build_time(rendering.report.year)
    book.properties.created = book.properties.modified = when
    ExcelWriter(book, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True)).save()
    return reproducible.fixed_zip(buffer.getvalue(), when)
