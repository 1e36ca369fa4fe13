"""Across tables: every identity that links the 13 tables of the template (docs/rules.md).

The identities that are not two equal filters (those are generated: yusuan/check/generated.py).
Which money each table holds (template.yaml, the `where` filters):
  T1  all sources, current + carryover, by 类     T2  current by source + carryover, by 项
  T3  all money, basic/project, by 项              T4  财政拨款 (fiscal) current + carryover, by 类
  T5  一般公共预算 current, by 项                   T6  一般公共预算 current basic, by economic 款
  T7/T8  政府性基金 current                         T9  国有资本经营 current
  T10 fiscal current 三公                          T11 fiscal current basic 公用经费 (机关运行经费)
  T12 current projects, all sources               T13 fiscal carried-over projects
Two displays of the same exact sum must be equal; a display against a sum of displays may
miss by the rounding bound; a part of a larger sum may not exceed it.
"""
from __future__ import annotations

from decimal import Decimal

from ....money import ZERO
from ....report import Report, Row
from ....check import Finding, Location, rule
from ....check.support import (amount, bound, coded_rows, compare_at_most, compare_equal, compare_sum, fmt, memo, norm,
                               row_name, total_row)
from ....check.support import table as indexed_table
from .tables import Summary, summary, t6_named

FISCAL = (("一般公共预算", "general"), ("政府性基金预算", "fund"), ("国有资本经营预算", "soe"))
NON_FISCAL = (("财政专户管理资金", "special"), ("单位资金", "unit_funds"))


def _keep(*findings: Finding | None) -> list[Finding]:
    return [f for f in findings if f]


def _summary(report: Report, table_id: str) -> Summary | None:
    table = indexed_table(report, table_id)
    return None if table is None else summary(table)


def _val(row: Row | None, key: str) -> Decimal | None:
    return None if row is None else row.value(key)


def _by_code(report: Report, table_id: str) -> dict[str, Row]:
    return coded_rows(indexed_table(report, table_id))  # the run's index of tables, not a scan of the list


# Most comparisons agree: each is decided on the values first — written out, ``(a or ZERO) != (b or
# ZERO)``, what compare_equal finds something about, empty as zero (a helper's call per cell cost
# more than the comparison) — and only one that does not names its place, its message and its
# arithmetic (compare_equal / compare_at_most / compare_sum).
NO_VALUES: dict = {}


def _values(row: Row | None) -> dict:
    return NO_VALUES if row is None else row.values


def _within(limit: Decimal | None, found: Decimal | None) -> bool:
    """compare_at_most finds nothing: ``found`` does not exceed ``limit``, empty as zero."""
    return (found or ZERO) <= (limit or ZERO)


def _fiscal_only(report: Report) -> bool:
    """True when every yuan of the report is 财政拨款: no 财政专户/单位资金 income and all carryover
    fiscal. Then the fiscal tables (4, 13) must equal the all-money tables (1, 3) exactly."""
    return memo(("shanxi.fiscal_only", id(report)), _compute_fiscal_only, report)


def _compute_fiscal_only(report: Report) -> bool:
    t1, t4 = _summary(report, "1"), _summary(report, "4")
    if t1 is None or t4 is None:
        return False
    non_fiscal = [t1.source(name) for name, _ in NON_FISCAL]
    if any(r is not None and amount(r.value("income_amount")) != 0 for r in non_fiscal):
        return False
    return amount(_val(t1.carryover, "income_amount")) == amount(_val(t4.carryover, "income_amount"))


@rule("X.T1-T2", "Table 1's income by source, 本年收入合计, 上年结转 and its 类 rows' current and carried-over spending equal table 2.",
      identity="T1[source s] = T2[合计].s; T1[本年收入合计] = T2[合计].total; T1[上年结转] = T2[合计].carryover; T1[类].exp_current = T2[类].total; T1[类].exp_carryover = T2[类].carryover")
def t1_t2(report: Report) -> list[Finding]:
    t1, t2 = _summary(report, "1"), indexed_table(report, "2")
    if t1 is None or t2 is None:
        return []
    total = total_row(t2)
    totals = (NO_VALUES if total is None else total.values)
    out: list[Finding | None] = []
    for name, key in FISCAL + NON_FISCAL:
        row = t1.source(name)
        expected = totals.get(key)
        if row is not None or expected is not None:
            found = (None if row is None else row.values.get("income_amount"))
            if (expected or ZERO) != (found or ZERO):
                out.append(compare_equal("X.T1-T2", Location("1", name, "income_amount"), expected, found,
                                         f"{name} income differs from table 2", f"T2[合计].{key}"))
    current, carried = _val(t1.current, "income_amount"), _val(t1.carryover, "income_amount")
    if (totals.get("total") or ZERO) != (current or ZERO):
        out.append(compare_equal("X.T1-T2", Location("1", "本年收入合计", "income_amount"), totals.get("total"),
                                 current, "本年收入合计 differs from table 2", "T2[合计].total"))
    if (totals.get("carryover") or ZERO) != (carried or ZERO):
        out.append(compare_equal("X.T1-T2", Location("1", "上年结转", "income_amount"), totals.get("carryover"),
                                 carried, "上年结转 differs from table 2", "T2[合计].carryover"))
    rows2 = coded_rows(t2)
    for row in t1.classes:
        code = row.code
        if code is None:
            continue
        other, values = _values(rows2.get(code)), row.values
        if (other.get("total") or ZERO) != (values.get("exp_current") or ZERO):
            out.append(compare_equal("X.T1-T2", Location("1", code, "exp_current"), other.get("total"), values.get("exp_current"),
                                     "当年预算安排 differs from table 2", f"T2[{code}].total"))
        if (other.get("carryover") or ZERO) != (values.get("exp_carryover") or ZERO):
            out.append(compare_equal("X.T1-T2", Location("1", code, "exp_carryover"), other.get("carryover"), values.get("exp_carryover"),
                                     "上年结转安排 differs from table 2", f"T2[{code}].carryover"))
    return _keep(*out)


@rule("X.T1-T3", "Table 1's spending by 类 and 支出总计 equal table 3.",
      identity="T1[类].exp_total = T3[类].total; T1[支出总计].exp_total = T3[合计].total")
def t1_t3(report: Report) -> list[Finding]:
    t1, t3 = _summary(report, "1"), indexed_table(report, "3")
    if t1 is None or t3 is None:
        return []
    rows3 = coded_rows(t3)
    out = []
    expected, found = _val(total_row(t3), "total"), _val(t1.exp_total, "exp_total")
    if (expected or ZERO) != (found or ZERO):
        out.append(compare_equal("X.T1-T3", Location("1", "支出总计", "exp_total"), expected, found,
                                 "支出总计 differs from table 3's 合计", "T3[合计].total"))
    for row in t1.classes:
        code = row.code
        if code is None:
            continue
        expected, found = _val(rows3.get(code), "total"), row.values.get("exp_total")
        if (expected or ZERO) != (found or ZERO):
            out.append(compare_equal("X.T1-T3", Location("1", code, "exp_total"), expected, found,
                                     "spending differs from table 3", f"T3[{code}].total"))
    return _keep(*out)


def _rows_union(*tables: dict[str, Row]) -> list[str]:
    codes: set[str] = set()
    for rows in tables:
        codes.update(rows)
    return sorted(codes)


@rule("X.T2-T3", "On every 项/款/类 row, table 3's total is table 2's current income plus its carryover.",
      identity="T3[r].total = T2[r].total + T2[r].carryover, every row r")
def t2_t3(report: Report) -> list[Finding]:
    rows2, rows3 = _by_code(report, "2"), _by_code(report, "3")
    if not rows2 or not rows3:
        return []
    out = []
    for code in _rows_union(rows2, rows3):
        v2, v3 = _values(rows2.get(code)), _values(rows3.get(code))
        current, carried, shown = v2.get("total"), v2.get("carryover"), v3.get("total")
        if (shown or ZERO) != (current or ZERO) + (carried or ZERO):
            out.append(compare_sum("X.T2-T3", Location("3", code, "total"), [("本年收入", current), ("上年结转", carried)],
                                   shown, "table 3 differs from table 2's income plus carryover"))
    total2 = total_row(indexed_table(report, "2"))
    current, carried = (None if total2 is None else total2.values.get("total")), (None if total2 is None else total2.values.get("carryover"))
    shown = _val(total_row(indexed_table(report, "3")), "total")
    if (shown or ZERO) != (current or ZERO) + (carried or ZERO):
        out.append(compare_sum("X.T2-T3", Location("3", "合计", "total"), [("本年收入", current), ("上年结转", carried)],
                               shown, "table 3's 合计 differs from table 2's income plus carryover"))
    return _keep(*out)


@rule("X.T3-T5", "On every row, table 5 is table 3 less the carryover and the money of other sources; where there is none, its basic and project columns equal table 3's.",
      identity="T5[r].total = T3[r].total − T2[r].carryover − T2[r].(fund + soe + special + unit_funds); if those are empty: T5[r].basic = T3[r].basic, T5[r].project = T3[r].project; else T5[r].basic ≤ T3[r].basic, T5[r].project ≤ T3[r].project")
def t3_t5(report: Report) -> list[Finding]:
    rows2, rows3, rows5 = _by_code(report, "2"), _by_code(report, "3"), _by_code(report, "5")
    if not rows3 or indexed_table(report, "5") is None:
        return []
    out = []
    others = ("carryover", "fund", "soe", "special", "unit_funds")
    for code in _rows_union(rows3, rows5):
        r2 = rows2.get(code)
        v2, v3, v5 = (NO_VALUES if r2 is None else r2.values), _values(rows3.get(code)), _values(rows5.get(code))
        less = [(k, -v2[k]) for k in others if v2.get(k) is not None]
        shown, whole = v5.get("total"), v3.get("total")
        if (shown or ZERO) != (whole or ZERO) + sum([x for _, x in less], ZERO):
            out.append(compare_sum("X.T3-T5", Location("5", code, "total"), [("T3", whole), *less], shown,
                                   "table 5 is not table 3 less carryover and other sources"))
        pure = not less and r2 is not None
        for key in ("basic", "project"):
            limit, found = v3.get(key), v5.get(key)
            if pure:
                if (limit or ZERO) != (found or ZERO):
                    out.append(compare_equal("X.T3-T5", Location("5", code, key), limit, found,
                                             f"{key} differs from table 3 (the row has only 一般公共预算 current money)", f"T3[{code}].{key}"))
            elif not _within(limit, found):
                out.append(compare_at_most("X.T3-T5", Location("5", code, key), limit, found,
                                           f"{key} exceeds table 3's", f"T3[{code}].{key}", bound(len(less) + 1)))
    return _keep(*out)


@rule("X.T1-T4", "Table 4's fiscal income equals table 1's by source; its carryover and spending are at most table 1's, and equal them when all money is fiscal.",
      identity="T4[source s] = T1[source s] for s fiscal; T4[本年收入合计] = Σ T1[fiscal sources]; T4[上年财政拨款结转] ≤ T1[上年结转]; if no 财政专户/单位资金 and all carryover fiscal: T4[类].exp_total = T1[类].exp_total, T4[支出总计] = T1[支出总计], else ≤")
def t1_t4(report: Report) -> list[Finding]:
    t1, t4 = _summary(report, "1"), _summary(report, "4")
    if t1 is None or t4 is None:
        return []
    out: list[Finding | None] = []
    fiscal_rows = []
    for name, _ in FISCAL:
        v1, v4 = _val(t1.source(name), "income_amount"), _val(t4.source(name), "income_amount")
        fiscal_rows.append((name, v1))
        if (v1 or ZERO) != (v4 or ZERO):
            out.append(compare_equal("X.T1-T4", Location("4", name, "income_amount"), v1, v4,
                                     f"{name} income differs from table 1", f"T1[{name}]"))
    out.append(compare_sum("X.T1-T4", Location("4", "本年收入合计", "income_amount"), fiscal_rows, _val(t4.current, "income_amount"),
                           "本年收入合计 is not table 1's fiscal income"))
    limit, found = _val(t1.carryover, "income_amount"), _val(t4.carryover, "income_amount")
    if not _within(limit, found):
        out.append(compare_at_most("X.T1-T4", Location("4", "上年财政拨款结转", "income_amount"), limit, found,
                                   "fiscal carryover exceeds all carryover", "T1[上年结转]"))
    same = _fiscal_only(report)
    pairs = [(None, t1.exp_total, t4.exp_total)] + [(row, t1.class_row(row.code or "", row.label("exp_item")), row) for row in t4.classes]
    for row, r1, r4 in pairs:
        v1, v4 = (None if r1 is None else r1.values.get("exp_total")), (None if r4 is None else r4.values.get("exp_total"))
        if (v1 or ZERO) == (v4 or ZERO) if same else _within(v1, v4):
            continue
        label = "支出总计" if row is None else row.code or norm(row.label("exp_item"))
        if same:
            out.append(compare_equal("X.T1-T4", Location("4", label, "exp_total"), v1, v4,
                                     "fiscal spending differs from table 1 (all money is fiscal)", f"T1[{label}].exp_total"))
        else:
            out.append(compare_at_most("X.T1-T4", Location("4", label, "exp_total"), v1, v4,
                                       "fiscal spending exceeds all spending", f"T1[{label}].exp_total"))
    return _keep(*out)


@rule("X.T4-T5", "Table 4's 一般公共预算 income is table 5's 合计, and its 一般公共预算 spending by 类 is at least table 5's.",
      identity="T4[一般公共预算] = T5[合计].total; T4[类].exp_general ≥ T5[类].total")
def t4_t5(report: Report) -> list[Finding]:
    t4, t5 = _summary(report, "4"), indexed_table(report, "5")
    if t4 is None or t5 is None:
        return []
    rows5 = coded_rows(t5)
    out = [compare_equal("X.T4-T5", Location("4", "一般公共预算", "income_amount"), _val(total_row(t5), "total"),
                         _val(t4.source("一般公共预算"), "income_amount"), "一般公共预算 income differs from table 5's 合计", "T5[合计].total")]
    for row in t4.classes:
        r5 = rows5.get(row.code or "")
        if r5 is None or r5.value("total") is None:
            continue
        if amount(row.value("exp_general")) < amount(r5.value("total")):
            out.append(Finding("X.T4-T5", "error", Location("4", row.code, "exp_general"),
                               "一般公共预算 spending is less than table 5's current spending of the 类",
                               f"≥ {fmt(r5.value('total'))}", fmt(row.value("exp_general")),
                               f"T4[{row.code}].exp_general {fmt(row.value('exp_general'))} < T5[{row.code}].total {fmt(r5.value('total'))}"))
    return _keep(*out)


@rule("X.T4-T7-T8-T9", "Table 4's 政府性基金 and 国有资本经营 income equal tables 7, 8 and 9.",
      identity="T4[政府性基金预算] = T7[合计].amount = T8[合计].total; T4[国有资本经营预算] = T9[合计].total = T9[合计].income_amount")
def t4_t7_t8_t9(report: Report) -> list[Finding]:
    t4 = _summary(report, "4")
    if t4 is None:
        return []
    fund = _val(t4.source("政府性基金预算"), "income_amount")
    soe = _val(t4.source("国有资本经营预算"), "income_amount")
    out = []
    for table_id, key, expected, name in (("7", "amount", fund, "政府性基金预算"), ("8", "total", fund, "政府性基金预算"),
                                          ("9", "total", soe, "国有资本经营预算"), ("9", "income_amount", soe, "国有资本经营预算")):
        table = indexed_table(report, table_id)
        if table is None:
            continue
        found = _val(total_row(table), key)
        if (expected or ZERO) != (found or ZERO):
            out.append(compare_equal("X.T4-T7-T8-T9", Location(table_id, "合计", key), expected, found,
                                     f"合计 differs from table 4's {name} income", f"T4[{name}]"))
    return _keep(*out)


@rule("X.T6-T11", "Table 11's 一般公共预算 机关运行经费 is table 6's 公用经费, and its total at least that.",
      identity="T11[部门合计].general = T6[合计].public; T11[部门合计].total ≥ T6[合计].public")
def t6_t11(report: Report) -> list[Finding]:
    t6, t11 = indexed_table(report, "6"), indexed_table(report, "11")
    if t6 is None or t11 is None:
        return []
    public = _val(total_row(t6), "public")
    row = total_row(t11)
    return _keep(
        compare_equal("X.T6-T11", Location("11", row_name(row) if row else "部门合计", "general"), public, (None if row is None else row.values.get("general")),
                      "机关运行经费 (一般公共预算) differs from table 6's 公用经费", "T6[合计].public"),
        compare_at_most("X.T6-T11", Location("11", "部门合计", "total"), (None if row is None else row.values.get("total")), public,
                        "table 6's 公用经费 exceeds the 机关运行经费 total", "T11[部门合计].total"),
    )


# The economic 款 behind each 三公 row of table 10 (templates/shanxi-2024.yaml, three_public).
THREE_PUBLIC_NAMES = {"abroad": ("因公出国(境)费用", "因公出国(境)费"), "reception": ("公务接待费",),
                      "vehicle_operation": ("公务用车运行维护费",), "vehicle_purchase": ("公务用车购置",)}


@rule("X.T6-T10", "Each 三公 item of table 10 is at least the basic expenditure table 6 shows for its economic 款.",
      identity="T10[item].general ≥ Σ T6[款 of the item].total (因公出国（境）费用 30212, 公务接待费 30217, 公务用车运行维护费 30231, 公务用车购置 31013)")
def t6_t10(report: Report) -> list[Finding]:
    t6, t10 = indexed_table(report, "6"), indexed_table(report, "10")
    if t6 is None or t10 is None:
        return []
    out = []
    rows10 = {r.code: r for r in t10.rows if r.code}
    named = t6_named(t6)
    for key, names in THREE_PUBLIC_NAMES.items():
        basic = sum([amount(r.value("total")) for name in names for r in named.get(name, ())], ZERO)
        if basic == 0:
            continue
        shown = _val(rows10.get(key), "general")
        if _within(shown, basic):
            continue
        out.append(compare_at_most("X.T6-T10", Location("10", key, "general"), shown, basic,
                                   f"table 6 shows more basic expenditure on {names[0]} than table 10's 三公 item", f"T10[{key}].general"))
    return out


def _project_carryover(report: Report) -> tuple[Decimal | None, str]:
    """Projects carried over, all sources: table 3's project expenditure less table 12's current projects."""
    t3, t12 = indexed_table(report, "3"), indexed_table(report, "12")
    if t3 is None or t12 is None or not t12.rows:
        return None, ""
    project, current = _val(total_row(t3), "project"), _val(total_row(t12), "total")
    return amount(project) - amount(current), f"T3[合计].project {fmt(project)} − T12 total {fmt(current)}"


@rule("X.T13-T3", "Table 13's carried-over projects are table 3's project expenditure less table 12's (equal when all carryover is fiscal, else at most).",
      identity="T13[department].total = T3[合计].project − T12[unit].total (if all carryover is fiscal, else ≤); T12[unit].total ≤ T3[合计].project")
def t13_t3(report: Report) -> list[Finding]:
    t13 = indexed_table(report, "13")
    carried, how = _project_carryover(report)
    if carried is None:
        return []
    out = []
    if carried < 0:
        t12 = indexed_table(report, "12")
        out.append(compare_at_most("X.T13-T3", Location("12", row_name(total_row(t12)), "total"), _val(total_row(indexed_table(report, "3")), "project"),
                                   _val(total_row(t12), "total"), "current projects exceed all project expenditure", "T3[合计].project",
                                   bound(1)))
    if t13 is None:
        return _keep(*out)
    shown = _val(total_row(t13), "total")
    limit = bound(2)
    if _fiscal_only(report):
        gap = amount(shown) - carried
        if gap:
            severity = "rounding" if abs(gap) <= limit else "error"
            out.append(Finding("X.T13-T3", severity, Location("13", row_name(total_row(t13)), "total"),
                               "carried-over projects differ from table 3 less table 12", fmt(carried), fmt(shown),
                               f"{how} = {fmt(carried)}, table 13 shows {fmt(shown)} (gap {gap:+.2f}, bound {limit:.3f})"))
    else:
        out.append(compare_at_most("X.T13-T3", Location("13", row_name(total_row(t13)), "total"), carried, shown,
                                   "carried-over fiscal projects exceed all carried-over projects", how, limit))
    return _keep(*out)


@rule("X.T13-T1", "Table 1's 上年结转 is table 13's carried-over projects plus the basic expenditure carried over (table 3's basic less current basic).",
      identity="T1[上年结转] = T13[department].total + (T3[合计].basic − (T2[合计].total − T12[unit].total)) when all carryover is fiscal")
def t13_t1(report: Report) -> list[Finding]:
    t1 = _summary(report, "1")
    t2, t3, t12, t13 = (indexed_table(report, i) for i in ("2", "3", "12", "13"))
    if None in (t1, t2, t3, t12, t13) or not t12.rows or not t13.rows or not _fiscal_only(report):
        return []
    projects = _val(total_row(t13), "total")
    basic_all, current_all, current_projects = _val(total_row(t3), "basic"), _val(total_row(t2), "total"), _val(total_row(t12), "total")
    basic_carry = amount(basic_all) - (amount(current_all) - amount(current_projects))
    expected = amount(projects) + basic_carry
    shown = _val(t1.carryover, "income_amount")
    gap = amount(shown) - expected
    if gap == 0:
        return []
    limit = bound(4)
    severity = "rounding" if abs(gap) <= limit else "error"
    arithmetic = (f"T13 {fmt(projects)} + basic carryover ({fmt(basic_all)} − ({fmt(current_all)} − {fmt(current_projects)}) = {fmt(basic_carry)})"
                  f" = {fmt(expected)}, table 1 shows {fmt(shown)} (gap {gap:+.2f}, bound {limit:.3f})")
    return [Finding("X.T13-T1", severity, Location("1", "上年结转", "income_amount"),
                    "上年结转 is not table 13 plus the basic carryover", fmt(expected), fmt(shown), arithmetic)]


@rule("X.T13-T4", "Table 13's carried-over projects are at most table 4's 上年财政拨款结转, source by source.",
      identity="T13[department].total ≤ T4[上年财政拨款结转]; T13[department].s ≤ T4[carryover source s]")
def t13_t4(report: Report) -> list[Finding]:
    t4, t13 = _summary(report, "4"), indexed_table(report, "13")
    if t4 is None or t13 is None or not t13.rows:
        return []
    row = total_row(t13)
    values = row.values
    out = []
    limit = _val(t4.carryover, "income_amount")
    if not _within(limit, values.get("total")):
        out.append(compare_at_most("X.T13-T4", Location("13", row_name(row), "total"), limit, values.get("total"),
                                   "carried-over projects exceed the fiscal carryover", "T4[上年财政拨款结转]"))
    for name, key in FISCAL:
        source = next((r for r in t4.carryover_sources if norm(r.label("income_item")) == name), None)
        if source is None:
            continue
        limit = source.values.get("income_amount")
        if not _within(limit, values.get(key)):
            out.append(compare_at_most("X.T13-T4", Location("13", row_name(row), key), limit, values.get(key),
                                       f"carried-over {name} projects exceed its carryover", f"T4[上年结转 {name}]"))
    return out


# 功能分类 项 whose basic expenditure is, in practice, one economic 款: the pension and housing
# contributions. Table 5 shows the 项, table 6 the 款 (split by government 款, rounded per row).
PAIRS = (("2080505", ("机关事业单位基本养老保险缴费",)), ("2080506", ("职业年金缴费",)), ("2210201", ("住房公积金",)))


@rule("X.T5-T6-pairs", "Table 5's pension and housing-fund 项 (2080505, 2080506, 2210201) match table 6's rows of the same contribution (a warning beyond rounding: a unit may book them elsewhere).",
      severity="warning", identity="T5[2080505].basic ≈ Σ T6[机关事业单位基本养老保险缴费]; T5[2080506].basic ≈ Σ T6[职业年金缴费]; T5[2210201].basic ≈ Σ T6[住房公积金]")
def t5_t6_pairs(report: Report) -> list[Finding]:
    t5, t6 = indexed_table(report, "5"), indexed_table(report, "6")
    if t5 is None or t6 is None:
        return []
    rows5 = coded_rows(t5)
    named = t6_named(t6)
    out = []
    for code, names in PAIRS:
        basic = _val(rows5.get(code), "basic")
        rows6 = named.get(names[0], ())  # one name each
        if basic is None or not rows6:
            continue
        found = compare_sum("X.T5-T6-pairs", Location("5", code, "basic"), [(r.label("gov_name"), r.value("total")) for r in rows6],
                            basic, f"differs from table 6's {names[0]}")
        if found:
            out.append(found if found.severity == "rounding" else
                       Finding(found.rule, "warning", found.location, found.message, found.expected, found.found, found.arithmetic))
    return out
