"""Performance-target tables (项目支出绩效目标表): funding by level adds up, the annual amount is
the project's row of table 12 (元 against 万元), cost indicators agree with the amount, and the
counts 项目概况 states agree with the quantity indicators.

Indicator values are free text (``649.86万元``, ``＞96万元``, ``3994326元``, ``37人``); only
values that read as a number with a unit are judged, so odd wording is never a false error.
"""
from __future__ import annotations

import bisect
import itertools
import re
from decimal import Decimal
from operator import attrgetter

from ....money import ZERO, fmt_yuan, to_wan
from ....report import Indicator, PerformanceTable, Report, Row
from ....check import Finding, Location, rule
from ....check.support import fmt, memo, norm

LEVELS = (("central", "中央财政资金"), ("provincial", "省级财政资金"), ("local", "市县（区）财政资金"),
          ("self_raised", "单位自筹"), ("other", "其他资金"))
MONEY = re.compile(r"^\s*([＞>≥≤＜<=＝]?)\s*([\d,]+(?:\.\d+)?)\s*(亿元|万元|元)\s*$")
PER_YUAN = {"元": Decimal(1), "万元": Decimal(10000), "亿元": Decimal(100000000)}
COUNT_UNITS = "平方米|人|名|个|辆|套|台|只|起|户|次|件|所|座|公里"
QUANTITY = re.compile(rf"^\s*([＞>≥≤＜<=＝]?)\s*([\d,]+(?:\.\d+)?)\s*({COUNT_UNITS})\s*$")
# \d\d* rather than \d+: the same matches, but a pattern that starts with a character class lets
# the regex engine skip to the next digit instead of trying a match at every character.
IN_TEXT = re.compile(rf"(\d\d*(?:\.\d+)?)\s*({COUNT_UNITS})(?![\d/])")
SAME_UNIT = {"名": "人", "位": "人"}
_LEVEL = attrgetter("level")


def _indicators(report: Report) -> list[tuple[list[Indicator], list[Indicator]]]:
    """For each performance-target table, its cost indicators (成本指标, which P.cost holds the
    funding against) and its quantity indicators (数量指标, P.count's): one pass over the
    indicators per check run."""
    def compute(report):
        picked = []
        for table in report.performance:
            costs, quantities = [], []
            for ind in table.indicators:
                level2, annual_level2 = ind.level2, ind.annual_level2
                if "成本" in level2 or "成本" in annual_level2:
                    costs.append(ind)
                if "数量" in level2 or "数量" in annual_level2:
                    quantities.append(ind)
            picked.append((costs, quantities))
        return picked

    return memo(("targets.indicators", id(report)), compute, report)


def _loc(table: PerformanceTable, quote: str | None = None) -> Location:
    return Location(project=table.project_name, quote=quote)


@rule("P.funding", "In each performance-target table the funding by level (中央, 省级, 市县, 自筹, 其他) adds up to the total, for the implementation period and the year.",
      identity="资金总额 = 中央财政资金 + 省级财政资金 + 市县（区）财政资金 + 单位自筹 + 其他资金, in 元, for 实施期 and 年度")
def funding(report: Report) -> list[Finding]:
    out = []
    for table in report.performance:
        for period, money in (("实施期", table.funding_implementation), ("年度", table.funding_annual)):
            total = money.total
            if total is None:
                continue
            levels = money.__dict__
            parts = [(label, levels[key]) for key, label in LEVELS if levels[key] is not None]
            if not parts:
                continue
            added = sum([v for _, v in parts], ZERO)
            if added == total:
                continue
            out.append(Finding("P.funding", "error", _loc(table, f"{period}资金总额"), f"{period} funding by level does not add up to the total",
                               f"{fmt_yuan(added)}元", f"{fmt_yuan(total)}元",
                               " + ".join(f"{label} {fmt_yuan(v)}" for label, v in parts) + f" = {fmt_yuan(added)}, total shows {fmt_yuan(total)}"))
    return out


def _project_rows(report: Report) -> dict[str, tuple[str, Row]]:
    """Each project's row in table 12 (current) or else 13 (carried over), by its name.

    Indexed once per report: looked up per performance-target table, a scan of both tables
    for each made the rule quadratic (1,300 projects: 1.1 s)."""
    found: dict[str, tuple[str, Row]] = {}
    for table_id in ("12", "13"):
        table = report.table(table_id)
        if table is None:
            continue
        top = min(map(_LEVEL, table.rows), default=0)
        for row in table.rows:
            if row.level > top:
                found.setdefault(norm(row.label("name")), (table_id, row))  # the first, table 12 first
    return found


@rule("P.T12", "Each performance-target table's 年度资金总额 (元) is its project's row of table 12 (万元, rounded half-up).",
      identity="to_wan(年度资金总额) = T12[project].total (table 13 for a carried-over project)")
def annual_amount(report: Report) -> list[Finding]:
    if report.table("12") is None:
        return []
    out = []
    rows = _project_rows(report)
    for table in report.performance:
        annual = table.funding_annual.total
        if annual is None:
            continue
        found = rows.get(norm(table.project_name))
        if found is None:
            out.append(Finding("P.T12", "error", _loc(table), "the project has a performance-target table but no row in table 12 or 13",
                               "a row named like the project", "none", f"年度资金总额 {fmt_yuan(annual)}元"))
            continue
        table_id, row = found
        shown = row.value("total")
        expected = to_wan(annual)
        if shown == expected:
            continue
        gap = (shown or ZERO) - annual / PER_YUAN["万元"]
        severity = "rounding" if abs(gap) <= Decimal("0.005") else "error"
        out.append(Finding("P.T12", severity, _loc(table, "年度资金总额"), f"the annual amount differs from table {table_id}",
                           fmt(expected), fmt(shown), f"{fmt_yuan(annual)}元 = {fmt(expected)}万元, table {table_id} shows {fmt(shown)}万元"))
    return out


@rule("P.period", "A one-year project's implementation-period funding equals its annual funding.", severity="warning",
      identity="项目期 1年 ⇒ 实施期资金总额 = 年度资金总额")
def one_year(report: Report) -> list[Finding]:
    out = []
    for table in report.performance:
        one_year_project = norm(table.period) in ("1年", "一年") or "1年结束" in table.attribute
        a, b = table.funding_implementation.total, table.funding_annual.total
        if one_year_project and a is not None and b is not None and a != b:
            out.append(Finding("P.period", "warning", _loc(table, "实施期资金总额"), "a one-year project's implementation funding differs from its annual funding",
                               f"{fmt_yuan(b)}元", f"{fmt_yuan(a)}元", f"项目期 {table.period}: 实施期 {fmt_yuan(a)} vs 年度 {fmt_yuan(b)}"))
    return out


def _money(value: str) -> tuple[str, Decimal, Decimal] | None:
    """(comparator, amount in 元, the half-unit of its last stated digit in 元) of ``＞96万元``."""
    match = MONEY.match(value or "")
    if not match:
        return None
    comparator, number, unit = match.groups()
    digits = number.replace(",", "")
    decimals = len(digits.split(".")[1]) if "." in digits else 0
    scale = PER_YUAN[unit]
    return comparator.replace("＞", ">").replace("＜", "<").replace("＝", ""), Decimal(digits) * scale, HALF.scaleb(-decimals) * scale


HALF = Decimal("0.5")


@rule("P.cost", "A cost indicator (成本指标) agrees with the project's funding: a stated cost equals it, a bound (＞, ≥, ≤, ＜) holds for it.",
      identity="Σ 成本指标 (元) = 年度资金总额 for stated costs; ＞x ⇒ 资金 > x, ≥x ⇒ 资金 ≥ x, ≤/＜ likewise; per column (实施期, 年度)")
def cost(report: Report) -> list[Finding]:
    out = []
    for table, (costs, _) in zip(report.performance, _indicators(report)):
        if not costs:
            continue  # nothing to hold the funding against
        seen = set()
        parsed_of: dict = {}
        for period, money, column in (("年度", table.funding_annual.total, "annual"), ("实施期", table.funding_implementation.total, "implementation")):
            if money is None:
                continue
            annual = column == "annual"
            named = []  # (name, value) of each cost indicator that reads as an amount
            plain_names = []  # those stating the cost itself, with their sum and its rounding slack
            total = slack = ZERO
            bounded = []  # those stating a bound: (name, value, comparator, amount)
            for ind in costs:
                value = ind.annual_value if annual else ind.value
                parsed = parsed_of.get(value, False)
                if parsed is False:  # the 年度 column mostly restates the 实施期 one: parsed once
                    parsed = parsed_of[value] = _money(value)
                if not parsed:
                    continue
                name = (ind.annual_level3 if annual else ind.level3) or ind.level3
                named.append((name, value))
                comparator, stated, half = parsed
                if comparator == "":
                    plain_names.append(f"{name} {value}")
                    total += stated
                    slack += half
                else:
                    bounded.append((name, value, comparator, stated))
            key = tuple(named), money
            if key in seen:
                continue  # the 年度 column restates the 实施期 one
            seen.add(key)
            if plain_names:
                gap = money - total
                if gap:
                    severity = "rounding" if abs(gap) <= slack else "error"
                    names = " + ".join(plain_names)
                    out.append(Finding("P.cost", severity, _loc(table, names), f"the cost indicator differs from the {period} funding",
                                       f"{fmt_yuan(money)}元", f"{fmt_yuan(total)}元", f"{names} = {fmt_yuan(total)}元, {period}资金总额 {fmt_yuan(money)}元 (= {fmt(to_wan(money))}万元)"))
            for name, value, comparator, bound in bounded:
                if comparator == ">":
                    holds = money > bound
                elif comparator == "≥":
                    holds = money >= bound
                elif comparator == "<":
                    holds = money < bound
                elif comparator == "≤":
                    holds = money <= bound
                else:
                    holds = True
                if holds:
                    continue
                severity = "warning" if money == bound else "error"
                out.append(Finding("P.cost", severity, _loc(table, f"{name} {value}"), f"the {period} funding does not meet the cost indicator's bound",
                                   f"{comparator} {fmt_yuan(bound)}元", f"{fmt_yuan(money)}元",
                                   f"{period}资金总额 {fmt_yuan(money)}元 (= {fmt(to_wan(money))}万元) is not {comparator} {fmt_yuan(bound)}元"))
    return out


def _family(unit: str) -> str:
    return SAME_UNIT.get(unit, unit)


@rule("P.count", "A count 项目概况 states agrees with the quantity indicator of the same unit (a warning quoting both).", severity="warning",
      identity="数量指标 N unit ∈ {counts in 项目概况 with that unit, and their sums}")
def counts(report: Report) -> list[Finding]:
    out = []
    for table, (_, counted), (_, quantities) in zip(report.performance, _overview_figures(report), _indicators(report)):
        stated: dict[str, list[Decimal]] = {}
        for number, unit in counted:
            stated.setdefault(_family(unit), []).append(Decimal(number))
        if not stated:
            continue  # 项目概况 states no count: no indicator can disagree with it
        seen = set()
        sums_of: dict[str, set[Decimal]] = {}  # a family's sums of up to 4 stated counts (385 of 10), made once per table
        for ind in quantities:
            for value in {ind.value, ind.annual_value}:
                match = QUANTITY.match(value or "")
                if not match:
                    continue
                comparator, number, unit = match.groups()
                n, family = Decimal(number.replace(",", "")), _family(unit)
                if family not in stated or (ind.level3, value) in seen:
                    continue
                seen.add((ind.level3, value))
                figures = stated[family][:10]
                comparator = comparator.replace("＞", ">").replace("＜", "<")
                if comparator == ">":
                    agrees = any(s > n for s in figures)
                elif comparator == "≥":
                    agrees = any(s >= n for s in figures)
                elif comparator == "<":
                    agrees = any(s < n for s in figures)
                elif comparator == "≤":
                    agrees = any(s <= n for s in figures)
                else:  # a stated count (or =): one of the figures or a sum of up to four of them
                    if family not in sums_of:
                        sums_of[family] = {sum(c, ZERO) for k in range(1, min(4, len(figures)) + 1)
                                           for c in itertools.combinations(figures, k)}
                    agrees = n in sums_of[family]
                if agrees:
                    continue
                quoted = "、".join(f"{f.normalize():f}{unit if family == unit else family}" for f in stated[family])
                out.append(Finding("P.count", "warning", _loc(table, f"{ind.level3 or ind.annual_level3} {value}"),
                                   "the quantity indicator differs from the count 项目概况 states", quoted, value,
                                   f"项目概况 states {quoted}; the indicator {ind.level3 or ind.annual_level3} is {value}"))
    return out


def _project_amounts(report: Report) -> list[tuple[str, Decimal]]:
    """(normalised name, amount in 元 from 万元) of table 12's project rows, in table order."""
    table = report.table("12")
    if table is None:
        return []
    deepest = max(map(_LEVEL, table.rows), default=0)
    return [(norm(r.label("name")), r.value("total") * PER_YUAN["万元"]) for r in table.rows
            if r.level == deepest and r.value("total") is not None]


def _other_projects(projects: list[tuple[str, Decimal]], name: str) -> list[Decimal]:
    """The amounts of the first 30 of table 12's other projects (``projects``: _project_amounts,
    computed once per report, so this stops after 30 rather than scanning the table per project)."""
    key = norm(name)
    return list(itertools.islice((amount for other, amount in projects if other != key), 30))


SLACK = Decimal(50)  # 元: half a cent of 万元, what a figure shown with two decimals may be off


def _near(ordered: list[Decimal], value: Decimal, slack: Decimal) -> bool:
    """Whether some amount of ``ordered`` (sorted) is within ``slack`` of ``value``: a bisection,
    not a comparison with each of the ~900 combinations of other projects."""
    i = bisect.bisect_left(ordered, value - slack)
    return i < len(ordered) and ordered[i] <= value + slack


MONEY_IN_TEXT = re.compile(r"(\d\d*(?:\.\d+)?)\s*(亿元|万元|元)(?!\s*/)")  # \d\d*: as IN_TEXT
# Both at once: a number then either an amount's unit (MONEY_IN_TEXT) or a count's (IN_TEXT). The
# two never match at one place nor inside each other's matches (a number is followed by one unit,
# and neither unit starts with a digit), so one scan finds what each scan finds, in order. The
# number and the blanks are possessive (*+, ++, ?+): giving back a digit, the decimals or a blank
# leaves a digit, a point or a blank where a unit must start, which no unit does — the same
# matches, without trying each shorter number at each digit.
FIGURE_IN_TEXT = re.compile(rf"(\d\d*+(?:\.\d++)?+)\s*+(?:(亿元|万元|元)(?!\s*/)|({COUNT_UNITS})(?![\d/]))")


def _overview_figures(report: Report) -> list[tuple[list[tuple[str, str]], list[tuple[str, str]]]]:
    """For each performance-target table, the amounts and the counts its 项目概况 states, as
    MONEY_IN_TEXT and IN_TEXT find them: one scan of each text per check run, for P.overview
    and P.count."""
    def compute(report):
        figures = []
        for table in report.performance:
            amounts: list[tuple[str, str]] = []
            counts: list[tuple[str, str]] = []
            if table.overview:
                for number, money, count in FIGURE_IN_TEXT.findall(table.overview):
                    if money:
                        amounts.append((number, money))
                    else:
                        counts.append((number, count))
            figures.append((amounts, counts))
        return figures

    return memo(("targets.overview", id(report)), compute, report)


@rule("P.overview", "An amount 项目概况 states agrees with the project's funding (a warning quoting both).", severity="warning",
      identity="年度 or 实施期资金总额 (alone, or with up to two other projects of T12) ∈ {amounts stated in 项目概况, and their sums} when it states any")
def overview_amounts(report: Report) -> list[Finding]:
    out = []
    projects: list[tuple[str, Decimal]] | None = None  # table 12's, once, only if a table needs them
    for table, (found, _) in zip(report.performance, _overview_figures(report)):
        if not found:
            continue
        funds = {m for m in (table.funding_annual.total, table.funding_implementation.total) if m is not None}
        if not funds:
            continue
        stated = [(Decimal(n), unit, Decimal(n) * PER_YUAN[unit]) for n, unit in found][:10]
        # A figure in 万元 with two decimals stands for any amount that rounds to it. Most texts
        # state the funding itself: the figures alone are tried before the sums of two or three.
        if any(abs(y - m) <= SLACK for _, _, y in stated for m in funds):
            continue
        sums = {sum((y for _, _, y in c), ZERO) for k in range(1, min(3, len(stated)) + 1) for c in itertools.combinations(stated, k)}
        if any(abs(s - m) <= SLACK for s in sums for m in funds):
            continue
        # 项目概况 may state the whole allocation this project is part of (提前下达 826.01 万元 =
        # this project's 203.97 + another's 622.04): the funding plus up to two other projects.
        if projects is None:
            projects = _project_amounts(report)
        others = sorted(_other_projects(projects, table.project_name))
        if any(_with_others(others, s - m, SLACK * 3) for s in sums for m in funds):
            continue
        quoted = "、".join(f"{n.normalize():f}{unit}" for n, unit, _ in stated)
        annual = table.funding_annual.total or table.funding_implementation.total
        out.append(Finding("P.overview", "warning", _loc(table, quoted), "项目概况 states an amount that differs from the project's funding",
                           f"{fmt_yuan(annual)}元 (= {fmt(to_wan(annual))}万元)", quoted,
                           f"项目概况 states {quoted}; 年度资金总额 {fmt_yuan(annual)}元"))
    return out


def _with_others(ordered: list[Decimal], rest: Decimal, slack: Decimal) -> bool:
    """Whether one other project's amount, or two others' together, is within ``slack`` of
    ``rest`` (``ordered``: the amounts sorted): a bisection for each, not the ~900 sums made."""
    if _near(ordered, rest, slack):
        return True
    count = len(ordered)
    for j, amount in enumerate(ordered):  # a pair: the second after the first in sorted order
        i = bisect.bisect_left(ordered, rest - amount - slack, j + 1)
        if i < count and ordered[i] <= rest - amount + slack:
            return True
    return False
