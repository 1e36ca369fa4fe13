"""One table of a published report, from its lines back into a ``Table`` of the template.

A table's lines are: its title, the 单位名称/单位 line, the header (possibly wrapped, skipped
after checking its cells against the template's header tree), the rows, and perhaps
注：本表无数据. A row's cells are single-space separated; a long name wraps onto the lines
before the line that carries the row's numbers, so label lines are held until that line
comes. The two-sided 收支总表 (预算公开表1, 4) are read as a stream of items and amounts.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from decimal import Decimal

from ..catalog import Catalog
from ..report import Place, Row, Table
from ..templates import TableSpec, Template
from .published_amounts import is_amount, place, to_decimal
from ..numerals import chinese_index  # noqa: F401 — the readers of templates import it from here
from .published_lines import NUMERALS, Line, Problem

IDEOGRAPHIC_SPACE = "\u3000"
# 类 3, 款 5, 项 7 digits (收入分类 also 目, 9)


def _code_pattern(total: str) -> re.Pattern:
    """A row starting with a classification code, or with the table's total label."""
    return re.compile(rf"^({re.escape(total)}|\d{{3}}(?:\d{{2}}){{0,3}})(?:\s+|$)(.*)$")

CODE_LEVEL = {3: 1, 5: 2, 7: 3, 9: 4}
NUMBERED_ITEM = re.compile(rf"^[{NUMERALS}]+、")
GLUED = re.compile(r"(\d\.\d{2})(?=[^\d\s,.])")  # "6037.95一、一般公共服务支出"


@dataclass
class TableReader:
    spec: TableSpec
    template: Template
    catalog: Catalog
    caption: Line
    problems: list[Problem] = field(default_factory=list)

    @property
    def total(self) -> str:
        return self.spec.rows.total

    @cached_property
    def code(self) -> re.Pattern:
        return _code_pattern(self.total)

    def problem(self, line: Line | None, message: str, row: str | None = None) -> None:
        self.problems.append(Problem(message, line.no if line else self.caption.no,
                                     line.page if line else self.caption.page, self.spec.id, row))

    # --- the whole table ----------------------------------------------------------------

    def read(self, body: list[Line]) -> Table:
        spec = self.spec
        text = "\n".join(l.text for l in body)
        unit_name = _search(r"单位名称[：:]\s*(\S+)", text)
        unit = _search(r"(?<!名称)单位\s*[：:]\s*(万元|元)", text) or spec.unit
        empty_note = re.sub(r"\s", "", spec.empty_note)
        note = spec.empty_note if empty_note and empty_note in re.sub(r"\s", "", text) else None
        lines = [l for l in body if re.sub(r"\s", "", l.text) != empty_note]
        start = next((i for i, l in enumerate(lines) if self.starts_rows(l.text)), None)
        if start is None and note:
            return Table(id=spec.id, caption=spec.caption, title=spec.title, unit_name=unit_name, unit=unit, place=place_of(self.caption),
                         rows=self.empty_rows([]), note=note)
        if start is None:
            self.problem(None, "no rows found under the header")
            return Table(id=spec.id, caption=spec.caption, title=spec.title, unit_name=unit_name, unit=unit, place=place_of(self.caption), note=note)
        self.check_header(lines[:start])
        body_lines = self.rows_rejoined(_without_repeated_header(lines[start:], lines[:start], spec.title))
        rows = self.summary_rows(body_lines) if spec.rows.dimension.startswith("summary") else self.rows(body_lines)
        totals = [r for r in rows if r.level == 0 and self.total in r.labels.values()]
        if len(totals) > 1 and not spec.rows.dimension.startswith("summary"):
            # a caption printed again continues its table (published_lines.segment); one printed
            # again with all its rows is the table twice: say so rather than add it up twice
            second = totals[1].place
            self.problem(Line("", second.line, second.page) if second else None,
                         f"a second {self.total} row: the table printed twice?", self.total)
        if note and not any(v is not None for r in rows for v in r.values.values()):
            rows = self.empty_rows(rows)
        return Table(id=spec.id, caption=spec.caption, title=spec.title, unit_name=unit_name, unit=unit, place=place_of(self.caption),
                     rows=rows, note=note)

    def rows_rejoined(self, lines: list[Line]) -> list[Line]:
        """The lines with each grid row that a page break cut in two made one again.

        Our PDF lets typst break a row inside a cell that wraps (a long project name): the
        row's amounts stay on one page, the rest of its name opens the next page, under the
        header printed again. The two are one row when they are grid rows of the same width
        (every position a field) on consecutive pages, one carries amounts and the other
        none, and the one without cannot start a row by itself (no code of its own where rows
        start with a code). Each field is then its two halves joined; the rest's indentation
        (the cell's, repeated on its second line) is dropped. A text file knows no pages: a
        name cut there is a row of its own (docs/reading.md).
        """
        out: list[Line] = []
        for line in lines:
            previous = out[-1] if out else None
            joined = self._cut_row(previous, line) if previous else None
            if joined is not None:
                out[-1] = joined
            else:
                out.append(line)
        return out

    def _cut_row(self, before: Line, after: Line) -> Line | None:
        joined = join_cut_row(before, before.text.split(" "), after, after.text.split(" "),
                              lambda rest: self.starts_by_code(" ".join(rest)))
        if joined is None:
            return None
        fields, carrier = joined
        return Line(" ".join(fields), carrier.no, carrier.page, carrier.box, carrier.amounts)

    def starts_by_code(self, text: str) -> bool:
        """Whether a line opens a row with a code or the total label (tables whose rows are coded)."""
        if self.spec.rows.dimension not in ("functional", "income"):
            return False
        first = text.strip(" ").split(" ")[0] if text.strip(" ") else ""
        return bool(first) and bool(self.code.match(first))

    def check_header(self, lines: list[Line]) -> None:
        """Every cell of the template's header tree must be printed above the rows."""
        joined = re.sub(r"\s", "", "".join(l.text for l in lines))
        if re.sub(r"\s", "", self.spec.title) not in joined:
            self.problem(lines[0] if lines else None, f"title {self.spec.title!r} not found above the table")
        missing = [c.text for c in self.spec.header_cells() if re.sub(r"\s", "", c.text) not in joined]
        if missing:
            self.problem(lines[-1] if lines else None, "header cells not found: " + "、".join(dict.fromkeys(missing)))

    def starts_rows(self, text: str) -> bool:
        """Whether a line is the first row under the header (which differs by row dimension)."""
        dimension, stripped = self.spec.rows.dimension, text.strip(" ")
        first = stripped.split(" ")[0] if stripped else ""
        if dimension.startswith("summary"):
            return bool(NUMBERED_ITEM.match(first))
        if self.split and len(text.split(" ")) == len(self.spec.columns):
            return any(self.code.fullmatch(f) for f in text.split(" ")) and self._has_tail(text)
        if dimension in ("functional", "income"):
            return bool(self.code.match(first)) and first != "" and (first != self.total or self._has_tail(text))
        if dimension == "three_public":
            return any(stripped.startswith(item["label"]) for item in self.template.three_public if item["key"] != "total")
        if dimension == "economic":
            return first == self.total and self._has_tail(text)
        if dimension == "units":
            return first == self.total or any(is_amount(f) for f in text.split(" "))
        return stripped.startswith(IDEOGRAPHIC_SPACE) or any(is_amount(f) for f in text.split(" "))

    @staticmethod
    def _has_tail(text: str) -> bool:
        fields = text.split(" ")
        return len(fields) > 1 and all(f == "" or is_amount(f) for f in fields[1:]) or any(is_amount(f) for f in fields)

    def empty_rows(self, rows: list[Row]) -> list[Row]:
        """A table without data prints its total row and an empty row: keep them as derive makes them."""
        first = self.spec.label_columns[0].key
        return [Row(labels={first: self.total}, level=0), Row(level=0)]

    @property
    def split(self) -> bool:
        """A table with amount columns between its label columns (部门公开表9: income | expenditure)."""
        kinds = [c.is_amount for c in self.spec.columns]
        return any(kinds[: max(i for i, k in enumerate(kinds) if not k)])

    def positional_row(self, line: Line, fields: list[str]) -> Row:
        """A row with one field per column: each field is its column's cell."""
        labels, values = {}, {}
        for column, text in zip(self.spec.columns, fields):
            if column.is_amount:
                values[column.key] = to_decimal(text) if is_amount(text) else None
                if text and not is_amount(text):
                    self.problem(line, f"{text!r} is not an amount ({column.key})")
            elif text:
                labels[column.key] = text
        code = labels.get("code")
        level = 0 if code in (None, self.total) else CODE_LEVEL.get(len(code), 3)
        return Row(labels=labels, values=values, level=level, code=None if code in (None, self.total) else code,
                   place=place_of(line))

    # --- one-sided tables: labels, then amounts --------------------------------------------

    def amount_keys(self) -> tuple[str, ...]:
        columns = self.spec.columns
        last_label = max(i for i, c in enumerate(columns) if not c.is_amount)
        return tuple(c.key for c in columns[last_label + 1:] if c.is_amount)

    def rows(self, lines: list[Line]) -> list[Row]:
        rows: list[Row] = []
        pending: list[tuple[Line, list[str]]] = []  # label lines waiting for their numbers
        keys = self.amount_keys()
        context: dict = {}
        for line in lines:
            if line.text == "":
                continue
            fields = line.text.split(" ")
            if self.split and not pending and len(fields) == len(self.spec.columns) and line.text.strip(" "):
                rows.append(self.positional_row(line, fields))
                continue
            if line.text.strip(" ") == "":
                if pending:
                    rows.append(self.row(pending, [], keys, context))
                    pending = []
                else:
                    rows.append(Row(level=0))
                continue
            j = len(fields)
            while j > 0 and (fields[j - 1] == "" or is_amount(fields[j - 1])):
                j -= 1
            label_fields, tail = fields[:j], fields[j:]
            while label_fields and label_fields[0] == "":
                label_fields.pop(0)  # a row printed with a leading space
            if self.spec.rows.dimension in ("functional", "income") and pending and self.code.match(" ".join(label_fields).strip()):
                # a new code while the previous row still waits for numbers: that row had none
                rows.append(self.row(pending, [], keys, context))
                pending = []
            if label_fields:
                pending.append((line, label_fields))
            if tail:
                if not pending:
                    self.problem(line, "numbers without a row name: " + " ".join(f for f in tail if f))
                    continue
                rows.append(self.row(pending, tail, keys, context))
                pending = []
        if pending:
            self.problem(pending[0][0], "the table ends before this row's numbers", "".join(pending[0][1]))
            rows.append(self.row(pending, [], keys, context))
        return _without_trailing_blanks(rows)

    def row(self, pending: list[tuple[Line, list[str]]], tail: list[str], keys: tuple[str, ...], context: dict) -> Row:
        line = pending[-1][0]
        pieces = [" ".join(f for f in fields if f) for _, fields in pending]
        raw_first = " ".join(pending[0][1]).lstrip(" ")
        name = "".join(pieces).strip(" ")
        labels, level, code = self.labels(pending, pieces, raw_first, name, context)
        tail = list(tail)
        while len(tail) > len(keys) and tail and tail[0] == "":
            tail.pop(0)  # the empty name cell of a 合计 row
        values, problem = place(tail, self.spec, keys)
        if problem:
            self.problem(line, problem, name)
        return Row(labels=labels, values=values, level=level, code=code, place=place_of(pending[0][0]))

    def labels(self, pending, pieces, raw_first, name, context) -> tuple[dict[str, str], int, str | None]:
        spec, dimension = self.spec, self.spec.rows.dimension
        label_keys = [c.key for c in spec.label_columns]
        if dimension in ("functional", "income"):
            code_key, name_key = label_keys[-2], label_keys[-1]
            match = self.code.match(pieces[0].strip(" "))
            if not match:
                self.problem(pending[0][0], "a row without a code", name)
                return {name_key: name}, 3, None
            code, rest = match.group(1), match.group(2)
            full_name = (rest + "".join(pieces[1:])).strip(" ")
            if code == self.total:
                return {code_key: self.total, **({name_key: full_name} if full_name else {})}, 0, None
            return {code_key: code, name_key: full_name}, CODE_LEVEL[len(code)], code
        if dimension == "economic":
            fields = [f for f in pending[0][1]]
            dept = fields[0].strip(" ") if fields else ""
            gov = " ".join(f for f in fields[1:] if f).strip(" ") + "".join(pieces[1:])
            dept_key, gov_key = label_keys[0], label_keys[-1]
            if dept == self.total:
                return {dept_key: self.total}, 0, None
            if not gov:
                found = [e for e in self.catalog.by_name("dept", dept) if e.level == "类"]
                context["class"] = found[0].code if found else None
                return {dept_key: dept}, 1, context["class"]
            found = self.catalog.by_name("dept", dept, under=context.get("class") or "")
            return {dept_key: dept, gov_key: gov}, 2, found[0].code if found else None
        if dimension == "three_public":
            item = next((i for i in self.template.three_public if i["label"] == name), None)
            if item is None:
                self.problem(pending[0][0], "not a 三公 item of the template", name)
            key = item["key"] if item else None
            return {label_keys[0]: name}, 0 if key == "total" else 1, key
        if dimension == "units":
            return {label_keys[0]: name}, 0 if name == self.total else 1, None
        # project tables: the name's indentation (ideographic spaces) is its level
        indent = len(raw_first) - len(raw_first.lstrip(IDEOGRAPHIC_SPACE))
        return {label_keys[0]: name.strip(IDEOGRAPHIC_SPACE)}, indent, None

    def is_source_item(self, token: str) -> bool:
        """"三、国有资本经营预" (wrapped) is the third income item; "二十二、国有资本经营预算" is not."""
        match = NUMBERED_ITEM.match(token)
        if not match:
            return False
        index = chinese_index(match.group(0)[:-1])
        sources = self.template.sources
        bare = token[match.end():]
        return index is not None and index <= len(sources) and bool(bare) and sources[index - 1].startswith(bare)

    # --- two-sided 收支总表: income items beside expenditure items, then the labelled totals ---

    def summary_rows(self, lines: list[Line]) -> list[Row]:
        spec = self.spec
        keys = tuple(c.key for c in spec.amount_columns if c.key.startswith("exp_"))
        income_labels = {spec.rows.label(role)[0] for role in ("current", "carryover", "total")} - {""}
        exp_labels = {spec.rows.label(role)[1] for role in ("current", "carryover", "total")} - {""}
        classes = {e.name: e.code for e in self.catalog.functional_classes()}
        rows: list[Row] = []
        current: dict = {}

        def flush() -> None:
            nonlocal current
            if not current:
                return
            line = current["line"]
            labels: dict[str, str] = {}
            values: dict[str, Decimal | None] = {}
            code = None
            level = 0
            if "income_item" in current:
                labels["income_item"] = current["income_item"]
                amount = current.get("income_amount")
                values["income_amount"] = to_decimal(amount) if amount else None
                if NUMBERED_ITEM.match(current["income_item"]):
                    level = 1
            if "exp_item" in current:
                item = current["exp_item"]
                labels["exp_item"] = item
                placed, problem = place(current["exp_fields"], spec, keys)
                if problem:
                    self.problem(line, problem, item)
                values.update(placed)
                if NUMBERED_ITEM.match(item):
                    level = 1
                    code = classes.get(NUMBERED_ITEM.sub("", item))
                    if code is None:
                        self.problem(line, "not a 支出功能分类 类 of the catalog", item)
            rows.append(Row(labels=labels, values=values, level=level, code=code, place=place_of(line)))
            current = {}

        for line in lines:
            if line.text == "":
                continue
            fields = GLUED.sub(r"\1 ", line.text).split(" ")
            if line.text.strip(" ") == "":
                if current and not current.get("closed"):
                    current["closed"] = True  # the empty cells of a row whose name wrapped
                    if "exp_item" in current:
                        current["exp_fields"] += fields
                elif len(fields) >= len(spec.columns):
                    flush()
                    rows.append(Row(level=0))
                continue
            for token in fields:
                if token == "":
                    if "exp_item" in current:
                        current["exp_fields"].append("")
                elif is_amount(token):
                    if "exp_item" in current:
                        current["exp_fields"].append(token)
                    elif "income_item" in current and current.get("income_amount") is None:
                        current["income_amount"] = token
                    else:
                        self.problem(line, f"the amount {token} has no item")
                elif token in income_labels or self.is_source_item(token):
                    flush()
                    current = {"line": line, "income_item": token}
                elif token in exp_labels or NUMBERED_ITEM.match(token):
                    if "exp_item" in current:
                        flush()
                    current.setdefault("line", line)
                    current["exp_item"], current["exp_fields"] = token, []
                elif "exp_item" in current and not any(current["exp_fields"]):
                    current["exp_item"] += token  # a wrapped item name
                    current["exp_fields"] = []
                elif "income_item" in current and current.get("income_amount") is None and "exp_item" not in current:
                    current["income_item"] += token
                else:
                    self.problem(line, f"unexpected text {token!r}")
            if current and fields[-1] == "":
                current["closed"] = True
        flush()
        return _without_trailing_blanks(rows)


def join_cut_row(before: Line, a: list[str], after: Line, b: list[str],
                 opens_row: Callable[[list[str]], bool]) -> tuple[list[str], Line] | None:
    """The fields of one grid row that a page break cut inside a wrapped cell, joined, and the
    line that carries its amounts (where the row is placed); None when ``a`` (the fields of
    ``before``) and ``b`` (of ``after``) are not the two halves of one row.

    They are when the lines are on consecutive pages, have the same number of fields (every
    position a cell), one carries amounts and the other none, and the one without has some
    text and does not open a row of its own (``opens_row``: a code where rows start with one).
    Each field is its two halves joined, the rest's indentation (a cell's, repeated on its
    second line) dropped. Used by the Shanxi reader (TableReader.rows_rejoined) and by the
    tables read by title (yusuan/read/titled.py), each with its own fields and ``opens_row``.
    """
    if not (isinstance(before.page, int) and isinstance(after.page, int) and after.page == before.page + 1):
        return None
    if len(a) != len(b) or len(a) < 2:
        return None
    amounts_a, amounts_b = any(is_amount(f) for f in a), any(is_amount(f) for f in b)
    if amounts_a == amounts_b:
        return None
    rest = b if amounts_a else a
    if not any(f.strip(" " + IDEOGRAPHIC_SPACE) for f in rest) or opens_row(rest):
        return None
    fields = []
    for x, y in zip(a, b):
        if x and y and (is_amount(x) or is_amount(y)):
            return None  # an amount beside text in one cell: not the halves of one row
        fields.append(x + y.lstrip(IDEOGRAPHIC_SPACE) if x and y else x or y)
    return fields, before if amounts_a else after


def _squeezed(text: str) -> str:
    return re.sub(r"\s", "", text)


def _without_repeated_header(lines: list[Line], header: list[Line], title: str) -> list[Line]:
    """The rows' lines without the header a table prints again where it runs onto a new page.

    A line is the header again when it is, whitespace aside, one of the lines above the first
    row (title, unit line, header rows) and carries no amount, and it is one of these:
    - the table's title or its unit line (单位：…): never a row's label, skipped anywhere;
    - a header line of two fields or more: no row's label line repeats a whole header row;
    - any other (a header cell alone, a wrapped one's fragment: 合计, 排) only at the top of a new
      page (the page changes) or right under another header line skipped, as the rest of that
      header. Alone in a text without pages it cannot be told from a row's name wrapped onto
      its own line (合计 is the total row's label too; a fragment 出 of 传媒支出 is a name's
      end as much as a header's) and is read as a row's label (docs/reading.md).
    Without this the repeated header became a row and took the first row's numbers under its
    合计 (表6 lost its first row after each page break).
    """
    repeated = {_squeezed(l.text) for l in header} - {""}
    never_rows = {_squeezed(title)} | {_squeezed(l.text) for l in header if re.search(r"单位\s*[：:]", l.text)}
    kept: list[Line] = []
    page = None
    skipping = False
    for line in lines:
        squeezed = _squeezed(line.text)
        if not squeezed:
            kept.append(line)
            continue
        fields = [f for f in line.text.split(" ") if f.strip()]
        at_break = skipping or (line.page is not None and page is not None and line.page != page)
        page = line.page
        if squeezed in repeated and not any(is_amount(f) for f in fields) and (
                at_break or len(fields) >= 2 or squeezed in never_rows):
            skipping = True
            continue
        skipping = False
        kept.append(line)
    return kept


def place_of(line: Line) -> Place:
    return Place(page=line.page, line=line.no)


def _without_trailing_blanks(rows: list[Row]) -> list[Row]:
    """A whitespace line after the last row is page furniture, not an empty row."""
    while rows and not rows[-1].labels and all(v is None for v in rows[-1].values.values()):
        rows.pop()
    return rows


def _search(pattern: str, text: str) -> str:
    match = re.search(pattern, text)
    return match.group(1) if match else ""
