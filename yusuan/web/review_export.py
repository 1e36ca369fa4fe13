"""A draft's (or a version's) findings as XLSX and PDF, the same columns as their CSV
(review.findings_csv), for a reviewer who files them or prints them.

- XLSX (openpyxl): every cell a text cell. A finding quotes the report — a unit or project
  name, a message with "=", "+" or "-" at its start — and openpyxl would store such a string
  as a formula that Excel runs; data_type "s" keeps it a string (as yusuan/render/xlsx.py).
  The amounts stay the strings the checker printed: they are quoted evidence, not figures to add.
- PDF (typst, as yusuan/render/pdf.py): the rows travel as JSON in sys.inputs and the .typ
  file only lays them out, so nothing a draft says is ever read as typst markup.
"""
from __future__ import annotations

import io
import json
import zipfile
from functools import cache
from importlib import resources

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from ..render import pdf as render_pdf
from ..render import reproducible

HEADER = ["级别", "规则", "位置", "页", "说明", "应为", "实为", "算式", "审核说明", "说明人"]
# Characters wide per column: the message and the explanation wrap, the rest fit.
WIDTHS = [8, 16, 30, 8, 50, 14, 14, 30, 40, 10]


def _text(cell, value: str) -> None:
    cell.value = value
    cell.data_type = "s"  # never a formula, whatever the string starts with


def findings_xlsx(title: str, rows: list[list[str]], year: int) -> bytes:
    book = Workbook()
    ws = book.active
    ws.title = "检查结果"
    _text(ws.cell(1, 1), title)
    ws.cell(1, 1).font = Font(bold=True, size=12)
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    for c, name in enumerate(HEADER, start=1):
        _text(ws.cell(2, c), name)
        ws.cell(2, c).font = bold
    for r, row in enumerate(rows, start=3):
        for c, value in enumerate(row, start=1):
            cell = ws.cell(r, c)
            _text(cell, "" if value is None else str(value))
            cell.alignment = wrap
    ws.freeze_panes = "A3"
    for c, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
    # A fixed date instead of the clock: the same findings download as the same bytes.
    when = reproducible.build_time(year)
    book.properties.created = book.properties.modified = when
    buffer = io.BytesIO()
    ExcelWriter(book, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED)).save()
    return reproducible.fixed_zip(buffer.getvalue(), when)


@cache
def _typst_source() -> bytes:
    return resources.files("yusuan.web").joinpath("review_findings.typ").read_bytes()


def findings_pdf(title: str, rows: list[list[str]], year: int, subtitle: str = "") -> bytes:
    if not render_pdf.cjk_font_files():
        raise render_pdf.FontMissing("no CJK font found for the PDF (install Debian's fonts-noto-cjk, or set "
                                     "YUSUAN_FONT_PATH)")
    when = reproducible.build_time(year)  # the PDF's date, fixed: the same findings make the same bytes
    data = {"title": title, "subtitle": subtitle, "header": HEADER, "fonts": list(render_pdf.FONTS),
            "rows": [["" if v is None else str(v) for v in row] for row in rows],
            "date": {"year": when.year, "month": when.month, "day": when.day, "hour": when.hour,
                     "minute": when.minute, "second": when.second}}
    # The report renderer's compiler: its CJK fonts are already loaded in this process.
    return render_pdf._compiler().compile(input=_typst_source(), format="pdf",
                                          sys_inputs={"data": json.dumps(data, ensure_ascii=False)})
