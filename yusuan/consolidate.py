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
- Money one unit of the department passes to another is counted once (``transfers``, netting
  below): the paying unit's line is taken out, the receiving unit's spending of it stays.

Netting (抵消) of transfers between the units, and on what authority (docs/scale.md):
《事业单位财务规则》(财政部令第108号) defines 上级补助收入 as a 事业单位's non-fiscal income from its
主管部门 or 上级单位, 附属单位上缴收入 as what its 附属独立核算单位 remit, and the matching spending,
对附属单位补助支出 (paid from income other than 财政补助) and 上缴上级支出. Within one department
each is one unit's spending and another's income of the same money; a department's figures
(部门预算 = 本级 + 所属单位, the 部门决算's 汇总 with its 抵消 of these pairs) count it once.
A Budget has no income kinds below its sources (上级补助收入 and 附属单位上缴收入 are part of
单位资金) and no 部门经济分类 code of its own for these outlays (the 2018 catalog has none), so it
cannot say which line is a transfer: the transfers are given to ``consolidate`` (``Transfer``:
payer, payee, kind, and the payer's line — 功能 项, 经济 款, source, project — and amount). A
Budget's income is its lines (income by source = current-year lines by source), so taking the
payer's transfer line out nets both sides at once: the department's income and expenditure
each count the money once, where the receiving unit spends it. Only non-fiscal sources
(单位资金, 财政专户管理资金) can be such a transfer: 财政拨款 reaches every unit of a department
from the 财政 directly, as that unit's own 财政拨款收入, and is never money one unit pays another.
Last year's figures (prior_year) are the units' sums, less what a transfer says it was last year
(``prior_amount``, when given): of them only 上年收支总计 can hold a transfer (the others are
一般公共预算, 三公 and 机关运行经费 figures, never 单位资金 or 财政专户 money), and a transfer's amount
of this year says nothing of last year's.

``net_unit`` applies the same netting to one unit's budget alone (the unit as it counts in the
department), which `check --units --transfers` compares a department's cells against.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import field_validator

from .budget import Budget, Member, Model
from .money import ZERO, parse_amount


class ConsolidationError(ValueError):
    pass


class Transfer(Model):
    """Money one unit of the department pays another: netted once in the department's budget."""

    payer: str  # the unit whose budget has the line that pays (a name of Budget.units)
    payee: str  # the unit that receives it (its 上级补助收入 / 附属单位上缴收入)
    kind: Literal["对附属单位补助支出", "上缴上级支出"]
    func: str  # the payer's line: 功能分类 项
    econ: str  # 部门经济分类 款
    source: Literal["单位资金", "财政专户管理资金"] = "单位资金"
    project: str | None = None  # the payer's project id, when the line is a project's (else basic)
    amount: Decimal
    prior_amount: Decimal | None = None  # the same transfer's amount last year, netted from 上年收支总计

    _amount = field_validator("amount", "prior_amount", mode="before")(
        lambda value: value if value is None else parse_amount(value))

    @field_validator("func", "econ", "project", mode="before")
    @classmethod
    def _code_text(cls, value: object) -> object:
        return str(value) if isinstance(value, int) else value


def _effective_kind(kind: str) -> str:
    """The 行政/事业 of the 部门→政府 economic mapping (参公 units map as 行政)."""
    return "事业" if kind == "事业" else "行政"


def _members(budget: Budget) -> list[Member]:
    """The units a budget stands for: its own, or the units of a department's budget."""
    if budget.units:
        return list(budget.units)
    return [Member(name=budget.unit.name, code=budget.unit.code, kind=budget.unit.kind)]


def consolidate(budgets: list[Budget], name: str, code: str = "", transfers: list[Transfer] = ()) -> Budget:
    """The department ``name``'s budget: the union of ``budgets`` (units, or departments merged
    again), each of ``transfers`` between its units counted once (netted)."""
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
    # A transfer names a project by its unit and the id in that unit's own budget.
    ids = {(p.unit or b.unit.name, p.id): f"U{k}-{p.id}" for k, b in enumerate(budgets, 1) for p in b.projects}
    lines, projects, order, netted = _net(transfers, lines, projects, order, {m.name for m in members}, ids)
    # Last year's 收支总计 of each paying unit less its transfers' prior_amount, then summed.
    prior = _summed([_prior_less(b.prior_year.model_dump(), *_paid_by(b, transfers)) for b in budgets])
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
        "income": _less(_summed_income(budgets), netted),
        "income_items": _income_items(budgets),
        "lines": [line.model_dump() for line in lines],
        "projects": [p.model_dump() for p in projects],
        "prior_year": prior,
        "procurement": _summed([b.procurement.model_dump() for b in budgets]),
        "assets": _assets(budgets),
        "texts": head.texts.model_dump(),
        "glossary": [t.model_dump() for t in head.glossary] if head.glossary is not None else None,
        "performance_order": order if any(b.performance_order for b in budgets) else None,
    }
    return Budget.model_validate(data)


def net_unit(budget: Budget, transfers: list[Transfer], members: set[str]) -> Budget:
    """``budget`` as it counts in a department that nets ``transfers`` (between ``members``, the
    names of the department's units): the transfers it pays taken out by the very ``_net`` that
    ``consolidate`` runs — the same lines cut, the same projects and forms dropped, its income
    and 上年收支总计 less the same amounts. Deriving this and the other units' budgets gives each
    cell of the department's report as its units' sum, exactly (in 元, before rounding), which
    is what `check --units --transfers` compares. A budget that pays none is returned as is."""
    paid, index = _paid_by(budget, transfers)
    if not paid:
        return budget
    own = budget.unit.name
    lines = [line.model_copy(update={"unit": line.unit or own}) for line in budget.lines]
    ids = {(p.unit or own, p.id): p.id for p in budget.projects}
    lines, projects, order, netted = _net(paid, lines, list(budget.projects), list(budget.performance_order or []),
                                          set(members), ids, index)
    if not budget.units:  # a unit's own lines name no unit
        lines = [line.model_copy(update={"unit": None}) for line in lines]
    prior = _prior_less(budget.prior_year.model_dump(), paid, index)
    return Budget.model_validate({
        **budget.model_dump(),
        "lines": [line.model_dump() for line in lines],
        "projects": [p.model_dump() for p in projects],
        "performance_order": order if budget.performance_order else None,
        "income": _less(budget.income, netted),
        "prior_year": prior,
    })


def _paid_by(budget: Budget, transfers) -> tuple[list[Transfer], list[int]]:
    """The transfers ``budget`` (one of its units) pays, and their places in ``transfers``."""
    names = {m.name for m in _members(budget)}
    index = [i for i, t in enumerate(transfers) if t.payer in names]
    return [transfers[i] for i in index], index


def _prior_less(prior: dict, transfers, index) -> dict:
    """``prior`` (a PriorYear's dump) with each transfer's ``prior_amount`` out of its total."""
    for i, transfer in zip(index, transfers):
        if transfer.prior_amount is None:
            continue
        if transfer.prior_amount <= 0 or transfer.prior_amount > prior["total"]:
            raise ConsolidationError(f"transfers[{i}].prior_amount: {transfer.prior_amount} 元 is not a positive part of "
                                     f"last year's 收支总计 ({prior['total']} 元)")
        prior = {**prior, "total": prior["total"] - transfer.prior_amount}
    return prior


def _net(transfers, lines, projects, order, members: set[str], ids: dict, index=None):
    """``lines`` without the payers' transfer lines (each the amount of its transfer, taken from
    the payer's current-year lines of that 项, 款, source and project); a project left with no
    line is dropped with its form. Returns (lines, projects, order, netted amount by source).
    ``index``: each transfer's place in the file, for the errors (default: its place here)."""
    netted: dict[str, Decimal] = {}
    if not transfers:
        return lines, projects, order, netted
    had_lines = {line.project for line in lines if line.project is not None}
    lines = list(lines)
    for i, transfer in zip(index if index is not None else range(len(transfers)), transfers):
        where = f"transfers[{i}]"
        for role in ("payer", "payee"):
            if getattr(transfer, role) not in members:
                raise ConsolidationError(f"{where}.{role}: {getattr(transfer, role)} is not one of the units consolidated")
        if transfer.payer == transfer.payee:
            raise ConsolidationError(f"{where}: a unit does not pay itself ({transfer.payer})")
        if transfer.amount <= 0:
            raise ConsolidationError(f"{where}.amount: a transfer is a positive amount ({transfer.amount})")
        project = ids.get((transfer.payer, transfer.project), transfer.project) if transfer.project else None
        left = transfer.amount
        for k, line in enumerate(lines):
            if left == 0:
                break
            if (line.unit == transfer.payer and not line.carryover and line.func == transfer.func and line.econ == transfer.econ
                    and line.source == transfer.source and line.project == project):
                taken = min(left, line.amount)
                lines[k] = line.model_copy(update={"amount": line.amount - taken})
                left -= taken
        if left:
            raise ConsolidationError(
                f"{where}: {transfer.payer} has {transfer.amount - left} 元 of current-year {transfer.source} lines on "
                f"{transfer.func} / {transfer.econ}{' in project ' + transfer.project if transfer.project else ''}, "
                f"less than the {transfer.amount} 元 it pays {transfer.payee}")
        netted[transfer.source] = netted.get(transfer.source, ZERO) + transfer.amount
    lines = [line for line in lines if line.amount != 0]
    emptied = had_lines - {line.project for line in lines if line.project is not None}
    kept = [p for p in projects if p.id not in emptied]
    for project in kept:
        perf = project.performance
        if perf is None:
            continue
        current = sum((l.amount for l in lines if l.project == project.id and not l.carryover), ZERO)
        annual = (perf.funding_annual or perf.funding).total
        if current and annual != current:
            raise ConsolidationError(
                f"project {project.id} ({project.name}): a transfer netted from it leaves {current} 元 of lines against "
                f"{annual} 元 of annual funding in its performance form; net the whole project, or a basic line")
    return lines, kept, [i for i in order if i not in emptied], netted


def _less(income: dict | None, netted: dict[str, Decimal]) -> dict | None:
    if income is None:
        return None
    return {source: amount - netted.get(source, ZERO) for source, amount in income.items()}


def read_transfers(path) -> list[Transfer]:
    """The transfers of a YAML file (``transfers: [{payer, payee, kind, func, econ, source,
    project, amount}, …]``, docs/scale.md); an error names the file and the line."""
    from pydantic import ValidationError

    from .errors import InputError
    from .read.budget_yaml import line_of, load_yaml

    data = load_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("transfers"), list):
        raise InputError(path, 1, "a transfers file is a mapping with a list under transfers: (docs/scale.md)")
    out = []
    for i, item in enumerate(data["transfers"]):
        try:
            out.append(Transfer.model_validate(item))
        except ValidationError as exc:
            first = exc.errors()[0]
            loc = ("transfers", i, *(p for p in first["loc"] if isinstance(p, (str, int))))
            field = ".".join(str(p) for p in first["loc"])
            raise InputError(path, line_of(data, loc), f"transfers[{i}].{field}: {first['msg'].removeprefix('Value error, ')}") from None
    return out


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
