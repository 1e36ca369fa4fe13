"""Ruled tables of a PDF page as text lines laid out like the published text (the seed).

A budget system's PDF (and ours) draws every table as a grid. The grid's cells are rebuilt
from the page's ruling lines (cellgrid.py, on what pdfium.py gathers), so a cell's text arrives
whole — wrapped names joined, empty cells kept as empty fields — where word positions alone lose
the empty cells and split wrapped names across rows. grid_text.py turns the grid into lines;
here the indentation of a name is measured on the page.
"""
from __future__ import annotations

from .cellgrid import Box
from .grid_text import is_performance, official_lines, performance_lines
from .pdfium import Page


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


def grid_lines(page: Page) -> tuple[list[tuple[float, list[str]]], list[Box]]:
    """(top, lines) of each ruled table of the page, and the tables' boxes (whose words are read here)."""
    tables = page.tables()
    found = []
    for table in tables:
        rows = table.extract(page.chars)
        if is_performance(rows):
            found.append((table.bbox[1], performance_lines(rows)))
        else:
            found.append((table.bbox[1], official_lines(rows, lambda i, t=table: _indent(page, t.rows[i][0]))))
    return found, [table.bbox for table in tables]


def inside(word, boxes: list[Box]) -> bool:
    cx, cy = (word.x0 + word.x1) / 2, (word.top + word.bottom) / 2
    return any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)
