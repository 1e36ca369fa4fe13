"""Across the nine 决算 tables: the identities that are not equal filters (yusuan/check/generated.py)."""
from __future__ import annotations

from ....check import Finding, Location, rule
from ....check.support import amount, coded_rows, compare_at_most, compare_equal, compare_sum, fmt, norm, total_row
from ....report import Table
from .tables import _keep, _t6_totals, _val, statement


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
