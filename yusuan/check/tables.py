"""Inside each table: rows roll up 类 → 款 → 项, columns add up, totals rows equal their parts,
and income equals expenditure in the two 收支总表 (tables 1 and 4).

The rules are generated per table from two small maps, so each finding names its table in its
rule id (``T2.rollup``, ``T6.columns``) and a new template adds rows here, not code.
"""
from __future__ import annotations

from ..report import Report, Row, Table
from . import Finding, Location, rule
from .support import cached, children_sums, compare_equal, compare_sum, norm, row_name, total_row

# Per table: the column that is the sum of other columns, on every row.
COLUMN_SUMS: dict[str, list[tuple[str, tuple[str, ...]]]] = {
    "1": [("exp_total", ("exp_current", "exp_carryover"))],
    "2": [("total", ("general", "fund", "soe", "special", "unit_funds"))],
    "3": [("total", ("basic", "project"))],
    "4": [("exp_total", ("exp_general", "exp_fund", "exp_soe"))],
    "5": [("total", ("basic", "project"))],
    "6": [("total", ("personnel", "public"))],
    "8": [("total", ("basic", "project"))],
    "9": [("total", ("basic", "project"))],
    "10": [("total", ("general", "fund", "soe"))],
    "11": [("total", ("general", "fund", "soe"))],
    "12": [("total", ("general", "fund", "soe", "special", "unit_funds"))],
    "13": [("total", ("general", "fund", "soe"))],
}

# The functional tables (rows 合计, 类, 款, 项 with codes) and their expenditure columns.
FUNCTIONAL: dict[str, tuple[str, ...]] = {
    "2": ("total", "general", "fund", "soe", "special", "unit_funds", "carryover"),
    "3": ("total", "basic", "project"),
    "5": ("total", "basic", "project"),
    "8": ("total", "basic", "project"),
    "9": ("total", "basic", "project"),
}


def _column_rule(table_id: str) -> None:
    sums = COLUMN_SUMS[table_id]
    parts_text = "; ".join(f"{total} = {' + '.join(parts)}" for total, parts in sums)

    @rule(f"T{table_id}.columns", f"On every row of table {table_id} the total column equals the sum of its component columns.",
          identity=f"each row: {parts_text}")
    def columns(report: Report) -> list[Finding]:
        table = report.table(table_id)
        if table is None:
            return []
        findings = []
        for row in table.rows:
            for total, parts in sums:
                if row.value(total) is None and all(row.value(p) is None for p in parts):
                    continue
                found = compare_sum(
                    f"T{table_id}.columns", Location(table_id, row_name(row), total),
                    [(p, row.value(p)) for p in parts], row.value(total),
                    f"{total} is not the sum of {' + '.join(parts)}",
                )
                if found:
                    findings.append(found)
        return findings


LEVEL_NAMES = {3: "类", 5: "款", 7: "项", 9: "目"}


def _functional_rollup(report: Report, rule_id: str, table: Table, columns: tuple[str, ...],
                       code_of=lambda row: row.code or "") -> list[Finding]:
    """合计 = Σ 类, 类 = Σ 款, 款 = Σ 项 (and 项 = Σ 目 in 收入分类), by the codes ``code_of`` reads from a row."""
    coded = [r for r in table.rows if code_of(r).isdigit()]
    findings = []

    def add(parent: Row, children: list[Row], what: str) -> None:
        findings.extend(_children_sum(rule_id, table, parent, children, columns, what, code_of))

    classes = [r for r in coded if len(code_of(r)) == 3]
    total = total_row(table)
    if total is not None and not code_of(total).isdigit() and classes:
        add(total, classes, "合计 is not the sum of the 类 rows")
    for parent in coded:
        code = code_of(parent)
        children = [r for r in coded if len(code_of(r)) == len(code) + 2 and code_of(r).startswith(code)]
        if children:
            add(parent, children, f"{LEVEL_NAMES[len(code)]} row is not the sum of its {LEVEL_NAMES[len(code) + 2]} rows")
    return findings


def _rollup_rule(table_id: str) -> None:
    columns = FUNCTIONAL[table_id]

    @rule(f"T{table_id}.rollup", f"In table {table_id} each 类 row is the sum of its 款 rows, each 款 the sum of its 项 rows, and 合计 the sum of the 类 rows.",
          identity=f"for each column c in {', '.join(columns)}: T{table_id}[合计].c = Σ T{table_id}[类].c; T{table_id}[类].c = Σ T{table_id}[款].c; T{table_id}[款].c = Σ T{table_id}[项].c")
    def rollup(report: Report) -> list[Finding]:
        table = report.table(table_id)
        return [] if table is None else _functional_rollup(report, f"T{table_id}.rollup", table, columns)


for _id in COLUMN_SUMS:
    _column_rule(_id)
for _id in FUNCTIONAL:
    _rollup_rule(_id)


@rule("T7.rollup", "In table 7 合计 is the sum of the 收入分类 类 rows, each 类 the sum of its 款, each 款 of its 项, each 项 of its 目.",
      identity="T7[合计].amount = Σ T7[类].amount; T7[类] = Σ T7[款]; T7[款] = Σ T7[项]; T7[项] = Σ T7[目]")
def table7_rollup(report: Report) -> list[Finding]:
    table = report.table("7")
    return [] if table is None else _functional_rollup(report, "T7.rollup", table, ("amount",))


@rule("T9.income-rollup", "In table 9 the income side's 合计 is the sum of its 类 rows, each 类 the sum of its 款, each 款 of its 项, each 项 of its 目.",
      identity="T9[合计].income_amount = Σ T9[income 类].income_amount; T9[income 类] = Σ T9[income 款]; …")
def table9_income_rollup(report: Report) -> list[Finding]:
    table = report.table("9")
    return [] if table is None else _functional_rollup(report, "T9.income-rollup", table, ("income_amount",),
                                                       code_of=lambda row: row.label("income_code").strip())


def _children_sum(rule_id: str, table: Table, parent: Row, children: list[Row], columns: tuple[str, ...], what: str,
                  term_label=lambda row: "") -> list[Finding]:
    """In each column the parent row is the sum of its children (a column empty in all of them is skipped)."""
    findings = []
    for key in columns:
        if parent.value(key) is None and all(c.value(key) is None for c in children):
            continue
        found = compare_sum(rule_id, Location(table.id, row_name(parent), key),
                            [(term_label(c), c.value(key)) for c in children], parent.value(key), what)
        if found:
            findings.append(found)
    return findings


def _hierarchy(rule_id: str, table: Table, parent_level: int, child_level: int, columns: tuple[str, ...], what: str) -> list[Finding]:
    return [finding for parent, children in children_sums(table, parent_level, child_level) if children
            for finding in _children_sum(rule_id, table, parent, children, columns, what)]


@rule("T6.rollup", "In table 6 合计 is the sum of the economic 类 rows and each 类 the sum of its 款 rows.",
      identity="for c in total, personnel, public: T6[合计].c = Σ T6[类].c; T6[类].c = Σ T6[款 of the 类].c")
def table6_rollup(report: Report) -> list[Finding]:
    table = report.table("6")
    if table is None:
        return []
    columns = ("total", "personnel", "public")
    return _hierarchy("T6.rollup", table, 0, 1, columns, "合计 is not the sum of the 类 rows") + _hierarchy(
        "T6.rollup", table, 1, 2, columns, "类 row is not the sum of its 款 rows")


@rule("T10.rollup", "In table 10 公务用车购置及运行费 is 购置费 + 运行维护费 and 合计 is 出国 + 接待 + 公务用车.",
      identity="T10[vehicles] = T10[vehicle_purchase] + T10[vehicle_operation]; T10[total] = T10[abroad] + T10[reception] + T10[vehicles], each column")
def table10_rollup(report: Report) -> list[Finding]:
    table = report.table("10")
    if table is None:
        return []
    rows = {r.code: r for r in table.rows if r.code}
    labels = {"abroad": "因公出国(境)费", "reception": "公务接待费", "vehicles": "公务用车购置及运行费",
              "vehicle_purchase": "公务用车购置费", "vehicle_operation": "公务用车运行维护费", "total": "合计"}
    for key, label in labels.items():  # a reader may give labels only
        rows.setdefault(key, next((r for r in table.rows if norm(r.label("item")) == label), None))
    findings = []
    for parent, children in (("vehicles", ("vehicle_purchase", "vehicle_operation")), ("total", ("abroad", "reception", "vehicles"))):
        if rows.get(parent) is None:
            continue
        for key in ("total", "general", "fund", "soe"):
            terms = [(c, rows[c].value(key) if rows.get(c) else None) for c in children]
            found = compare_sum("T10.rollup", Location("10", labels[parent], key), terms, rows[parent].value(key),
                                f"{labels[parent]} is not the sum of its items")
            if found:
                findings.append(found)
    return findings


@rule("T11.rollup", "In table 11 部门合计 is the sum of the unit rows.",
      identity="for c in total, general, fund, soe: T11[部门合计].c = Σ T11[unit].c")
def table11_rollup(report: Report) -> list[Finding]:
    table = report.table("11")
    return [] if table is None else _hierarchy("T11.rollup", table, 0, 1, ("total", "general", "fund", "soe"),
                                               "部门合计 is not the sum of the unit rows")


PROJECT_COLUMNS = {"12": ("total", "general", "fund", "soe", "special", "unit_funds"), "13": ("total", "general", "fund", "soe")}


def _project_rollup_rule(table_id: str, description: str, identity: str) -> None:
    """Tables 12 and 13: department = Σ units, unit = Σ its projects, in each of their columns."""
    rule_id, columns = f"T{table_id}.rollup", PROJECT_COLUMNS[table_id]

    @rule(rule_id, description, identity=identity)
    def rollup(report: Report) -> list[Finding]:
        table = report.table(table_id)
        if table is None:
            return []
        return _hierarchy(rule_id, table, 0, 1, columns, "the department row is not the sum of its units") + _hierarchy(
            rule_id, table, 1, 2, columns, "the unit row is not the sum of its projects")


_project_rollup_rule("12", "In table 12 each unit row is the sum of its project rows (and a department row the sum of its units).",
                     "for each column c: T12[unit].c = Σ T12[project of the unit].c; T12[department].c = Σ T12[unit].c")
_project_rollup_rule("13", "In table 13 the department row is the sum of its unit rows and each unit row the sum of its projects.",
                     "for each column c: T13[department].c = Σ T13[unit].c; T13[unit].c = Σ T13[project of the unit].c")


# --- the two-sided 收支总表: tables 1 and 4 ------------------------------------------------

class Summary:
    """The parts of a 收支总表, found by their labels."""

    def __init__(self, table: Table):
        self.table = table
        rows = table.rows
        index = {norm(r.label("income_item")): i for i, r in reversed(list(enumerate(rows))) if r.label("income_item")}
        exp_index = {norm(r.label("exp_item")): i for i, r in reversed(list(enumerate(rows))) if r.label("exp_item")}
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
        self.sources = [r for r in head if r.label("income_item")]
        self.classes = [r for r in head if r.label("exp_item")]
        # Table 4 lists the carryover by source between 上年财政拨款结转 and 收入总计.
        end = total_i if total_i is not None else len(rows)
        self.carryover_sources = [r for r in rows[(carry_i + 1 if carry_i is not None else end):end] if r.label("income_item")]
        self.exp_keys = [k for k in ("exp_total", "exp_current", "exp_carryover", "exp_general", "exp_fund", "exp_soe")
                         if any(k in r.values for r in rows)]

    def source(self, name: str) -> Row | None:
        return next((r for r in self.sources if norm(r.label("income_item")) == name), None)

    def class_row(self, code: str, name: str = "") -> Row | None:
        if not hasattr(self, "_by_class"):
            self._by_class = {r.code: r for r in self.classes if r.code}
            self._by_class_name = {norm(r.label("exp_item")): r for r in self.classes}
        return self._by_class.get(code) or (self._by_class_name.get(norm(name)) if name else None)


def summary(table: Table) -> Summary:
    return cached(("summary", id(table)), lambda: Summary(table))


def _summary_rollup(report: Report, table_id: str) -> list[Finding]:
    table = report.table(table_id)
    if table is None:
        return []
    s = summary(table)
    rid = f"T{table_id}.rollup"
    findings: list[Finding | None] = []
    if s.current is not None:
        findings.append(compare_sum(rid, Location(table_id, "本年收入合计", "income_amount"),
                                    [(norm(r.label("income_item")), r.value("income_amount")) for r in s.sources],
                                    s.current.value("income_amount"), "本年收入合计 is not the sum of the income rows"))
    if s.exp_current is not None:
        for key in s.exp_keys:
            findings.append(compare_sum(rid, Location(table_id, "本年支出合计", key),
                                        [(r.code or "", r.value(key)) for r in s.classes], s.exp_current.value(key),
                                        "本年支出合计 is not the sum of the 类 rows"))
    if s.total is not None and s.current is not None:
        carry = s.carryover.value("income_amount") if s.carryover else None
        findings.append(compare_sum(rid, Location(table_id, "收入总计", "income_amount"),
                                    [("本年收入合计", s.current.value("income_amount")), ("上年结转", carry)],
                                    s.total.value("income_amount"), "收入总计 is not 本年收入合计 + 上年结转"))
    if s.exp_total is not None and s.exp_current is not None:
        for key in s.exp_keys:
            year_end = s.year_end.value(key) if s.year_end else None
            findings.append(compare_sum(rid, Location(table_id, "支出总计", key),
                                        [("本年支出合计", s.exp_current.value(key)), ("年终结转", year_end)],
                                        s.exp_total.value(key), "支出总计 is not 本年支出合计 + 年终结转"))
    if s.carryover is not None and s.carryover_sources:
        findings.append(compare_sum(rid, Location(table_id, norm(s.carryover.label("income_item")), "income_amount"),
                                    [(norm(r.label("income_item")), r.value("income_amount")) for r in s.carryover_sources],
                                    s.carryover.value("income_amount"), "上年财政拨款结转 is not the sum of its sources"))
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
    table = report.table(table_id)
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


@rule("T.labels", "Every amount stands in a row that names it (an amount beside an empty label belongs to nothing; an income amount beside an expenditure row only: warning).",
      identity="a non-empty amount cell ⇒ a non-empty label on its side of the row (tables 1, 4, 9 have two sides)")
def labelled(report: Report) -> list[Finding]:
    out = []
    for table in report.tables:
        sides = SIDES.get(table.id, {})
        for i, row in enumerate(table.rows):
            for key, value in row.values.items():
                if value is None:
                    continue
                names = sides.get(key, OTHER_SIDE.get(table.id, tuple(row.labels)))
                if any(row.label(n).strip() for n in names) or (row.code and not sides):
                    continue
                if any(norm(v) == "合计" for v in row.labels.values()):  # a 合计 row spans both sides
                    continue
                if key in sides and any(row.label(n).strip() for n in OTHER_SIDE[table.id]):
                    # An income amount on an expenditure row (derive fills 表9's income column by
                    # functional row): unnamed, but the row is not blank — a warning, not an error.
                    out.append(Finding("T.labels", "warning", Location(table.id, row_name(row), key),
                                       "an income amount beside an expenditure row, with no income item named", "an income label", f"{value:.2f}"))
                    continue
                out.append(Finding("T.labels", "error", Location(table.id, f"row {i + 1}", key),
                                   "an amount in a row without a label", "a label", f"{value:.2f}"))
    return out
