"""A table's grid of cells as text lines laid out like the published text (the seed).

A ruled PDF table (pdf_grid.py) and a published workbook's sheet (published_xlsx.py) both
arrive as rows of cells, where a position covered by a merged cell is None. Each row becomes
one line of single-space-separated cells — the form the line-based reader (published_tables,
published_performance) parses — with empty cells kept as empty fields and a name's
indentation (its level in 表12/13) as leading ideographic spaces, as the text rendering writes it.
"""
from __future__ import annotations

from typing import Callable, Sequence

IDEOGRAPHIC_SPACE = "\u3000"
PERFORMANCE_MARK = "项目资金（元）"

Rows = Sequence[Sequence[str | None]]


def cell_text(cell: str | None) -> str:
    return "" if cell is None else cell.replace("\n", "").strip()


def is_performance(rows: Rows) -> bool:
    return any(cell_text(row[0]) == PERFORMANCE_MARK for row in rows if row)


def official_lines(rows: Rows, indent: Callable[[int], int] = lambda i: 0) -> list[str]:
    """An official table: every grid position is a field, a merged (None) one an empty field.

    ``indent(i)`` is how many characters row i's name is set in; it counts only in 表12/13
    (headed 项目名称, numbered 1 2 3 …), below the numbers, where it is the project's level.
    """
    indenting = False
    lines = []
    for i, cells in enumerate(rows):
        texts = [cell_text(c) for c in cells]
        if indenting and texts[0]:
            texts[0] = IDEOGRAPHIC_SPACE * indent(i) + texts[0]
        lines.append(" ".join(texts))
        indenting = indenting or (cell_text(rows[0][0]) == "项目名称" and all(t.isdigit() for t in texts if t) and any(texts))
    return lines


def performance_lines(rows: Rows) -> list[str]:
    """A 项目支出绩效目标表 grid in the order and shape of the text rendering."""
    return [text for _, text in performance_lines_by_row(rows)]


def performance_lines_by_row(rows: Rows) -> list[tuple[int, str]]:
    """(index of the grid row it comes from, text) of each line of performance_lines."""
    lines: list[tuple[int, str]] = []
    goal_pending = False
    for i, cells in enumerate(rows):
        texts = [cell_text(c) for c in cells]
        first = texts[0] if cells[0] is not None else None
        filled = [t for t, c in zip(texts, cells) if c is not None and t]
        if first == PERFORMANCE_MARK:
            lines += [(i, "项目资金"), (i, "（元）"), (i, " ".join(filled[1:]))]
        elif first == "总体目标":
            lines.append((i, "实施期目标 年度目标"))
            goal_pending = True
        elif goal_pending and first is None:
            goals = [t for t, c in zip(texts[1:], cells[1:]) if c is not None]
            lines += [(i, f"总体目标 {goals[0] if goals else ''}".rstrip()), (i, goals[-1] if len(goals) > 1 else "")]
            goal_pending = False
        elif first == "绩效指标":
            lines += [(i, "绩效指标"), (i, " ".join(filled[1:]))]
        elif first is None and len(cells) > 2 and cells[1] is not None and texts[1].endswith("指标") and len(filled) >= 1:
            lines.append((i, texts[1]))  # a new 一级指标 (merged down its rows)
            rest = [t for t, c in zip(texts[2:], cells[2:]) if c is not None and t]
            if rest:
                lines.append((i, " ".join(rest)))
        else:
            lines.append((i, " ".join(filled)))
    return lines
