"""What the pages and the API show, computed from stored Reports: tables as displayed (for CSV),
the charts' data, comparisons cell by cell. No web framework here, so it is tested directly.

Amounts stay Decimal throughout; only the chart payload gives the browser numbers to draw
(plotly needs them), and every chart has its exact table beside it.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal

from ..money import fmt_table
from ..render import csvsafe, layout
from . import sheets
from ..report import Report, Row, Table
from ..templates import Template


def fmt(value: Decimal | None) -> str:
    return "" if value is None else fmt_table(value)


# --- a table as shown ---------------------------------------------------------------------------


def table_grid(table: Table, template: Template) -> layout.Grid:
    """The table's grid as the page shows it: the template's official layout (merged header
    cells, amounts with their exact Decimal), or for a table the template does not know its
    label and value keys as a header over the rows."""
    if template.has_table(table.id):
        return layout.official_grid(table, template.table(table.id))
    if not table.rows:
        return layout.Grid(0, 0, [])
    first = table.rows[0]
    return sheets.grid_of(list(first.labels) + list(first.values),
                          [list(r.labels.values()) + list(r.values.values()) for r in table.rows])


def table_grid_rows(table: Table, template: Template) -> list[list[str]]:
    """The table as the page shows it, one list per printed row: the header rows (a merged cell's
    text in its first position, blanks in the positions it covers) then the body."""
    return sheets.Shown("", grid=table_grid(table, template)).text_rows()


def table_shown(table: Table, template: Template, unit_name: str = "", year: int = 2024) -> sheets.Shown:
    """The table exactly as displayed, for its CSV and XLSX: caption, title, unit line, the grid, note."""
    above = [[line] for line in (table.caption, table.title) if line]
    above.append([f"单位名称：{table.unit_name or unit_name}", f"单位：{table.unit}"])
    return sheets.Shown(f"表{table.id}", above, table_grid(table, template), [table.note] if table.note else [], year)


def table_csv(table: Table, template: Template, unit_name: str = "") -> str:
    """CSV of the table exactly as displayed: caption, title, unit line, header, rows, note."""
    return sheets.to_csv(table_shown(table, template, unit_name))


def rows_csv(header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(csvsafe.row(header))
    for row in rows:
        writer.writerow(csvsafe.row(row))
    return "\ufeff" + out.getvalue()


# --- where a finding points -----------------------------------------------------------------------


def row_name(row: Row) -> str:
    """As yusuan.check.support.row_name: how a finding names a row."""
    return row.code or next((v for v in row.labels.values() if v), "(空行)")


def cell_anchor(report: Report, template: Template, location: dict) -> str:
    """The page anchor of the cell a finding points at (cell-<table>-<body row>-<column>), else
    its table's, else ''. The page's script gives the grid's cells these ids."""
    table_id = location.get("table")
    if not table_id:
        return ""
    table = report.table(table_id)
    if table is None:
        return ""
    row_text, column = location.get("row"), location.get("column")
    index = next((i for i, r in enumerate(table.rows) if row_text and row_name(r) == row_text), None)
    if index is None or not column or not template.has_table(table_id):
        return f"table-{table_id}"
    keys = [c.key for c in template.table(table_id).columns]
    if column not in keys:
        return f"table-{table_id}"
    return f"cell-{table_id}-{index}-{keys.index(column)}"


# --- charts --------------------------------------------------------------------------------------


@dataclass
class Chart:
    name: str  # url part: function | basic-project | economic | three-public | operating
    title: str
    kind: str  # treemap | bar | years (grouped bars, one group per year)
    unit: str
    header: list[str]  # of the table beside it
    rows: list[list[str]]  # the table beside it, exact displayed amounts
    ids: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    parents: list[str] = field(default_factory=list)
    values: list[Decimal] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)  # the exact displayed amount of each node
    series: list[tuple[str, list[Decimal | None]]] = field(default_factory=list)  # kind "years": one per item
    first_amount: int | None = None  # the table's amount columns start here (None: only the last column)

    def shown(self, year: int = 2024) -> sheets.Shown:
        """The table beside the chart as displayed; its last column holds the amounts, written
        back as the exact Decimals the page printed."""
        first = len(self.header) - 1 if self.first_amount is None else self.first_amount
        rows = [[Decimal(v) if i >= first and v else v for i, v in enumerate(row)] for row in self.rows]
        return sheets.Shown(self.name, [[self.title, f"单位：{self.unit}"]], sheets.grid_of(self.header, rows), [], year)

    def to_data(self) -> dict:
        """The chart as JSON data (amounts as exact decimal strings), stored with the report when
        it is published so that its page needs no parsed report (``from_data`` reads it back)."""
        data = {k: getattr(self, k) for k in ("name", "title", "kind", "unit", "header", "rows", "ids", "labels",
                                             "parents", "texts", "first_amount")}
        data["values"] = [str(v) for v in self.values]
        data["series"] = [[n, [None if v is None else str(v) for v in vs]] for n, vs in self.series]
        return data

    @classmethod
    def from_data(cls, data: dict) -> "Chart":
        return cls(**{**data, "values": [Decimal(v) for v in data["values"]],
                      "series": [(n, [None if v is None else Decimal(v) for v in vs]) for n, vs in data["series"]]})

    def payload(self) -> dict:
        # The browser draws with numbers: these floats only size the shapes; the figures a
        # reader takes away are the exact strings of the table beside the chart.
        # Bars: the items themselves, not their total nor the ①② parts of an item (which would
        # count twice beside it); the table beside shows every row. A chart of its total alone
        # (机关运行经费) draws that.
        drawn = [n for n, _ in self.series if n != "合计" and not n[:1] in "①②③④⑤⑥⑦⑧⑨"] or [n for n, _ in self.series]
        return {"name": self.name, "title": self.title, "kind": self.kind, "unit": self.unit, "ids": self.ids,
                "labels": self.labels, "parents": self.parents, "values": [float(v) for v in self.values],
                "texts": self.texts or [fmt(v) for v in self.values],
                "series": [{"name": n, "values": [None if v is None else float(v) for v in vs],
                            "texts": [fmt(v) for v in vs]} for n, vs in self.series if n in drawn]}


def _level(row: Row) -> int:
    if row.level:
        return row.level
    return {3: 1, 5: 2, 7: 3}.get(len(row.code or ""), 0)


def _splits_basic(spec) -> bool:
    wheres = [c.where.get("basic") for c in spec.columns if c.is_amount]
    return True in wheres and False in wheres


def _find_table(report: Report, template: Template, dimension: str, prefer=lambda spec: True) -> tuple[Table, object] | None:
    """The first table of the report classified by ``dimension``, one that ``prefer``s first
    (the 支出总表, which splits 基本/项目 over every source, rather than the 收入总表)."""
    found = []
    for table in report.tables:
        if template.has_table(table.id):
            spec = template.table(table.id)
            if spec.rows.dimension == dimension and table.rows:
                found.append((not prefer(spec), table, spec))
    if not found:
        return None
    _, table, spec = min(found, key=lambda f: f[0])
    return table, spec


def _tree(table: Table, spec, value_key: str, root_label: str, name_of) -> tuple[list, ...]:
    """ids/labels/parents/values of a hierarchy (rows in order: a level-n row's parent is the last
    row of level n−1 above it), with the total row as the root; and the table beside it."""
    ids, labels, parents, values, rows, texts = [], [], [], [], [], []
    last: dict[int, str] = {}
    for i, row in enumerate(table.rows):
        value = row.values.get(value_key)
        level = _level(row)
        name = name_of(row)
        rows.append([row.code or "", name if level else root_label, fmt(value)])
        if value is None or value <= 0:  # nothing to draw (a treemap cannot size an empty cell)
            continue
        node = f"r{i}"
        texts.append(fmt(value))
        if level == 0:
            ids.append(node); labels.append(root_label); parents.append(""); values.append(value)
        else:
            ids.append(node)
            labels.append(f"{row.code} {name}".strip() if row.code else name)
            parents.append(last.get(level - 1, "r0"))
            values.append(value)
        last[level] = node
        for deeper in [k for k in last if k > level]:
            del last[deeper]
    # Plotly draws nothing when children add up to more than their parent ("total" branch
    # values), which cells rounded to 0.01 万元 often do; so only leaves carry a size and parents
    # are the sum of theirs ("remainder" with 0). The exact displayed amounts are the hover texts.
    has_children = set(parents)
    values = [Decimal(0) if node in has_children else v for node, v in zip(ids, values)]
    return ids, labels, parents, values, rows, texts


def _name(row: Row) -> str:
    return next((v for k, v in row.labels.items() if v and "code" not in k and v != row.code), "")


def charts(report: Report, template: Template) -> list[Chart]:
    result: list[Chart] = []
    found = _find_table(report, template, "functional", _splits_basic)
    if found:
        table, spec = found
        amount = [c for c in spec.columns if c.is_amount]
        total_key = next((c.key for c in amount if "basic" not in c.where), amount[0].key if amount else "total")
        ids, labels, parents, values, rows, texts = _tree(table, spec, total_key, "合计", _name)
        if ids:
            result.append(Chart("function", f"支出功能分类（{table.caption or '表' + table.id}，类→款→项）", "treemap",
                                table.unit, ["科目编码", "科目名称", "金额"], rows, ids, labels, parents, values, texts))
        basic = next((c.key for c in amount if c.where.get("basic") is True), None)
        project = next((c.key for c in amount if c.where.get("basic") is False), None)
        total_row = next((r for r in table.rows if _level(r) == 0), None)
        if basic and project and total_row is not None:
            pair = [("基本支出", total_row.values.get(basic)), ("项目支出", total_row.values.get(project))]
            result.append(Chart("basic-project", "基本支出与项目支出", "bar", table.unit, ["类别", "金额"],
                                [[k, fmt(v)] for k, v in pair], [k for k, _ in pair], [k for k, _ in pair],
                                ["" for _ in pair], [v or Decimal(0) for _, v in pair]))
    found = _find_table(report, template, "economic")
    if found:
        table, spec = found
        amount = [c for c in spec.columns if c.is_amount]
        total_key = amount[0].key if amount else "total"

        def econ_name(row: Row) -> str:
            names = [v for k, v in row.labels.items() if v and "code" not in k and v != row.code]
            return names[0] + (f"（{names[1]}）" if len(names) > 1 else "") if names else ""

        ids, labels, parents, values, rows, texts = _tree(table, spec, total_key, "合计", econ_name)
        if ids:
            result.append(Chart("economic", f"基本支出经济分类（{table.caption or '表' + table.id}，类→款）", "treemap",
                                table.unit, ["科目编码", "科目名称", "金额"], rows, ids, labels, parents, values, texts))
    return result


# --- across the years a unit has reports ---------------------------------------------------------


def _year_table(report: Report, template: Template, words: str) -> tuple[Table, object] | None:
    """The report's table whose template title holds ``words`` (三公, 机关运行经费)."""
    for table in report.tables:
        if template.has_table(table.id) and words in template.table(table.id).title and table.rows:
            return table, template.table(table.id)
    return None


def _items(table: Table, spec, total_only: bool) -> list[tuple[str, Decimal | None]]:
    """(item, amount) of a 三公 or 机关运行经费 table: its rows (the first amount column), or its
    total row only (机关运行经费 lists the department's units, whose sum is what a reader follows
    over the years); a table of one row lays its items out as columns (the 决算 三公 table): its
    amount columns then, by their header."""
    amount = [c for c in spec.columns if c.is_amount]
    if not amount:
        return []
    rows = [r for r in table.rows if any(r.labels.values()) or any(v is not None for v in r.values.values())]
    if total_only:
        total = next((r for r in table.rows if r.level == 0), None)
        return [("合计", total.values.get(amount[0].key))] if total is not None else []
    if not any(v is not None for r in rows for v in r.values.values()):
        return []  # an empty table (a unit without 三公 that year): a year with no items
    if len(rows) == 1:
        return [(_item_of(c.header), rows[0].values.get(c.key)) for c in amount]
    return [(" ".join(v for v in r.labels.values() if v) or "(空行)", r.values.get(amount[0].key)) for r in rows]


def _item_of(header: tuple) -> str:
    """An item named by its column's header, without the parts that name a year (2024年决算数),
    so that the same item of two years is one series."""
    parts = [h for h in header if h and "{" not in h]
    kept = [h for h in parts if not re.match(r"\d{4}年", h)]
    return " ".join(kept or parts)


YEAR_CHARTS = (("three-public", "“三公”经费", "三公", False), ("operating", "机关运行经费", "机关运行经费", True))


def year_items(report: Report, template: Template) -> dict:
    """What one report gives the charts across years: per chart its table's unit of measure and
    (item, amount as a decimal string) pairs. JSON data: stored with the report when published."""
    found = {}
    for name, _title, words, total_only in YEAR_CHARTS:
        table = _year_table(report, template, words)
        if table is not None:
            found[name] = {"unit": table[0].unit,
                           "items": [[item, None if v is None else str(v)] for item, v in _items(*table, total_only)]}
    return found


def year_charts(reports: list[tuple[int, Report, Template]]) -> list[Chart]:
    """三公 and 机关运行经费 across the years a unit has reports: grouped bars, and beside them the
    table of each item per year with the exact displayed amounts."""
    return year_charts_of([(year, year_items(report, template)) for year, report, template in reports])


def year_charts_of(items: list[tuple[int, dict]]) -> list[Chart]:
    """``year_charts`` from each year's ``year_items``."""
    result = []
    for name, title, _words, _total_only in YEAR_CHARTS:
        years: list[int] = []
        values: dict[str, dict[int, Decimal | None]] = {}
        unit = ""
        for year, found in sorted(items, key=lambda r: r[0]):
            if name not in found:
                continue
            if unit and found[name]["unit"] != unit:
                continue  # another unit of measure: not on the same axis
            unit = found[name]["unit"]
            years.append(year)
            for item, value in found[name]["items"]:
                values.setdefault(item, {})[year] = None if value is None else Decimal(value)
        if not years or not values:
            continue
        series = [(item, [by_year.get(y) for y in years]) for item, by_year in values.items()]
        rows = [[item] + [fmt(v) for v in vs] for item, vs in series]
        result.append(Chart(name, f"{title}（{years[0]}—{years[-1]}年）" if len(years) > 1 else f"{title}（{years[0]}年）",
                            "years", unit, ["项目"] + [f"{y}年" for y in years], rows,
                            labels=[str(y) for y in years], series=series, first_amount=1))
    return result


# --- comparison --------------------------------------------------------------------------------


@dataclass
class ComparedCell:
    table: str
    row: str  # the row's code and labels, as shown
    column: str  # the column's header path
    a: Decimal | None
    b: Decimal | None

    @property
    def change(self) -> Decimal | None:
        if self.a is None and self.b is None:
            return None
        return (self.b or Decimal(0)) - (self.a or Decimal(0))

    @property
    def percent(self) -> Decimal | None:
        if self.a is None or self.a == 0 or self.change is None:
            return None
        return (self.change * 100 / self.a).quantize(Decimal("0.01"))


def _row_keys(table: Table) -> list[tuple[str, str]]:
    """A key per row that matches the same row in another report (code and labels, and a count
    for repeats such as 表6's 30108 twice), and the row as shown."""
    seen: dict[str, int] = {}
    keys = []
    for row in table.rows:
        text = " ".join(v for v in row.labels.values() if v)
        base = f"{row.code or ''}|{text}"
        seen[base] = seen.get(base, 0) + 1
        keys.append((f"{base}#{seen[base]}", text if not row.code or text.startswith(row.code) else f"{row.code} {text}"))
    return keys


def compare(a: Report, b: Report, template_a: Template) -> list[tuple[str, str, list[ComparedCell]]]:
    """Per table (id, title), every amount cell of either report, matched by row and column. A
    cell empty in both says nothing and is left out; when the years differ, a header naming A's
    year (2023年合计) names neither and says 当年 instead."""
    result = []
    ids = [t.id for t in a.tables] + [t.id for t in b.tables if a.table(t.id) is None]
    years = re.compile(rf"{a.year}年") if a.year != b.year else None
    for table_id in ids:
        ta, tb = a.table(table_id), b.table(table_id)
        spec = template_a.table(table_id) if template_a.has_table(table_id) else None
        headers = {c.key: " / ".join(c.header) for c in spec.columns} if spec else {}
        if years is not None:
            headers = {k: years.sub("当年", h) for k, h in headers.items()}
        cells: dict[tuple[str, str], ComparedCell] = {}
        order: list[tuple[str, str]] = []
        for side, table in (("a", ta), ("b", tb)):
            if table is None:
                continue
            for (key, shown), row in zip(_row_keys(table), table.rows):
                for column, value in row.values.items():
                    k = (key, column)
                    if k not in cells:
                        cells[k] = ComparedCell(table_id, shown, headers.get(column, column), None, None)
                        order.append(k)
                    setattr(cells[k], side, value)
        title = (ta or tb).title
        caption = (ta or tb).caption
        result.append((table_id, f"{caption} {title}".strip(),
                       [cells[k] for k in order if cells[k].a is not None or cells[k].b is not None]))
    return result


# --- a department: its units consolidated --------------------------------------------------------


@dataclass
class Consolidated:
    template: str  # the layout the summed units share
    tables: list[Table]  # per table of that layout, the units' cells summed row by row, column by column
    units: list[str]  # the names of the units summed
    left_out: list[tuple[str, str]] = field(default_factory=list)  # (unit, why) not summed


def _merge_order(order: list[str], keys: list[str]) -> None:
    """Add ``keys`` (one unit's rows, in its order) to ``order``: a row not seen yet goes right
    after that unit's previous row, so a 项 only one unit has lands under its 款, a project of one
    unit among that unit's projects."""
    place = {k: i for i, k in enumerate(order)}
    previous = -1
    for key in keys:
        if key in place:
            previous = place[key]
            continue
        order.insert(previous + 1, key)
        previous += 1
        place = {k: i for i, k in enumerate(order)}


def consolidate(department: str, reports: list[tuple[str, Report]]) -> Consolidated | None:
    """The department's units summed where the layout is the same: the reports in the layout most
    of them share (a unit in another layout is listed as left out), and per table of it, every
    amount cell summed over the units, rows matched by code and labels (as the comparison does)
    and columns by key. A table printed in different units of measure is not summed."""
    if not reports:
        return None
    counts: dict[str, int] = {}
    for _, report in reports:
        counts[report.template] = counts.get(report.template, 0) + 1
    template_id = max(counts, key=lambda t: (counts[t], t == reports[0][1].template))
    kept = [(name, r) for name, r in reports if r.template == template_id]
    left_out = [(name, f"格式不同（{r.template}）") for name, r in reports if r.template != template_id]
    table_ids: list[str] = []
    _merge_order(table_ids, [t.id for _, r in kept for t in r.tables])
    tables = []
    for table_id in table_ids:
        present = [r.table(table_id) for _, r in kept if r.table(table_id) is not None]
        if len({t.unit for t in present}) > 1:
            continue  # 万元 beside 元: a sum would be meaningless
        order: list[str] = []
        rows: dict[str, Row] = {}
        sums: dict[str, dict[str, Decimal | None]] = {}
        for table in present:
            keys = [k for k, _ in _row_keys(table)]
            _merge_order(order, keys)
            for key, row in zip(keys, table.rows):
                if key not in rows:
                    rows[key] = row
                    sums[key] = {}
                for column, value in row.values.items():
                    if value is not None:
                        sums[key][column] = (sums[key].get(column) or Decimal(0)) + value  # an empty cell adds nothing
                    else:
                        sums[key].setdefault(column, None)
        first = present[0]
        summed = [rows[k].model_copy(update={"values": sums[k], "place": None}) for k in order]
        tables.append(first.model_copy(update={"rows": summed, "unit_name": department, "note": None, "place": None}))
    return Consolidated(template_id, tables, [name for name, _ in kept], left_out)


def signed(value: Decimal | None) -> str:
    """A change as the comparison page prints it: +12.00, -3.50, 0.00."""
    return "" if value is None else ("+" if value > 0 else "") + fmt(value)


def percent(value: Decimal | None) -> str:
    return "" if value is None else f"{value:+.2f}%"


COMPARE_HEADER = ["行", "列", "甲", "乙", "增减", "增减%"]


def compare_shown(title: str, cells: list[ComparedCell], a: str, b: str, year: int = 2024) -> sheets.Shown:
    """One table of the comparison page as shown: its title, which reports are 甲 and 乙, the cells."""
    rows = [[c.row, c.column, c.a, c.b, (signed(c.change), c.change), (percent(c.percent), c.percent)] for c in cells]
    return sheets.Shown("比较", [[title], [f"甲：{a}", f"乙：{b}"]], sheets.grid_of(COMPARE_HEADER, rows), [], year)
