"""Ruled tables of a PDF page as text lines laid out like the published text (the seed).

A budget system's PDF (and ours) draws every table as a grid. The grid's cells are rebuilt
from the page's ruling lines (cellgrid.py, on what pdfium.py gathers), so a cell's text arrives
whole — wrapped names joined, empty cells kept as empty fields — where word positions alone lose
the empty cells and split wrapped names across rows. grid_text.py turns the grid into lines;
here the indentation of a name is measured on the page.
"""
from __future__ import annotations

import re

from .cellgrid import Box
from .grid_text import cell_text, is_performance, official_lines, performance_lines_by_row
from .pdfium import Page


# An amount as any table prints it: grouped or not, with decimals or without (Shanghai prints 0, 12,604,173).
AMOUNT_TEXT = re.compile(r"^-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")


def _indent(page: Page, cell_box: Box | None) -> int:
    """How many character widths a name is set in from its cell's left edge."""
    if cell_box is None:
        return 0
    x0, top, x1, bottom = cell_box
    chars = [c for c in page.chars if x0 <= c.x0 < x1 and top <= c.top < bottom and c.text.strip()]
    if not chars:
        return 0
    # The leftmost character of the first line. Not the one with the smallest top: boxes are a
    # glyph's own, so a taller glyph later on the line (人 after 员) sits higher than the first.
    top = min(c.top for c in chars)
    first_line = [c for c in chars if c.top < top + (c.size or 1.0) / 2]
    first = min(first_line, key=lambda c: c.x0)
    width = first.size or (first.x1 - first.x0) or 1.0  # one CJK character: the font size (a digit is narrower)
    padding = width / 3  # the renderer's cell inset (a third of a character) before any indentation
    return max(0, round((first.x0 - x0 - padding) / width))


GridLine = tuple[str, Box | None, tuple[tuple[str, Box], ...]]  # text, the grid row's box, its amount cells


def grid_lines(page: Page) -> tuple[list[tuple[float, list[GridLine]]], list[Box]]:
    """(top, lines) of each ruled table of the page, and the tables' boxes (whose words are read here).

    Each line comes with the box of the grid row it was made from and the (text, box) of the
    amounts printed in that row's cells, left to right (yusuan/read/boxes.py)."""
    tables = page.tables()
    found = []
    for table in tables:
        rows = table.extract(page.chars)
        if is_performance(rows):
            lines = [(text, _row_box(table.rows[i]), ()) for i, text in performance_lines_by_row(rows)]
        else:
            texts = official_lines(rows, lambda i, t=table: _indent(page, t.rows[i][0]))
            lines = [(text, _row_box(table.rows[i]), _amounts(rows[i], table.rows[i])) for i, text in enumerate(texts)]
        found.append((table.bbox[1], lines))
    return found, [table.bbox for table in tables]


def _row_box(cells: list[Box | None]) -> Box | None:
    boxes = [c for c in cells if c is not None]
    if not boxes:
        return None
    return rounded((min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes)))


def _amounts(texts: list[str | None], cells: list[Box | None]) -> tuple[tuple[str, Box], ...]:
    return tuple((t, rounded(box)) for text, box in zip(texts, cells)
                 if box is not None and (t := cell_text(text)) and AMOUNT_TEXT.match(t))


def rounded(box: Box) -> Box:
    """A box to 0.01 pt: what a report.json keeps (finer than any drawing needs)."""
    return (round(box[0], 2), round(box[1], 2), round(box[2], 2), round(box[3], 2))


def inside(word, boxes: list[Box]) -> bool:
    cx, cy = (word.x0 + word.x1) / 2, (word.top + word.bottom) / 2
    return any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)
