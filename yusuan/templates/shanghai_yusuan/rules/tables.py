"""The two 收支总表 (财务收支预算总表, 财政拨款收支预算总表): rows of labels on two sides, which the
generated rules cannot roll up (no codes, items numbered 一、 with sub-items 1、 or 1. under 一).

Within a table: 收入总计 is the sum of the items 一、二、…, an item with sub-items is their sum,
支出总计 is the sum of the 类 on the expenditure side, column by column. Against the other
tables: each income item is a column of 收入预算总表's 合计 (or the 合计 of the fund's own
table), each 类 of the expenditure side is that 类's row in 支出预算总表 (or in the fund's table).
"""
from __future__ import annotations

import re

from ....check import Finding, Location, rule
from ....check.support import amount, compare_equal, compare_sum, total_row
from ....report import Row, Table

TOP = re.compile(r"^[一二三四五六七八九十]+、")
SUB = re.compile(r"^\d+\s*[、.．]")
NUMBER = re.compile(r"^(?:[一二三四五六七八九十]+|\d+)\s*[、.．]\s*")
# Table 1's income items by the column of table 2 that holds them; the fiscal sub-items (and
# table 4's items) by the table of their fund.
T2_COLUMN = {"财政拨款收入": "fiscal", "事业收入": "business", "事业单位经营收入": "operating", "其他收入": "other"}
FUND_TABLE = {"一般公共预算资金": "5", "政府性基金": "6", "国有资本经营预算": "7"}
# Table 4's expenditure columns by the table of their fund.
T4_FUND_COLUMN = {"exp_general": "5", "exp_fund": "6", "exp_soe": "7"}


def name(label: str) -> str:
    return NUMBER.sub("", "".join(label.split()))


class Sides:
    """A 收支总表's rows: the body (items beside 类) and the total row (收入总计 | 支出总计)."""

    def __init__(self, table: Table):
        rows = table.rows
        self.total = next((r for r in rows if name(r.label("income_item")) == "收入总计" or name(r.label("exp_item")) == "支出总计"), None)
        self.body = [r for r in rows if r is not self.total]

    def income_groups(self) -> list[tuple[Row, list[Row]]]:
        """Each top item (一、…, or a row with no income label: an amount there counts too) with its sub-items."""
        groups: list[tuple[Row, list[Row]]] = []
        for row in self.body:
            label = "".join(row.label("income_item").split())
            if SUB.match(label) and groups:
                groups[-1][1].append(row)
            elif TOP.match(label) or not label:
                groups.append((row, []))
        return groups


def _amount_keys(table: Table, template, side: str) -> list[str]:
    return [c.key for c in template.table(table.id).amount_columns if c.key.startswith(side)]


def _within(rule_id: str, table: Table, template) -> list[Finding | None]:
    sides = Sides(table)
    out: list[Finding | None] = []
    if sides.total is None:
        return out
    groups = sides.income_groups()
    out.append(compare_sum(rule_id, Location(table.id, "收入总计", "income_amount"),
                           [(name(r.label("income_item")), r.value("income_amount")) for r, _ in groups],
                           sides.total.value("income_amount"), "收入总计 is not the sum of the income items", exact=table.unit == "元"))
    for head, subs in groups:
        if subs:
            out.append(compare_sum(rule_id, Location(table.id, head.label("income_item"), "income_amount"),
                                   [(name(r.label("income_item")), r.value("income_amount")) for r in subs],
                                   head.value("income_amount"), "an income item is not the sum of its sub-items", exact=table.unit == "元"))
    for key in _amount_keys(table, template, "exp_"):
        out.append(compare_sum(rule_id, Location(table.id, "支出总计", key),
                               [(name(r.label("exp_item")), r.value(key)) for r in sides.body],
                               sides.total.value(key), "支出总计 is not the sum of the 类", exact=table.unit == "元"))
    return out


@rule("S.statement", "In 财务收支预算总表 and 财政拨款收支预算总表: 收入总计 = Σ items 一、二、…, 一、财政拨款收入 = its sub-items 1–3, 支出总计 = Σ 类, column by column.",
      identity="T1/T4[收入总计].income = Σ top items; T1[一、财政拨款收入] = Σ 1、2、3、; T1/T4[支出总计].exp_k = Σ 类 rows' exp_k")
def statement(report, template) -> list[Finding]:
    out: list[Finding | None] = []
    for table_id in ("1", "4"):
        table = report.table(table_id)
        if table is not None and table.rows:
            out += _within("S.statement", table, template)
    return [f for f in out if f]


def _class_row(table: Table | None, wanted: str) -> Row | None:
    if table is None:
        return None
    return next((r for r in table.rows if r.code and len(r.code) == 3 and name(r.label("name")) == wanted), None)


def _table_total(report, table_id: str):
    table = report.table(table_id)
    if table is None or not table.rows:
        return None, False
    return total_row(table).value("total"), True


@rule("S.statement-tables", "The 收支总表 against the other tables: each income item is 收入预算总表's 合计 column (a fund's, its table's 合计); "
      "each 类 of the expenditure side is its row in 支出预算总表 (表4: in the fund's table).",
      identity="T1[s].income = T2[合计].s; T1/T4[fund].income = T5|T6|T7[合计].total; T1[类].exp_total = T3[类].total; T4[类].exp_f = T5|T6|T7[类].total")
def statement_tables(report) -> list[Finding]:
    out: list[Finding | None] = []
    t2 = report.table("2")
    for table_id in ("1", "4"):
        table = report.table(table_id)
        if table is None or not table.rows:
            continue
        sides = Sides(table)
        for row in sides.body:
            item = name(row.label("income_item"))
            place = Location(table_id, row.label("income_item"), "income_amount")
            if item in T2_COLUMN and t2 is not None and t2.rows:
                out.append(compare_equal("S.statement-tables", place, total_row(t2).value(T2_COLUMN[item]), row.value("income_amount"),
                                         f"{item} differs from 收入预算总表's 合计", f"T2[合计].{T2_COLUMN[item]}"))
            if item in FUND_TABLE:
                value, present = _table_total(report, FUND_TABLE[item])
                if present:
                    out.append(compare_equal("S.statement-tables", place, value, row.value("income_amount"),
                                             f"{item} differs from its fund's table", f"T{FUND_TABLE[item]}[合计].total"))
            label = name(row.label("exp_item"))
            if not label:
                continue
            pairs = [("exp_total", "3")] if table_id == "1" else list(T4_FUND_COLUMN.items())
            for key, other_id in pairs:
                other = report.table(other_id)
                if other is None or not other.rows:
                    continue
                match = _class_row(other, label)
                expected = match.value("total") if match is not None else None
                if match is None and amount(row.value(key)) == 0:
                    continue  # a 类 the fund does not have, and nothing shown for it
                out.append(compare_equal("S.statement-tables", Location(table_id, row.label("exp_item"), key), expected, row.value(key),
                                         f"{label} differs from its row in 表{other_id}", f"T{other_id}[{label}].total"))
    return [f for f in out if f]
