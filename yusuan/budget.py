"""The Budget: what a unit prepares. Line items in exact 元 are the grain (docs/architecture.md, "One pivot: the Report").

The YAML form is documented in docs/budget-format.md; yusuan/read/budget_yaml.py loads it
with line numbers, and the workbook reader (yusuan/workbook/read.py) fills the same model.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from . import xmltext
from .defaults import empty_dict, empty_list
from .money import parse_amount

SCHEMA = "yusuan-budget/1"

# Funding sources in the order the tables print them.
SOURCES = ("一般公共预算", "政府性基金预算", "国有资本经营预算", "财政专户管理资金", "单位资金")
FISCAL_SOURCES = SOURCES[:3]  # 财政拨款
Source = Literal["一般公共预算", "政府性基金预算", "国有资本经营预算", "财政专户管理资金", "单位资金"]
UnitKind = Literal["行政", "事业", "参公"]
BasicKind = Literal["人员经费", "公用经费"]
ProjectKind = Literal["其他运转类", "特定目标类"]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _xml_text(cls, value: object) -> object:
        """A control character in a name would stop the XLSX and DOCX at render time (xmltext):
        refused here, where the error can name the line or cell that holds it."""
        def check(text: str) -> str:
            bad = xmltext.first_bad(text)
            if bad:
                raise ValueError(f"the text {text[:30]!r} holds the control character {bad}, "
                                 "which no spreadsheet or Word file can hold: remove it")
            return text

        if isinstance(value, (str, list, dict)) and not xmltext.is_clean(value):
            xmltext.walk(value, check)  # raises, naming the text (a clean value is as it came)
        return value


def _amount(value: object) -> Decimal:
    return parse_amount(value)


def _optional_amount(value: object) -> Decimal | None:
    return None if value is None or value == "" else parse_amount(value)


class Unit(Model):
    name: str
    code: str = ""
    kind: UnitKind = "行政"
    department: str = ""  # 主管部门
    department_code: str = ""
    region: str = ""  # 屯留区县(区) — heads the performance-target tables


class Profile(Model):
    duties: list[str] = Field(default_factory=empty_list)
    structure: str = ""
    internal_unit_count: int | None = None
    internal_units: list[str] = Field(default_factory=empty_list)


class LineItem(Model):
    """One budget line: 功能分类 项, 经济分类 款, source, basic (人员/公用) or project, amount in 元."""

    func: str
    econ: str
    amount: Decimal
    source: Source = "一般公共预算"
    kind: BasicKind | None = None  # basic expenditure: 人员经费 or 公用经费
    project: str | None = None  # project expenditure: the project's id
    carryover: bool = False  # 上年结转
    unit_kind: Literal["行政", "事业"] | None = None  # overrides the unit's kind for the 政府经济分类 mapping
    gov_econ: str | None = None  # explicit 政府预算支出经济分类 款, overriding the mapping
    # A department's budget (部门预算 = 本级 + 所属单位, `yusuan consolidate`): the unit of
    # Budget.units whose line this is, so the unit tables can list each; None: the budget's own unit.
    unit: str | None = None

    _amount = field_validator("amount", mode="before")(_amount)

    @field_validator("func", "econ", "gov_econ", mode="before")
    @classmethod
    def _code_text(cls, value: object) -> object:
        return str(value) if isinstance(value, int) else value

    @model_validator(mode="after")
    def _basic_or_project(self) -> "LineItem":
        if (self.kind is None) == (self.project is None):
            raise ValueError("a line is either basic expenditure (kind: 人员经费|公用经费) or a project's (project: id), not both or neither")
        return self

    @property
    def is_basic(self) -> bool:
        return self.project is None


class Funding(Model):
    """Project funding by level in 元; None: left empty in the table."""

    central: Decimal | None = Decimal(0)
    provincial: Decimal | None = Decimal(0)
    local: Decimal | None = Decimal(0)
    self_raised: Decimal | None = Decimal(0)
    other: Decimal | None = None

    _amounts = field_validator("central", "provincial", "local", "self_raised", "other", mode="before")(_optional_amount)

    @property
    def total(self) -> Decimal:
        return sum((v for v in (self.central, self.provincial, self.local, self.self_raised, self.other) if v), Decimal(0))


class Indicator(Model):
    level1: str
    level2: str
    level3: str = ""
    value: str = ""
    annual_value: str | None = None  # defaults to value
    annual_level3: str | None = None  # defaults to level3


class Performance(Model):
    """Every field of the 项目支出绩效目标表 that a person writes."""

    department: str = ""  # 主管部门及代码; defaults to "{unit.department_code}-{unit.department}"
    implementing_unit: str = ""  # defaults to the unit's name
    attribute: str = "一次性项目（1年结束）"
    period: str = "1年"
    funding: Funding  # 实施期
    funding_annual: Funding | None = None  # 年度; defaults to 实施期
    overview: str = ""
    basis: str = ""
    necessity: str = ""
    measures: str = ""
    plan: str = ""
    goal: str = ""
    goal_annual: str | None = None
    indicators: list[Indicator] = Field(default_factory=empty_list)
    filled_at: str = ""


class Project(Model):
    id: str
    name: str
    kind: ProjectKind = "其他运转类"
    performance: Performance | None = None
    unit: str | None = None  # in a department's budget: the unit of Budget.units that runs it (as LineItem.unit)


class Member(Model):
    """One unit a department's budget consolidates (所属单位), as the unit tables list it."""

    name: str
    code: str = ""
    kind: UnitKind = "行政"


class ThreePublic(Model):
    """三公 amounts in 元."""

    abroad: Decimal = Decimal(0)  # 因公出国（境）费
    reception: Decimal = Decimal(0)  # 公务接待费
    vehicle_purchase: Decimal = Decimal(0)  # 公务用车购置费
    vehicle_operation: Decimal = Decimal(0)  # 公务用车运行维护费

    _amounts = field_validator("abroad", "reception", "vehicle_purchase", "vehicle_operation", mode="before")(_amount)

    @property
    def total(self) -> Decimal:
        return self.abroad + self.reception + self.vehicle_purchase + self.vehicle_operation


class PriorYear(Model):
    """The previous year's figures that the explanations compare against, in 元."""

    total: Decimal  # 上年收支总计
    general_budget_current: Decimal  # 上年一般公共预算当年支出
    three_public: ThreePublic = Field(default_factory=ThreePublic)
    operating_costs: Decimal = Decimal(0)  # 上年机关运行经费

    _amounts = field_validator("total", "general_budget_current", "operating_costs", mode="before")(_amount)


class Procurement(Model):
    goods: Decimal = Decimal(0)
    works: Decimal = Decimal(0)
    services: Decimal = Decimal(0)

    _amounts = field_validator("goods", "works", "services", mode="before")(_amount)


class Assets(Model):
    as_of: str  # 2023年12月31日
    vehicle_quota: int = 0
    vehicles: dict[str, int] = Field(default_factory=empty_dict)  # only non-zero kinds need be given
    building_area: Decimal = Decimal(0)
    equipment_over_50w: int = 0
    equipment_over_100w: int = 0

    _area = field_validator("building_area", mode="before")(_amount)


class Texts(Model):
    """The free text only a person writes."""

    change_reason: str = ""  # 收支变动原因
    three_public_reason: str = ""
    vehicle_purchase_reason: str = ""  # 公务用车购置费 change
    vehicle_operation_reason: str = ""
    reception_reason: str = ""
    abroad_reason: str = ""
    operating_costs_reason: str = ""
    purchase_service_catalog: str = "无"  # 政府购买服务指导性目录
    other: str = "无"


class Term(Model):
    term: str
    text: str


# 收入分类 款 → the source whose current-year income it is (预算公开表7, 部门公开表9).
INCOME_SOURCES = {"10301": "政府性基金预算", "10306": "国有资本经营预算"}


class IncomeItem(Model):
    """Current-year income by 收入科目 (a 项 or 目 under 10301 or 10306), in 元."""

    code: str
    amount: Decimal

    _amount = field_validator("amount", mode="before")(_amount)

    @field_validator("code", mode="before")
    @classmethod
    def _code_text(cls, value: object) -> object:
        return str(value) if isinstance(value, int) else value

    @property
    def source(self) -> str | None:
        return INCOME_SOURCES.get(self.code[:5])


class Budget(Model):
    schema_: str = Field(SCHEMA, alias="schema")
    year: int
    unit: Unit
    # A department's budget: its units in the order the unit tables list them (本级 first); each
    # line and project names its own. Empty for a unit's own budget.
    units: list[Member] = Field(default_factory=empty_list)
    profile: Profile = Field(default_factory=Profile)
    income: dict[Source, Decimal] | None = None  # declared 本年收入 by source, checked against the lines
    # 政府性基金 and 国有资本经营 income by 收入科目: the rows of 预算公开表7 and 部门公开表9's income side.
    income_items: list[IncomeItem] = Field(default_factory=empty_list)
    lines: list[LineItem]
    projects: list[Project] = Field(default_factory=empty_list)
    prior_year: PriorYear
    procurement: Procurement = Field(default_factory=Procurement)
    assets: Assets
    texts: Texts = Field(default_factory=Texts)
    glossary: list[Term] | None = None  # None: the template's standard glossary
    # The order of the performance-target tables when it differs from the order of `projects`
    # (which is the order of 预算公开表12/13): a list of project ids.
    performance_order: list[str] | None = None

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    @field_validator("income", mode="before")
    @classmethod
    def _income_amounts(cls, value: object) -> object:
        if isinstance(value, dict):
            return {k: parse_amount(v) for k, v in value.items()}
        return value

    def project(self, project_id: str) -> Project | None:
        return next((p for p in self.projects if p.id == project_id), None)


def consistency_errors(budget: Budget) -> list[tuple[tuple, str]]:
    """What the schema alone cannot see: undefined projects, income that does not add up.

    Each error is (location path into the budget's data, message), so the YAML and the
    workbook loaders can each turn the path into their own place (line, or sheet!cell).
    """
    errors: list[tuple[tuple, str]] = []
    known = {p.id for p in budget.projects}
    seen: set[str] = set()
    for i, project in enumerate(budget.projects):
        if project.id in seen:
            errors.append((("projects", i, "id"), f"project id {project.id!r} is defined twice"))
        seen.add(project.id)
    for i, line in enumerate(budget.lines):
        if line.project is not None and line.project not in known:
            errors.append((("lines", i, "project"), f"project {line.project!r} is used but not defined under projects"))
    members = [m.name for m in budget.units]
    if len(set(members)) != len(members):
        errors.append((("units",), "a unit is listed twice under units"))
    for field, items in (("lines", budget.lines), ("projects", budget.projects)):
        for i, item in enumerate(items):
            if item.unit is not None and item.unit not in members:
                errors.append(((field, i, "unit"), f"unit {item.unit!r} is not listed under units"))
    for i, project_id in enumerate(budget.performance_order or ()):
        if project_id not in known:
            errors.append((("performance_order", i), f"project {project_id!r} is not defined under projects"))
    if budget.income is not None:
        for source in SOURCES:
            declared = budget.income.get(source, Decimal(0))
            from_lines = sum((l.amount for l in budget.lines if l.source == source and not l.carryover), Decimal(0))
            if declared != from_lines:
                errors.append(
                    (("income", source), f"{source} income {declared} 元 does not add up: its current-year lines sum to {from_lines} 元")
                )
    errors += _income_item_errors(budget)
    # Each project's current-year lines summed in one pass, not one pass per project (quadratic).
    by_project: dict[str, Decimal] = {}
    for line in budget.lines:
        if line.project is not None and not line.carryover:
            by_project[line.project] = by_project.get(line.project, Decimal(0)) + line.amount
    for i, project in enumerate(budget.projects):
        perf = project.performance
        if perf is None:
            continue
        annual = perf.funding_annual or perf.funding
        current = by_project.get(project.id, Decimal(0))
        if current and annual.total != current:
            errors.append(
                (("projects", i, "performance", "funding_annual" if perf.funding_annual else "funding"),
                 f"project {project.id!r} annual funding by level sums to {annual.total} 元 but its lines sum to {current} 元")
            )
    return errors


def _income_item_errors(budget: Budget) -> list[tuple[tuple, str]]:
    """Income by 收入科目: under 10301/10306, no code counted twice, and adding up to its source's lines."""
    errors: list[tuple[tuple, str]] = []
    codes = [item.code for item in budget.income_items]
    # Which codes stand above another listed code, and where each code is first listed: sets
    # made once, not a scan of the list for every item.
    above_another = {code[:k] for code in codes for k in range(1, len(code))}
    first_at: dict[str, int] = {}
    for i, code in enumerate(codes):
        first_at.setdefault(code, i)
    for i, item in enumerate(budget.income_items):
        if item.source is None:
            errors.append((("income_items", i, "code"), f"income code {item.code} is not under 10301 政府性基金收入 "
                                                        "or 10306 国有资本经营收入 (the incomes the tables list by 收入科目)"))
        elif len(item.code) < 7:
            errors.append((("income_items", i, "code"), f"income code {item.code} is a 款; give its 项 (7 digits) or 目 (9 digits)"))
        elif item.code in above_another or first_at[item.code] != i:
            errors.append((("income_items", i, "code"), f"income code {item.code} is counted twice "
                                                        "(listed again, or with one of its 目)"))
    for source in INCOME_SOURCES.values():
        items = [(i, item) for i, item in enumerate(budget.income_items) if item.source == source]
        if not items:
            continue
        listed = sum((item.amount for _, item in items), Decimal(0))
        from_lines = sum((l.amount for l in budget.lines if l.source == source and not l.carryover), Decimal(0))
        if listed != from_lines:
            errors.append((("income_items", items[0][0], "amount"),
                           f"{source} income by 收入科目 sums to {listed} 元 but its current-year lines sum to {from_lines} 元"))
    return errors


def code_errors(budget: Budget, catalog=None) -> list[tuple[tuple, str]]:
    """Unknown classification codes, each with its place: the catalogs are data (yusuan/catalog)."""
    from .catalog import Catalog, CatalogError

    catalog = catalog or Catalog.default()
    errors: list[tuple[tuple, str]] = []
    for i, line in enumerate(budget.lines):
        checks = [("func", lambda: catalog.functional(line.func)), ("econ", lambda: catalog.dept_economic(line.econ))]
        if line.gov_econ:
            checks.append(("gov_econ", lambda: catalog.gov_economic(line.gov_econ)))
        for field, lookup in checks:
            try:
                entry = lookup()
            except CatalogError:
                value = getattr(line, field)
                errors.append((("lines", i, field), f"unknown {'functional' if field == 'func' else 'economic'} code {value} (not in catalog {', '.join(catalog.files('functional' if field == 'func' else ('gov' if field == 'gov_econ' else 'dept')))})"))
                continue
            if field == "func" and entry.level != "项":
                errors.append((("lines", i, field), f"functional code {line.func} is a {entry.level}; a line item needs a 项 (7 digits)"))
            if field == "econ" and entry.level != "款":
                errors.append((("lines", i, field), f"economic code {line.econ} is a {entry.level}; a line item needs a 款 (5 digits)"))
    for i, item in enumerate(getattr(budget, "income_items", ())):
        try:
            catalog.income(item.code)
        except CatalogError:
            errors.append((("income_items", i, "code"),
                           f"unknown income code {item.code} (not in catalog {', '.join(catalog.files('income'))})"))
    return errors
