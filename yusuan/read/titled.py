"""Tables found by their titles: the reading any layout without captions can use.

Many provinces print a table under its title alone (``2025年部门收入预算总表``), a line
``编制单位：… 单位：元`` under it, a ruled grid (yusuan/read/pdf.py gives each grid row as one
line of single-space-separated cells, empty cells kept as empty fields), and perhaps a note
(``注:本单位2025年无…，故本表为空表。``). This module finds such tables and reads their rows;
a template's ``reading.read_document`` calls it and reads its prose itself.

API:

- ``locate(lines, specs, stops=()) -> (found, rest)``: each ``TitledTable(spec, title, body)``
  of ``specs`` whose title is printed alone on a line (whitespace and a grid's empty fields
  ignored; a table-of-contents entry, numbered ``1.``, is not a title). The table starts at
  the first such line followed by its unit line, else at the last (a contents page lists
  titles, without unit lines, before the tables); the title printed again further down, where
  the table runs onto a new page, stays in its body. The body runs to the next table's start
  or to a line in ``stops`` (part headings); ``rest`` is the lines outside every table, in order.
- ``read_table(found) -> (Table, problems)``: the unit line, header lines (every field a
  word of the template's header tree, or the tree's cells at their grid positions) skipped
  wherever they repeat (a continuation page), blank padding rows dropped, the note kept as
  printed, each row's fields placed into the template's columns.
- ``split_fields(text, n)``: a line's fields, a cell printed with an inner space (``1. 一般公共预算资金``)
  joined back so that there are ``n``.
- ``rejoin(lines)``: a paragraph's lines wrapped by a text extraction joined back.

Rows: with ``rows.codes: split`` the first ``len(rows.levels)`` label columns are the code
parts (类 | 款 | 项); they are joined into the row's ``code`` (``201 03 01`` → ``2010301``) and
give its level (1 类, 2 款, 3 项). A label printed across merged cells (``合计`` over 类/款/项/名称)
is put in the name column, the last one it spans. A row whose label is the table's total label
(or ends in 总计) is level 0. A text line of one field after a row continues that row's name
(a name wrapped in a text extraction), unless it is a header cell of the table: a text row
prints all its cells (empty ones as empty fields), so a header cell alone is the header printed
again, even in a text without pages. A full grid row on the page after the last row's, with text
and no amount, code, total label or numbered item of its own, is the rest of that row cut inside
a wrapped cell by the page break (under the header printed again): joined to it field by field
(published_tables.join_cut_row, as the Shanxi reader does) and placed where its amounts are.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from ..money import within_limits
from ..report import Place, Row, Table
from ..templates import TableSpec
from .published_lines import Line, Problem
from .published_tables import NUMBERED_ITEM, join_cut_row

__all__ = ["TitledTable", "locate", "read_table", "split_fields", "squeeze", "AMOUNT", "rejoin"]

# An amount as these tables print it: grouped or not, with or without decimals (三公 prints 0).
AMOUNT = re.compile(r"^-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
UNIT_LINE = re.compile(r"(?:编制单位|编制部门|单位名称|预算单位|部门名称)\s*[:：]\s*(.*?)\s+单位\s*[:：]\s*(万元|元)\s*$")
UNIT_ONLY = re.compile(r"^单位\s*[:：]\s*(万元|元)\s*$")
NOTE = re.compile(r"^\s*注\s*[:：]")
PAGE_NUMBER = re.compile(r"^\s*(?:[-—–]\s*\d{1,4}\s*[-—–]|第\s*\d+\s*页(?:\s*共\s*\d+\s*页)?)\s*$")


def squeeze(text: str) -> str:
    """A line without any whitespace: how a title is compared (a grid row's empty fields, a
    PDF's spacing and full-width blanks do not count)."""
    return "".join(text.split())


@dataclass
class TitledTable:
    spec: TableSpec
    title: Line
    body: list[Line]


def locate(lines: list[Line], specs: tuple[TableSpec, ...] | list[TableSpec],
           stops: tuple[str, ...] = ()) -> tuple[list[TitledTable], list[Line]]:
    """The tables of ``specs`` found by title (in the document's order) and the lines outside them."""
    wanted = {squeeze(spec.title): spec for spec in specs}
    stop_words = {squeeze(s) for s in stops if s}
    printed: dict[str, list[int]] = {}
    for i, line in enumerate(lines):
        key = squeeze(line.text)
        if key in wanted:
            printed.setdefault(wanted[key].id, []).append(i)
    starts = sorted((_start(lines, at), tid) for tid, at in printed.items())
    boundaries = sorted({i for i, _ in starts} | {i for i, l in enumerate(lines) if squeeze(l.text) in stop_words})
    found: list[TitledTable] = []
    inside: set[int] = set()
    by_id = {spec.id: spec for spec in specs}
    for start, tid in starts:
        end = next((b for b in boundaries if b > start), len(lines))
        found.append(TitledTable(by_id[tid], lines[start], lines[start + 1:end]))
        inside.update(range(start, end))
    rest = [line for i, line in enumerate(lines) if i not in inside]
    return found, rest


def _start(lines: list[Line], printed: list[int]) -> int:
    """Where a table starts among the lines that print its title: the first one followed by its
    unit line (编制单位：… 单位：元) — a title printed again further down is the same table
    running onto a new page, and stays in its body; failing that the last one (a contents page
    lists the titles, without unit lines, before the tables)."""
    for at in printed:
        following = [l.text for l in lines[at + 1:at + 4] if l.text.strip()][:2]
        if any(UNIT_LINE.search(" ".join(t.split())) or UNIT_ONLY.match(" ".join(t.split())) for t in following):
            return at
    return printed[-1]


def split_fields(text: str, n: int) -> list[str]:
    """The fields of a grid row. A cell whose text holds a space splits into two fields; while
    there are more than ``n``, the first two neighbouring fields that are both text (not empty,
    not amounts) are joined back, then surplus empty fields at the end are dropped."""
    fields = text.split(" ")
    # A number wrapped inside a narrow cell arrives as two fields (6 | 0379450.10): joined first.
    i = 0
    while len(fields) > n and i < len(fields) - 1:
        if fields[i].isdigit() and "." in fields[i + 1] and AMOUNT.match(fields[i] + fields[i + 1]):
            fields[i:i + 2] = [fields[i] + fields[i + 1]]
        else:
            i += 1
    while len(fields) > n:
        for i in range(len(fields) - 1):
            a, b = fields[i], fields[i + 1]
            if a and b and not AMOUNT.match(a) and not AMOUNT.match(b):
                fields[i:i + 2] = [f"{a} {b}"]
                break
        else:
            break
    while len(fields) > n and fields[-1] == "":
        fields.pop()
    while len(fields) > n and fields[0] == "":
        fields.pop(0)
    return fields


def _header_words(spec: TableSpec) -> set[str]:
    return {squeeze(cell.text) for cell in spec.header_cells()} | {squeeze(l) for l in spec.rows.levels}


def _is_header(fields: list[str], spec: TableSpec, words: set[str]) -> bool:
    filled = [(i, squeeze(f)) for i, f in enumerate(fields) if f.strip()]
    if not filled or any(AMOUNT.match(f) for _, f in filled):
        return False
    if len(fields) == len(spec.columns):
        # A full grid row: a header cell stands at its column (a 合计 row stands elsewhere).
        cells = {(squeeze(c.text), c.col) for c in spec.header_cells()}
        if all((f, i) in cells for i, f in filled):
            return True
        codes = _code_columns(spec)
        label_at = {i for i, c in enumerate(spec.columns) if not c.is_amount}
        # 类 款 项 under 科目编码, or a header word over a label column of a table whose codes are split
        return bool(codes) and all(f in words for _, f in filled) and not _total_label(filled[0][1], spec) \
            and all(i in label_at or f in words for i, f in filled)
    return all(f in words for _, f in filled)


def _opens_row(fields: list[str], spec: TableSpec, codes: list[str]) -> bool:
    """Whether a grid row without amounts can be a row of its own, not the rest of a row cut at
    a page break: it has a code (in the code-part columns of a table whose codes are split, or
    a field of digits alone: a code column), the total label, or a numbered item (一、…, as the
    收支总表 print their items) — the rest of a wrapped name has none of these."""
    filled = [squeeze(f) for f in fields if f.strip()]
    if any(fields[i].strip() for i in range(min(len(codes), len(fields)))):
        return True
    return any(f.isdigit() or _total_label(f, spec) or NUMBERED_ITEM.match(f) for f in filled)


def _total_label(text: str, spec: TableSpec) -> bool:
    text = squeeze(text)
    return bool(text) and (text == squeeze(spec.rows.total) or text.endswith("总计"))


def _code_columns(spec: TableSpec) -> list[str]:
    """The keys of the code-part columns of a table whose codes are split (类 | 款 | 项)."""
    if spec.rows.codes != "split":
        return []
    return [c.key for c in spec.label_columns[: len(spec.rows.levels)]]


def _amount(text: str) -> Decimal:
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - AMOUNT has matched
        raise ValueError(text) from None


def read_table(found: TitledTable) -> tuple[Table, list[Problem]]:
    """The Table under one title, with the problems met (each with its line and page)."""
    spec = found.spec
    problems: list[Problem] = []

    def problem(line: Line, message: str, row: str | None = None) -> None:
        problems.append(Problem(message, line.no, line.page, spec.id, row))

    n = len(spec.columns)
    words = _header_words(spec)
    codes = _code_columns(spec)
    label_keys = [c.key for c in spec.label_columns]
    name_key = label_keys[len(codes)] if codes and len(label_keys) > len(codes) else None
    unit_name = ""
    rows: list[Row] = []
    note: list[str] = []
    fields_of_last: int | None = None
    # The last row's line, fields and problems: a page break may cut it, its rest still to come.
    last: tuple[Line, list[str], list[Problem]] | None = None

    def build(line: Line, fields: list[str]) -> tuple[Row, list[Problem]]:
        """The row of one line's fields, placed at the line, and the problems it met."""
        before = len(problems)
        row = _row(spec, fields, codes, name_key, lambda message, r=None: problem(line, message, r))
        row.place = Place(page=line.page, line=line.no)
        return row, problems[before:]

    title = squeeze(found.title.text)
    for line in found.body:
        text = line.text
        if not text.strip() or PAGE_NUMBER.match(text) or squeeze(text) == title:
            continue  # a page number (-13-) between a table's pages, the title printed again on the next
        if note:  # everything after a note's first line is the note
            note.append(text.strip())
            continue
        squeezed_line = " ".join(f for f in text.split(" ") if f)
        unit = UNIT_LINE.search(squeezed_line)
        if unit:
            unit_name = unit.group(1).strip()
            if unit.group(2) != spec.unit:
                problem(line, f"printed in {unit.group(2)}, the template says {spec.unit}")
            continue
        unit_only = UNIT_ONLY.match(squeezed_line)
        if unit_only:
            if unit_only.group(1) != spec.unit:
                problem(line, f"printed in {unit_only.group(1)}, the template says {spec.unit}")
            continue
        if NOTE.match(text):
            note.append(text.strip())
            continue
        fields = split_fields(text, n)
        if not any(f.strip() for f in fields):
            continue  # the blank padding rows of a grid
        if _is_header(fields, spec, words):
            continue
        joined = join_cut_row(last[0], last[1], line, fields, lambda rest: _opens_row(rest, spec, codes)) \
            if last is not None and len(fields) == n else None
        if joined is not None:
            # the rest of a row that a page break cut inside a wrapped cell: that row, made again whole
            fields, carrier = joined
            problems[:] = [p for p in problems if not any(p is m for m in last[2])]  # said again below
            rows[-1], met = build(carrier, fields)
            last = (carrier, fields, met)
            continue
        filled = [f for f in fields if f.strip()]
        if (len(filled) == 1 and len(fields) < n and rows and not AMOUNT.match(filled[0])
                and fields_of_last is not None):
            # a name wrapped onto its own line by a text extraction: it continues the last row's name
            key = name_key or next((k for k in label_keys if rows[-1].labels.get(k)), None)
            if key:
                rows[-1].labels[key] = rows[-1].labels.get(key, "") + filled[0].strip()
                last = None  # its fields are no longer the row's: not joined to a cut row's rest
                continue
        whole = len(fields) == n  # only a row printed with all its cells is joined to a cut row's rest
        if len(fields) < n:
            problem(line, f"{len(fields)} fields for {n} columns: {text.strip()}")
            fields += [""] * (n - len(fields))
        elif len(fields) > n:
            problem(line, f"{len(fields)} fields for {n} columns; the last ones are dropped: {text.strip()}")
            fields = fields[:n]
        row, met = build(line, fields)
        rows.append(row)
        last = (line, fields, met) if whole else None
        fields_of_last = len(fields)
    table = Table(id=spec.id, caption=spec.caption, title=squeeze(found.title.text), unit_name=unit_name,
                  unit=spec.unit, rows=rows, note="\n".join(note) or None,
                  place=Place(page=found.title.page, line=found.title.no))
    return table, problems


def _row(spec: TableSpec, fields: list[str], codes: list[str], name_key: str | None, problem) -> Row:
    labels: dict[str, str] = {}
    values: dict[str, Decimal | None] = {}
    for column, field in zip(spec.columns, fields):
        field = field.strip()
        if column.is_amount:
            if not field:
                values[column.key] = None
            elif AMOUNT.match(field) and within_limits(_amount(field)):  # 20 digits in a mangled file: text, said
                values[column.key] = _amount(field)
            else:
                values[column.key] = None
                problem(f"{field!r} in the amount column {column.key}", field)
        elif field:
            labels[column.key] = field
    level = 1
    code = None
    if codes:
        parts = [labels.get(k, "") for k in codes]
        if parts[0] and not parts[0].isdigit() and name_key and not any(parts[1:]) and not labels.get(name_key):
            # a label over the merged code cells (合计): its place is the name column it spans to
            labels[name_key] = labels.pop(codes[0])
        elif all(p.isdigit() for p in parts if p) and parts[0]:
            depth = len([p for p in parts if p])
            if [p for p in parts if p] != parts[:depth]:
                problem("a code part is missing: " + " ".join(parts), " ".join(parts))
            code = "".join(parts[:depth])
            level = depth
    if any(_total_label(v, spec) for v in labels.values()):
        level = 0
    return Row(labels=labels, values=values, level=level, code=code)


def rejoin(lines: list[Line]) -> list[Line]:
    """Paragraph lines as a text extraction may have wrapped them, joined back: a line continues
    the previous one unless the previous ended a sentence (。：；) or was a heading (short, no
    comma), or the line starts a numbered item. (yusuan's PDF lines arrive joined where the
    positions show a wrap; a page break or a short line is left to this.)"""
    numbered = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+[.．、]\D)")
    result: list[Line] = []
    for line in lines:
        text = line.text.strip()
        if not text:
            continue
        previous = result[-1].text if result else ""
        heading = len(previous) <= 30 and "，" not in previous
        if result and not re.search(r"[。：；:;]$", previous) and not numbered.match(text) and not heading:
            last = result[-1]
            result[-1] = Line(last.text + text, last.no, last.page)
        else:
            result.append(Line(text, line.no, line.page))
    return result
