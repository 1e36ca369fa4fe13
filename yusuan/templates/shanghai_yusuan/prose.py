"""The explanations of a Shanghai 预算 report, in the sentences these reports print.

编制说明 (one section without a number): income by Shanghai's sources, expenditure, 财政拨款 by
fund, then each 项 of 财政拨款 as “类-款-项”科目. 其他相关情况说明: 一 三公, 二 机关运行经费, 三
政府采购, 四 绩效目标, 五 国有资产. Figures are 万元 as these reports print them (9,101.68 · 839 ·
867.50). Each section's claims are what reading.claims finds in its sentences, so that the
writer and the reader share one vocabulary (docs/claims.md) and a built report reads back
with the same claims; the figures themselves come from the tables and the Budget.

What a Budget cannot say is left out, not invented: a change against last year is stated where
the Budget has last year's figure (一般公共预算 当年支出, 三公, 机关运行经费; 财政拨款 as a whole
only when every line is fiscal, then 上年收支总计 is its figure); the use of each 科目 is not
written (the reports add "主要用于…", which only a person knows).
"""
from __future__ import annotations

from decimal import Decimal

from ...budget import FISCAL_SOURCES, Budget
from ...money import ZERO, to_wan
from ...report import ProjectNote, Report, Section
from .reading import VEHICLES, claims


def wan(amount: Decimal) -> str:
    """An amount of 元 in 万元 as the prose prints it: grouped, two decimals, ".00" dropped."""
    text = f"{to_wan(amount):,.2f}"
    return text[:-3] if text.endswith(".00") else text


def compare(current: Decimal, prior: Decimal | None, year: int, word: str = "比") -> str:
    """比上年预算增加/减少 X万元, 与上年预算持平 — or nothing when last year's figure is unknown."""
    if prior is None:
        return ""
    change = to_wan(current) - to_wan(prior)
    if change == 0:
        return f"，与{year - 1}年预算持平"
    return f"，{word}{year - 1}年预算{'增加' if change > 0 else '减少'}{wan(abs(change) * 10000)}万元"


def explain(report: Report, budget: Budget, derivation) -> Report:
    year, unit = budget.year, budget.unit.name
    own = "本部门" if derivation.template.level == "部门" else "本单位"
    lines = [l for l in budget.lines if not l.carryover]

    def total(*sources: str) -> Decimal:
        return sum((l.amount for l in lines if l.source in sources), ZERO)

    fiscal = total(*FISCAL_SOURCES)
    everything = sum((l.amount for l in lines), ZERO)
    prior_fiscal = budget.prior_year.total if fiscal == everything else None
    general, fund, soe = (total(s) for s in FISCAL_SOURCES)
    text = [
        f"{year}年，{unit}收入预算{wan(everything)}万元，其中：财政拨款收入{wan(fiscal)}万元"
        f"{compare(fiscal, prior_fiscal, year)}；事业收入{wan(total('财政专户管理资金'))}万元；"
        f"事业单位经营收入0万元；其他收入{wan(total('单位资金'))}万元。",
        f"支出预算{wan(everything)}万元，其中：财政拨款支出预算{wan(fiscal)}万元{compare(fiscal, prior_fiscal, year)}。"
        f"财政拨款支出预算中，一般公共预算拨款支出预算{wan(general)}万元"
        f"{compare(general, budget.prior_year.general_budget_current, year)}；"
        f"政府性基金拨款支出预算{wan(fund)}万元；国有资本经营预算拨款支出预算{wan(soe)}万元。",
    ]
    if budget.texts.change_reason:
        text.append(f"财政拨款收入支出变动的主要原因是{budget.texts.change_reason.rstrip('。')}。")
    catalog = derivation.catalog
    by_item: dict[str, Decimal] = {}
    for line in lines:
        if line.source in FISCAL_SOURCES:
            by_item[line.func] = by_item.get(line.func, ZERO) + line.amount
    if by_item:
        text.append("财政拨款支出主要内容如下：")
        for i, code in enumerate(sorted(by_item), 1):
            names = "-".join(catalog.functional(c).name for c in (code[:3], code[:5], code))
            text.append(f"{i}.“{names}”科目{wan(by_item[code])}万元。")
    sections = [Section(number="", title="", text="\n".join(text))]

    tp, prior_tp = _three_public(lines), budget.prior_year.three_public
    vehicles = tp["vehicle_purchase"] + tp["vehicle_operation"]
    other = {
        "一": (f"{year}年“三公”经费预算情况说明", [
            f"{year}年“三公”经费预算数为{wan(sum(tp.values(), ZERO))}万元{compare(sum(tp.values(), ZERO), prior_tp.total, year, '比')}。其中：",
            f"（一）因公出国（境）费{wan(tp['abroad'])}万元{compare(tp['abroad'], prior_tp.abroad, year)}。",
            f"（二）公务用车购置及运行费{wan(vehicles)}万元"
            f"{compare(vehicles, prior_tp.vehicle_purchase + prior_tp.vehicle_operation, year)}。其中：公务用车购置费"
            f"{wan(tp['vehicle_purchase'])}万元{compare(tp['vehicle_purchase'], prior_tp.vehicle_purchase, year)}；"
            f"公务用车运行费{wan(tp['vehicle_operation'])}万元{compare(tp['vehicle_operation'], prior_tp.vehicle_operation, year)}。",
            f"（三）公务接待费{wan(tp['reception'])}万元{compare(tp['reception'], prior_tp.reception, year)}。",
        ]),
        "二": ("机关运行经费预算", [
            f"{year}年{unit}财政拨款的机关运行经费预算为{wan(_operating_costs(lines))}万元"
            f"{compare(_operating_costs(lines), budget.prior_year.operating_costs, year)}。"]),
        "三": ("政府采购预算情况", [
            f"{year}年度{own}政府采购预算{wan(budget.procurement.goods + budget.procurement.works + budget.procurement.services)}万元，"
            f"其中：政府采购货物预算{wan(budget.procurement.goods)}万元、政府采购工程预算{wan(budget.procurement.works)}万元、"
            f"政府采购服务预算{wan(budget.procurement.services)}万元。"]),
        "四": ("绩效目标设置情况", [_performance(budget, lines, own)]),
        "五": ("国有资产占有使用情况", [_assets(budget)]),
    }
    for number, (title, sentences) in other.items():
        sections.append(Section(number=number, title=title, text="\n".join(sentences)))
    for section in sections:
        section.claims = claims(section.text, section.number, report.tables)
    # These reports print no 项目支出绩效目标表 ("详见单位的项目绩效目标表"); a 部门 report explains
    # each project on a page of its own, from what the Budget says of it.
    projects = _project_notes(budget, lines) if derivation.template.part("projects") else []
    return report.model_copy(update={"explanations": sections, "performance": [], "projects": projects})


def _project_notes(budget: Budget, lines) -> list[ProjectNote]:
    by_project: dict[str, Decimal] = {}  # one pass over the lines, not one per project (quadratic)
    for line in lines:
        if line.project is not None:
            by_project[line.project] = by_project.get(line.project, ZERO) + line.amount
    notes = []
    for project in budget.projects:
        amount = by_project.get(project.id, ZERO)
        perf = project.performance
        if not amount or perf is None:
            continue
        notes.append(ProjectNote(
            title=f"{project.name}经费情况说明", project=project.name, amount=to_wan(amount),
            purpose=perf.overview, basis=perf.basis, subject=perf.implementing_unit or budget.unit.name,
            plan=perf.plan, period=perf.period, budget=f"{wan(amount)}万元", targets=perf.goal))
    return notes


def _three_public(lines) -> dict[str, Decimal]:
    codes = {"abroad": "30212", "reception": "30217", "vehicle_purchase": "31013", "vehicle_operation": "30231"}
    return {key: sum((l.amount for l in lines if l.econ == code and l.source in FISCAL_SOURCES), ZERO)
            for key, code in codes.items()}


def _operating_costs(lines) -> Decimal:
    return sum((l.amount for l in lines if l.source == "一般公共预算" and l.is_basic and l.kind == "公用经费"), ZERO)


def _performance(budget: Budget, lines, own: str) -> str:
    with_targets = {p.id for p in budget.projects if p.performance is not None}
    amount = sum((l.amount for l in lines if l.project in with_targets), ZERO)
    return f"{budget.year}年度，{own}编报绩效目标的项目共{len(with_targets)}个，涉及项目预算资金{wan(amount)}万元。"


def _assets(budget: Budget) -> str:
    assets = budget.assets
    # Shanghai lists eight kinds; a kind of the Budget's it does not list (领导用车, 其他公务用车 …)
    # is counted as 其他用车, so that the kinds add up to the total stated before them.
    other = sum(n for kind, n in assets.vehicles.items() if kind not in VEHICLES)
    counts = {kind: assets.vehicles.get(kind, 0) + (other if kind == "其他用车" else 0) for kind in VEHICLES}
    kinds = "、".join(f"{kind}{counts[kind]}辆" for kind in VEHICLES)
    return (f"截至{assets.as_of}，{budget.unit.name}共有车辆{sum(assets.vehicles.values())}辆，其中：{kinds}；"
            f"单价100万元（含）以上设备（不含车辆）{assets.equipment_over_100w}台（套）。")
