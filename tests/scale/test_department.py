"""A department's report against its units' reports (yusuan/check/department.py, `check --units`):
each D.* rule on a consolidated department whose one figure is changed, and nothing but
rounding on the department as consolidated."""
from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from yusuan.check.department import RULES, department_findings
from yusuan.cli import app
from yusuan.consolidate import consolidate
from yusuan.derive import derive
from yusuan.report import Report
from tests.contexts import SHANXI

from .helpers import generated

ROOT = __import__("pathlib").Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def parts():
    """Three units of one department (a bureau and two 事业单位), their reports and the department's."""
    budgets = [s[2025] for s in generated(3, 11, [2025])]
    assert len({b.unit.department for b in budgets}) == 1
    return derive(consolidate(budgets, "测试部门"), SHANXI), [derive(b, SHANXI) for b in budgets]


def copy(report: Report) -> Report:
    return Report.model_validate(report.model_dump(by_alias=True))


def found(department, units) -> Counter:
    return Counter((f.rule, f.severity) for f in department_findings(department, units))


def test_the_consolidated_department_has_only_rounding(parts):
    department, units = parts
    findings = found(department, units)
    assert set(findings) <= {("D.units-sum", "rounding")}, findings


def test_a_changed_cell_is_not_the_units_sum(parts):
    department, units = parts
    changed = copy(department)
    row = changed.table("3").rows[0]  # 合计
    row.values["total"] += Decimal("1.00")
    errors = [f for f in department_findings(changed, units) if f.severity == "error"]
    assert [(f.rule, f.location.table, f.location.row, f.location.column) for f in errors] == [("D.units-sum", "3", "合计", "total")]
    assert units[0].unit_name in errors[0].arithmetic


def test_a_unit_not_listed_and_a_unit_without_report(parts):
    department, units = parts
    changed = copy(department)
    table = changed.table("11")
    table.rows = [r for r in table.rows if r.label("unit") != units[1].unit_name]
    rules = [(f.rule, f.location.table) for f in department_findings(changed, units)]
    assert ("D.units-listed", "11") in rules
    # the other way: a unit listed whose report is not given
    rules = [(f.rule, f.severity) for f in department_findings(department, units[:2])]
    assert ("D.units-unknown", "warning") in rules and ("D.units-sum", "error") in rules


def test_a_units_row_that_is_not_its_total(parts):
    department, units = parts
    changed = copy(department)
    row = next(r for r in changed.table("11").rows if r.label("unit") == units[0].unit_name)
    row.values["total"] += Decimal("0.50")
    errors = {(f.rule, f.location.row) for f in department_findings(changed, units) if f.severity == "error"}
    assert errors == {("D.unit-rows", units[0].unit_name)}


def test_projects_under_their_units(parts):
    department, units = parts
    table = department.table("12")
    unit_rows = [i for i, r in enumerate(table.rows) if r.level == 1]
    assert len(unit_rows) >= 2
    # the first unit's first project moved under the second unit
    changed = copy(department)
    rows = changed.table("12").rows
    project = rows.pop(unit_rows[0] + 1)  # the second unit's row is now at unit_rows[1] - 1
    rows.insert(unit_rows[1], project)  # directly under it
    messages = [f.message for f in department_findings(changed, units) if f.rule == "D.projects"]
    assert f"a project of {units[0].unit_name} is listed under another unit ({units[1].unit_name})" in messages
    assert f"a project listed under {units[1].unit_name} is not in its report" in messages
    # an amount changed
    changed = copy(department)
    changed.table("12").rows[unit_rows[0] + 1].values["total"] += Decimal("2.00")
    assert ("D.projects", "error") in found(changed, units)


def test_a_unit_of_another_year(parts):
    department, units = parts
    older = copy(units[0])
    older.year = 2024
    assert ("D.same-year", "warning") in found(department, [older, *units[1:]])


def test_every_rule_is_named_here():
    text = (ROOT / "tests" / "scale" / "test_department.py").read_text(encoding="utf-8")
    assert all(f'"{rule}"' in text for rule in RULES), [r for r in RULES if f'"{rule}"' not in text]
    docs = (ROOT / "docs" / "scale.md").read_text(encoding="utf-8")
    assert all(f"`{rule}`" in docs for rule in RULES), "docs/scale.md lists every D.* rule"


def test_the_command(parts, tmp_path):
    department, units = parts
    changed = copy(department)
    changed.table("3").rows[0].values["total"] += Decimal("1.00")
    (tmp_path / "dept.json").write_text(changed.to_json(), encoding="utf-8")
    folder = tmp_path / "units"
    folder.mkdir()
    for k, unit in enumerate(units):
        (folder / f"u{k}.json").write_text(unit.to_json(), encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(tmp_path / "dept.json"), "--units", str(folder), "--select", "D."])
    assert result.exit_code == 1, result.output
    assert "D.units-sum 表3 合计 [total]" in result.output
    result = CliRunner().invoke(app, ["check", str(tmp_path / "dept.json"), "--units", str(folder), "--ignore", "D.units-sum", "--select", "D."])
    assert result.exit_code == 0, result.output
    (folder / "u0-again.json").write_text(units[0].to_json(), encoding="utf-8")  # as report.json beside report.txt
    result = CliRunner().invoke(app, ["check", str(tmp_path / "dept.json"), "--units", str(folder), "--select", "D."])
    assert result.exit_code == 1 and f"note: units: {units[0].unit_name} is given twice" in result.output
    assert ": 1 error, 0 warning," in result.output.splitlines()[0]  # the first unit's cells once: no other gap
    (folder / "broken.json").write_text("{", encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(tmp_path / "dept.json"), "--units", str(folder)])
    assert result.exit_code == 2 and f"{folder / 'broken.json'}" in result.output


def test_a_shanghai_department_against_its_units_in_the_unit_layout():
    """上海: the department in 部门 layout, its units in 单位 layout — tables matched by id,
    items by their words (the 部门 layout numbers them "1. ", the 单位 one "1、")."""
    from yusuan.context import Context

    budgets = [s[2025] for s in generated(3, 11, [2025])]
    department = derive(consolidate(budgets, "测试部门"), Context.create("shanghai-yusuan-bumen"))
    units = [derive(b, Context.create("shanghai-yusuan-danwei")) for b in budgets]
    findings = found(department, units)
    assert findings == Counter({("D.same-year", "warning"): 3}), findings
