"""Ruled tables rebuilt from a page's ruling lines: cells, rows, and the text in each cell.

The rules are pdfplumber's (table_settings "lines", its default tolerances), so a table reads
as ``page.find_tables()[i].extract()`` did: segments within 3 pt of one position are snapped
to their mean, collinear pieces less than 3 pt apart are joined, pieces shorter than 3 pt are
dropped. What differs is how cells are found. pdfplumber walks from every crossing to every
crossing right of and below it (quadratic in the crossings of a row and a column, 566 s for a
grid of 400×400 lines); here the distinct positions of the lines cut the page into elementary
rectangles, each side of which is ruled or not, and a cell is a group of rectangles joined
through unruled sides (a merged cell) that is itself a rectangle ruled all round. That is one
pass over nx·ny rectangles, and the caller bounds nx·ny before calling.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Protocol, Sequence

SNAP = 3.0  # points: pdfplumber's snap_tolerance and join_tolerance
JOIN = 3.0
MIN_LENGTH = 3.0  # pdfplumber's edge_min_length (after joining)
PREFILTER = 1.0  # pdfplumber's edge_min_length_prefilter (before)
CELL_X_TOLERANCE = 3.0  # table.extract()'s word and line tolerances
CELL_Y_TOLERANCE = 3.0

Box = tuple[float, float, float, float]  # x0, top, x1, bottom (top-down)


class Glyph(Protocol):
    text: str
    x0: float
    x1: float
    top: float
    bottom: float


@dataclass(slots=True)
class Segment:
    """A horizontal (position = y, from x0 to x1) or vertical (position = x, top to bottom) line."""
    position: float
    start: float
    end: float


def merge(segments: Sequence[Segment]) -> list[Segment]:
    """Snap, join and filter one orientation's segments as pdfplumber's merge_edges does."""
    kept = sorted((s for s in segments if s.end - s.start >= PREFILTER), key=lambda s: s.position)
    snapped: list[Segment] = []
    i = 0
    while i < len(kept):
        # A chain of positions each within SNAP of the previous one is one line, at their mean.
        j = i + 1
        while j < len(kept) and kept[j].position <= kept[j - 1].position + SNAP:
            j += 1
        mean = sum(s.position for s in kept[i:j]) / (j - i)
        pieces = sorted(kept[i:j], key=lambda s: s.start)
        current = Segment(mean, pieces[0].start, pieces[0].end)
        for piece in pieces[1:]:
            if piece.start <= current.end + JOIN:
                current.end = max(current.end, piece.end)
            else:
                snapped.append(current)
                current = Segment(mean, piece.start, piece.end)
        snapped.append(current)
        i = j
    return [s for s in snapped if s.end - s.start >= MIN_LENGTH]


def grid_size(horizontals: Sequence[Segment], verticals: Sequence[Segment]) -> int:
    """How many elementary rectangles the merged lines cut the page into (the work tables() does)."""
    return max(0, len({s.position for s in verticals}) - 1) * max(0, len({s.position for s in horizontals}) - 1)


def _ruled(lines: list[Segment], cuts: list[float]) -> list[bool]:
    """For consecutive cuts a, b: is [a, b] covered by one of these lines (sorted, disjoint)?"""
    out = [False] * (len(cuts) - 1)
    k = 0
    for i in range(len(cuts) - 1):
        a, b = cuts[i], cuts[i + 1]
        while k < len(lines) and lines[k].end + SNAP < b:
            k += 1
        out[i] = k < len(lines) and lines[k].start - SNAP <= a
    return out


@dataclass
class Table:
    bbox: Box
    rows: list[list[Box | None]]  # per row, per column: the cell that starts there, None where a merged cell covers it
    _xs: list[float] = field(repr=False, default_factory=list)
    _ys: list[float] = field(repr=False, default_factory=list)
    _owner: dict[tuple[int, int], tuple[int, int]] = field(repr=False, default_factory=dict)

    def extract(self, chars: Sequence[Glyph]) -> list[list[str | None]]:
        """Rows of cell texts like pdfplumber's table.extract(): '' for an empty cell, None for a covered one.

        A character belongs to the cell its centre is in; a cell's lines are joined by newlines,
        the words of a line by one space.
        """
        x0, top, x1, bottom = self.bbox
        inside: dict[tuple[int, int], list[Glyph]] = {}
        for c in chars:
            h, v = (c.x0 + c.x1) / 2, (c.top + c.bottom) / 2
            if not (x0 <= h < x1 and top <= v < bottom):
                continue
            owner = self._owner.get((bisect_right(self._xs, h) - 1, bisect_right(self._ys, v) - 1))
            if owner is not None:
                inside.setdefault(owner, []).append(c)
        return [[None if cell is None else text(inside.get((r, k), ())) for k, cell in enumerate(row)]
                for r, row in enumerate(self.rows)]


def tables(horizontals: Sequence[Segment], verticals: Sequence[Segment]) -> list[Table]:
    """The ruled tables that merged horizontal and vertical lines form, top to bottom."""
    xs = sorted({s.position for s in verticals})
    ys = sorted({s.position for s in horizontals})
    nx, ny = len(xs) - 1, len(ys) - 1
    if nx < 1 or ny < 1:
        return []
    by_y: dict[float, list[Segment]] = {}
    for s in horizontals:
        by_y.setdefault(s.position, []).append(s)
    by_x: dict[float, list[Segment]] = {}
    for s in verticals:
        by_x.setdefault(s.position, []).append(s)
    # top_ruled[j][i]: the side at ys[j] of rectangle column i is drawn; left_ruled[i][j] likewise at xs[i].
    top_ruled = [_ruled(sorted(by_y[y], key=lambda s: s.start), xs) for y in ys]
    left_ruled = [_ruled(sorted(by_x[x], key=lambda s: s.start), ys) for x in xs]

    seen = bytearray(nx * ny)
    cells: list[Box] = []
    for start in range(nx * ny):
        if seen[start]:
            continue
        stack = [start]
        seen[start] = 1
        members = []
        open_ = False
        while stack:
            n = stack.pop()
            members.append(n)
            j, i = divmod(n, nx)
            # Through each unruled side to the neighbour (or out of the grid: not a cell).
            for ruled, neighbour, edge in ((top_ruled[j][i], n - nx, j == 0), (top_ruled[j + 1][i], n + nx, j + 1 == ny),
                                           (left_ruled[i][j], n - 1, i == 0), (left_ruled[i + 1][j], n + 1, i + 1 == nx)):
                if ruled:
                    continue
                if edge:
                    open_ = True
                elif not seen[neighbour]:
                    seen[neighbour] = 1
                    stack.append(neighbour)
        i_lo = min(n % nx for n in members)
        i_hi = max(n % nx for n in members)
        j_lo = min(n // nx for n in members)
        j_hi = max(n // nx for n in members)
        if open_ or len(members) != (i_hi - i_lo + 1) * (j_hi - j_lo + 1):
            continue  # outside every table, or not a rectangle (a line missing): no cell
        cells.append((xs[i_lo], ys[j_lo], xs[i_hi + 1], ys[j_hi + 1]))
    return _group(cells)


def _group(cells: list[Box]) -> list[Table]:
    """Cells sharing a corner form one table (pdfplumber's cells_to_tables); a lone cell is no table."""
    parent = list(range(len(cells)))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    corner_owner: dict[tuple[float, float], int] = {}
    for n, (x0, top, x1, bottom) in enumerate(cells):
        for corner in ((x0, top), (x0, bottom), (x1, top), (x1, bottom)):
            other = corner_owner.setdefault(corner, n)
            parent[find(n)] = find(other)
    groups: dict[int, list[Box]] = {}
    for n, cell in enumerate(cells):
        groups.setdefault(find(n), []).append(cell)
    found = [_table(group) for group in groups.values() if len(group) > 1]
    return sorted(found, key=lambda t: (t.bbox[1], t.bbox[0]))


def _table(cells: list[Box]) -> Table:
    # Columns are the distinct left edges of the cells and rows their distinct tops, as in
    # pdfplumber's Table.rows: a merged cell appears at its first position only.
    lefts = sorted({c[0] for c in cells})
    tops = sorted({c[1] for c in cells})
    column = {x: k for k, x in enumerate(lefts)}
    row_of = {y: r for r, y in enumerate(tops)}
    rows: list[list[Box | None]] = [[None] * len(lefts) for _ in tops]
    for cell in cells:
        rows[row_of[cell[1]]][column[cell[0]]] = cell
    xs = sorted({c[0] for c in cells} | {c[2] for c in cells})
    ys = sorted({c[1] for c in cells} | {c[3] for c in cells})
    x_at = {x: k for k, x in enumerate(xs)}
    y_at = {y: k for k, y in enumerate(ys)}
    owner: dict[tuple[int, int], tuple[int, int]] = {}
    for cell in cells:
        place = (row_of[cell[1]], column[cell[0]])
        for i in range(x_at[cell[0]], x_at[cell[2]]):
            for j in range(y_at[cell[1]], y_at[cell[3]]):
                owner[(i, j)] = place
    bbox = (min(c[0] for c in cells), min(c[1] for c in cells), max(c[2] for c in cells), max(c[3] for c in cells))
    return Table(bbox, rows, xs, ys, owner)


def cluster(items: Sequence, key, tolerance: float) -> list[list]:
    """Items grouped by a chain of key values each within tolerance of the previous (pdfplumber's cluster_objects)."""
    ordered = sorted(items, key=key)
    groups: list[list] = []
    last = None
    for item in ordered:
        value = key(item)
        if last is None or value > last + tolerance:
            groups.append([])
        groups[-1].append(item)
        last = value
    return groups


def split_words(line: Sequence[Glyph], x_tolerance: float, y_tolerance: float) -> list[list[Glyph]]:
    """One line's characters (sorted left to right) cut into words: at a blank, a gap wider
    than x_tolerance, a step back, or a jump in height (pdfplumber's char_begins_new_word).
    A blank is a character of its own or, from PDFium, a mark on the character after it."""
    words: list[list[Glyph]] = []
    current: list[Glyph] = []
    for c in line:
        if c.text.isspace():
            if current:
                words.append(current)
                current = []
            continue
        if current:
            last = current[-1]
            if getattr(c, "space_before", False) or c.x0 < last.x0 or c.x0 > last.x1 + x_tolerance or abs(c.top - last.top) > y_tolerance:
                words.append(current)
                current = []
        current.append(c)
    if current:
        words.append(current)
    return words


def text(chars: Sequence[Glyph], x_tolerance: float = CELL_X_TOLERANCE, y_tolerance: float = CELL_Y_TOLERANCE) -> str:
    """pdfplumber's extract_text(chars) without layout: lines top to bottom, words joined by a space."""
    # pdfplumber clusters the words into lines again by their tops; those are the lines of
    # characters already (a word's top is one of its characters' tops, and the lines of
    # characters are more than y_tolerance apart), so each line of characters is a line.
    lines = []
    for line in cluster(chars, lambda c: c.top, y_tolerance):
        words = split_words(sorted(line, key=lambda c: c.x0), x_tolerance, y_tolerance)
        lines.append(" ".join("".join(c.text for c in w) for w in words))
    return "\n".join(lines)
