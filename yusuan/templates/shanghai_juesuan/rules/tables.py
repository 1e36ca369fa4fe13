"""The 决算 tables' own arithmetic: the two 收支总表, the two-sided 基本支出 table, the fund tables' balances."""
from __future__ import annotations

from decimal import Decimal

from ....check import Finding, Location, rule
from ....check.generated import code_rollup
from ....check.support import compare_equal, compare_sum, fmt, memo, norm
from ....report import Row, Table

HALF_CENT = Decimal("0.005")
CENT = Decimal("0.01")


def _keep(*found: Finding | None) -> list[Finding]:
    return [f for f in found if f]


def _val(row: Row | None, key: str) -> Decimal | None:
    return None if row is None else row.value(key)


# --- the 收支总表 (tables 1 and 4) --------------------------------------------------------------


class Statement:
    """A 收支总表's rows by role: the rows before 本年收入合计 (income sources beside the 类),
    本年收入合计/本年支出合计, the balance rows between it and 总计, and 总计."""

    def __init__(self, table: Table):
        rows = table.rows
        labels = [norm(r.label("income_item")) for r in rows]
        exp_labels = [norm(r.label("exp_item")) for r in rows]
        self.current_i = next((i for i, (a, b) in enumerate(zip(labels, exp_labels)) if a == "本年收入合计" or b == "本年支出合计"),
                              len(rows))
        self.total_i = next((i for i, (a, b) in enumerate(zip(labels, exp_labels)) if a == "总计" or b == "总计"), None)
        self.head = rows[: self.current_i]
        self.current = rows[self.current_i] if self.current_i < len(rows) else None
        self.total = rows[self.total_i] if self.total_i is not None else None
        end = self.total_i if self.total_i is not None else len(rows)
        self.between = rows[self.current_i + 1:end] if self.current is not None else []

    def income_row(self, *names: str) -> Row | None:
        wanted = {norm(n) for n in names}
        return next((r for r in self.head if norm(r.label("income_item")) in wanted), None)

    def classes(self) -> list[Row]:
        return [r for r in self.head if r.code]


def statement(table: Table) -> Statement:
    return memo(("juesuan-statement", id(table)), Statement, table)


def _statement_rollup(rule_id: str, table: Table, exp_keys: tuple[str, ...], balance_parts: bool) -> list[Finding]:
    s = statement(table)
    out: list[Finding | None] = []
    if s.current is not None:
        # Every amount above 本年收入合计 is a source or a 类: an amount on an unnamed line counts too.
        out.append(compare_sum(rule_id, Location(table.id, "本年收入合计", "income_amount"),
                               [(norm(r.label("income_item")), r.value("income_amount")) for r in s.head],
                               s.current.value("income_amount"), "本年收入合计 is not the sum of the income rows"))
        for key in exp_keys:
            out.append(compare_sum(rule_id, Location(table.id, "本年支出合计", key),
                                   [(r.code or "", r.value(key)) for r in s.head], s.current.value(key),
                                   "本年支出合计 is not the sum of the 类 rows"))
    if s.total is not None and s.current is not None:
        # 总计 = 本年 + the balance lines (使用非财政拨款结余, 年初结转和结余; 结余分配, 年末结转和结余);
        # in table 4 the 年初 line is itself the sum of the sources listed under it.
        heads = [r for r in s.between if r.level == 0] if balance_parts else s.between
        out.append(compare_sum(rule_id, Location(table.id, "总计", "income_amount"),
                               [("本年收入合计", s.current.value("income_amount"))]
                               + [(norm(r.label("income_item")), r.value("income_amount")) for r in heads],
                               s.total.value("income_amount"), "收入 总计 is not 本年收入合计 plus the balances"))
        for key in exp_keys:
            out.append(compare_sum(rule_id, Location(table.id, "总计", key),
                                   [("本年支出合计", s.current.value(key))]
                                   + [(norm(r.label("exp_item")), r.value(key)) for r in s.between],
                                   s.total.value(key), "支出 总计 is not 本年支出合计 plus the balances"))
        if balance_parts:
            for i, row in enumerate(s.between):
                if row.level != 0:
                    continue
                parts = []
                for sub in s.between[i + 1:]:
                    if sub.level == 0:
                        break
                    parts.append(sub)
                if parts:
                    out.append(compare_sum(rule_id, Location(table.id, norm(row.label("income_item")), "income_amount"),
                                           [(norm(p.label("income_item")), p.value("income_amount")) for p in parts],
                                           row.value("income_amount"), "the balance is not the sum of its sources"))
    return _keep(*out)


@rule("T1.rollup", "In 收入支出决算总表 本年收入合计 is the sum of the sources, 本年支出合计 the sum of the 类, and each 总计 its 本年 total plus the balance lines.",
      identity="T1[本年收入合计] = Σ T1[sources]; T1[本年支出合计] = Σ T1[类]; T1[总计].income = T1[本年收入合计] + T1[使用非财政拨款结余] + T1[年初结转和结余]; T1[总计].exp = T1[本年支出合计] + T1[结余分配] + T1[年末结转和结余]")
def table1_rollup(t1: Table) -> list[Finding]:
    return _statement_rollup("T1.rollup", t1, ("exp_amount",), balance_parts=False)


@rule("T4.rollup", "In 财政拨款收入支出决算总表 本年收入合计 is the sum of the three funds, 年初财政拨款结转和结余 the sum of its funds, 本年支出合计 the sum of the 类, and each 总计 its 本年 total plus the balances.",
      identity="T4[本年收入合计] = Σ T4[funds]; T4[年初…] = Σ T4[its funds]; T4[本年支出合计].c = Σ T4[类].c; T4[总计] = T4[本年…合计] + T4[年初|年末…]")
def table4_rollup(t4: Table) -> list[Finding]:
    return _statement_rollup("T4.rollup", t4, ("exp_total", "exp_general", "exp_fund", "exp_soe"), balance_parts=True)


def _balance(rule_id: str, table: Table, exp_key: str) -> list[Finding]:
    s = statement(table)
    if s.total is None:
        return []
    return _keep(compare_equal(rule_id, Location(table.id, "总计", exp_key), s.total.value("income_amount"),
                               s.total.value(exp_key), "支出 总计 differs from 收入 总计", "收入 总计"))


@rule("T1.balance", "In 收入支出决算总表 the two 总计 are equal.", identity="T1[总计].income_amount = T1[总计].exp_amount")
def table1_balance(t1: Table) -> list[Finding]:
    return _balance("T1.balance", t1, "exp_amount")


@rule("T4.balance", "In 财政拨款收入支出决算总表 the two 总计 are equal.", identity="T4[总计].income_amount = T4[总计].exp_total")
def table4_balance(t4: Table) -> list[Finding]:
    return _balance("T4.balance", t4, "exp_total")


# --- the 基本支出 table (6): two sides of economic codes -----------------------------------------

SIDES = (("p_code", "personnel", "人员经费合计"), ("c_code", "public", "公用经费合计"))


@rule("T6.rollup", "In 一般公共预算财政拨款基本支出决算表 each side's 类 is the sum of its 款, and 人员经费合计 / 公用经费合计 the sum of their side's 类.",
      identity="per side (人员经费 | 公用经费): [类] = Σ [款 of it]; [合计] = Σ [类]")
def table6_rollup(t6: Table) -> list[Finding]:
    out: list[Finding] = []
    for code_key, amount_key, total_label in SIDES:
        side = Table(id=t6.id, caption="", title="", rows=[
            Row(labels={"code": r.label(code_key)}, values={amount_key: r.value(amount_key)},
                code=r.label(code_key) if r.label(code_key).isdigit() else None, level=r.level)
            for r in t6.rows if r.label(code_key).isdigit()])
        out += code_rollup("T6.rollup", side, (amount_key,))
        total = next((r for r in t6.rows if any(norm(v) == total_label for v in r.labels.values())), None)
        classes = [r for r in t6.rows if len(r.label(code_key)) == 3 and r.label(code_key).isdigit()]
        for i, row in enumerate(t6.rows):
            # The 公用经费 side runs longer than the 人员经费 one: an amount on a side without its
            # code belongs to nothing.
            if row is not total and not row.label(code_key) and row.value(amount_key) is not None:
                out.append(Finding("T6.rollup", "error", Location(t6.id, f"row {i + 1}", amount_key),
                                   "an amount beside no economic code", "empty", fmt(row.value(amount_key))))
        if total is not None:
            out += _keep(compare_sum("T6.rollup", Location(t6.id, total_label, amount_key),
                                     [(r.label(code_key), r.value(amount_key)) for r in classes], total.value(amount_key),
                                     f"{total_label} is not the sum of its 类"))
    return out


def _t6_totals(t6: Table) -> tuple[Decimal | None, Decimal | None]:
    found = {}
    for _, amount_key, total_label in SIDES:
        row = next((r for r in t6.rows if any(norm(v) == total_label for v in r.labels.values())), None)
        found[amount_key] = _val(row, amount_key)
    return found["personnel"], found["public"]


# --- the 基金/国资 tables (8, 9) --------------------------------------------------------------


def _carried(rule_id: str, table: Table) -> list[Finding]:
    out = []
    for row in table.rows:
        if all(row.value(k) is None for k in ("opening", "income", "exp_total", "closing")):
            continue
        terms = [("年初结转和结余", row.value("opening")), ("本年收入", row.value("income")),
                 ("−本年支出", None if row.value("exp_total") is None else -row.value("exp_total"))]
        out += _keep(compare_sum(rule_id, Location(table.id, row.code or norm(next(iter(row.labels.values()), "")), "closing"),
                                 terms, row.value("closing"), "年末结转和结余 is not 年初 + 收入 − 支出"))
    return out


@rule("T8.carried", "In 政府性基金预算财政拨款收入支出决算表 every row's 年末结转和结余 is 年初结转和结余 + 本年收入 − 本年支出.",
      identity="T8[r].closing = T8[r].opening + T8[r].income − T8[r].exp_total")
def table8_carried(t8: Table) -> list[Finding]:
    return _carried("T8.carried", t8)


@rule("T9.carried", "In 国有资本经营预算财政拨款收入支出决算表 every row's 年末结转和结余 is 年初结转和结余 + 本年收入 − 本年支出.",
      identity="T9[r].closing = T9[r].opening + T9[r].income − T9[r].exp_total")
def table9_carried(t9: Table) -> list[Finding]:
    return _carried("T9.carried", t9)
