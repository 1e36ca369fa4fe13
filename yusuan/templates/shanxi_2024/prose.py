"""第三部分 the explanations: every figure computed from the line items, never typed.

Each section is written as the seed words it; every figure goes through ``Writer.figure``,
which both formats it and records it as a Claim (docs/claims.md), so the checker can
recompute what the prose states and the reader can recover the same claims.
"""
from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING

from ...budget import FISCAL_SOURCES, SOURCES, Budget, LineItem
from ...derive import matches
from ...money import ZERO, fmt_prose, percent, to_wan
from ...report import Assets, Claim, Procurement, Report, Section

if TYPE_CHECKING:
    from ...derive import Derivation

VEHICLE_KINDS = ("领导用车", "机要通信用车", "应急保障用车", "执法执勤用车", "特种专业技术用车", "事业单位业务用车", "其他公务用车")


def wan_text(amount: Decimal) -> str:
    """An amount in prose: `6,640.71`, and a bare `0` for nothing, as the seed writes it."""
    return "0" if amount == 0 else fmt_prose(amount)


def percent_text(value: Decimal) -> str:
    return "0" if value == 0 else f"{value}"


class Writer:
    """Collects the claims of one section while its text is written."""

    def __init__(self) -> None:
        self.claims: list[Claim] = []

    def figure(self, subject: str, value: Decimal, unit: str, text: str | None = None) -> str:
        if text is None:
            text = wan_text(value) if unit == "万元" else percent_text(value) if unit == "%" else f"{value}"
        self.claims.append(Claim.trusted(subject, value, unit, text))
        return text

    def amount(self, subject: str, yuan: Decimal) -> str:
        return self.figure(subject, to_wan(yuan), "万元")

    def share(self, subject: str, part: Decimal, whole: Decimal) -> str:
        return self.figure(subject, percent(part, whole), "%")

    def change(self, subject: str, current: Decimal, prior: Decimal, *, growth: bool = True) -> str:
        """`增加950.72万元，增长16.71%` (or 减少 … 下降 …), each figure a claim."""
        delta = current - prior
        verb, rate_verb = ("增加", "增长") if delta >= 0 else ("减少", "下降")
        amount = self.figure(f"{subject}.change", to_wan(delta), "万元", wan_text(abs(to_wan(delta))))
        text = f"{verb}{amount}万元"
        if growth:
            rate = percent(delta, prior)
            text += f"，{rate_verb}{self.figure(f'{subject}.growth', rate, '%', percent_text(abs(rate)))}%"
        return text


class Sums:
    """Exact 元 sums over the budget's line items."""

    def __init__(self, budget: Budget):
        self.lines = budget.lines

    def __call__(self, keep: Callable[[LineItem], bool] = lambda line: True) -> Decimal:
        return sum((line.amount for line in self.lines if keep(line)), ZERO)


def explain(report: Report, budget: Budget, context: "Derivation") -> Report:
    """The Report with its explanations (第三部分), assets and procurement filled in."""
    sums = Sums(budget)
    unit, year = budget.unit.name, budget.year
    sections = [
        _changes(sums, budget, unit, year),
        _income(sums, unit, year),
        _expenditure(sums, unit, year),
        _fiscal(sums, context, unit, year),
        _general(sums, budget, context, unit, year),
        _basic(sums, context, unit, year),
        _three_public(sums, budget, context, unit, year),
        _operating_costs(sums, budget),
        _procurement(budget, unit, year),
        _performance(sums, budget, unit, year),
        _assets(budget, unit),
        _other(budget),
    ]
    procurement = budget.procurement
    goods, works, services = (to_wan(v) for v in (procurement.goods, procurement.works, procurement.services))
    assets = budget.assets
    return report.model_copy(
        update={
            "explanations": sections,
            "procurement": Procurement(
                total=to_wan(procurement.goods + procurement.works + procurement.services),
                goods=goods, works=works, services=services,
            ),
            "assets": Assets(
                as_of=assets.as_of,
                vehicle_quota=assets.vehicle_quota,
                vehicle_count=sum(assets.vehicles.values()),
                vehicles={kind: assets.vehicles.get(kind, 0) for kind in (*VEHICLE_KINDS, *assets.vehicles) if True},
                building_area=assets.building_area,
                equipment_over_50w=assets.equipment_over_50w,
                equipment_over_100w=assets.equipment_over_100w,
            ),
            "other_notes": {"政府购买服务指导性目录": budget.texts.purchase_service_catalog, "其他": budget.texts.other},
        }
    )


def _clause(reason: str) -> str:
    """A reason typed as a sentence, set inside one of ours (which ends it): without its own 。,
    so the text never reads 更新车辆。。 or 。；."""
    return reason.rstrip("。")


def _section(number: str, title: str, writer: Writer, *paragraphs: str) -> Section:
    return Section.trusted(number, title, "\n".join(paragraphs), writer.claims)


def _changes(sums: Sums, budget: Budget, unit: str, year: int) -> Section:
    w = Writer()
    total, carry = sums(), sums(lambda l: l.carryover)
    current = total - carry
    prior = budget.prior_year.total
    reason = budget.texts.change_reason
    income = (
        f"{year}年度{unit}预算收入总计{w.amount('income.total', total)}万元，其中：本年收入"
        f"{w.amount('income.current', current)}万元，上年结转{w.amount('income.carryover', carry)}万元，"
        f"比上年{w.change('income.total', total, prior)}，主要原因是{reason}"
    )
    spending = (
        f"本年单位预算支出总计{w.amount('expenditure.total', total)}万元，其中：本年预算安排"
        f"{w.amount('expenditure.current', current)}万元，上年结转{w.amount('expenditure.carryover', carry)}万元，"
        f"比上年{w.change('expenditure.total', total, prior)}，主要原因是{reason}"
    )
    return _section("一", "单位预算收支数据变动情况及原因", w, f"{income}；{spending}")


def _income(sums: Sums, unit: str, year: int) -> Section:
    w = Writer()
    total = sums()
    names = {"一般公共预算": "一般公共预算拨款收入", "政府性基金预算": "政府性基金预算拨款收入",
             "国有资本经营预算": "国有资本经营预算拨款收入", "财政专户管理资金": "财政专户管理资金收入", "单位资金": "单位资金"}
    parts = []
    for source in SOURCES:
        amount = sums(lambda l: l.source == source and not l.carryover)
        parts.append(f"{names[source]}{w.amount(f'income.source.{source}', amount)}万元，"
                     f"占{w.share(f'income.share.{source}', amount, total)}%")
    carry = sums(lambda l: l.carryover)
    parts.append(f"上年结转{w.amount('income.carryover', carry)}万元，占{w.share('income.share.上年结转', carry, total)}%")
    text = f"{year}年度{unit}预算收入{w.amount('income.total', total)}万元，主要包括" + "；".join(parts) + "。"
    return _section("二", "收入预算情况说明", w, text)


def _expenditure(sums: Sums, unit: str, year: int) -> Section:
    w = Writer()
    total, basic = sums(), sums(lambda l: l.is_basic)
    project = total - basic
    text = (
        f"{year}年度{unit}支出预算{w.amount('expenditure.total', total)}万元，其中：基本支出"
        f"{w.amount('expenditure.basic', basic)}万元，占{w.share('expenditure.share.basic', basic, total)}%；"
        f"项目支出{w.amount('expenditure.project', project)}万元，占{w.share('expenditure.share.project', project, total)}%。"
    )
    return _section("三", "支出预算情况说明", w, text)


def _classes(sums: Sums, context: "Derivation", keep: Callable[[LineItem], bool]) -> list[tuple[str, str, Decimal]]:
    """(类 code, name, exact amount) of the functional classes that ``keep`` selects lines in."""
    # One pass over the lines, summed by 类 (the first 3 digits), not one pass per class of the
    # catalog: 25 passes were most of the explanations' time on a large budget.
    by_class: dict[str, Decimal] = {}
    for line in sums.lines:
        if keep(line):
            by_class[line.func[:3]] = by_class.get(line.func[:3], ZERO) + line.amount
    result = []
    for entry in context.functional_classes:
        amount = by_class.get(entry.code, ZERO)
        if amount:
            result.append((entry.code, entry.name, amount))
    return result


def _fiscal(sums: Sums, context: "Derivation", unit: str, year: int) -> Section:
    w = Writer()
    fiscal = lambda l: l.source in FISCAL_SOURCES  # noqa: E731
    total = sums(fiscal)
    by_source = "，".join(
        f"{name}{w.amount(f'fiscal.source.{source}', sums(lambda l: l.source == source))}万元"
        for source, name in zip(FISCAL_SOURCES, ("一般公共预算拨款", "政府性基金预算拨款", "国有资本经营预算拨款"))
    )
    carry = sums(lambda l: fiscal(l) and l.carryover)
    spending = "、".join(f"{name}{w.amount(f'fiscal.class.{code}', amount)}万元" for code, name, amount in _classes(sums, context, fiscal))
    text = (
        f"{year}年度{unit}财政拨款收支总预算{w.amount('fiscal.total', total)}万元。其中：{by_source}。"
        f"其中：当年拨款收入{w.amount('fiscal.current', total - carry)}万元，上年结转收入{w.amount('fiscal.carryover', carry)}万元。"
        f"支出包括：{spending}等。"
    )
    return _section("四", "财政拨款收支预算总体情况说明", w, text)


def _general(sums: Sums, budget: Budget, context: "Derivation", unit: str, year: int) -> Section:
    w = Writer()
    general = lambda l: l.source == "一般公共预算" and not l.carryover  # noqa: E731
    current = sums(general)
    scale = (f"{year}年度{unit}一般公共预算当年支出{w.amount('general.current', current)}万元,"
             f"比上年{w.change('general.current', current, budget.prior_year.general_budget_current)}。")
    uses = "；".join(
        f"{name}{w.amount(f'general.class.{code}', amount)}万元，占{w.share(f'general.share.{code}', amount, current)}%"
        for code, name, amount in _classes(sums, context, general)
    )
    structure = f"{year}年度{unit}一般公共预算当年支出{w.amount('general.current', current)}万元,主要用于以下方面：{uses}等。"
    return _section("五", "一般公共预算支出情况说明", w,
                    "（一）一般公共预算当年支出规模变化情况", scale, "（二）一般公共预算当年支出结构情况", structure)


def _basic(sums: Sums, context: "Derivation", unit: str, year: int) -> Section:
    w = Writer()
    basic = lambda l: l.source == "一般公共预算" and not l.carryover and l.is_basic  # noqa: E731

    def items(kind: str) -> str:
        codes = sorted({l.econ for l in context.budget.lines if basic(l) and l.kind == kind})
        return "、".join(context.catalog.dept_economic(code).name for code in codes)

    personnel, public = sums(lambda l: basic(l) and l.kind == "人员经费"), sums(lambda l: basic(l) and l.kind == "公用经费")
    return _section(
        "六", "一般公共预算基本支出情况说明", w,
        f"{year}年度{unit}一般公共预算安排基本支出{w.amount('general.basic', personnel + public)}万元，其中：",
        f"人员经费{w.amount('general.personnel', personnel)}万元，主要包括：{items('人员经费')}等；",
        f"公用经费{w.amount('general.public', public)}万元，主要包括：{items('公用经费')}等。",
    )


def _three_public(sums: Sums, budget: Budget, context: "Derivation", unit: str, year: int) -> Section:
    w = Writer()
    spec = context.template.table("10")

    def amount(key: str) -> Decimal:
        econ = next(item["econ"] for item in context.template.three_public if item["key"] == key)
        return sums(lambda l: matches(l, spec.where) and l.econ in econ)

    prior = budget.prior_year.three_public
    texts = budget.texts
    current_total = amount("total")
    if current_total == prior.total:
        headline = (f"{year}年{unit}财政拨款安排的“三公”经费预算{w.amount('three_public.total', current_total)}万元，"
                    f"与上年预算数相同{w.figure('three_public.total.change', ZERO, '万元', '')}。")
    else:
        headline = (f"{year}年{unit}财政拨款安排的“三公”经费预算{w.amount('three_public.total', current_total)}万元比"
                    f"{year - 1}年{w.change('three_public.total', current_total, prior.total, growth=False)}"
                    f"，主要原因是{_clause(texts.three_public_reason)}。")
    items = []
    for key, label, reason in (
        ("abroad", "因公出国（境）费", texts.abroad_reason),
        ("reception", "公务接待费", texts.reception_reason),
        ("vehicle_operation", "公务用车运行维护费", texts.vehicle_operation_reason),
        ("vehicle_purchase", "公务用车购置费", texts.vehicle_purchase_reason),
    ):
        now, before = amount(key), getattr(prior, key)
        text = f"{label}{w.amount(f'three_public.{key}', now)}万元，"
        if to_wan(now) == to_wan(before):
            w.figure(f"three_public.{key}.change", ZERO, "万元", "")
            text += "与上年预算数相同"
        else:
            text += f"与上年相比预算数{w.change(f'three_public.{key}', now, before, growth=False)}"
            reason = reason or texts.three_public_reason  # an item without its own reason shares the total's
            if reason:
                text += f"，主要原因是{_clause(reason)}"
        items.append(text)
    return _section("七", "“三公”经费增减变动原因说明", w, headline, "其中：" + "；".join(items) + "。")


def _operating_costs(sums: Sums, budget: Budget) -> Section:
    w = Writer()
    costs = sums(lambda l: l.source in FISCAL_SOURCES and l.is_basic and l.kind == "公用经费" and not l.carryover)
    prior = budget.prior_year.operating_costs
    text = (f"本单位机关运行经费财政拨款预算{w.amount('operating_costs', costs)}万元，比{budget.year - 1}年预算"
            f"{w.change('operating_costs', costs, prior)}，原因是{_clause(budget.texts.operating_costs_reason)}。")
    return _section("八", "机关运行经费增减变动原因说明", w, text)


def _procurement(budget: Budget, unit: str, year: int) -> Section:
    w = Writer()
    p = budget.procurement
    text = (f"{year}年{unit}政府采购预算总额{w.amount('procurement.total', p.goods + p.works + p.services)}万元。其中：政府采购"
            f"货物预算{w.amount('procurement.goods', p.goods)}万元、政府采购工程预算{w.amount('procurement.works', p.works)}万元、"
            f"政府采购服务预算{w.amount('procurement.services', p.services)}万元。")
    return _section("九", "政府采购情况", w, text)


def _performance(sums: Sums, budget: Budget, unit: str, year: int) -> Section:
    w = Writer()
    current = lambda l: not l.is_basic and not l.carryover  # noqa: E731
    project_total = sums(current)
    # Each project's current-year amount in one pass over the lines: summing the lines once per
    # project made the section quadratic in a budget's size. (Exact Decimal sums: regrouping the
    # same amounts gives the same figure.)
    by_project: dict[str, Decimal] = {}
    for line in budget.lines:
        if current(line):
            by_project[line.project] = by_project.get(line.project, ZERO) + line.amount
    with_targets = [p for p in budget.projects if p.performance is not None and by_project.get(p.id, ZERO)]
    amount_of = lambda projects: sum((by_project.get(i, ZERO) for i in {p.id for p in projects}), ZERO)  # noqa: E731

    def count(subject: str, n: int) -> str:
        return w.figure(subject, Decimal(n), "个", str(n))

    by_kind = {kind: [p for p in with_targets if p.kind == kind] for kind in ("其他运转类", "特定目标类")}
    overall = f"{year}年编报单位整体绩效目标{count('performance.overall.count', len(with_targets))}个，涉及资金{w.amount('performance.overall.amount', project_total)}万元。"
    kinds = "；".join(f"{kind}项目{count(f'performance.{kind}.count', len(ps))}个，涉及金额{w.amount(f'performance.{kind}.amount', amount_of(ps))}万元"
                     for kind, ps in by_kind.items())
    published = "；".join(f"{kind}项目{count(f'performance.published.{kind}.count', len(ps))}个，涉及项目金额{w.amount(f'performance.published.{kind}.amount', amount_of(ps))}万元"
                          for kind, ps in by_kind.items())
    projects = (
        f"{year}年{unit}纳入绩效目标管理的二级项目{count('performance.projects.count', len(with_targets))}个，共计金额"
        f"{w.amount('performance.projects.amount', amount_of(with_targets))}万元。其中：{kinds}。公开项目绩效目标"
        f"{count('performance.published.count', len(with_targets))}个，涉及项目金额{w.amount('performance.published.amount', amount_of(with_targets))}万元，"
        f"占部门（单位）项目支出总额的{w.share('performance.published.share', amount_of(with_targets), project_total)}%。其中：{published}。"
    )
    return _section("十", "绩效管理情况", w, "1、整体绩效目标", overall, "2、项目绩效目标", projects, "（项目绩效目标表公开情况见附件）")


def _assets(budget: Budget, unit: str) -> Section:
    w = Writer()
    a = budget.assets

    def n(subject: str, value: int | Decimal, unit_: str) -> str:
        return w.figure(subject, Decimal(value), unit_, f"{value}")

    kinds = "，".join(f"{kind}{n(f'assets.vehicles.{kind}', a.vehicles.get(kind, 0), '辆')}辆"
                     for kind in (*VEHICLE_KINDS, *(k for k in a.vehicles if k not in VEHICLE_KINDS)))
    return _section(
        "十一", "国有资产占有使用情况", w,
        "1、车辆情况：",
        f"截至{a.as_of}，{unit}共有公务用车编制{n('assets.vehicle_quota', a.vehicle_quota, '辆')}辆，实有"
        f"{n('assets.vehicle_count', sum(a.vehicles.values()), '辆')}辆，其中：{kinds}。",
        "2、房屋情况：",
        f"截至{a.as_of}，{unit}使用的办公用房建筑总面积{n('assets.building_area', a.building_area, '平方米')}平方米。",
        "3、其他国有资产占有使用情况：",
        f"截至{a.as_of}，{unit}占有使用价值50万元（原值）以上的通用设备{n('assets.equipment_over_50w', a.equipment_over_50w, '台（套）')}台（套）；"
        f"{unit}占有使用价值100万元（原值）以上的通用设备{n('assets.equipment_over_100w', a.equipment_over_100w, '台（套）')}台（套）。",
    )


def _other(budget: Budget) -> Section:
    return Section(number="十二", title="其他说明",
                   text=f"（一）政府购买服务指导性目录\n{budget.texts.purchase_service_catalog}\n（二）其他\n{budget.texts.other}")
