"""Budget → Report: every table a group-by over the line items, every figure computed.

Each amount cell is the exact 元 sum of the line items that the table's filter, the column's
filter and the row select, rounded half-up once for display (docs/architecture.md, "A table"). A cell whose lines
sum to nothing is empty, as in the published tables.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from decimal import Decimal
from typing import TYPE_CHECKING

from .budget import FISCAL_SOURCES, SOURCES, Budget, LineItem
from .catalog import Catalog
from .money import ZERO, to_unit
from .numerals import chinese_number
from .report import Funding, Indicator, PerformanceTable, Profile, Report, Row, Table
from .templates import TableSpec, Template

if TYPE_CHECKING:
    from .context import Context

def matches(line: LineItem, where: dict) -> bool:
    """Whether a line item passes a template filter (docs/architecture.md, "Filters")."""
    for key, wanted in where.items():
        if key == "source":
            allowed = FISCAL_SOURCES if wanted == "fiscal" else ((wanted,) if isinstance(wanted, str) else tuple(wanted))
            if line.source not in allowed:
                return False
        elif key == "carryover":
            if line.carryover != wanted:
                return False
        elif key == "basic":
            if line.is_basic != wanted:
                return False
        elif key == "kind":
            if line.kind != wanted:
                return False
        elif key == "econ":
            if line.econ not in ((wanted,) if isinstance(wanted, str) else tuple(wanted)):
                return False
        elif key == "phase":
            # A budget's lines are what was planned: a 决算's 决算数 column selects none of them.
            if wanted != "预算":
                return False
        else:
            raise ValueError(f"unknown filter {key!r} in template")
    return True


def total(lines: Iterable[LineItem]) -> Decimal:
    return sum((line.amount for line in lines), ZERO)


@dataclass
class Derivation:
    """What one derive needs: the budget, its year's template and the catalog."""

    budget: Budget
    template: Template
    catalog: Catalog
    # A filter's lines (ids) by the filter's canonical form: most tables and columns share a few
    # filters (fiscal, basic, carryover …), each applied to the budget's lines once per derive.
    _passing: dict[tuple, frozenset[int]] = field(default_factory=dict, repr=False)

    def passing(self, where: dict) -> frozenset[int]:
        """The ids of the budget's lines that pass ``where``."""
        key = tuple(sorted((k, str(v)) for k, v in where.items()))
        found = self._passing.get(key)
        if found is None:
            found = self._passing[key] = frozenset(id(line) for line in self.budget.lines if matches(line, where))
        return found

    @cached_property
    def functional_classes(self):
        """The catalog's 支出功能分类 类 in order (Catalog.functional_classes scans every entry)."""
        return self.catalog.functional_classes()

    def gov_code(self, line: LineItem) -> str:
        if line.gov_econ:
            return line.gov_econ
        kind = line.unit_kind or ("事业" if self.budget.unit.kind == "事业" else "行政")
        return self.catalog.gov_code_for(line.econ, kind, where=f"line with economic code {line.econ}")


class TableBuilder:
    """Fills one table of the template: rows from a dimension, cells from the column filters."""

    def __init__(self, spec: TableSpec, context: Derivation):
        self.spec = spec
        self.context = context
        chosen = context.passing(spec.where)
        self.lines = [line for line in context.budget.lines if id(line) in chosen]
        self._ids = frozenset(id(line) for line in self.lines)
        self._selected: dict[tuple, frozenset[int]] = {}
        self._where_keys: dict[int, tuple[dict, tuple]] = {}
        self._prefixes: dict[str, list[LineItem]] | None = None
        self._member: dict[int, tuple[str, ...]] | None = None

    def under(self, code: str) -> list[LineItem]:
        """The table's lines whose functional code starts with ``code`` (a 类, 款 or 项, or the code itself).

        Grouped in one pass, in the lines' order: filtering every line once per code made a
        table quadratic in a budget's size."""
        if self._prefixes is None:
            self._prefixes = {}
            for line in self.lines:
                for prefix in {line.func[:3], line.func[:5], line.func[:7], line.func}:
                    self._prefixes.setdefault(prefix, []).append(line)
        return self._prefixes.get(code, [])

    def selected(self, where: dict) -> frozenset[int]:
        """The ids of the table's lines that pass ``where``: each filter is applied once per table, not per cell."""
        # Most calls pass a column's own ``where`` (one dict per column, asked once per row): its
        # canonical key is remembered by the dict's identity, the dict kept so the id stays its own.
        known = self._where_keys.get(id(where))
        if known is not None and known[0] is where:
            key = known[1]
        else:
            key = tuple(sorted((k, str(v)) for k, v in where.items()))
            self._where_keys[id(where)] = (where, key)
        if key not in self._selected:
            self._selected[key] = self._ids & self.context.passing(where)
        return self._selected[key]

    def cell(self, lines: list[LineItem], where: dict) -> Decimal | None:
        chosen = self.selected(where)
        amount = total(line for line in lines if id(line) in chosen)
        return None if amount == 0 else to_unit(amount, self.spec.unit)

    def columns_of(self) -> dict[int, tuple[str, ...]]:
        """Each of the table's lines (by id) → the keys of the amount columns it counts in."""
        if self._member is None:
            member: dict[int, list[str]] = {id(line): [] for line in self.lines}
            for column in self.spec.amount_columns:
                for line_id in self.selected(column.where):
                    member[line_id].append(column.key)
            self._member = {line_id: tuple(keys) for line_id, keys in member.items()}
        return self._member

    def values(self, lines: list[LineItem], keys: Iterable[str] | None = None) -> dict[str, Decimal | None]:
        """A row's amount cells: ``cell`` of each column, summed in one pass over the row's lines
        (each line into the columns it counts in) rather than one pass per column."""
        columns = self.spec.amount_columns if keys is None else [self.spec.column(k) for k in keys]
        member = self.columns_of()
        sums: dict[str, Decimal] = {}
        for line in lines:
            for key in member.get(id(line), ()):
                sums[key] = sums.get(key, ZERO) + line.amount
        unit = self.spec.unit
        # Exact sums, so their order does not matter; none or zero is an empty cell, as in cell().
        return {c.key: to_unit(sums[c.key], unit) if sums.get(c.key) else None for c in columns}

    def row(self, labels: dict[str, str], lines: list[LineItem], level: int, code: str | None = None) -> Row:
        return Row.trusted(labels=labels, values=self.values(lines), level=level, code=code)

    def build(self) -> Table:
        dimension: Callable[[], list[Row]] = getattr(self, f"rows_{self.spec.rows.dimension}")
        rows = dimension()
        if self.spec.rows.total_position == "last" and rows and rows[0].level == 0 and all(r.level for r in rows[1:]):
            rows.append(rows.pop(0))  # the dimension puts its total first; this layout prints it under the rows
        budget = self.context.budget
        has_data = any(v is not None for r in rows for v in r.values.values())
        note = None
        if not has_data:
            rows = self.empty_rows()
            note = self.spec.empty_note
        return Table.trusted(
            id=self.spec.id,
            caption=self.spec.caption,
            title=self.spec.title,
            unit_name=budget.unit.name,
            unit=self.spec.unit,
            rows=rows,
            note=note,
        )

    def empty_rows(self) -> list[Row]:
        if not self.spec.label_columns:
            return [Row.trusted(level=0)]
        if self.spec.rows.total_position == "last":  # the 合计 row alone, as such layouts print an empty table
            return [Row.trusted(labels=self.total_labels(), values={c.key: None for c in self.spec.amount_columns}, level=0)]
        first = self.spec.label_columns[0].key
        return [Row.trusted(labels={first: self.spec.rows.total}, level=0), Row.trusted(level=0)]

    def split(self) -> list[str]:
        """The keys of the code-part columns (类 | 款 | 项) of a table whose codes are printed split."""
        if self.spec.rows.codes != "split":
            return []
        return [c.key for c in self.spec.label_columns[: len(self.spec.rows.levels)]]

    def code_labels(self, code: str, name: str) -> dict[str, str]:
        """A coded row's labels: the code in its column, or its parts in the 类/款/项 columns
        (204 | 06 | 01); the name in the column after the code."""
        parts = self.split()
        if not parts:
            code_key, name_key = self.spec.label_columns[-2].key, self.spec.label_columns[-1].key
            return {code_key: code, name_key: name}
        pieces = [code[:3], code[3:5], code[5:7], code[7:9]]
        labels = {key: piece for key, piece in zip(parts, pieces) if piece}
        labels[self.spec.label_columns[len(parts)].key] = name
        return labels

    def total_labels(self) -> dict[str, str]:
        """The total row's label: over the merged code cells it stands in the name column."""
        parts = self.split()
        key = self.spec.label_columns[len(parts)].key if parts else self.spec.label_columns[-2 if self.spec.rows.dimension == "functional" else 0].key
        return {key: self.spec.rows.total}

    # --- row dimensions -------------------------------------------------------------------

    def rows_functional(self) -> list[Row]:
        """合计, then 类 → 款 → 项 for every functional code the table's lines use."""
        catalog = self.context.catalog
        rows = [self.row(self.total_labels(), self.lines, 0)]
        codes: set[str] = set()
        for line in self.lines:
            codes.update({line.func[:3], line.func[:5], line.func})
        for code in sorted(codes):
            entry = catalog.functional(code, where=self.spec.name)
            in_row = self.under(code)
            level = {3: 1, 5: 2, 7: 3}[len(code)]
            rows.append(self.row(self.code_labels(code, entry.name), in_row, level, code))
        return rows

    def rows_economic(self) -> list[Row]:
        """合计, then each 部门经济分类 类 and its (部门 款, 政府 款) pairs, as 预算公开表6 prints them."""
        catalog = self.context.catalog
        if self.split():  # 类 | 款 codes and the 部门经济分类 name (Shanghai): no 政府经济分类 beside it
            rows = [self.row(self.total_labels(), self.lines, 0)]
            by_code: dict[str, list[LineItem]] = {}
            for line in self.lines:
                catalog.dept_economic(line.econ, where=self.spec.name)
                for code in (line.econ[:3], line.econ):
                    by_code.setdefault(code, []).append(line)
            for code in sorted(by_code):
                rows.append(self.row(self.code_labels(code, catalog.dept_economic(code).name), by_code[code],
                                     1 if len(code) == 3 else 2, code))
            return rows
        rows = [self.row({self.spec.label_columns[0].key: self.spec.rows.total}, self.lines, 0)]
        pairs: dict[tuple[str, str], list[LineItem]] = {}
        for line in self.lines:
            catalog.dept_economic(line.econ, where=self.spec.name)
            pairs.setdefault((line.econ, self.context.gov_code(line)), []).append(line)
        for class_code in sorted({econ[:3] for econ, _ in pairs}):
            in_class = [line for (econ, _), lines in pairs.items() if econ[:3] == class_code for line in lines]
            rows.append(self.row({"dept_name": catalog.dept_economic(class_code).name}, in_class, 1, class_code))
            for (econ, gov), lines in sorted(pairs.items()):
                if econ[:3] == class_code:
                    labels = {"dept_name": catalog.dept_economic(econ).name, "gov_name": catalog.gov_economic(gov).name}
                    rows.append(self.row(labels, lines, 2, econ))
        return rows

    def _summary(self, income: list[tuple[str, list[LineItem]]], carried: list[tuple[str, list[LineItem]]] | None) -> list[Row]:
        """The two-sided 收支总表: income by source beside expenditure by 类, then the totals the
        template labels (``rows.labels``: current, carryover, total)."""
        catalog = self.context.catalog
        classes = self.context.functional_classes
        exp_keys = [c.key for c in self.spec.amount_columns if c.key.startswith("exp_")]
        current = [line for line in self.lines if not line.carryover]
        carryover = [line for line in self.lines if line.carryover]
        rows = []
        for i in range(max(len(income), len(classes))):
            labels: dict[str, str] = {}
            values: dict[str, Decimal | None] = {}
            code = None
            if i < len(income):
                label, lines = income[i]
                labels["income_item"] = label
                values["income_amount"] = self.cell(lines, {})
            if i < len(classes):
                entry = classes[i]
                code = entry.code
                labels["exp_item"] = f"{chinese_number(i + 1)}、{entry.name}"
                values.update(self.values(self.under(entry.code), exp_keys))
            rows.append(Row.trusted(labels=labels, values=values, level=1, code=code))
        rows.append(Row.trusted(level=0))
        everything = self.values(self.lines, exp_keys)
        current_labels, carried_labels, total_labels = (self.spec.rows.label(r) for r in ("current", "carryover", "total"))
        rows.append(Row.trusted(labels={"income_item": current_labels[0], "exp_item": current_labels[1]},
                        values={"income_amount": self.cell(current, {}), **everything}, level=0))
        rows.append(Row.trusted(labels={"income_item": carried_labels[0], "exp_item": carried_labels[1]},
                        values={"income_amount": self.cell(carryover, {})}, level=0))
        if carried is not None:  # the fiscal 收支总表 lists the carryover by source
            for label, lines in carried:
                rows.append(Row.trusted(labels={"income_item": label}, values={"income_amount": self.cell(lines, {})}, level=1))
            rows.append(Row.trusted(level=0))
        rows.append(Row.trusted(labels={"income_item": total_labels[0], "exp_item": total_labels[1]},
                        values={"income_amount": self.cell(self.lines, {}), **everything}, level=0))
        return rows

    def _by_source(self, sources: Iterable[str], carryover: bool) -> list[tuple[str, list[LineItem]]]:
        return [
            (f"{chinese_number(i + 1)}、{source}",
             [line for line in self.lines if line.source == source and line.carryover == carryover])
            for i, source in enumerate(sources)
        ]

    def rows_summary(self) -> list[Row]:
        return self._summary(self._by_source(SOURCES, False), None)

    def rows_summary_fiscal(self) -> list[Row]:
        return self._summary(self._by_source(FISCAL_SOURCES, False), self._by_source(FISCAL_SOURCES, True))

    def _income_by_code(self) -> list[tuple[str, str, Decimal | None, int]]:
        """(code, name, amount in the table's unit, level) of the 收入科目 rows: every 类/款/项/目 above the
        budget's income items of the table's source, in catalog order; empty without income items."""
        source = self.spec.where.get("source")
        items = [item for item in self.context.budget.income_items if item.source == source]
        sums: dict[str, Decimal] = {}
        for item in items:
            for width in range(3, len(item.code) + 1, 2):
                sums[item.code[:width]] = sums.get(item.code[:width], ZERO) + item.amount
        catalog = self.context.catalog
        return [(entry.code, entry.name, to_unit(sums[entry.code], self.spec.unit) if sums[entry.code] else None,
                 len(entry.code) // 2)
                for entry in catalog.entries("income") if entry.code in sums]

    def rows_functional_with_income(self) -> list[Row]:
        """部门公开表9: income by 收入科目 beside expenditure by 类/款/项, row by row; 合计 spans both sides."""
        rows = self.rows_functional()
        income = self._income_by_code()
        rows[0].labels["income_code"] = self.spec.rows.total  # as the seed prints it, on the income side too
        for row in rows[1:]:
            row.values.pop("income_amount", None)
        while len(rows) < len(income) + 1:
            rows.append(Row.trusted(level=0))
        for row, (code, name, amount, _) in zip(rows[1:], income):
            row.labels.update({"income_code": code, "income_name": name})
            row.values["income_amount"] = amount
        return rows

    def rows_income(self) -> list[Row]:
        """预算公开表7: 合计, then 类 → 款 → 项 (→ 目) of the income items (none given: 合计 only)."""
        rows = [self.row({"code": self.spec.rows.total}, self.lines, 0)]
        for code, name, amount, level in self._income_by_code():
            rows.append(Row.trusted(labels={"code": code, "name": name}, values={"amount": amount}, level=level, code=code))
        return rows

    def rows_statement(self) -> list[Row]:
        """A two-sided statement (Shanghai's 财务收支预算总表): the income items the template lists
        (``rows.items``: label and filter) beside the 类 the table's lines use, numbered 一、二、…;
        then the totals row (``rows.labels.total``). The first label and amount columns are the
        income side, the rest the expenditure side."""
        labels = [c.key for c in self.spec.label_columns]
        amounts = [c.key for c in self.spec.amount_columns]
        income_key, exp_key, income_amount, exp_keys = labels[0], labels[1], amounts[0], amounts[1:]
        catalog = self.context.catalog
        classes = sorted({line.func[:3] for line in self.lines})
        rows = []
        for i in range(max(len(self.spec.rows.items), len(classes))):
            row = Row.trusted(level=1, values={key: None for key in amounts})  # every cell, empty or not, as a reader sees it
            if i < len(self.spec.rows.items):
                label, where = self.spec.rows.items[i]
                row.labels[income_key] = label
                row.values[income_amount] = self.cell(self.lines, dict(where))
            if i < len(classes):
                row.labels[exp_key] = f"{chinese_number(i + 1)}、{catalog.functional(classes[i], where=self.spec.name).name}"
                row.values.update(self.values(self.under(classes[i]), exp_keys))
            rows.append(row)
        income_total, exp_total = self.spec.rows.label("total")
        rows.append(Row.trusted(labels={income_key: income_total or self.spec.rows.total, exp_key: exp_total},
                        values={income_amount: self.cell(self.lines, {}), **self.values(self.lines, exp_keys)}, level=0))
        return rows

    def rows_single(self) -> list[Row]:
        """One row of values: every line of the table (Shanghai's 三公 table, its items as columns)."""
        return [self.row({}, self.lines, 1)]

    def rows_three_public(self) -> list[Row]:
        rows = []
        for item in self.context.template.three_public:
            lines = [line for line in self.lines if line.econ in item["econ"]]
            rows.append(self.row({"item": item["label"]}, lines, 0 if item["key"] == "total" else 1, item["key"]))
        return rows

    def by_unit(self) -> list[tuple[str, list[LineItem]]]:
        """(unit name, the table's lines of that unit): the units a department's budget lists
        (Budget.units, each line naming its own), or the budget's one unit."""
        budget = self.context.budget
        if not budget.units:
            return [(budget.unit.name, self.lines)]
        grouped: dict[str, list[LineItem]] = {member.name: [] for member in budget.units}
        for line in self.lines:
            grouped[line.unit or budget.units[0].name].append(line)  # no unit named: the first (本级)
        return list(grouped.items())

    def rows_units(self) -> list[Row]:
        return [
            self.row({"unit": self.spec.rows.total}, self.lines, 0),
            *(self.row({"unit": name}, lines, 1) for name, lines in self.by_unit()),
        ]

    def _project_rows(self, lines_of_unit: list[LineItem]) -> list[Row]:
        by_project: dict[str, list[LineItem]] = {}  # one pass, not one per project
        for line in lines_of_unit:
            if line.project is not None:
                by_project.setdefault(line.project, []).append(line)
        rows = []
        for project in self.context.budget.projects:
            lines = by_project.get(project.id)
            if lines:
                rows.append(self.row({"name": project.name}, lines, 2, project.id))
        return rows

    def _units_and_projects(self) -> list[Row]:
        """Each unit, then its projects (a department's units without lines in the table left out)."""
        units = self.by_unit()
        return [row for name, lines in units if lines or len(units) == 1
                for row in (self.row({"name": name}, lines, 1), *self._project_rows(lines))]

    def rows_projects_unit(self) -> list[Row]:
        if self.context.budget.units:  # a department's: its total first, as 表13 prints it
            return self.rows_projects_department()
        return self._units_and_projects()

    def rows_projects_department(self) -> list[Row]:
        unit = self.context.budget.unit
        return [self.row({"name": unit.department or unit.name}, self.lines, 0), *self._units_and_projects()]


def performance_tables(budget: Budget) -> list[PerformanceTable]:
    unit = budget.unit
    by_id = {p.id: p for p in budget.projects}
    order = budget.performance_order or [p.id for p in budget.projects]
    tables = []
    for project_id in order:
        project = by_id[project_id]
        perf = project.performance
        if perf is None:
            continue
        tables.append(
            PerformanceTable.trusted(  # of a budget's validated texts and amounts (report.py)
                title=f"{unit.region}级预算部门（单位）项目支出绩效目标表",
                year=budget.year,
                project_name=project.name,
                department=perf.department or f"{unit.department_code}-{unit.department}",
                implementing_unit=perf.implementing_unit or unit.name,
                attribute=perf.attribute,
                period=perf.period,
                funding_implementation=_funding(perf.funding),
                funding_annual=_funding(perf.funding_annual or perf.funding),
                overview=perf.overview, basis=perf.basis, necessity=perf.necessity, measures=perf.measures,
                plan=perf.plan, filled_at=perf.filled_at,
                goal_implementation=perf.goal,
                goal_annual=perf.goal if perf.goal_annual is None else perf.goal_annual,
                indicators=[
                    Indicator.trusted(
                        level1=i.level1,
                        level2=i.level2,
                        level3=i.level3,
                        value=i.value,
                        annual_level2=i.level2,
                        annual_level3=i.level3 if i.annual_level3 is None else i.annual_level3,
                        annual_value=i.value if i.annual_value is None else i.annual_value,
                    )
                    for i in perf.indicators
                ],
            )
        )
    return tables


def _funding(funding) -> Funding:
    return Funding.trusted(funding.total, funding.central, funding.provincial, funding.local, funding.self_raised,
                           funding.other)


def derive(budget: Budget, context: "Context") -> Report:
    """The complete Report of a budget in the context's template: every table, the
    explanations (the template's own prose module, when it has one), the project forms."""
    template = context.template(budget.year)
    if template.kind != "预算":
        raise ValueError(f"{template.id} is a {template.kind} layout: it reports the year's actual figures, which a budget "
                         "does not hold — such reports are read and checked, not built (choose a 预算 layout: yusuan templates)")
    derivation = Derivation(budget, template, context.catalog)
    tables = [TableBuilder(spec, derivation).build() for spec in template.tables]
    report = Report(
        template=template.id,
        year=budget.year,
        unit_name=budget.unit.name,
        profile=Profile(**budget.profile.model_dump()),
        tables=tables,
        performance=performance_tables(budget),
        glossary=[t.model_dump() for t in budget.glossary] if budget.glossary is not None else template.standard_glossary(),
    )
    prose = template.module("prose")
    return prose.explain(report, budget, derivation) if prose else report
