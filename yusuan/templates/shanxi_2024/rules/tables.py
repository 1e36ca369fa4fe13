"""Shanxi's own table rules: the two-sided 收支总表 (tables 1 and 4: its rows are labels, not a
classification, so no rule follows from the layout), table 9's income side (收入科目 beside
expenditure, row by row), and the labels of two-sided rows.

The column sums and the roll-ups of every classified table are generated from template.yaml
(yusuan/check/generated.py).
"""
from __future__ import annotations

from decimal import Decimal
from itertools import chain, compress
from operator import attrgetter, not_

from ....check import Finding, Location, rule
from ....check.generated import code_rollup
from ....check.support import compare_equal, compare_sum, memo, norm, row_name
from ....check.support import table as indexed_table
from ....money import ZERO
from ....report import Report, Row, Table


@rule("T9.income-rollup", "In table 9 the income side's 合计 is the sum of its 类 rows, each 类 the sum of its 款, each 款 of its 项, each 项 of its 目.",
      identity="T9[合计].income_amount = Σ T9[income 类].income_amount; T9[income 类] = Σ T9[income 款]; …")
def table9_income_rollup(t9: Table) -> list[Finding]:
    return code_rollup("T9.income-rollup", t9, ("income_amount",), code_of=lambda row: row.label("income_code").strip())


# --- the two-sided 收支总表: tables 1 and 4 ------------------------------------------------

_VALUES = attrgetter("values")
_CODE = attrgetter("code")

class Summary:
    """The parts of a 收支总表, found by their labels."""

    def __init__(self, table: Table):
        self.table = table
        rows = table.rows
        index: dict[str, int] = {}  # the first row of each label, by its label without numbering
        exp_index: dict[str, int] = {}
        for i, r in enumerate(rows):
            labels = r.labels
            item = labels.get("income_item")
            if item:
                index.setdefault(norm(item), i)
            item = labels.get("exp_item")
            if item:
                exp_index.setdefault(norm(item), i)
        self.current_i = index.get("本年收入合计", exp_index.get("本年支出合计", len(rows)))
        carry_i = index.get("上年结转", index.get("上年财政拨款结转"))
        total_i = index.get("收入总计", exp_index.get("支出总计"))
        self.current = rows[self.current_i] if self.current_i < len(rows) else None
        self.carryover = rows[carry_i] if carry_i is not None else None
        self.total = rows[total_i] if total_i is not None else None
        self.exp_current = rows[exp_index["本年支出合计"]] if "本年支出合计" in exp_index else None
        self.year_end = rows[exp_index["年终结转"]] if "年终结转" in exp_index else None
        self.exp_total = rows[exp_index["支出总计"]] if "支出总计" in exp_index else None
        head = rows[: self.current_i]
        self.sources = [r for r in head if r.labels.get("income_item")]
        self.classes = [r for r in head if r.labels.get("exp_item")]
        # Table 4 lists the carryover by source between 上年财政拨款结转 and 收入总计.
        end = total_i if total_i is not None else len(rows)
        self.carryover_sources = [r for r in rows[(carry_i + 1 if carry_i is not None else end):end] if r.labels.get("income_item")]
        keys: set[str] = set(chain.from_iterable(map(_VALUES, rows)))
        self.exp_keys = [k for k in ("exp_total", "exp_current", "exp_carryover", "exp_general", "exp_fund", "exp_soe") if k in keys]
        self._by_source: dict[str, Row] = {}
        for r in self.sources:
            self._by_source.setdefault(norm(r.labels["income_item"]), r)

    def source(self, name: str) -> Row | None:
        return self._by_source.get(name)

    def class_row(self, code: str, name: str = "") -> Row | None:
        if not hasattr(self, "_by_class"):
            self._by_class = {r.code: r for r in self.classes if r.code}
            self._by_class_name = {norm(r.label("exp_item")): r for r in self.classes}
        return self._by_class.get(code) or (self._by_class_name.get(norm(name)) if name else None)


def summary(table: Table) -> Summary:
    return memo(("summary", id(table)), Summary, table)


def t6_named(t6) -> dict[str, list[Row]]:
    """Table 6's 款 rows (level 2) by their name, numbering and blanks aside, in table order:
    made once per check run (the 三公, pension and item-list rules look names up)."""
    return memo(("shanxi.t6_items", id(t6)), _t6_named, t6)


def _t6_named(t6: Table) -> dict[str, list[Row]]:
    named: dict[str, list[Row]] = {}
    for r in t6.rows:
        if r.level == 2:
            named.setdefault(norm(r.label("dept_name")), []).append(r)
    return named


def _differs(shown: Decimal | None, values) -> bool:
    """Whether ``shown`` is not the sum of ``values`` (empty cells as zero): what compare_sum
    would say something about, decided before its terms are named."""
    return (shown or ZERO) != sum(filter(None, values), ZERO)


def _summary_rollup(report: Report, table_id: str) -> list[Finding]:
    table = indexed_table(report, table_id)
    if table is None:
        return []
    s = summary(table)
    rid = f"T{table_id}.rollup"
    findings: list[Finding | None] = []
    if s.current is not None:
        shown = s.current.values.get("income_amount")
        if _differs(shown, [r.values.get("income_amount") for r in s.sources]):
            findings.append(compare_sum(rid, Location(table_id, "本年收入合计", "income_amount"),
                                        [(norm(r.label("income_item")), r.value("income_amount")) for r in s.sources],
                                        shown, "本年收入合计 is not the sum of the income rows"))
    if s.exp_current is not None:
        for key in s.exp_keys:
            shown = s.exp_current.values.get(key)
            if _differs(shown, [r.values.get(key) for r in s.classes]):
                findings.append(compare_sum(rid, Location(table_id, "本年支出合计", key),
                                            [(r.code or "", r.value(key)) for r in s.classes], shown,
                                            "本年支出合计 is not the sum of the 类 rows"))
    if s.total is not None and s.current is not None:
        carry = s.carryover.value("income_amount") if s.carryover else None
        current = s.current.values.get("income_amount")
        shown = s.total.values.get("income_amount")
        if _differs(shown, (current, carry)):
            findings.append(compare_sum(rid, Location(table_id, "收入总计", "income_amount"),
                                        [("本年收入合计", current), ("上年结转", carry)],
                                        shown, "收入总计 is not 本年收入合计 + 上年结转"))
    if s.exp_total is not None and s.exp_current is not None:
        for key in s.exp_keys:
            year_end = s.year_end.value(key) if s.year_end else None
            current = s.exp_current.values.get(key)
            shown = s.exp_total.values.get(key)
            if _differs(shown, (current, year_end)):
                findings.append(compare_sum(rid, Location(table_id, "支出总计", key),
                                            [("本年支出合计", current), ("年终结转", year_end)],
                                            shown, "支出总计 is not 本年支出合计 + 年终结转"))
    if s.carryover is not None and s.carryover_sources:
        shown = s.carryover.values.get("income_amount")
        if _differs(shown, [r.values.get("income_amount") for r in s.carryover_sources]):
            findings.append(compare_sum(rid, Location(table_id, norm(s.carryover.label("income_item")), "income_amount"),
                                        [(norm(r.label("income_item")), r.value("income_amount")) for r in s.carryover_sources],
                                        shown, "上年财政拨款结转 is not the sum of its sources"))
    return [f for f in findings if f]


@rule("T1.rollup", "In table 1 本年收入合计 is the sum of the sources, 本年支出合计 the sum of the 类 rows, and each 总计 its 合计 plus 结转.",
      identity="T1[本年收入合计] = Σ T1[source]; T1[本年支出合计].c = Σ T1[类].c; T1[收入总计] = T1[本年收入合计] + T1[上年结转]; T1[支出总计].c = T1[本年支出合计].c + T1[年终结转].c")
def table1_rollup(report: Report) -> list[Finding]:
    return _summary_rollup(report, "1")


@rule("T4.rollup", "In table 4 本年收入合计 is the sum of the fiscal sources, 上年财政拨款结转 the sum of its sources, 本年支出合计 the sum of the 类 rows, and each 总计 its 合计 plus 结转.",
      identity="T4[本年收入合计] = Σ T4[source]; T4[上年财政拨款结转] = Σ T4[carryover source]; T4[本年支出合计].c = Σ T4[类].c; T4[收入总计] = T4[本年收入合计] + T4[上年财政拨款结转]; T4[支出总计].c = T4[本年支出合计].c + T4[年终结转].c")
def table4_rollup(report: Report) -> list[Finding]:
    return _summary_rollup(report, "4")


def _balance(report: Report, table_id: str) -> list[Finding]:
    table = indexed_table(report, table_id)
    if table is None:
        return []
    s = summary(table)
    rid = f"T{table_id}.balance"
    findings: list[Finding | None] = []
    if s.total is not None and s.exp_total is not None:
        findings.append(compare_equal(rid, Location(table_id, "支出总计", "exp_total"), s.total.value("income_amount"),
                                      s.exp_total.value("exp_total"), "支出总计 differs from 收入总计", "收入总计"))
    if table_id == "1" and s.exp_current is not None:
        if s.current is not None and "exp_current" in s.exp_keys:
            findings.append(compare_equal(rid, Location(table_id, "本年支出合计", "exp_current"), s.current.value("income_amount"),
                                          s.exp_current.value("exp_current"), "当年预算安排 differs from 本年收入合计", "本年收入合计"))
        if s.carryover is not None and "exp_carryover" in s.exp_keys:
            findings.append(compare_equal(rid, Location(table_id, "本年支出合计", "exp_carryover"), s.carryover.value("income_amount"),
                                          s.exp_current.value("exp_carryover"), "上年结转安排 differs from the 上年结转 income", "上年结转"))
    return [f for f in findings if f]


@rule("T1.balance", "In table 1 收入总计 equals 支出总计, and the current-year and carried-over spending equal their income.",
      identity="T1[收入总计] = T1[支出总计].exp_total; T1[本年支出合计].exp_current = T1[本年收入合计]; T1[本年支出合计].exp_carryover = T1[上年结转]")
def table1_balance(report: Report) -> list[Finding]:
    return _balance(report, "1")


@rule("T4.balance", "In table 4 收入总计 equals 支出总计.", identity="T4[收入总计] = T4[支出总计].exp_total")
def table4_balance(report: Report) -> list[Finding]:
    return _balance(report, "4")


# Which label columns name the amounts of a row, where a table has two sides.
SIDES = {"1": {"income_amount": ("income_item",)}, "4": {"income_amount": ("income_item",)},
         "9": {"income_amount": ("income_code", "income_name")}}
OTHER_SIDE = {"1": ("exp_item",), "4": ("exp_item",), "9": ("code", "name")}


def _names(labels: dict[str, str], names: tuple[str, ...]) -> bool:
    """Whether one of the label columns ``names`` holds words."""
    for name in names:
        if labels.get(name, "").strip():
            return True
    return False


@rule("T.labels", "Every amount stands in a row that names it (an amount beside an empty label belongs to nothing; an income amount beside an expenditure row only: warning).",
      identity="a non-empty amount cell ⇒ a non-empty label on its side of the row (tables 1, 4, 9 have two sides)")
def labelled(report: Report) -> list[Finding]:
    out = []
    for table in report.tables:
        sides = SIDES.get(table.id, {})
        other = OTHER_SIDE.get(table.id)
        rows = enumerate(table.rows)
        if not sides:
            # One side: a coded row names its amounts; only the others are looked at, picked in C.
            rows = compress(rows, map(not_, map(_CODE, table.rows)))
        for i, row in rows:
            labels = row.labels
            if sides:
                # Two sides: a row naming its expenditure side, and its income side or with no
                # income amount, has nothing to report (most rows; the rest go the long way).
                if _names(labels, other):
                    values = row.values
                    for key, names in sides.items():
                        if values.get(key) is not None and not _names(labels, names):
                            break
                    else:
                        continue
            else:
                # One side: the row names its amounts or not, whatever the column (decided once
                # per row, not per cell: most rows are named and are passed over at once).
                if row.code:
                    continue
                if other is None:
                    if any(map(str.strip, labels.values())):  # any label at all, tested in C
                        continue
                elif any(labels.get(n, "").strip() for n in other):
                    continue
            named: dict = {}  # whether each side's labels name the row, worked out once per row
            for key, value in row.values.items():
                if value is None:
                    continue
                names = sides.get(key, other if other is not None else tuple(labels))
                found = named.get(names)
                if found is None:
                    found = named[names] = any(labels.get(n, "").strip() for n in names)
                if found or (row.code and not sides):
                    continue
                if any(norm(v) == "合计" for v in labels.values()):  # a 合计 row spans both sides
                    continue
                if key in sides and any(labels.get(n, "").strip() for n in OTHER_SIDE[table.id]):
                    # An income amount on an expenditure row (derive fills 表9's income column by
                    # functional row): unnamed, but the row is not blank — a warning, not an error.
                    out.append(Finding("T.labels", "warning", Location(table.id, row_name(row), key),
                                       "an income amount beside an expenditure row, with no income item named", "an income label", f"{value:.2f}"))
                    continue
                out.append(Finding("T.labels", "error", Location(table.id, f"row {i + 1}", key),
                                   "an amount in a row without a label", "a label", f"{value:.2f}"))
    return out
