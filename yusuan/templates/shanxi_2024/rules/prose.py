"""The prose (第三部分): every figure it states, recomputed from the tables and from the
prior-year figures the text itself gives, and compared; a figure stated twice must agree.

The prose is read through its claims (docs/claims.md): ``Claim(subject, value, unit, text)``.
Amounts are 万元 with two decimals like the tables, so an amount claim equals its cell exactly;
shares and growth rates are recomputed and may differ only within what the rounding of the
figures they come from explains.
"""
from __future__ import annotations

import re
from decimal import Decimal
from operator import attrgetter

from ....money import ZERO, percent, round_half_up, rounding_bound, to_wan
from ....report import Claim, Report, Row
from ....check import Finding, Location, rule
from ....check.support import amount, coded_rows, memo, compare_at_most, compare_sum, fmt, norm, total_row
from ....check.support import table as indexed_table
from .tables import summary, t6_named

HALF_CENT = Decimal("0.005")
SOURCES = ("一般公共预算", "政府性基金预算", "国有资本经营预算", "财政专户管理资金", "单位资金")
FISCAL_KEYS = {"一般公共预算": "exp_general", "政府性基金预算": "exp_fund", "国有资本经营预算": "exp_soe"}
THREE_PUBLIC = ("abroad", "reception", "vehicle_operation", "vehicle_purchase")
_LEVEL = attrgetter("level")


def claims(report: Report) -> list[tuple[str, Claim]]:
    """(section number, claim) for every claim of the explanations, in reading order."""
    return memo(("claims", id(report)), _claims, report)


def _claims(report: Report) -> list[tuple[str, Claim]]:
    return [(s.number, c) for s in report.explanations for c in s.claims]


def first(report: Report, subject: str, section: str | None = None) -> tuple[str, Claim] | None:
    """The first claim of ``subject`` — in ``section`` when given and stated there."""
    found = _by_subject(report).get(subject)
    if not found:
        return None
    if section is not None:
        for stated in found:
            if stated[0] == section:
                return stated
    return found[0]


def _by_subject(report: Report) -> dict[str, list[tuple[str, Claim]]]:
    return memo(("by_subject", id(report)), _subject_index, report)


def _subject_index(report: Report) -> dict[str, list[tuple[str, Claim]]]:
    out: dict[str, list[tuple[str, Claim]]] = {}
    for stated in claims(report):
        found = out.get(stated[1].subject)
        if found is None:
            out[stated[1].subject] = [stated]
        else:
            found.append(stated)
    return out


def where(number: str, claim: Claim) -> Location:
    return Location(section=number, quote=claim.text or f"{claim.subject} {claim.value}{claim.unit}")


def _amount_finding(rule_id: str, number: str, claim: Claim, expected: Decimal | None, source: str) -> Finding | None:
    gap = claim.value - (ZERO if expected is None else expected)
    if gap == 0:
        return None
    return Finding(rule_id, "error", where(number, claim), f"{claim.subject} differs from {source}", fmt(amount(expected)),
                   fmt(claim.value), f"{source} = {fmt(amount(expected))}, the text states {fmt(claim.value)} (gap {gap:+.2f})")


# --- where each amount the prose states lives in the tables ---------------------------------

def _cells(report: Report) -> dict[str, tuple[Decimal | None, str]]:
    """subject → (the table cell it restates, the cell's name)."""
    return memo(("cells", id(report)), _compute_cells, report)


def _compute_cells(report: Report) -> dict[str, tuple[Decimal | None, str]]:
    cells: dict[str, tuple[Decimal | None, str]] = {}
    table = indexed_table(report, "1")
    t1 = summary(table) if table else None
    if t1 is not None:
        v = lambda row, key: None if row is None else row.values.get(key)  # noqa: E731
        cells.update({
            "income.total": (v(t1.total, "income_amount"), "T1[收入总计]"),
            "income.current": (v(t1.current, "income_amount"), "T1[本年收入合计]"),
            "income.carryover": (v(t1.carryover, "income_amount"), "T1[上年结转]"),
            "expenditure.total": (v(t1.exp_total, "exp_total"), "T1[支出总计].exp_total"),
            "expenditure.current": (v(t1.exp_current, "exp_current"), "T1[本年支出合计].exp_current"),
            "expenditure.carryover": (v(t1.exp_current, "exp_carryover"), "T1[本年支出合计].exp_carryover"),
        })
        for source, subject, name in _INCOME_SOURCES:
            cells[subject] = (v(t1.source(source), "income_amount"), name)
    t3 = indexed_table(report, "3")
    if t3 is not None:
        row = total_row(t3)
        cells["expenditure.basic"] = (row.value("basic") if row else None, "T3[合计].basic")
        cells["expenditure.project"] = (row.value("project") if row else None, "T3[合计].project")
    table = indexed_table(report, "4")
    t4 = summary(table) if table else None
    if t4 is not None:
        cells["fiscal.total"] = (t4.total.value("income_amount") if t4.total else None, "T4[收入总计]")
        cells["fiscal.current"] = (t4.current.value("income_amount") if t4.current else None, "T4[本年收入合计]")
        cells["fiscal.carryover"] = (t4.carryover.value("income_amount") if t4.carryover else None, "T4[上年财政拨款结转]")
        for source, key in FISCAL_KEYS.items():
            cells[f"fiscal.source.{source}"] = (t4.exp_total.value(key) if t4.exp_total else None, f"T4[支出总计].{key}")
        for row in t4.classes:
            if row.code:
                cells[f"fiscal.class.{row.code}"] = (row.value("exp_total"), f"T4[{row.code}].exp_total")
    t5 = indexed_table(report, "5")
    if t5 is not None:
        cells["general.current"] = (total_row(t5).value("total") if t5.rows else None, "T5[合计].total")
        for code, row in coded_rows(t5).items():
            if len(code) == 3:
                cells[f"general.class.{code}"] = (row.value("total"), f"T5[{code}].total")
    t6 = indexed_table(report, "6")
    if t6 is not None and t6.rows:
        row = total_row(t6)
        for subject, key in (("general.basic", "total"), ("general.personnel", "personnel"), ("general.public", "public")):
            cells[subject] = (row.value(key), f"T6[合计].{key}")
    t10 = indexed_table(report, "10")
    if t10 is not None:
        rows = {r.code: r for r in t10.rows if r.code}
        cells["three_public.total"] = (rows["total"].value("total") if "total" in rows else None, "T10[合计].total")
        for key in THREE_PUBLIC:
            cells[f"three_public.{key}"] = (rows[key].value("total") if key in rows else None, f"T10[{key}].total")
    t11 = indexed_table(report, "11")
    if t11 is not None and t11.rows:
        cells["operating_costs"] = (total_row(t11).value("total"), "T11[部门合计].total")
    t12 = indexed_table(report, "12")
    if t12 is not None and t12.rows:
        cells["performance.projects.amount"] = (total_row(t12).value("total"), "T12 total")
    return cells


_INCOME_SOURCES = tuple((source, f"income.source.{source}", f"T1[{source}]") for source in SOURCES)


@rule("N.amounts", "Every amount the text states equals the table cell it restates.",
      identity="income.* = T1; expenditure.total/current/carryover = T1, .basic/.project = T3[合计]; fiscal.* = T4; general.current, general.class.* = T5; general.basic/personnel/public = T6[合计]; three_public.* = T10; operating_costs = T11; performance.projects.amount = T12 total")
def amounts(report: Report) -> list[Finding]:
    cells = _cells(report)
    out = []
    for number, claim in claims(report):
        if claim.subject in cells and claim.unit == "万元":
            expected, source = cells[claim.subject]
            found = _amount_finding("N.amounts", number, claim, expected, source)
            if found:
                out.append(found)
    return out


# --- shares and growth rates ------------------------------------------------------------------

def _judge_percent(rule_id: str, number: str, claim: Claim, exact: Decimal, low: Decimal, high: Decimal, arithmetic: str) -> Finding | None:
    """Stated % against the exact recomputation; within what the rounding of its inputs allows: rounding."""
    if claim.value == exact:
        return None
    if round_half_up(low) - Decimal("0.01") < claim.value < round_half_up(high) + Decimal("0.01") and low <= claim.value + HALF_CENT and claim.value - HALF_CENT <= high:
        severity = "rounding"
    else:
        severity = "error"
    return Finding(rule_id, severity, where(number, claim), f"{claim.subject} does not follow from the figures", f"{exact}%",
                   f"{claim.value}%", f"{arithmetic} = {exact}% (rounding allows {low:.2f}–{high:.2f}), the text states {claim.value}%")


def _share(rule_id: str, number: str, claim: Claim, part: Decimal, whole: Decimal, what: str) -> Finding | None:
    exact = percent(part, whole)
    if claim.value == exact:
        return None  # what _judge_percent decides first: the bounds are worked out only for a finding
    if whole <= HALF_CENT:
        low = high = exact
    else:
        low = ZERO if part == 0 else (part - HALF_CENT) * 100 / (whole + HALF_CENT)
        high = ZERO if part == 0 else (part + HALF_CENT) * 100 / (whole - HALF_CENT)
    return _judge_percent(rule_id, number, claim, exact, low, high, f"{what}: {fmt(part)} / {fmt(whole)} × 100")


@rule("N.share", "Every share the text states is recomputed from the tables: part ÷ whole, rounded half-up to 0.01%.",
      identity="income.share.s = T1[s] / T1[收入总计]; income.share.上年结转 = T1[上年结转] / T1[收入总计]; expenditure.share.basic|project = T3[合计].basic|project / T3[合计].total; general.share.类 = T5[类].total / T5[合计].total; performance.published.share = performance.published.amount / T12 total")
def shares(report: Report) -> list[Finding]:
    cells = _cells(report)
    out = []
    for number, claim in claims(report):
        subject = claim.subject
        if ".share" not in subject:
            continue  # every subject judged here names a share
        part = whole = None
        if subject.startswith("income.share."):
            name = subject.removeprefix("income.share.")
            part = cells.get("income.carryover" if name == "上年结转" else f"income.source.{name}", (None, ""))[0]
            whole = cells.get("income.total", (None, ""))[0]
        elif subject in ("expenditure.share.basic", "expenditure.share.project"):
            part = cells.get(f"expenditure.{subject.rsplit('.', 1)[1]}", (None, ""))[0]
            t3 = indexed_table(report, "3")
            whole = total_row(t3).value("total") if t3 is not None and t3.rows else None
        elif subject.startswith("general.share."):
            part = cells.get(f"general.class.{subject.rsplit('.', 1)[1]}", (None, ""))[0]
            whole = cells.get("general.current", (None, ""))[0]
        elif subject == "performance.published.share":
            stated = first(report, "performance.published.amount", number)
            part = stated[1].value if stated else None
            whole = cells.get("performance.projects.amount", (None, ""))[0]
        else:
            continue
        found = _share("N.share", number, claim, amount(part), amount(whole), subject)
        if found:
            out.append(found)
    return out


GROWTH = ("income.total", "expenditure.total", "general.current", "operating_costs")
GROWTH_OF = {f"{base}.growth": base for base in GROWTH}  # a growth rate's subject → what grew


@rule("N.growth", "Every growth rate is recomputed from the value and the change the text gives: change ÷ (value − change).",
      identity="X.growth = X.change / (X − X.change) × 100 for X in income.total, expenditure.total, general.current, operating_costs")
def growth(report: Report) -> list[Finding]:
    out = []
    for number, claim in claims(report):
        base = GROWTH_OF.get(claim.subject)
        if base is None:
            continue
        value, change = first(report, base, number), first(report, f"{base}.change", number)
        if value is None or change is None:
            continue
        v, c = value[1].value, change[1].value
        prior = v - c
        if prior <= 0:
            continue
        exact = percent(c, prior)
        if claim.value == exact:
            continue  # what _judge_percent decides first: the bounds are worked out only for a finding
        corners = [(c + dc) * 100 / (prior + dp) for dc in (-HALF_CENT, HALF_CENT) for dp in (-2 * HALF_CENT, 2 * HALF_CENT)
                   if prior + dp > 0]
        found = _judge_percent("N.growth", number, claim, exact, min(corners), max(corners),
                               f"{fmt(c)} / ({fmt(v)} − {fmt(c)})")
        if found:
            out.append(found)
    return out


# --- the text against itself ------------------------------------------------------------------

def _sum_of(by_subject: dict[str, list[tuple[str, Claim]]], rule_id: str, total: str, parts, section: str | None = None,
            exact: bool = False, at_most: bool = False) -> Finding | None:
    """The total the text states against the parts it states (``by_subject``: _by_subject, fetched
    once for the ~17 sums of N.sums)."""
    found = by_subject.get(total)
    if not found:
        return None  # nothing to compare the parts with: they are not looked up
    stated = found[0] if section is None else _in_section(found, section)
    if stated is None:
        return None
    terms = []
    for p in parts:  # in that section only: a sum is one passage
        found = by_subject.get(p)
        if found:
            if section is None:
                terms.append((p, found[0][1].value))
                continue
            for number, claimed in found:
                if number == section:
                    terms.append((p, claimed.value))
                    break
    if not terms:
        return None
    number, claim = stated
    added = ZERO
    for _, value in terms:
        added += value
    if (claim.value >= added) if at_most else (claim.value == added):
        return None  # what compare_at_most / compare_sum decide first: nothing is named for a sum that holds
    if at_most:
        return compare_at_most(rule_id, where(number, claim), claim.value, sum((v for _, v in terms), ZERO),
                               f"the parts stated exceed {total}", total, rounding_bound(len(terms)))
    return compare_sum(rule_id, where(number, claim), terms, claim.value, f"{total} is not the sum of the parts the text states", exact=exact)


def _in_section(found: list[tuple[str, Claim]], section: str) -> tuple[str, Claim] | None:
    for stated in found:
        if stated[0] == section:
            return stated
    return None


def _subjects(report: Report, prefix: str, suffix: str = "") -> list[str]:
    seen = []
    for subject in _by_subject(report):  # each subject once, in the order first stated
        if subject.startswith(prefix) and subject.endswith(suffix):
            rest = subject[len(prefix): len(subject) - len(suffix) if suffix else None]
            if rest and "." not in rest:
                seen.append(subject)
    return seen


_SUM_ROLES: dict[str, str] = {}  # subject → its part in N.sums' variable sums ("" for none): the vocabulary is the same in every report


def _sum_role(subject: str) -> str:
    """What a subject adds to N.sums' variable sums: a kind of project (``performance.<kind>.x``:
    the kind), a kind of vehicle (``assets.vehicles.<kind>``: ".vehicle"), a 类
    (``general.class.<code>``: ".class"), or nothing ("")."""
    role = ""
    if subject.startswith("performance."):
        if subject.count(".") == 2:
            kind = subject.split(".")[1]
            if kind not in ("overall", "projects", "published"):
                role = kind
    elif subject.startswith("assets.vehicles."):
        rest = subject[len("assets.vehicles."):]
        if rest and "." not in rest:
            role = ".vehicle"  # a kind holds no dot: these two are never one
    elif subject.startswith("general.class."):
        rest = subject[len("general.class."):]
        if rest and "." not in rest:
            role = ".class"
    if len(_SUM_ROLES) < 100_000:  # a hostile report's made-up subjects cannot fill memory
        _SUM_ROLES[subject] = role
    return role


# The sums N.sums checks whatever the report: (total, parts, section, exact).
FIXED_SUMS = (
    ("income.total", ("income.current", "income.carryover"), "一", False),
    ("expenditure.total", ("expenditure.current", "expenditure.carryover"), "一", False),
    ("income.total", tuple(f"income.source.{s}" for s in SOURCES) + ("income.carryover",), "二", False),
    ("expenditure.total", ("expenditure.basic", "expenditure.project"), "三", False),
    ("fiscal.total", ("fiscal.current", "fiscal.carryover"), "四", False),
    ("fiscal.total", tuple(f"fiscal.source.{s}" for s in FISCAL_KEYS), "四", False),
    ("general.basic", ("general.personnel", "general.public"), "六", False),
    ("three_public.total", tuple(f"three_public.{k}" for k in THREE_PUBLIC), "七", False),
    ("three_public.total.change", tuple(f"three_public.{k}.change" for k in THREE_PUBLIC), "七", False),
    ("procurement.total", ("procurement.goods", "procurement.works", "procurement.services"), "九", False),
)


@rule("N.sums", "Totals the text states equal the sum of the parts it states (收入 = 本年 + 结转, 三公 = its items, counts by kind, …).",
      identity="income.total = income.current + income.carryover = Σ income.source.* + income.carryover; expenditure.total = current + carryover = basic + project; fiscal.total = fiscal.current + fiscal.carryover = Σ fiscal.source.*; general.basic = personnel + public; Σ general.class.* ≤ general.current; three_public.total(.change) = Σ items(.change); procurement.total = goods + works + services; performance.{projects,published}.count|amount = Σ by kind; assets.vehicle_count = Σ assets.vehicles.*")
def sums(report: Report) -> list[Finding]:
    kinds_found: set[str] = set()
    vehicles: list[str] = []
    classes: list[str] = []
    by_subject = _by_subject(report)
    for subject in by_subject:  # each subject once, in the order first stated
        kind = _SUM_ROLES.get(subject)
        if kind is None:
            kind = _sum_role(subject)
        if not kind:
            continue
        if kind == ".vehicle":
            vehicles.append(subject)
        elif kind == ".class":
            classes.append(subject)
        else:
            kinds_found.add(kind)
    kinds = sorted(kinds_found)
    checks = [
        *FIXED_SUMS,
        ("performance.projects.count", [f"performance.{k}.count" for k in kinds], "十", True),
        ("performance.projects.amount", [f"performance.{k}.amount" for k in kinds], "十", False),
        ("performance.published.count", [f"performance.published.{k}.count" for k in kinds], "十", True),
        ("performance.published.amount", [f"performance.published.{k}.amount" for k in kinds], "十", False),
        ("assets.vehicle_count", vehicles, "十一", True),
    ]
    out = [_sum_of(by_subject, "N.sums", total, parts, section, exact) for total, parts, section, exact in checks]
    out.append(_sum_of(by_subject, "N.sums", "general.current", classes, "五", at_most=True))
    return [f for f in out if f]


@rule("N.repeat", "A figure the text states more than once is the same each time.",
      identity="all claims with one subject have one value")
def repeat(report: Report) -> list[Finding]:
    out = []
    for subject, stated in _by_subject(report).items():
        if len(stated) == 1:
            continue
        number0, claim0 = stated[0]
        for number, claim in stated[1:]:
            if claim.value != claim0.value:
                out.append(Finding("N.repeat", "error", where(number, claim), f"{subject} is stated as {claim0.value} in 第三部分{number0} and {claim.value} here",
                                   f"{claim0.value}{claim0.unit}", f"{claim.value}{claim.unit}",
                                   f"“{claim0.text or claim0.value}” vs “{claim.text or claim.value}”"))
    return out


@rule("N.balance", "The text's income and expenditure totals, changes and growth agree, as the budget balances.",
      identity="income.total|current|carryover|total.change|total.growth = expenditure.total|current|carryover|total.change|total.growth")
def balance(report: Report) -> list[Finding]:
    out = []
    for part in ("total", "current", "carryover", "total.change", "total.growth"):
        income, spending = first(report, f"income.{part}", "一"), first(report, f"expenditure.{part}", "一")
        if income is None or spending is None or income[1].value == spending[1].value:
            continue
        number, claim = spending
        out.append(Finding("N.balance", "error", where(number, claim), f"expenditure.{part} differs from income.{part}",
                           f"{income[1].value}{claim.unit}", f"{claim.value}{claim.unit}",
                           f"收入 {income[1].value} vs 支出 {claim.value}: a budget's income and expenditure balance"))
    return out


# --- counts and amounts the performance section states ------------------------------------------

def _project_rows(report: Report) -> list[Row]:
    t12 = indexed_table(report, "12")
    if t12 is None:
        return []
    top = min(map(_LEVEL, t12.rows), default=0)
    deepest = max(map(_LEVEL, t12.rows), default=0)
    return [r for r in t12.rows if r.level == deepest and deepest > top]


@rule("N.performance", "The counts and amounts of 绩效管理 agree with table 12 and with the performance-target tables published.",
      identity="performance.projects.count = the project rows of T12 (performance.overall.count too, a warning); performance.projects.amount = T12 total; performance.published.count = the 绩效目标表 published; performance.published.amount = Σ their 年度资金总额 in 万元; published ≤ projects")
def performance(report: Report) -> list[Finding]:
    out: list[Finding | None] = []
    rows = _project_rows(report)
    stated = first(report, "performance.projects.count")
    if stated is not None and indexed_table(report, "12") is not None:
        number, claim = stated
        if claim.value != len(rows):
            out.append(Finding("N.performance", "error", where(number, claim), "the number of projects differs from table 12",
                               str(len(rows)), str(claim.value), f"table 12 lists {len(rows)} projects, the text states {claim.value}"))
    published = first(report, "performance.published.count")
    if published is not None:
        number, claim = published
        count = len(report.performance)
        if claim.value != count:
            out.append(Finding("N.performance", "error", where(number, claim),
                               "the number of project performance targets published differs from the 绩效目标表 in the report",
                               str(count), str(claim.value), f"the report publishes {count} 项目支出绩效目标表, the text states {claim.value}"))
    amount_claim = first(report, "performance.published.amount")
    if amount_claim is not None:
        number, claim = amount_claim
        annual = [(p.project_name, to_wan(p.funding_annual.total)) for p in report.performance if p.funding_annual.total is not None]
        out.append(compare_sum("N.performance", where(number, claim), annual, claim.value,
                               "the amount of the published project targets differs from their 年度资金总额"))
    if stated is not None and published is not None and published[1].value > stated[1].value:
        number, claim = published
        out.append(Finding("N.performance", "error", where(number, claim), "more project targets published than projects",
                           f"≤ {stated[1].value}", str(claim.value), f"{claim.value} published > {stated[1].value} projects"))
    overall_count = first(report, "performance.overall.count")
    if overall_count is not None and indexed_table(report, "12") is not None and overall_count[1].value != len(rows):
        number, claim = overall_count
        out.append(Finding("N.performance", "warning", where(number, claim), "整体绩效目标's count differs from the projects of table 12",
                           str(len(rows)), str(claim.value), f"table 12 lists {len(rows)} projects, the text states {claim.value} 整体绩效目标"))
    overall = first(report, "performance.overall.amount")
    if overall is not None:
        number, claim = overall
        cells = _cells(report)
        candidates = {name: cells.get(subject, (None, ""))[0] for name, subject in
                      (("T12 total", "performance.projects.amount"), ("T1[收入总计]", "income.total"), ("T5[合计]", "general.current"))}
        if all(claim.value != amount(v) for v in candidates.values()):
            out.append(Finding("N.performance", "warning", where(number, claim), "整体绩效目标's amount matches no total of the tables",
                               " or ".join(f"{k} {fmt(v)}" for k, v in candidates.items()), fmt(claim.value),
                               ", ".join(f"{k} = {fmt(v)}" for k, v in candidates.items())))
    return [f for f in out if f]


# --- procurement and assets: the notes' data against the text ------------------------------------

@rule("N.notes", "政府采购 and 国有资产 figures of the text equal the report's procurement and asset data, and the vehicles by kind add up.",
      identity="procurement.* = Report.procurement.*; assets.* = Report.assets.*; Report.assets.vehicle_count = Σ Report.assets.vehicles; equipment_over_100w ≤ equipment_over_50w")
def notes(report: Report) -> list[Finding]:
    data: dict[str, Decimal | int | None] = {f"procurement.{k}": getattr(report.procurement, k) for k in ("total", "goods", "works", "services")}
    assets = report.assets
    data.update({"assets.vehicle_quota": assets.vehicle_quota, "assets.vehicle_count": assets.vehicle_count,
                 "assets.building_area": assets.building_area, "assets.equipment_over_50w": assets.equipment_over_50w,
                 "assets.equipment_over_100w": assets.equipment_over_100w})
    data.update({f"assets.vehicles.{k}": v for k, v in assets.vehicles.items()})
    out = []
    for number, claim in claims(report):
        if claim.subject in data and data[claim.subject] is not None and Decimal(data[claim.subject]) != claim.value:
            out.append(Finding("N.notes", "error", where(number, claim), f"{claim.subject} differs from the report's data",
                               str(data[claim.subject]), str(claim.value), f"data {data[claim.subject]}, text {claim.value}"))
    if assets.vehicle_count is not None and assets.vehicles:
        counted = sum(assets.vehicles.values())
        if counted != assets.vehicle_count:
            out.append(Finding("N.notes", "error", Location(section="十一", quote="车辆情况"), "the vehicles by kind do not add up to 实有",
                               str(assets.vehicle_count), str(counted), " + ".join(f"{k} {v}" for k, v in assets.vehicles.items()) + f" = {counted}"))
    if (assets.equipment_over_100w or 0) > (assets.equipment_over_50w or 0):
        out.append(Finding("N.notes", "error", Location(section="十一", quote="其他国有资产占有使用情况"),
                           "more equipment over 100万元 than over 50万元", f"≤ {assets.equipment_over_50w}", str(assets.equipment_over_100w)))
    if assets.vehicle_quota is not None and assets.vehicle_count is not None and assets.vehicle_count > assets.vehicle_quota:
        out.append(Finding("N.notes", "warning", Location(section="十一", quote="车辆情况"), "more vehicles than the quota (编制)",
                           f"≤ {assets.vehicle_quota}", str(assets.vehicle_count)))
    return out


# --- the item lists of 六 against table 6 -------------------------------------------------------

LIST = re.compile(r"(人员经费|公用经费)[^，,：:]*[，,]?\s*主要包括[：:](.*?)(?:等[；;。]|$)", re.S)


@rule("N.T6-items", "The economic items 六 lists under 人员经费 and 公用经费 are the ones table 6 shows in those columns.", severity="warning",
      identity="{names listed after 人员经费…主要包括} = {T6 款 rows with personnel}; likewise 公用经费")
def t6_items(report: Report) -> list[Finding]:
    t6 = indexed_table(report, "6")
    section = next((s for s in report.explanations if "基本支出" in s.title), None)
    if t6 is None or section is None:
        return []
    out = []
    text = "".join(section.text.split())
    for match in LIST.finditer(text):
        kind, listed = match.group(1), match.group(2)
        key = "personnel" if kind == "人员经费" else "public"
        named = {norm(n) for n in re.split(r"[、，,]", listed) if n.strip()}
        shown = {name for name, rows in t6_named(t6).items() if any(r.values.get(key) for r in rows)}
        missing, extra = sorted(shown - named), sorted(named - shown)
        if missing or extra:
            out.append(Finding("N.T6-items", "warning", Location(section=section.number, quote=f"{kind}…主要包括"),
                               f"the items listed under {kind} differ from table 6", "、".join(sorted(shown)), "、".join(sorted(named)),
                               (f"not listed: {'、'.join(missing)}" if missing else "") + ("; " if missing and extra else "")
                               + (f"not in table 6: {'、'.join(extra)}" if extra else "")))
    return out

