"""Hypothesis strategies for valid Budgets: real catalog codes, exact amounts, consistent income.

Only budgets that the model and the consistency rules accept: the round trip asks whether
the workbook keeps every one of them exactly, not whether it rejects bad ones.
"""
from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st

from yusuan.budget import SOURCES, Budget
from yusuan.catalog import Catalog
from yusuan.workbook.layout import VEHICLE_KINDS

_catalog = Catalog.default()
FUNC_CODES = [e.code for e in _catalog.entries("functional") if e.level == "项"]
ECON_CODES = [e.code for e in _catalog.entries("dept") if e.level == "款"]
GOV_CODES = [e.code for e in _catalog.entries("gov") if e.level == "款"]

# Printable text as officers write it: CJK, ASCII, full-width punctuation, inner spaces and
# line breaks, and a leading "=" that must stay text (not become a formula).
_chars = st.sampled_from(list("预算公安局派出所改造费用ABCxyz0123456789（）()、，。%＞=- \n"))
text = st.text(_chars, max_size=30)
nonempty = st.text(_chars, min_size=1, max_size=30).filter(lambda s: s.strip() != "")
amounts = st.integers(min_value=0, max_value=10**11).map(lambda cents: Decimal(cents) / 100)
maybe_amount = st.none() | amounts


@st.composite
def funding(draw, total: Decimal | None = None):
    from yusuan.budget import Funding

    central, provincial, self_raised = draw(maybe_amount), draw(maybe_amount), draw(maybe_amount)
    other = draw(maybe_amount)
    local = draw(amounts)
    if total is not None:  # the year's funding by level must add up to the project's current lines
        local = total
        central = provincial = self_raised = Decimal(0)
        other = draw(st.none() | st.just(Decimal(0)))
    return Funding(central=central, provincial=provincial, local=local, self_raised=self_raised, other=other)


@st.composite
def performance(draw, current: Decimal):
    from yusuan.budget import Indicator, Performance

    indicators = draw(st.lists(st.builds(
        Indicator, level1=nonempty, level2=nonempty, level3=text, value=text,
        annual_value=st.none() | nonempty, annual_level3=st.none() | nonempty), max_size=4))
    annual_given = draw(st.booleans())
    return Performance(
        department=draw(text), implementing_unit=draw(text), attribute=draw(text), period=draw(text),
        funding=draw(funding(None if annual_given or not current else current)),
        funding_annual=draw(funding(current if current else None)) if annual_given else None,
        overview=draw(text), basis=draw(text), necessity=draw(text), measures=draw(text), plan=draw(text),
        goal=draw(text), goal_annual=draw(st.none() | nonempty), indicators=indicators, filled_at=draw(text),
    )


# Income by 收入科目 (Budget.income_items) for 政府性基金预算 and 国有资本经营预算: each source's
# codes, none counted twice (a 项 and one of its 目 together would be), and the functional
# codes its spending goes to.
FUND, STATE_CAPITAL = "政府性基金预算", "国有资本经营预算"
INCOME_CODES = {
    FUND: [("1030148", "103014801", "103014802"), ("1030147",), ("1030199",)],  # one of each tuple at most
    STATE_CAPITAL: [("1030601",), ("1030602",)],
}
INCOME_FUNC_CODES = {FUND: ["2120801", "2120802"], STATE_CAPITAL: ["2230105"]}


@st.composite
def split(draw, total: Decimal, parts: int) -> list[Decimal]:
    """``total`` as ``parts`` non-negative amounts in 分 that add up to it exactly."""
    cents = int(total * 100)
    cuts = sorted(draw(st.lists(st.integers(0, cents), min_size=parts - 1, max_size=parts - 1)))
    return [Decimal(b - a) / 100 for a, b in zip([0] + cuts, cuts + [cents])]


@st.composite
def income_items(draw, source: str, total: Decimal) -> list:
    """The source's current-year income by 收入科目, adding up to ``total`` (its current-year lines)."""
    from yusuan.budget import IncomeItem

    groups = draw(st.lists(st.sampled_from(INCOME_CODES[source]), min_size=1, unique=True))
    codes = [draw(st.sampled_from(group)) for group in groups]
    return [IncomeItem(code=code, amount=amount) for code, amount in zip(codes, draw(split(total, len(codes))))]


@st.composite
def budgets(draw) -> Budget:
    from yusuan.budget import Assets, LineItem, PriorYear, Procurement, Profile, Project, Term, Texts, ThreePublic, Unit

    project_ids = draw(st.lists(st.from_regex(r"[A-Z][0-9]{1,3}", fullmatch=True), max_size=4, unique=True))
    lines = []
    for _ in range(draw(st.integers(1, 8))):
        project = draw(st.none() | st.sampled_from(project_ids)) if project_ids else None
        lines.append(LineItem(
            func=draw(st.sampled_from(FUNC_CODES)), econ=draw(st.sampled_from(ECON_CODES)), amount=draw(amounts),
            source=draw(st.sampled_from(SOURCES)), kind=None if project else draw(st.sampled_from(["人员经费", "公用经费"])),
            project=project, carryover=draw(st.booleans()), unit_kind=draw(st.none() | st.sampled_from(["行政", "事业"])),
            gov_econ=draw(st.none() | st.sampled_from(GOV_CODES)),
        ))
    # Sometimes 政府性基金 / 国有资本经营 spending on its own functional codes, with its income by 收入科目.
    with_items = [source for source in (FUND, STATE_CAPITAL) if draw(st.booleans())]
    for source in with_items:
        for _ in range(draw(st.integers(1, 2))):
            project = draw(st.none() | st.sampled_from(project_ids)) if project_ids else None
            lines.append(LineItem(
                func=draw(st.sampled_from(INCOME_FUNC_CODES[source])), econ=draw(st.sampled_from(ECON_CODES)), amount=draw(amounts),
                source=source, kind=None if project else draw(st.sampled_from(["人员经费", "公用经费"])), project=project,
                carryover=draw(st.booleans())))
    items = []
    for source in with_items:  # the lines drawn above may also be of this source: all its current-year lines count
        items += draw(income_items(source, sum((l.amount for l in lines if l.source == source and not l.carryover), Decimal(0))))
    items = draw(st.permutations(items)) if items else []
    projects = []
    for pid in project_ids:
        current = sum((l.amount for l in lines if l.project == pid and not l.carryover), Decimal(0))
        projects.append(Project(id=pid, name=draw(nonempty), kind=draw(st.sampled_from(["其他运转类", "特定目标类"])),
                                performance=draw(st.none() | performance(current))))
    income = None
    if draw(st.booleans()):
        income = {s: sum((l.amount for l in lines if l.source == s and not l.carryover), Decimal(0))
                  for s in SOURCES if any(l.source == s and not l.carryover for l in lines) or draw(st.booleans())}
    with_targets = [p.id for p in projects if p.performance]
    order = draw(st.none() | st.permutations(with_targets)) if with_targets else None
    return Budget(
        year=draw(st.integers(2000, 2100)),
        unit=Unit(name=draw(nonempty), code=draw(text), kind=draw(st.sampled_from(["行政", "事业", "参公"])),
                  department=draw(text), department_code=draw(st.from_regex(r"[0-9]{0,3}", fullmatch=True)), region=draw(text)),
        profile=Profile(duties=draw(st.lists(nonempty, max_size=3)), structure=draw(text),
                        internal_unit_count=draw(st.none() | st.integers(0, 99)), internal_units=draw(st.lists(nonempty, max_size=3))),
        income=income,
        income_items=list(items),
        lines=lines,
        projects=projects,
        prior_year=PriorYear(total=draw(amounts), general_budget_current=draw(amounts),
                             three_public=ThreePublic(abroad=draw(amounts), reception=draw(amounts),
                                                      vehicle_purchase=draw(amounts), vehicle_operation=draw(amounts)),
                             operating_costs=draw(amounts)),
        procurement=Procurement(goods=draw(amounts), works=draw(amounts), services=draw(amounts)),
        assets=Assets(as_of=draw(nonempty), vehicle_quota=draw(st.integers(0, 500)),
                      vehicles=draw(st.dictionaries(st.sampled_from(list(VEHICLE_KINDS) + ["其他车型"]), st.integers(0, 99), max_size=3)),
                      building_area=draw(amounts), equipment_over_50w=draw(st.integers(0, 99)), equipment_over_100w=draw(st.integers(0, 99))),
        texts=Texts(**{f: draw(text) for f in Texts.model_fields}),
        glossary=draw(st.none() | st.lists(st.builds(Term, term=nonempty, text=nonempty), min_size=1, max_size=3)),
        performance_order=list(order) if order else None,
    )
