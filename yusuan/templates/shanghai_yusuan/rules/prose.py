"""The 编制说明 and 其他相关情况说明 of a Shanghai 预算: every figure against the tables and the others.

The prose states 万元 with up to two decimals; tables 1–8 are in 元, the 三公 table in 万元. A
figure restating a 元 cell is that cell rounded half-up to 0.01万元; one that is the cell cut
(truncated) to 0.01 is a ``rounding`` finding, as a truncated rate is: the figures are right, the
way of showing them is not.
"""
from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

from ....check import Finding, Location, rule
from ....check.support import amount, compare_at_most, compare_equal, compare_sum, fmt, memo, row_by_label, total_row
from ....money import ZERO, round_half_up
from ....report import Claim, Report

CENT = Decimal("0.01")
HALF_CENT = Decimal("0.005")
WAN = Decimal(10000)
FISCAL_SOURCES = ("一般公共预算", "政府性基金预算", "国有资本经营预算")
# Table 4's expenditure column of each fiscal source, and table 2's column of each income source.
T4_SOURCE = {"一般公共预算": "exp_general", "政府性基金预算": "exp_fund", "国有资本经营预算": "exp_soe"}
T2_SOURCE = {"财政拨款收入": "fiscal", "事业收入": "business", "事业单位经营收入": "operating", "其他收入": "other"}
THREE_PUBLIC = ("total", "abroad", "reception", "vehicles", "vehicle_purchase", "vehicle_operation")


def _keep(*found: Finding | None) -> list[Finding]:
    return [f for f in found if f]


def claims(report: Report) -> list[tuple[str, Claim]]:
    return memo(("shanghai-yusuan-claims", id(report)), _claims, report)


def _claims(report: Report) -> list[tuple[str, Claim]]:
    return [(s.number, c) for s in report.explanations for c in s.claims]


def _first(report: Report) -> dict[str, tuple[str, Claim]]:
    """subject → (section, claim) of its first statement (a later restatement is checked on its own)."""
    def compute(report: Report) -> dict[str, tuple[str, Claim]]:
        out: dict[str, tuple[str, Claim]] = {}
        for number, claim in claims(report):
            out.setdefault(claim.subject, (number, claim))
        return out

    return memo(("shanghai-yusuan-first", id(report)), compute, report)


def where(number: str, claim: Claim) -> Location:
    return Location(section=number, quote=claim.text or f"{claim.subject} {claim.value}{claim.unit}")


def _cells(report: Report) -> dict[str, tuple[Decimal | None, str, str]]:
    """subject → (the table cell the text restates, its unit, where it is)."""
    def compute(report: Report) -> dict[str, tuple[Decimal | None, str, str]]:
        out: dict[str, tuple[Decimal | None, str, str]] = {}
        t2, t3, t4, t9 = (report.table(i) for i in ("2", "3", "4", "9"))
        if t2 is not None and t2.rows:
            total = total_row(t2)
            out["income.total"] = (total.value("total"), t2.unit, "T2[合计].total")
            for name, key in T2_SOURCE.items():
                out[f"income.source.{name}"] = (total.value(key), t2.unit, f"T2[合计].{key}")
        if t3 is not None and t3.rows:
            out["expenditure.total"] = (total_row(t3).value("total"), t3.unit, "T3[合计].total")
        if t4 is not None and t4.rows:
            row = row_by_label(t4, "income_item", "收入总计")
            if row is not None:
                out["fiscal.total"] = (row.value("income_amount"), t4.unit, "T4[收入总计].income_amount")
            row = row_by_label(t4, "exp_item", "支出总计") or row
            if row is not None:
                for name, key in T4_SOURCE.items():
                    out[f"fiscal.source.{name}"] = (row.value(key), t4.unit, f"T4[支出总计].{key}")
        # Each 项 of the fiscal expenditure: its row in the table of its fund (5, 6 or 7).
        items: dict[str, tuple[Decimal, str, list[str]]] = {}
        for table_id in ("5", "6", "7"):
            table = report.table(table_id)
            if table is None:
                continue
            for row in table.rows:
                if row.code and row.code.isdigit() and len(row.code) == 7 and row.value("total") is not None:
                    got = items.get(row.code, (ZERO, table.unit, []))
                    items[row.code] = (got[0] + row.value("total"), table.unit, got[2] + [f"T{table_id}[{row.code}].total"])
        for code, (value, unit, places) in items.items():
            out[f"fiscal.item.{code}"] = (value, unit, " + ".join(places))
        if t9 is not None and t9.rows:
            row = t9.rows[0]
            for key in THREE_PUBLIC:
                out[f"three_public.{key}"] = (row.value(key), t9.unit, f"T9.{key}")
            out["operating_costs"] = (row.value("operating_costs"), t9.unit, "T9.operating_costs")
        return out

    return memo(("shanghai-yusuan-cells", id(report)), compute, report)


def _in_wan(value: Decimal | None, unit: str) -> tuple[Decimal, Decimal]:
    """A cell as the prose should state it in 万元, and the same cut instead of rounded."""
    exact = amount(value) / WAN if unit == "元" else amount(value)
    return round_half_up(exact), exact.quantize(CENT, rounding=ROUND_DOWN)


def _tables_have_items(report: Report) -> bool:
    return any(report.table(i) is not None and report.table(i).rows for i in ("5", "6", "7"))


@rule("S.amounts", "Every amount the 说明 states equals the table cell it restates, rounded to 0.01万元 (a figure cut, not rounded, is rounding): "
      "收入/支出 totals, income by source, 财政拨款 and each fund, each 项 of the numbered list, the 三公 items, 机关运行经费.",
      identity="income.total = T2[合计].total; income.source.s = T2[合计].s; expenditure.total = T3[合计].total; fiscal.total = T4[收入总计]; "
               "fiscal.source.f = T4[支出总计].f; fiscal.item.c(.planned) = Σ T5–T7[c].total; three_public.k = T9.k; operating_costs = T9.operating_costs")
def amounts(report: Report) -> list[Finding]:
    cells = _cells(report)
    out = []
    for number, claim in claims(report):
        if claim.unit != "万元":
            continue
        subject = claim.subject.removesuffix(".planned")
        if subject in cells:
            value, unit, source = cells[subject]
        elif subject.startswith("fiscal.item.") and subject[12:].isdigit() and _tables_have_items(report):
            value, unit, source = None, "元", f"no row {subject[12:]} in tables 5–7"  # a 项 the tables do not have
        else:
            continue
        shown, cut = _in_wan(value, unit)
        if claim.value == shown:
            continue
        severity = "rounding" if claim.value == cut else "error"
        how = "cut to 0.01 instead of rounded" if severity == "rounding" else f"gap {claim.value - shown:+.2f}"
        out.append(Finding("S.amounts", severity, where(number, claim), f"{claim.subject} differs from {source}",
                           fmt(shown), fmt(claim.value),
                           f"{source} = {fmt(amount(value))}{unit} = {fmt(shown)}万元, the text states {fmt(claim.value)} ({how})"))
    return out


@rule("S.sums", "The 说明's totals equal their parts and each other: 收入 = its sources = 支出, 财政拨款收入 = 财政拨款支出 = its funds = Σ 项 listed, "
      "三公 = its items, 公务用车 = 购置 + 运行, 政府采购 = 货物 + 工程 + 服务 ≥ 中小企业 ≥ 小微, vehicles by kind.",
      identity="income.total = Σ income.source.s = expenditure.total; fiscal.total = income.source.财政拨款收入 = Σ fiscal.source.f = Σ fiscal.item.c; "
               "three_public.total = abroad + vehicles + reception; vehicles = vehicle_purchase + vehicle_operation; "
               "procurement.total = goods + works + services ≥ sme ≥ sme.small_micro; assets(.purchase).vehicle_count = Σ vehicles.*")
def sums(report: Report) -> list[Finding]:
    found = _first(report)

    def total(whole: str, parts: list[str], exact: bool = False, all_parts: bool = False) -> Finding | None:
        present = [p for p in parts if p in found]
        if whole not in found or not present or (all_parts and len(present) < len(parts)):
            return None
        number, claim = found[whole]
        terms = [(p.rsplit(".", 1)[1], found[p][1].value) for p in present]
        return compare_sum("S.sums", where(number, claim), terms, claim.value, f"{whole} is not the sum of its parts", exact)

    def same(a: str, b: str) -> Finding | None:
        if a not in found or b not in found:
            return None
        number, claim = found[b]
        return compare_equal("S.sums", where(number, claim), found[a][1].value, claim.value, f"{b} differs from {a}", a)

    def at_most(whole: str, part: str) -> Finding | None:
        if whole not in found or part not in found:
            return None
        number, claim = found[part]
        return compare_at_most("S.sums", where(number, claim), found[whole][1].value, claim.value, f"{part} exceeds {whole}", whole)

    items = [s for s in found if s.startswith("fiscal.item.") and s.count(".") == 2]
    coded = all(s[12:].isdigit() for s in items)
    out = _keep(
        total("income.total", [f"income.source.{s}" for s in T2_SOURCE]),
        same("income.total", "expenditure.total"),
        same("income.source.财政拨款收入", "fiscal.total"),
        total("fiscal.total", [f"fiscal.source.{s}" for s in FISCAL_SOURCES]),
        # the numbered list names every 项 of 财政拨款 (each rounded to 0.01万元 on its own)
        total("fiscal.total", items) if items and coded else None,
        total("three_public.total", ["three_public.abroad", "three_public.vehicles", "three_public.reception"]),
        total("three_public.vehicles", ["three_public.vehicle_purchase", "three_public.vehicle_operation"], all_parts=True),
        total("procurement.total", ["procurement.goods", "procurement.works", "procurement.services"]),
        at_most("procurement.total", "procurement.sme"),
        at_most("procurement.sme", "procurement.sme.small_micro"),
        total("assets.vehicle_count", [s for s in found if s.startswith("assets.vehicles.")], exact=True),
        total("assets.purchase.vehicle_count", [s for s in found if s.startswith("assets.purchase.vehicles.")], exact=True),
    )
    return out


def _word(value: Decimal) -> str:
    return "增加" if value > 0 else "减少" if value < 0 else "持平"


@rule("S.changes", "Each change against last year agrees with its wording and the other figures: 增加/减少 of nothing is 持平, "
      "no figure had a negative last year, and the changes add up as their figures do (三公, 公务用车, 财政拨款 by fund, 收入 = 支出).",
      identity="X.change.relation = 增加 ⇔ X.change > 0, 减少 ⇔ < 0, 持平 ⇔ = 0; X − X.change ≥ 0; "
               "three_public.total.change = Σ items' changes; vehicles.change = purchase.change + operation.change; "
               "fiscal.total.change = Σ fiscal.source.f.change = income.source.财政拨款收入.change (same base)")
def changes(report: Report) -> list[Finding]:
    found = _first(report)
    out: list[Finding | None] = []
    for number, claim in claims(report):
        if not claim.subject.endswith(".change"):
            continue
        if claim.relation and claim.relation != _word(claim.value):
            out.append(Finding("S.changes", "error", where(number, claim),
                               f"the text says {claim.relation}, the figure it states is a change of {fmt(claim.value)}",
                               _word(claim.value), claim.relation))
        base = found.get(claim.subject.removesuffix(".change"))
        if base is not None and base[1].value - claim.value < 0:
            out.append(Finding("S.changes", "error", where(number, claim), "last year's figure would be negative",
                               "≥ 0", fmt(base[1].value - claim.value),
                               f"{base[1].subject} {fmt(base[1].value)} − change {fmt(claim.value)} = {fmt(base[1].value - claim.value)}"))

    def total(whole: str, parts: list[str], all_parts: bool = False) -> Finding | None:
        present = [p for p in parts if p in found]
        if whole not in found or not present or (all_parts and len(present) < len(parts)):
            return None
        number, claim = found[whole]
        terms = [(p.removesuffix(".change").rsplit(".", 1)[1], found[p][1].value) for p in present]
        return compare_sum("S.changes", where(number, claim), terms, claim.value, f"{whole} is not the sum of the parts' changes")

    # 财政拨款收入 and 财政拨款支出 are one amount: they change alike against the same base (预算 or
    # 预算执行数 — 区商务委 states one against each, and they differ)
    income, spent = found.get("income.source.财政拨款收入.change"), found.get("fiscal.total.change")
    if income and spent and ("执行数" in income[1].text) == ("执行数" in spent[1].text):
        out.append(compare_equal("S.changes", where(*spent), income[1].value, spent[1].value,
                                 "财政拨款支出 changes otherwise than 财政拨款收入", "income.source.财政拨款收入.change"))
    out += [
        total("three_public.total.change", [f"three_public.{k}.change" for k in ("abroad", "vehicles", "reception")], all_parts=True),
        total("three_public.vehicles.change", ["three_public.vehicle_purchase.change", "three_public.vehicle_operation.change"], all_parts=True),
        total("fiscal.total.change", [f"fiscal.source.{s}.change" for s in FISCAL_SOURCES], all_parts=True),
    ]
    return _keep(*out)


@rule("S.growth", "A 项's stated rate against last year's 执行数 is recomputed from the two figures the text gives (the item's ÷ prior − 1), "
      "its wording 增加/减少 agrees with them, and a rate cut instead of rounded is rounding.",
      identity="fiscal.item.c.growth = (fiscal.item.c − fiscal.item.c.prior) / fiscal.item.c.prior × 100; relation = 增加 ⇔ fiscal.item.c > prior")
def growth(report: Report) -> list[Finding]:
    found = _first(report)
    out = []
    for number, claim in claims(report):
        if not claim.subject.endswith(".growth"):
            continue
        base = claim.subject.removesuffix(".growth")
        # the item's own figure (the one the tables back); its restatement where it is alone
        now = found.get(base) or found.get(f"{base}.planned")
        prior = found.get(f"{base}.prior")
        if now is None or prior is None:
            continue
        now_v, prior_v = now[1].value, prior[1].value
        if claim.relation and now_v != prior_v and claim.relation != _word(now_v - prior_v):
            out.append(Finding("S.growth", "error", where(number, claim),
                               f"the text says {claim.relation}, the figures say {_word(now_v - prior_v)}",
                               _word(now_v - prior_v), claim.relation, f"{fmt(now_v)} against last year's {fmt(prior_v)}"))
            continue
        if prior_v <= 0:
            continue
        exact = (now_v - prior_v) * 100 / prior_v
        shown = round_half_up(exact)
        if claim.value == shown:
            continue
        # the figures are themselves rounded to 0.01万元: the rate may be anywhere they allow
        low = ((now_v - HALF_CENT) / (prior_v + HALF_CENT) - 1) * 100
        high = ((now_v + HALF_CENT) / (prior_v - HALF_CENT) - 1) * 100 if prior_v > HALF_CENT else exact
        cut = exact.quantize(CENT, rounding=ROUND_DOWN if exact >= 0 else "ROUND_UP")
        near = claim.value == cut or low - CENT <= claim.value <= high + CENT
        out.append(Finding("S.growth", "rounding" if near else "error", where(number, claim), f"{claim.subject} does not follow from the figures",
                           f"{shown}%", f"{claim.value}%",
                           f"({fmt(now_v)} − {fmt(prior_v)}) / {fmt(prior_v)} × 100 = {exact:.3f}% (rounding of the figures allows {low:.3f}–{high:.3f})"))
    return out


@rule("S.performance", "The 绩效目标 figures agree with the budget: projects with targets cost no more than 项目支出 (表3 合计), and a count of 0 projects has no money (and money has projects).",
      identity="performance.projects.amount ≤ T3[合计].project; performance.projects.count = 0 ⇔ performance.projects.amount = 0")
def performance(report: Report) -> list[Finding]:
    found = _first(report)
    out: list[Finding | None] = []
    spent = found.get("performance.projects.amount")
    t3 = report.table("3")
    if spent is not None and t3 is not None and t3.rows:
        shown, _ = _in_wan(total_row(t3).value("project"), t3.unit)
        out.append(compare_at_most("S.performance", where(*spent), shown, spent[1].value,
                                   "the projects with targets cost more than all 项目支出", "T3[合计].project", CENT))
    count = found.get("performance.projects.count")
    if spent is not None and count is not None and (count[1].value == 0) != (spent[1].value == 0):
        out.append(Finding("S.performance", "error", where(*count), "a count of projects and their money disagree",
                           "both 0 or neither", f"{count[1].value}个, {fmt(spent[1].value)}万元"))
    return _keep(*out)

