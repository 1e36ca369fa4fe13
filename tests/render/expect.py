"""What a reader must find in any rendering: each table's rows, cell by cell, by template column.

Computed from the Report and the template directly (not through render/layout), so that a
layout bug shows up as a difference.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser

from yusuan.report import Report
from yusuan.templates import load


def expected_rows(report: Report, table_id: str) -> list[list[str]]:
    spec = load(report.template, report.year).table(table_id)
    table = report.table(table_id)
    rows = []
    for row in table.rows:
        cells = []
        for column in spec.columns:
            if column.is_amount:
                value = row.values.get(column.key)
                cells.append("" if value is None else f"{value:.2f}")
            else:
                cells.append(row.labels.get(column.key, ""))
        rows.append(cells)
    return rows


def header_rows(report: Report, table_id: str) -> int:
    spec = load(report.template, report.year).table(table_id)
    return spec.header_depth + (1 if spec.numbered else 0)


def normalize(text: str | None) -> str:
    """Cell text as read back: whitespace (line breaks inside a cell, indentation) removed."""
    return re.sub(r"\s+", "", text or "").replace("\u3000", "")


def expand(rows: list[list[tuple[str, int, int]]]) -> list[list[str | None]]:
    """Rows of (text, colspan, rowspan) → a full matrix; a merged cell's text sits at its
    top-left position, the positions it covers hold None."""
    matrix: dict[tuple[int, int], str | None] = {}
    width = 0
    for r, row in enumerate(rows):
        c = 0
        for text, colspan, rowspan in row:
            while (r, c) in matrix:
                c += 1
            for dr in range(rowspan):
                for dc in range(colspan):
                    matrix[(r + dr, c + dc)] = text if (dr, dc) == (0, 0) else None
            c += colspan
            width = max(width, c)
    height = max((r for r, _ in matrix), default=-1) + 1
    return [[matrix.get((r, c)) for c in range(width)] for r in range(height)]


class TableParser(HTMLParser):
    """Every <table data-table=…> of an HTML page as rows of (text, colspan, rowspan)."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[list[tuple[str, int, int]]]] = {}
        self.current: str | None = None
        self.cell: list[str] | None = None
        self.span = (1, 1)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table" and "data-table" in a:
            self.current = a["data-table"]
            self.tables[self.current] = []
        elif tag == "tr" and self.current is not None:
            self.tables[self.current].append([])
        elif tag in ("td", "th") and self.current is not None:
            self.cell = []
            self.span = (int(a.get("colspan", 1)), int(a.get("rowspan", 1)))

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.tables[self.current][-1].append(("".join(self.cell), *self.span))
            self.cell = None
        elif tag == "table":
            self.current = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)
