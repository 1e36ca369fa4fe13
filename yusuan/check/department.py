"""A department's published report against its units' reports (`check dept.pdf --units units/`).

部门预算 = 本级 + 所属单位: every cell of the department's tables is the sum of the same cell of
its units' tables, the unit tables list each unit with its own figures, and the project tables
list each unit's projects under it. The rules read several reports, so — like ``Y.previous``
(yusuan/check/previous.py) — they are Rule objects run by ``department_findings`` rather than
registered for one report; ``--select`` / ``--ignore`` treat them as any other.

Cells are matched by table id, column key and row: by classification code where the rows
classify the column, by the labels of the column's own side in a two-sided table (a 收支总表's
income items pair with expenditure rows differently as the number of 类 differs). Each unit's
cell is rounded on its own, so n units' cells may miss the department's by the rounding bound
of n terms (``rounding``); beyond it, an error.

A department that nets transfers between its units (yusuan/consolidate.py) counts the money
once: its cells are the units' sums less the transfers, on the cells a transfer touches. Given
the same transfers (`check --units --transfers`), each paying unit's budget is netted by
``consolidate.net_unit`` — the very cut ``consolidate`` makes — and derived: the payer's report
then stands in for its own, for every D.* rule. This is exact where a hand-made list of the
cells a line moves would not be: a line moves its 功能 rows (类/款/项), its 部门 and 政府 经济
rows (the latter by the unit's 行政/事业 kind), its source's and basic/project columns, the
totals, its project's rows (a project netted whole is dropped with its form) — whatever the
layout derives from it, which derive alone knows. It needs the payer's budget (a report says
nothing of the payer's lines): a payer given only as a report is refused. Without transfers,
an error where the department is short of the units' sum by one amount on several cells says
so (a netted transfer?).
"""
from __future__ import annotations

import re
from dataclasses import replace

from ..report import Report, Row, Table
from . import Finding, Location, support

# An item's number, which two layouts of one family print differently (上海 单位 "1、", 部门 "1. ").
_ITEM_NUMBER = re.compile(r"^[0-9０-９]+[.、．]")

RULES = {
    "D.units-sum": "Every cell of the department's tables (the unit and project tables aside) is the sum of its "
                   "units' cells, within the rounding of the units' displayed cells.",
    "D.units-listed": "Every unit whose report is given is listed in the department's unit tables (机关运行经费 by "
                      "unit, projects by unit).",
    "D.units-unknown": "Every unit the department's unit tables list has its report given (otherwise its cells "
                       "cannot be checked, and the sums cannot hold).",
    "D.unit-rows": "A unit's row in the department's unit tables shows that unit's own total.",
    "D.projects": "Each unit's projects are listed under that unit in the department's project tables, with the "
                  "same amounts; none is missing, under another unit, or not in the unit's report.",
    "D.same-year": "Every unit's report is of the department's year and layout.",
}
SEVERITY = {"D.units-unknown": "warning", "D.same-year": "warning"}
UNIT_DIMENSIONS = ("units", "projects_unit", "projects_department")


def _rules():
    from . import Rule

    def nothing(report):  # run by department_findings, never by check()
        return []

    return tuple(Rule(rule_id, text, SEVERITY.get(rule_id, "error"), "department", function=nothing,
                      origin="generic", defined_in=__name__) for rule_id, text in RULES.items())


# -- matching cells ------------------------------------------------------------------------------

def _sides(spec) -> dict[str, tuple[str, ...]]:
    """Each amount column's label columns: those under the same top header (收入 | 支出) in a
    two-sided table; every label column otherwise."""
    labels = spec.label_columns
    roots = {c.header[0] if c.header else "" for c in labels}
    out = {}
    for column in spec.amount_columns:
        root = column.header[0] if column.header else ""
        own = tuple(c.key for c in labels if (c.header[0] if c.header else "") == root)
        out[column.key] = own if len(roots) > 1 and own else tuple(c.key for c in labels)
    return out


def _cell_keys(table: Table, spec) -> dict[tuple, tuple[Row, object]]:
    """Every amount cell of ``table`` by (column, row key), the first row of a key kept."""
    sides = _sides(spec) if spec is not None else {}
    two_sided = spec is not None and len({c.header[0] if c.header else "" for c in spec.label_columns}) > 1
    classified = set(spec.rows.columns) if spec is not None and spec.rows.columns else None
    cells: dict[tuple, tuple[Row, object]] = {}
    for row in table.rows:
        for column, value in row.values.items():
            by_code = row.code and not (two_sided and (classified is None or column not in classified))
            if by_code:
                key = ("code", row.code)
            else:
                own = sides.get(column) or tuple(row.labels)
                key = ("labels", tuple(_ITEM_NUMBER.sub("", support.norm(row.label(k))) for k in own))
                if not any(key[1]):
                    continue  # a blank padding row
            cells.setdefault((column, key), (row, value))
    return cells


def _units_sum(department: Report, units: list[Report], template, hint: bool = False) -> list[Finding]:
    """D.units-sum. ``hint``: say where a gap may be a netted transfer (``_hinted``)."""
    out, gaps = [], []
    for table in department.tables:
        spec = template.table(table.id) if template is not None and template.has_table(table.id) else None
        if spec is not None and spec.rows.dimension in UNIT_DIMENSIONS:
            continue
        theirs = [(u.unit_name, u.table(table.id)) for u in units]
        if any(t is None for _, t in theirs):
            continue  # a unit without the table: its layout is another (D.same-year says so)
        mine = _cell_keys(table, spec)
        keyed = [(name, _cell_keys(t, spec)) for name, t in theirs]
        columns = {column for column, _ in mine}
        keys = list(mine) + [k for _, cells in keyed for k in cells if k not in mine and k[0] in columns]
        seen = set()
        for key in keys:
            if key in seen:
                continue
            seen.add(key)
            row, shown = mine.get(key, (None, None))
            terms = [(name, cells[key][1]) for name, cells in keyed if key in cells]
            if row is None:
                row = next(cells[key][0] for _, cells in keyed if key in cells)
            finding = support.compare_sum(
                "D.units-sum", Location(table=table.id, row=support.row_name(row), column=key[0]), terms, shown,
                "the department's cell is not the sum of its units' cells")
            if finding is not None:
                out.append(finding)
                gaps.append((finding, (shown or 0) - sum(v for _, v in terms if v is not None)))
    return _hinted(out, gaps) if hint else out


def _hinted(findings: list[Finding], gaps: list[tuple[Finding, object]]) -> list[Finding]:
    """The errors where the department is short of its units' sum by one amount, that amount
    being short on two cells or more (a transfer moves a total and its own rows at least): said
    to be maybe a netted transfer, which ``--transfers`` accounts for."""
    from collections import Counter

    short = Counter(gap for f, gap in gaps if f.severity == "error" and gap < 0)
    hinted = {id(f): gap for f, gap in gaps if f.severity == "error" and short[gap] > 1}
    if not hinted:
        return findings
    return [replace(f, message=f"{f.message} (short by {-hinted[id(f)]} on {short[hinted[id(f)]]} cells: "
                              f"a transfer between the units netted? give --transfers)") if id(f) in hinted else f
            for f in findings]


# -- the unit and project tables -------------------------------------------------------------------

def _name_key(spec) -> str:
    return spec.label_columns[0].key if spec is not None and spec.label_columns else "name"


def _unit_rows(table: Table, key: str) -> dict[str, tuple[Row, list[Row]]]:
    """A unit table's units by name: each its row and, in a project table, the projects under it."""
    units: dict[str, tuple[Row, list[Row]]] = {}
    current: list[Row] | None = None
    for row in table.rows:
        if row.level == 1:
            current = []
            units.setdefault(support.norm(row.label(key)), (row, current))
        elif row.level >= 2 and current is not None:
            current.append(row)
    return units


def _own_total(table: Table, key: str, name: str) -> Row | None:
    """A unit's own figure in its unit table: the row of its name, else the table's total."""
    return next((r for r in table.rows if r.level == 1 and support.norm(r.label(key)) == support.norm(name)), None) \
        or support.total_row(table)


def _unit_tables(department: Report, units: list[Report], template) -> list[Finding]:
    out = []
    given = {support.norm(u.unit_name): u for u in units}
    for table in department.tables:
        spec = template.table(table.id) if template is not None and template.has_table(table.id) else None
        if spec is None or spec.rows.dimension not in UNIT_DIMENSIONS:
            continue
        key = _name_key(spec)
        listed = _unit_rows(table, key)
        for unit in units:
            own = unit.table(table.id)
            if own is None or not any(v for r in own.rows for v in r.values.values()):
                continue  # nothing of this unit's in the table (no carried-over project, say): not listed
            if support.norm(unit.unit_name) not in listed:
                out.append(Finding("D.units-listed", "error", Location(table=table.id),
                                   f"{unit.unit_name}, whose report is given, is not listed", unit.unit_name, "not listed"))
        for name, (row, projects) in listed.items():
            unit = given.get(name)
            if unit is None:
                out.append(Finding("D.units-unknown", "warning", Location(table=table.id, row=row.label(key)),
                                   "a unit listed here has no report given: its figures are not checked"))
                continue
            theirs = unit.table(table.id)
            if theirs is None:
                continue
            own = _own_total(theirs, key, unit.unit_name)
            for column, shown in row.values.items():
                value = own.values.get(column) if own is not None else None
                finding = support.compare_sum("D.unit-rows", Location(table=table.id, row=row.label(key), column=column),
                                              [(unit.unit_name, value)], shown,
                                              "the unit's row is not the unit's own total")
                if finding is not None:
                    out.append(finding)
            if spec.rows.dimension != "units":
                out += _projects(table, key, unit, theirs, projects, listed)
    return out


def _projects(table: Table, key: str, unit: Report, theirs: Table, mine: list[Row],
              listed: dict[str, tuple[Row, list[Row]]]) -> list[Finding]:
    """A unit's projects against those the department lists under it."""
    out = []
    own_rows = _unit_rows(theirs, key).get(support.norm(unit.unit_name), (None, []))[1] \
        or [r for r in theirs.rows if r.level >= 2]
    under = {support.norm(r.label(key)): r for r in mine}
    for project in own_rows:
        name = support.norm(project.label(key))
        row = under.get(name)
        if row is None:
            elsewhere = next((other for other, (_, rows) in listed.items()
                              if other != support.norm(unit.unit_name) and any(support.norm(r.label(key)) == name for r in rows)), None)
            out.append(Finding("D.projects", "error", Location(table=table.id, row=project.label(key)),
                               f"a project of {unit.unit_name} is " + (f"listed under another unit ({elsewhere})" if elsewhere
                                                                       else "not listed under it"),
                               unit.unit_name, elsewhere or "not listed"))
            continue
        for column, value in project.values.items():
            finding = support.compare_sum("D.projects", Location(table=table.id, row=project.label(key), column=column),
                                          [(unit.unit_name, value)], row.values.get(column),
                                          f"the project's amount differs from {unit.unit_name}'s report")
            if finding is not None:
                out.append(finding)
    theirs_names = {support.norm(r.label(key)) for r in own_rows}
    for name, row in under.items():
        if name not in theirs_names:
            out.append(Finding("D.projects", "error", Location(table=table.id, row=row.label(key)),
                               f"a project listed under {unit.unit_name} is not in its report", "not listed", row.label(key)))
    return out


def _same_year(department: Report, units: list[Report]) -> list[Finding]:
    return [Finding("D.same-year", "warning", Location(), f"{u.unit_name}'s report is not of the department's year and layout",
                    f"{department.year} {department.template}", f"{u.year} {u.template}")
            for u in units if u.year != department.year or u.template != department.template]


def department_findings(department: Report, units: list[Report], template=None, selected=(), ignored=(),
                        netted: bool = False) -> list[Finding]:
    """The D.* findings of ``department`` against its ``units``' reports, placed in the
    department's file when it was read from one. ``netted``: the units were netted of the
    department's transfers (``load_units(…, transfers)``)."""
    from . import _placed
    from .registry import select
    from ..templates import load

    template = template or load(department.template, department.year)
    findings = _same_year(department, units) + _unit_tables(department, units, template)
    # No hint of a netted transfer when the transfers were netted, or a unit's report is missing
    # (which explains the gaps better).
    hint = not netted and not any(f.rule == "D.units-unknown" for f in findings)
    findings += _units_sum(department, units, template, hint)
    if department.source:
        rows: dict = {}
        findings = [_placed(f, department, rows) for f in findings]
    kept = {r.id for r in select(_rules(), list(selected), list(ignored))}
    return [f for f in findings if f.rule in kept]


def load_units(paths, context, transfers=None) -> tuple[list[Report], list[str]]:
    """The units' reports (budgets, report.json, published reports; folders of them), read as
    `check` reads any input, and notes. A unit given twice — a folder of `build` outputs holds
    each unit's report.json and report.txt — is counted once (the first file, in name order),
    said in a note. An unreadable one raises its InputError. ``transfers``: a transfers file
    (`consolidate --transfers`): each paying unit's report is its budget netted of what it pays
    (``consolidate.net_unit``), derived."""
    from pathlib import Path

    from ..inputs import expand_inputs
    from .previous import load_previous

    files = expand_inputs([Path(p) for p in paths])
    if not files:
        from ..errors import InputError

        raise InputError(", ".join(map(str, paths)), None, "no unit report found")
    reports: dict[str, tuple[Path, Report]] = {}
    notes = []
    for path in files:
        report = load_previous(path, context)
        name = support.norm(report.unit_name)
        if name in reports:
            notes.append(f"units: {report.unit_name} is given twice ({reports[name][0]}, {path}): counted once, from the first")
            continue
        reports[name] = (path, report)
    if transfers is not None:
        notes += _netted(reports, transfers, context)
    return [report for _, report in reports.values()], notes


def _netted(reports: dict, transfers_file, context) -> list[str]:
    """Each paying unit's report in ``reports`` replaced by its netted budget's, derived as
    ``load_previous`` derives a budget; notes saying what was netted."""
    from ..consolidate import ConsolidationError, net_unit, read_transfers
    from ..derive import derive
    from ..errors import InputError
    from ..inputs import BUDGET_SUFFIXES, is_published, read_budget

    transfers = read_transfers(transfers_file)
    budgets = {}
    for name, (path, report) in reports.items():
        if path.suffix.lower() in BUDGET_SUFFIXES + (".xlsx",) and not is_published(path):
            budgets[name] = read_budget(path, context.catalog)
    members = {report.unit_name for _, report in reports.values()}
    members |= {m.name for b in budgets.values() for m in b.units}
    notes = []
    for i, transfer in enumerate(transfers):
        name = support.norm(transfer.payer)
        payer = budgets.get(name) or next((b for b in budgets.values() if any(m.name == transfer.payer for m in b.units)), None)
        if payer is None:
            given = "given as a report, not a budget: its lines, which the transfer cuts, are not known" if name in reports \
                else "not one of the units given"
            raise InputError(transfers_file, None, f"transfers[{i}].payer: {transfer.payer} is {given}")
    for name, budget in budgets.items():
        try:
            netted = net_unit(budget, transfers, members)
        except ConsolidationError as exc:
            raise InputError(transfers_file, None, str(exc)) from None
        if netted is budget:
            continue
        path, report = reports[name]
        if context.template_ref is None:  # as load_previous derives a budget: in build's default layout
            from ..commands.build import DEFAULT_TEMPLATE

            context = context.with_template(DEFAULT_TEMPLATE)
        reports[name] = (path, derive(netted, context))
        paid = [t for t in transfers if t.payer in {budget.unit.name, *(m.name for m in budget.units)}]
        notes.append(f"transfers: {budget.unit.name} counted less what it pays "
                     + ", ".join(f"{t.payee} ({t.kind} {t.amount} 元)" for t in paid))
    return notes
