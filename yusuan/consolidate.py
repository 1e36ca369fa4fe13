"""A department's budget from its units' (部门预算 = 本级 + 所属单位): `yusuan consolidate`.

Every line and project of every unit, each keeping its unit (LineItem.unit, Project.unit, the
units listed in Budget.units), so that derive lists the units where a layout has unit rows
(shanxi-2024's 表11 by unit, 表12/表13 unit → project) and every other cell is the sum of the
units' cells — exactly, in 元, before the one rounding of each displayed cell.

- Project ids are made unique by the unit's place: P01 of the second unit is ``U2-P01``.
- A line keeps the 政府经济分类 of its own unit: a 事业单位's line gets ``unit_kind: 事业`` in a
  行政 department (the mapping 部门 → 政府 款 depends on it).
- Performance forms keep their own unit as 实施单位 and their 主管部门.
- prior_year, procurement and the assets' counts and areas are the units' sums; the texts
  (reasons of changes and the like) are the first unit's, which should be the 本级.
- Inter-unit transfers are not netted: a Budget does not say which lines pay another unit of
  the same department (上缴上级 / 对附属单位补助); the lines are added as given.
"""
from __future__ import annotations

from decimal import Decimal

from .budget import Budget, Member
from .money import ZERO


class ConsolidationError(ValueError):
    pass


def _effective_kind(kind: str) -> str:
    """The 行政/事业 of the 部门→政府 economic mapping (参公 units map as 行政)."""
    return "事业" if kind == "事业" else "行政"


def _members(budget: Budget) -> list[Member]:
    """The units a budget stands for: its own, or the units of a department's budget."""
    if budget.units:
        return list(budget.units)
    return [Member(name=budget.unit.name, code=budget.unit.code, kind=budget.unit.kind)]


def consolidate(budgets: list[Budget], name: str, code: str = "") -> Budget:
    """The department ``name``'s budget: the union of ``budgets`` (units, or departments merged again)."""
    if not budgets:
        raise ConsolidationError("no unit budget to consolidate")
    years = sorted({b.year for b in budgets})
    if len(years) > 1:
        raise ConsolidationError(f"the budgets are of different years ({', '.join(map(str, years))}): a department's budget is of one year")
    head = budgets[0]
    members: list[Member] = []
    for budget in budgets:
        for member in _members(budget):
            if any(m.name == member.name for m in members):
                raise ConsolidationError(f"unit {member.name} is given twice")
            members.append(member)
    kind = _effective_kind(head.unit.kind)
    lines, projects, order = [], [], []
    for k, budget in enumerate(budgets, 1):
        own = budget.unit.name
        kinds = {m.name: _effective_kind(m.kind) for m in _members(budget)}
        renamed = {p.id: f"U{k}-{p.id}" for p in budget.projects}
        for line in budget.lines:
            unit = line.unit or own
            line_kind = line.unit_kind or kinds.get(unit, _effective_kind(budget.unit.kind))
            lines.append(line.model_copy(update={
                "unit": unit,
                "project": renamed[line.project] if line.project is not None else None,
                "unit_kind": line_kind if line_kind != kind or line.unit_kind else None,
            }))
        for project in budget.projects:
            update: dict = {"id": renamed[project.id], "unit": project.unit or own}
            perf = project.performance
            if perf is not None:
                # What the unit's own form prints, kept: its defaults would become the department's.
                update["performance"] = perf.model_copy(update={
                    "implementing_unit": perf.implementing_unit or project.unit or own,
                    "department": perf.department or f"{budget.unit.department_code}-{budget.unit.department}",
                })
            projects.append(project.model_copy(update=update))
        with_targets = budget.performance_order or [p.id for p in budget.projects]
        order += [renamed[i] for i in with_targets]
    data = {
        "year": years[0],
        "unit": head.unit.model_copy(update={"name": name, "code": code or head.unit.department_code or head.unit.code,
                                             "department": name}).model_dump(),
        "units": [m.model_dump() for m in members],
        "profile": {
            "duties": list(head.profile.duties),
            # 所属单位 are what a department report lists in its 机构设置 (纳入部门预算编制范围的单位).
            "structure": f"纳入{name}{years[0]}年部门预算编制范围的单位共{len(members)}个，包括：{'、'.join(m.name for m in members)}。",
            "internal_unit_count": len(members),
            "internal_units": [m.name for m in members],
        },
        "income": _summed_income(budgets),
        "income_items": _income_items(budgets),
        "lines": [line.model_dump() for line in lines],
        "projects": [p.model_dump() for p in projects],
        "prior_year": _summed([b.prior_year.model_dump() for b in budgets]),
        "procurement": _summed([b.procurement.model_dump() for b in budgets]),
        "assets": _assets(budgets),
        "texts": head.texts.model_dump(),
        "glossary": [t.model_dump() for t in head.glossary] if head.glossary is not None else None,
        "performance_order": order if any(b.performance_order for b in budgets) else None,
    }
    return Budget.model_validate(data)


def _summed(records: list[dict]) -> dict:
    """Field by field sums of records of amounts (nested records summed the same way)."""
    total: dict = {}
    for record in records:
        for key, value in record.items():
            if isinstance(value, dict):
                total[key] = _summed([total.get(key, {}), value])
            else:
                total[key] = total.get(key, ZERO) + value
    return total


def _summed_income(budgets: list[Budget]) -> dict | None:
    """本年收入 by source: the sum, when every unit declares its own; else left to the lines."""
    if any(b.income is None for b in budgets):
        return None
    income: dict[str, Decimal] = {}
    for budget in budgets:
        for source, amount in (budget.income or {}).items():
            income[source] = income.get(source, ZERO) + amount
    return income


def _income_items(budgets: list[Budget]) -> list[dict]:
    """Income by 收入科目, summed by code. A 目 of one unit under a 项 another lists whole is
    counted in that 项 (a code may not be listed beside one of its own 目)."""
    sums: dict[str, Decimal] = {}
    for budget in budgets:
        for item in budget.income_items:
            sums[item.code] = sums.get(item.code, ZERO) + item.amount
    for code in sorted(sums, key=len):
        parent = next((other for other in sums if other != code and code.startswith(other)), None)
        if parent is not None:
            sums[parent] += sums.pop(code)
    return [{"code": code, "amount": amount} for code, amount in sums.items()]


def _assets(budgets: list[Budget]) -> dict:
    vehicles: dict[str, int] = {}
    for budget in budgets:
        for kind, count in budget.assets.vehicles.items():
            vehicles[kind] = vehicles.get(kind, 0) + count
    return {
        "as_of": budgets[0].assets.as_of,
        "vehicle_quota": sum(b.assets.vehicle_quota for b in budgets),
        "vehicles": vehicles,
        "building_area": sum((b.assets.building_area for b in budgets), ZERO),
        "equipment_over_50w": sum(b.assets.equipment_over_50w for b in budgets),
        "equipment_over_100w": sum(b.assets.equipment_over_100w for b in budgets),
    }


def budget_yaml(budget: Budget, comment: str = "") -> str:
    """The budget file of ``budget`` (docs/budget-format.md): what differs from the defaults."""
    from .synth import to_yaml

    return to_yaml(budget.model_dump(by_alias=True, exclude_defaults=True), comment)
