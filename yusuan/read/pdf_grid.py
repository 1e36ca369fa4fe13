"""Ruled tables of a PDF page as text lines laid out like the published text (the seed).

A budget system's PDF (and ours) draws every table as a grid. pdfplumber finds the grid's
cells, so a cell's text arrives whole — wrapped names joined, empty cells kept as empty
fields — where word positions alone lose the empty cells and split wrapped names across rows.
Each grid row becomes one line of single-space-separated cells, the form the line-based
reader (published_tables, published_performance) already parses; the indentation of a name
(its level in 表12/13) becomes leading ideographic spaces, as the text rendering writes it.
"""
from __future__ import annotations

IDEOGRAPHIC_SPACE = "\u3000"
PERFORMANCE_MARK = "项目资金（元）"


def _text(cell: str | None) -> str:
    return "" if cell is None else cell.replace("\n", "").strip()


def _indent(page, cell_box, text: str) -> str:
    """Leading ideographic spaces for a name set in from its cell's left edge (one per character width)."""
    if not text or cell_box is None:
        return ""
    x0, top, x1, bottom = cell_box
    chars = [c for c in page.chars if x0 <= c["x0"] < x1 and top <= c["top"] < bottom and c["text"].strip()]
    if not chars:
        return ""
    first = min(chars, key=lambda c: (c["top"], c["x0"]))
    width = first.get("size") or (first["x1"] - first["x0"]) or 1.0  # one CJK character: the font size (a digit is narrower)
    padding = width / 3  # the renderer's cell inset (a third of a character) before any indentation
    return IDEOGRAPHIC_SPACE * max(0, round((first["x0"] - x0 - padding) / width))


def _official_lines(page, table) -> list[str]:
    """An official table: every grid position is a field, a merged (None) one an empty field."""
    rows = table.extract()
    # 表12/13 (headed 项目名称, numbered 1 2 3 …): below the numbers a project's level is its indentation.
    indenting = False
    lines = []
    for row, cells in zip(table.rows, rows):
        texts = [_text(c) for c in cells]
        if indenting and texts[0]:
            texts[0] = _indent(page, row.cells[0], texts[0]) + texts[0]
        lines.append(" ".join(texts))
        indenting = indenting or (_text(rows[0][0]) == "项目名称" and all(t.isdigit() for t in texts if t) and any(texts))
    return lines


def _performance_lines(rows: list[list[str | None]]) -> list[str]:
    """A 项目支出绩效目标表 grid in the order and shape of the text rendering."""
    lines: list[str] = []
    goal_pending = False
    for cells in rows:
        texts = [_text(c) for c in cells]
        first = texts[0] if cells[0] is not None else None
        filled = [t for t, c in zip(texts, cells) if c is not None and t]
        if first == PERFORMANCE_MARK:
            lines += ["项目资金", "（元）", " ".join(filled[1:])]
        elif first == "总体目标":
            lines.append("实施期目标 年度目标")
            goal_pending = True
        elif goal_pending and first is None:
            goals = [t for t, c in zip(texts[1:], cells[1:]) if c is not None]
            lines += [f"总体目标 {goals[0] if goals else ''}".rstrip(), goals[-1] if len(goals) > 1 else ""]
            goal_pending = False
        elif first == "绩效指标":
            lines += ["绩效指标", " ".join(filled[1:])]
        elif first is None and len(cells) > 2 and cells[1] is not None and texts[1].endswith("指标") and len(filled) >= 1:
            lines.append(texts[1])  # a new 一级指标 (merged down its rows)
            rest = [t for t, c in zip(texts[2:], cells[2:]) if c is not None and t]
            if rest:
                lines.append(" ".join(rest))
        else:
            lines.append(" ".join(filled))
    return lines


def grid_lines(page) -> tuple[list[tuple[float, list[str]]], list[tuple[float, float, float, float]]]:
    """(top, lines) of each ruled table of the page, and the tables' boxes (whose words are read here)."""
    tables = page.find_tables()
    found = []
    for table in tables:
        rows = table.extract()
        if any(_text(c) == PERFORMANCE_MARK for r in rows for c in r[:1]):
            found.append((table.bbox[1], _performance_lines(rows)))
        else:
            found.append((table.bbox[1], _official_lines(page, table)))
    return found, [table.bbox for table in tables]


def inside(word: dict, boxes: list[tuple[float, float, float, float]]) -> bool:
    cx, cy = (word["x0"] + word["x1"]) / 2, (word["top"] + word["bottom"]) / 2
    return any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)
