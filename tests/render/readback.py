"""Each format read back into table rows, the way a reader of the published file would:
HTML parsed, PDF through pdfplumber's ruled tables, XLSX through openpyxl, DOCX through
python-docx. Every reader returns {table id: body rows of normalized cell texts}."""
from __future__ import annotations

import io
import re

from .expect import TableParser, expand, header_rows, normalize


def html_tables(data: bytes, report) -> dict[str, list[list[str]]]:
    parser = TableParser()
    parser.feed(data.decode("utf-8"))
    out = {}
    for table in report.tables:
        grid = expand(parser.tables[table.id])
        out[table.id] = [[normalize(c) for c in row] for row in grid[header_rows(report, table.id):]]
    return out


def pdf_tables(data: bytes, report) -> dict[str, list[list[str]]]:
    """From the page with a table's caption and the pages it continues on (each continuation
    starts with the repeated header, which is dropped)."""
    import pdfplumber

    found: dict[str, list[list[str]]] = {}
    current = None
    with pdfplumber.open(io.BytesIO(data)) as document:
        for page in document.pages:
            text = page.extract_text() or ""
            starts = [t for t in report.tables if re.search(re.escape(t.caption) + r"(?!\d)", text)]
            if starts:
                current = starts[0]
                found[current.id] = []
            elif "项目支出绩效目标表" in text or "第三部分" in text:
                current = None
            if current is None:
                continue
            for rows in page.extract_tables():
                found[current.id] += [[normalize(c) for c in row] for row in rows[header_rows(report, current.id):]]
    return found


def xlsx_tables(data: bytes, report) -> dict[str, list[list[str]]]:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data))
    out = {}
    for table in report.tables:
        ws = book[f"表{table.id}"]
        first = 4 + header_rows(report, table.id)  # caption, title, unit rows, then the header
        rows = ws.iter_rows(min_row=first, max_row=first + len(table.rows) - 1, values_only=True)
        out[table.id] = [["" if v is None else (f"{v:.2f}" if isinstance(v, (int, float)) else normalize(str(v)))
                          for v in row] for row in rows]
    return out


def docx_distinct_cells(row) -> list[str]:
    """A row's texts by grid column; python-docx repeats a merged cell in every column it
    spans, so a repeat reads as the empty cell it covers."""
    texts, previous = [], None
    for cell in row.cells:
        texts.append("" if cell._tc is previous else normalize(cell.text))
        previous = cell._tc
    return texts


def docx_tables(data: bytes, report) -> dict[str, list[list[str]]]:
    import docx

    document = docx.Document(io.BytesIO(data))
    # the official tables come first, in the template's order, then the performance tables
    out = {}
    for table, word_table in zip(report.tables, document.tables):
        out[table.id] = [docx_distinct_cells(row) for row in word_table.rows[header_rows(report, table.id):]]
    return out
