"""The 部门决算's own rules: what its layout does not say by itself.

The column sums (本年收入合计 = its sources, 三公 合计 = its items, each phase apart) and the
roll-ups of the tables printed with codes are generated from template.yaml. What is left:

- the two 收支总表 (tables 1 and 4): rows of labels, two sides, 总计 = 本年 + balances;
- the 基本支出 table (6): two sides of 经济分类 codes, each closed by its 合计 row;
- the 基金/国资 tables (8, 9): 年初结转和结余 + 本年收入 − 本年支出 = 年末结转和结余;
- across tables: the identities that link the nine (table 1's sources and 类 against tables 2
  and 3, table 4 against 5, 8 and 9, table 5's 基本支出 against table 6);
- the 说明: every amount it restates, every share and growth rate, and a 决算's own sentences —
  决算数 against 年初/全年预算数 (the wording 大于/小于/持平 agrees with the figures, a stated
  完成…% is recomputed, a reason is given where they differ) and changes against last year.

Claims are named by their subject (docs/claims.md, the 决算 vocabulary of
yusuan/templates/shanghai_juesuan/reading.py).
"""
from __future__ import annotations

from decimal import Decimal

from ...check import Finding, Location, rule
from ...check.generated import code_rollup
from ...check.support import amount, cached, coded_rows, compare_at_most, compare_equal, compare_sum, fmt, norm, total_row
from ...money import ZERO, round_half_up
from ...report import Claim, Report, Row, Table

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
    return cached(("juesuan-statement", id(table)), lambda: Statement(table))


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


# --- across tables ----------------------------------------------------------------------------

T1_SOURCES = (("上级补助收入", "superior"), ("事业收入", "business"), ("经营收入", "operating"),
              ("附属单位上缴收入", "subsidiary"), ("其他收入", "other"))
FUNDS = (("一般公共预算财政拨款", "exp_general"), ("政府性基金预算财政拨款", "exp_fund"), ("国有资本经营预算财政拨款", "exp_soe"))


@rule("X.T1-T2", "收入支出决算总表's income equals 收入决算表: its three 财政拨款 lines together, each other source, and 本年收入合计.",
      identity="Σ T1[一…三 财政拨款收入] = T2[合计].fiscal; T1[source s] = T2[合计].s; T1[本年收入合计] = T2[合计].total")
def t1_t2(t1: Table, t2: Table) -> list[Finding]:
    s, total = statement(t1), total_row(t2)
    fiscal = [s.income_row(f"{name}收入") for name, _ in FUNDS]
    out = [compare_sum("X.T1-T2", Location("2", "合计", "fiscal"),
                       [(norm(r.label("income_item")), r.value("income_amount")) for r in fiscal if r is not None],
                       _val(total, "fiscal"), "财政拨款收入 differs from table 1's three 财政拨款 lines", exact=True)]
    for name, key in T1_SOURCES:
        row = s.income_row(name)
        out.append(compare_equal("X.T1-T2", Location("1", name, "income_amount"), _val(total, key), _val(row, "income_amount"),
                                 f"{name} differs from table 2", f"T2[合计].{key}"))
    out.append(compare_equal("X.T1-T2", Location("1", "本年收入合计", "income_amount"), _val(total, "total"),
                             _val(s.current, "income_amount"), "本年收入合计 differs from table 2", "T2[合计].total"))
    return _keep(*out)


@rule("X.T1-T3", "收入支出决算总表's spending by 类 and 本年支出合计 equal 支出决算表.",
      identity="T1[类].exp_amount = T3[类].total; T1[本年支出合计] = T3[合计].total")
def t1_t3(t1: Table, t3: Table) -> list[Finding]:
    s, rows3 = statement(t1), coded_rows(t3)
    out = [compare_equal("X.T1-T3", Location("1", "本年支出合计", "exp_amount"), _val(total_row(t3), "total"),
                         _val(s.current, "exp_amount"), "本年支出合计 differs from table 3", "T3[合计].total")]
    for row in s.classes():
        out.append(compare_equal("X.T1-T3", Location("1", row.code, "exp_amount"), _val(rows3.get(row.code), "total"),
                                 row.value("exp_amount"), "the 类 differs from table 3", f"T3[{row.code}].total"))
    for code in rows3.keys() - {r.code for r in s.classes()}:
        if len(code) == 3 and amount(rows3[code].value("total")) != 0:
            out.append(Finding("X.T1-T3", "error", Location("3", code, "total"), "a 类 of table 3 is not in table 1",
                               fmt(rows3[code].value("total")), "absent"))
    return _keep(*out)


@rule("X.T1-T4", "The 财政拨款 income of 收入支出决算总表 equals 财政拨款收入支出决算总表's, fund by fund.",
      identity="T1[一|二|三 …财政拨款收入] = T4[一|二|三 …财政拨款]")
def t1_t4(t1: Table, t4: Table) -> list[Finding]:
    s1, s4 = statement(t1), statement(t4)
    out = []
    for name, _ in FUNDS:
        a, b = s1.income_row(f"{name}收入"), s4.income_row(name)
        out.append(compare_equal("X.T1-T4", Location("4", name, "income_amount"), _val(a, "income_amount"),
                                 _val(b, "income_amount"), "the fund's income differs from table 1", f"T1[{name}收入]"))
    return _keep(*out)


@rule("X.T2-T4", "收入决算表's 财政拨款收入 equals 财政拨款收入支出决算总表's 本年收入合计.",
      identity="T2[合计].fiscal = T4[本年收入合计].income_amount")
def t2_t4(t2: Table, t4: Table) -> list[Finding]:
    return _keep(compare_equal("X.T2-T4", Location("4", "本年收入合计", "income_amount"), _val(total_row(t2), "fiscal"),
                               _val(statement(t4).current, "income_amount"), "本年收入合计 differs from table 2's 财政拨款收入",
                               "T2[合计].fiscal"))


def _t4_against(rule_id: str, t4: Table, other: Table, key4: str, key: str) -> list[Finding]:
    """Table 4's column of one fund against that fund's own table, 类 by 类 and on 本年支出合计."""
    s, rows = statement(t4), coded_rows(other)
    out = [compare_equal(rule_id, Location("4", "本年支出合计", key4), _val(total_row(other), key),
                         _val(s.current, key4), f"本年支出合计 differs from table {other.id}", f"T{other.id}[合计].{key}")]
    for row in s.classes():
        out.append(compare_equal(rule_id, Location("4", row.code, key4), _val(rows.get(row.code), key), row.value(key4),
                                 f"the 类 differs from table {other.id}", f"T{other.id}[{row.code}].{key}"))
    return _keep(*out)


@rule("X.T4-T5", "财政拨款收入支出决算总表's 一般公共预算 column equals 一般公共预算财政拨款支出决算表, 类 by 类.",
      identity="T4[类].exp_general = T5[类].total; T4[本年支出合计].exp_general = T5[合计].total")
def t4_t5(t4: Table, t5: Table) -> list[Finding]:
    return _t4_against("X.T4-T5", t4, t5, "exp_general", "total")


def _fund_table(rule_id: str, t4: Table, other: Table, fund: str, key4: str) -> list[Finding]:
    s = statement(t4)
    total = total_row(other)
    out = _t4_against(rule_id, t4, other, key4, "exp_total")
    out += _keep(compare_equal(rule_id, Location("4", fund, "income_amount"), _val(total, "income"),
                               _val(s.income_row(fund), "income_amount"), f"the fund's income differs from table {other.id}",
                               f"T{other.id}[合计].income"))
    opening = next((r for r in s.between if r.level == 1 and norm(r.label("income_item")) == norm(fund)), None)
    out += _keep(compare_equal(rule_id, Location("4", f"年初 {fund}", "income_amount"), _val(total, "opening"),
                               _val(opening, "income_amount"), f"the fund's 年初结转和结余 differs from table {other.id}",
                               f"T{other.id}[合计].opening"))
    closing = next((r for r in s.between if r.level == 0 and "年末" in r.label("exp_item")), None)
    out += _keep(compare_equal(rule_id, Location("4", "年末财政拨款结转和结余", key4), _val(total, "closing"),
                               _val(closing, key4), f"the fund's 年末结转和结余 differs from table {other.id}",
                               f"T{other.id}[合计].closing"))
    return out


@rule("X.T4-T8", "财政拨款收入支出决算总表's 政府性基金 figures equal 政府性基金预算财政拨款收入支出决算表: income, 年初/年末 balances, spending by 类.",
      identity="T4[二、政府性基金…] = T8[合计].income; T4[年初 二、…] = T8[合计].opening; T4[年末…].exp_fund = T8[合计].closing; T4[类].exp_fund = T8[类].exp_total")
def t4_t8(t4: Table, t8: Table) -> list[Finding]:
    return _fund_table("X.T4-T8", t4, t8, "二、政府性基金预算财政拨款", "exp_fund")


@rule("X.T4-T9", "财政拨款收入支出决算总表's 国有资本经营 figures equal 国有资本经营预算财政拨款收入支出决算表: income, balances, spending by 类.",
      identity="T4[三、国有资本经营…] = T9[合计].income; T4[年初 三、…] = T9[合计].opening; T4[年末…].exp_soe = T9[合计].closing; T4[类].exp_soe = T9[类].exp_total")
def t4_t9(t4: Table, t9: Table) -> list[Finding]:
    return _fund_table("X.T4-T9", t4, t9, "三、国有资本经营预算财政拨款", "exp_soe")


@rule("X.T3-T5", "一般公共预算财政拨款 spending is part of all spending: each cell of table 5 is at most table 3's.",
      identity="T5[r].c ≤ T3[r].c for c in total, basic, project")
def t3_t5(t3: Table, t5: Table) -> list[Finding]:
    rows3 = coded_rows(t3)
    out = []
    for row in [total_row(t5), *coded_rows(t5).values()]:
        if row is None:
            continue
        other = total_row(t3) if not row.code else rows3.get(row.code)
        for key in ("total", "basic", "project"):
            out.append(compare_at_most("X.T3-T5", Location("5", row.code or "合计", key), _val(other, key), row.value(key),
                                       "一般公共预算 spending exceeds all spending in table 3", f"T3[{row.code or '合计'}].{key}"))
    return _keep(*out)


@rule("X.T5-T6", "一般公共预算财政拨款支出决算表's 基本支出 is 基本支出决算表's 人员经费合计 + 公用经费合计.",
      identity="T5[合计].basic = T6[人员经费合计].personnel + T6[公用经费合计].public")
def t5_t6(t5: Table, t6: Table) -> list[Finding]:
    personnel, public = _t6_totals(t6)
    return _keep(compare_sum("X.T5-T6", Location("5", "合计", "basic"), [("人员经费", personnel), ("公用经费", public)],
                             _val(total_row(t5), "basic"), "基本支出 is not 人员经费合计 + 公用经费合计"))


# --- the 说明 ---------------------------------------------------------------------------------


def claims(report: Report) -> list[tuple[str, Claim]]:
    return cached(("juesuan-claims", id(report)), lambda: [(s.number, c) for s in report.explanations for c in s.claims])


def where(number: str, claim: Claim) -> Location:
    return Location(section=number, quote=claim.text or f"{claim.subject} {claim.value}{claim.unit}")


def _first(report: Report, subject: str) -> Claim | None:
    return next((c for _, c in claims(report) if c.subject == subject), None)


def _cells(report: Report) -> dict[str, tuple[Decimal | None, str]]:
    """subject → (the table cell the text restates, where it is)."""
    def compute() -> dict[str, tuple[Decimal | None, str]]:
        out: dict[str, tuple[Decimal | None, str]] = {}
        t1, t2, t3, t4, t5, t6 = (report.table(str(i)) for i in range(1, 7))
        if t1 is not None and t1.rows:
            s = statement(t1)
            out["final.total"] = (_val(s.total, "income_amount"), "T1[总计]")
            out["income.total"] = (_val(s.current, "income_amount"), "T1[本年收入合计]")
            out["expenditure.total"] = (_val(s.current, "exp_amount"), "T1[本年支出合计]")
        if t2 is not None and t2.rows:
            total = total_row(t2)
            out["income.source.财政拨款收入"] = (_val(total, "fiscal"), "T2[合计].fiscal")
            for name, key in T1_SOURCES:
                out[f"income.source.{name}"] = (_val(total, key), f"T2[合计].{key}")
        if t3 is not None and t3.rows:
            total = total_row(t3)
            for key in ("basic", "project", "operating", "remit", "subsidiary"):
                out[f"expenditure.{key}"] = (_val(total, key), f"T3[合计].{key}")
        if t4 is not None and t4.rows:
            out["fiscal.total"] = (_val(statement(t4).total, "income_amount"), "T4[总计]")
        if t5 is not None and t5.rows:
            total = total_row(t5)
            for subject in ("general.total", "general.final"):
                out[subject] = (_val(total, "total"), "T5[合计].total")
            out["general.basic"] = (_val(total, "basic"), "T5[合计].basic")
            for code, row in coded_rows(t5).items():
                if len(code) == 3:
                    out[f"general.class.{code}"] = (row.value("total"), f"T5[{code}].total")
                out[f"general.item.{code}.final"] = (row.value("total"), f"T5[{code}].total")
        if t6 is not None and t6.rows:
            personnel, public = _t6_totals(t6)
            out["general.personnel"] = (personnel, "T6[人员经费合计]")
            out["general.public"] = (public, "T6[公用经费合计]")
        for table_id, fund in (("8", "fund"), ("9", "soe")):
            table = report.table(table_id)
            for code, row in coded_rows(table).items():
                out[f"{fund}.item.{code}.final"] = (row.value("exp_total"), f"T{table_id}[{code}].exp_total")
        return out

    return cached(("juesuan-cells", id(report)), compute)


@rule("J.amounts", "Every amount the 说明 states equals the table cell it restates (totals, sources, 基本/项目支出, 类, each 项's 支出决算).",
      identity="final.total = T1[总计]; income.total = T1[本年收入合计]; general.class.c = T5[c].total; general.item.c.final = T5[c].total; …")
def amounts(report: Report) -> list[Finding]:
    cells = _cells(report)
    out = []
    for number, claim in claims(report):
        if claim.unit != "万元" or claim.subject not in cells:
            continue
        expected, source = cells[claim.subject]
        gap = claim.value - amount(expected)
        if gap:
            out.append(Finding("J.amounts", "error", where(number, claim), f"{claim.subject} differs from {source}",
                               fmt(amount(expected)), fmt(claim.value),
                               f"{source} = {fmt(amount(expected))}, the text states {fmt(claim.value)} (gap {gap:+.2f})"))
    return out


def _rate(rule_id: str, number: str, claim: Claim, part: Decimal, whole: Decimal, what: str) -> Finding | None:
    """A stated % against part ÷ whole: equal when rounded half-up to 0.01; ``rounding`` when the
    rounding of the displayed figures or a truncated rate (99.86 for 99.868) explains the gap."""
    exact = part * 100 / whole
    shown = round_half_up(exact)
    if claim.value == shown:
        return None
    low = (part - HALF_CENT) * 100 / (whole + HALF_CENT) if part > 0 else ZERO
    high = (part + HALF_CENT) * 100 / (whole - HALF_CENT) if whole > HALF_CENT else exact
    truncated = exact.quantize(CENT, rounding="ROUND_DOWN")
    near = claim.value == truncated or low - CENT <= claim.value <= high + CENT
    return Finding(rule_id, "rounding" if near else "error", where(number, claim), f"{claim.subject} does not follow from the figures",
                   f"{shown}%", f"{claim.value}%",
                   f"{what}: {fmt(part)} / {fmt(whole)} × 100 = {exact:.3f}% (rounding of the figures allows {low:.3f}–{high:.3f})")


@rule("J.completion", "A stated 完成年初预算的% (完成全年预算数的%) is recomputed: 支出决算 ÷ 年初 (全年) 预算 × 100, rounded half-up; a truncated rate is a rounding.",
      severity="error", identity="P.completion = P.final / P.budget × 100; P.completion_full = P.final / P.budget_full × 100")
def completion(report: Report) -> list[Finding]:
    out = []
    for number, claim in claims(report):
        if not claim.subject.endswith((".completion", ".completion_full")):
            continue
        prefix, kind = claim.subject.rsplit(".", 1)
        budget = _first(report, f"{prefix}.{'budget_full' if kind == 'completion_full' else 'budget'}")
        final = _first(report, f"{prefix}.final")
        if final is None or budget is None:
            continue
        if budget.value == 0:
            other = _first(report, f"{prefix}.{'budget' if kind == 'completion_full' else 'budget_full'}")
            hint = ""
            if other is not None and other.value and round_half_up(final.value * 100 / other.value) == claim.value:
                hint = f"; {claim.value}% is 支出决算 ÷ {'年初' if kind == 'completion_full' else '全年'}预算 ({fmt(final.value)} / {fmt(other.value)})"
            out.append(Finding("J.completion", "warning", where(number, claim),
                               f"a completion rate of a budget of 0 (the rate names the wrong budget){hint}",
                               "no rate", f"{claim.value}%", f"{budget.subject} = 0"))
            continue
        found = _rate("J.completion", number, claim, final.value, budget.value, f"{final.subject} / {budget.subject}")
        if found:
            out.append(found)
    return out


def _verb(relation: str) -> str:
    return next((v for v in ("大于", "小于", "持平", "增加", "减少") if relation.startswith(v)), "")


@rule("J.vs-budget", "The wording of 决算数 against 预算数 (大于/小于/持平) agrees with the 支出决算 and the 年初 or 全年 预算 the text states.",
      identity="P.final.relation = 大于 ⇔ P.final > P.budget(_full); 小于 ⇔ <; 持平 ⇔ =")
def versus_budget(report: Report) -> list[Finding]:
    out = []
    for number, claim in claims(report):
        if not claim.subject.endswith(".final") or not _verb(claim.relation):
            continue
        prefix = claim.subject.removesuffix(".final")
        named = "全年" if claim.relation.endswith("全年") else "年初" if claim.relation.endswith("年初") else ""
        keys = {"全年": ("budget_full",), "年初": ("budget",), "": ("budget", "budget_full")}[named]
        budgets = [b for b in (_first(report, f"{prefix}.{k}") for k in keys) if b is not None]
        if not budgets:
            continue

        def word(budget: Claim) -> str:
            return "大于" if claim.value > budget.value else "小于" if claim.value < budget.value else "持平"

        # Where the text does not say which budget, the wording may be about either it states.
        if any(word(b) == _verb(claim.relation) for b in budgets):
            continue
        b = budgets[-1]
        out.append(Finding("J.vs-budget", "error", where(number, claim),
                           f"the text says 决算数{claim.relation}预算数, the figures say {word(b)}",
                           word(b), _verb(claim.relation), f"支出决算 {fmt(claim.value)} against {b.subject} {fmt(b.value)}"))
    return out


@rule("J.reason", "Where 决算数 differs from the 预算数 the text states, or a figure changed from last year, a reason is given (主要原因：…, not left empty).",
      severity="warning", identity="P.final ≠ P.budget(_full) ⇒ P.final.reason non-empty; X.change ≠ 0 ⇒ X.change.reason non-empty")
def reasons(report: Report) -> list[Finding]:
    out = []
    for number, claim in claims(report):
        if claim.subject.endswith(".final"):
            prefix = claim.subject.removesuffix(".final")
            budgets = [b for b in (_first(report, f"{prefix}.{k}") for k in ("budget", "budget_full")) if b is not None]
            differs = budgets and all(b.value != claim.value for b in budgets)
        elif claim.subject.endswith(".change"):
            differs = claim.value != 0
        else:
            continue
        if differs and not (claim.reason or "").strip():
            what = "announced and left empty" if claim.reason == "" else "not given"
            out.append(Finding("J.reason", "warning", where(number, claim), f"the reason for the difference is {what}",
                               "主要原因：…", claim.reason if claim.reason is not None else "none"))
    return out


@rule("J.share", "Every share the 说明 states is recomputed: a source of 本年收入合计, 基本/项目支出 of 本年支出合计, a 类 of 一般公共预算财政拨款支出, that of 本年支出合计.",
      identity="income.share.s = income.source.s / income.total; expenditure.share.k = expenditure.k / expenditure.total; general.share.c = general.class.c / general.total; general.share.expenditure = general.total / expenditure.total")
def shares(report: Report) -> list[Finding]:
    out = []
    for number, claim in claims(report):
        subject = claim.subject
        if subject.startswith("income.share."):
            part, whole = _first(report, f"income.source.{subject.rsplit('.', 1)[1]}"), _first(report, "income.total")
        elif subject.startswith("expenditure.share."):
            part, whole = _first(report, f"expenditure.{subject.rsplit('.', 1)[1]}"), _first(report, "expenditure.total")
        elif subject == "general.share.expenditure":
            part, whole = _first(report, "general.total"), _first(report, "expenditure.total")
        elif subject.startswith("general.share."):
            part, whole = _first(report, f"general.class.{subject.rsplit('.', 1)[1]}"), _first(report, "general.total")
        else:
            continue
        if part is None or whole is None or whole.value == 0:
            continue
        found = _rate("J.share", number, claim, part.value, whole.value, subject)
        if found:
            out.append(found)
    return out


@rule("J.growth", "Every growth rate is recomputed from the figure and its change: change ÷ (figure − change); from nothing (a new unit) only 100% is said.",
      identity="X.growth = X.change / (X − X.change) × 100; X − X.change = 0 ⇒ X.growth = 100")
def growth(report: Report) -> list[Finding]:
    out = []
    for number, claim in claims(report):
        if not claim.subject.endswith(".growth"):
            continue
        base = claim.subject.removesuffix(".growth")
        value, change = _first(report, base), _first(report, f"{base}.change")
        if value is None or change is None:
            continue
        prior = value.value - change.value
        if (claim.value < 0) != (change.value < 0):
            out.append(Finding("J.growth", "error", where(number, claim), "the rate and the change go opposite ways",
                               "增长" if change.value > 0 else "下降", claim.relation, f"{base}.change = {fmt(change.value)}"))
            continue
        if prior == 0:
            if claim.value != 100:
                out.append(Finding("J.growth", "error", where(number, claim), "a growth from nothing is stated other than 100%",
                                   "100.00%", f"{claim.value}%", f"{base} {fmt(value.value)} − change {fmt(change.value)} = 0"))
            continue
        found = _rate("J.growth", number, claim, change.value, prior, f"{base}.change / ({base} − {base}.change)")
        if found:
            out.append(found)
    return out


@rule("J.sums", "Totals of the 说明 equal the parts it lists: 收入支出总计 = 本年 totals, 本年支出合计 = 基本 + 项目 (+ others), 基本支出 = 人员经费 + 公用经费, 政府采购 = 货物 + 工程 + 服务, vehicles by kind, projects by grade.",
      identity="expenditure.total = Σ expenditure.k; general.basic = general.personnel + general.public; procurement.total = goods + works + services; assets.vehicle_count = Σ assets.vehicles.*; performance.self.count = Σ grades")
def sums(report: Report) -> list[Finding]:
    found = {c.subject: (n, c) for n, c in reversed(claims(report))}

    def check(total: str, parts: list[str], exact: bool = False) -> Finding | None:
        if total not in found or not any(p in found for p in parts):
            return None
        number, claim = found[total]
        terms = [(p.rsplit(".", 1)[1], found[p][1].value) for p in parts if p in found]
        got = compare_sum("J.sums", where(number, claim), terms, claim.value, f"{total} is not the sum of its parts", exact)
        return got

    vehicles = [s for s in found if s.startswith("assets.vehicles.")]
    grades = [s for s in found if s.startswith("performance.self.grade.")]
    return _keep(
        check("expenditure.total", [f"expenditure.{k}" for k in ("basic", "project", "operating", "remit", "subsidiary")]),
        check("general.basic", ["general.personnel", "general.public"]),
        check("procurement.total", ["procurement.goods", "procurement.works", "procurement.services"]),
        check("assets.vehicle_count", vehicles, exact=True),
        check("performance.self.count", grades, exact=True),
    )
