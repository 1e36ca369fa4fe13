"""The 说明 (第三部分): amounts, shares, growth, sums, and 决算 against 年初/全年预算 (wording, 完成…%, reason)."""
from __future__ import annotations

from decimal import Decimal

from ....check import Finding, Location, rule
from ....check.support import amount, coded_rows, compare_sum, fmt, memo, total_row
from ....money import ZERO, round_half_up
from ....report import Claim, Report
from .cross import T1_SOURCES
from .tables import CENT, HALF_CENT, _keep, _t6_totals, _val, statement


# --- the 说明 ---------------------------------------------------------------------------------


def claims(report: Report) -> list[tuple[str, Claim]]:
    return memo(("juesuan-claims", id(report)), _claims, report)


def _claims(report: Report) -> list[tuple[str, Claim]]:
    return [(s.number, c) for s in report.explanations for c in s.claims]


def where(number: str, claim: Claim) -> Location:
    return Location(section=number, quote=claim.text or f"{claim.subject} {claim.value}{claim.unit}")


def _first(report: Report, subject: str) -> Claim | None:
    return next((c for _, c in claims(report) if c.subject == subject), None)


def _cells(report: Report) -> dict[str, tuple[Decimal | None, str]]:
    """subject → (the table cell the text restates, where it is)."""
    def compute(report: Report) -> dict[str, tuple[Decimal | None, str]]:
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

    return memo(("juesuan-cells", id(report)), compute, report)


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
