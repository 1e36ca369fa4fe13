"""A department's budget from its units' (yusuan/consolidate.py): the acceptance of issue 16 —
the seed unit and a generated unit give a department report that checks clean, lists both
units, and whose every cell is the sum of the units' cells, exactly in 元."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

import yusuan.derive as derive_module
from yusuan.check import check
from yusuan.cli import app
from yusuan.consolidate import ConsolidationError, budget_yaml, consolidate
from yusuan.derive import derive
from yusuan.inputs import read_budget
from yusuan.report import Report, Row
from tests.contexts import SHANXI

from .helpers import generated

SEED = Path(__file__).resolve().parents[2] / "examples" / "tunliu-police-2024" / "budget.yaml"
ZERO = Decimal(0)


@pytest.fixture(scope="module")
def units():
    seed = read_budget(SEED)
    # A generated unit with money carried over, so that 表13 has projects of both units.
    second = next(series[2024] for series in generated(12, 3, [2024])
                  if any(l.carryover and l.project for l in series[2024].lines))
    return [seed, second]


@pytest.fixture(scope="module")
def department(units):
    return consolidate(units, "屯留区测试部门")


def errors(report: Report) -> list[tuple[str, str]]:
    return sorted((f.rule, str(f.location)) for f in check(report) if f.severity == "error")


def test_the_department_report_checks_with_no_error_of_its_own(units, department):
    """No error but the seed's own: its two published P.cost contradictions (DISCREPANCIES.md)
    are in its unit report too, and stay in the department's."""
    own = errors(derive(units[0], SHANXI)) + errors(derive(units[1], SHANXI))
    assert {rule for rule, _ in own} <= {"P.cost"}
    assert errors(derive(department, SHANXI)) == sorted(own)


def test_two_generated_units_consolidate_with_no_error():
    series = generated(6, 11, [2025])
    department = consolidate([s[2025] for s in series], "测试部门")
    assert errors(derive(department, SHANXI)) == []



def test_both_units_are_listed(units, department):
    report = derive(department, SHANXI)
    names = [u.unit.name for u in units]
    assert [r.label("unit") for r in report.table("11").rows] == ["部门合计", *names]
    for table_id in ("12", "13"):
        level1 = [r.label("name") for r in report.table(table_id).rows if r.level == 1]
        assert level1 == names, table_id
        assert report.table(table_id).rows[0].level == 0


def test_project_ids_are_unique_and_keep_their_unit(units, department):
    ids = [p.id for p in department.projects]
    assert len(ids) == len(set(ids)) == sum(len(u.projects) for u in units)
    for k, unit in enumerate(units, 1):
        mine = [p for p in department.projects if p.unit == unit.unit.name]
        assert [p.id for p in mine] == [f"U{k}-{p.id}" for p in unit.projects]
        assert sum((l.amount for l in department.lines if l.unit == unit.unit.name), ZERO) == sum((l.amount for l in unit.lines), ZERO)


def exact(budget, monkeypatch) -> Report:
    """The report with every cell the exact 元 sum of its lines (no rounding into 万元)."""
    with monkeypatch.context() as m:
        m.setattr(derive_module, "to_unit", lambda amount, unit: amount)
        return derive(budget, SHANXI)


def keyed(report: Report, prefix: str = "", unit: str = "") -> dict[tuple, Decimal]:
    """Every amount cell of the report by (table, row key, column). A row's key is what names it
    in any report: its code and labels; a project by its unit's prefix and the unit's own id. In
    the unit tables (表11, 表12, 表13) a table's total is keyed ("total",) and a unit's row
    ("unit", name); ``unit`` names the one unit of a unit's report, whose total is its row."""
    cells: dict[tuple, Decimal] = {}

    def add(key: tuple, value: Decimal) -> None:
        cells[key] = cells.get(key, ZERO) + value

    for table in report.tables:
        for row in table.rows:
            for column, value in row.values.items():
                if value is None:
                    continue
                for key in row_keys(table.id, row, column, prefix, unit):
                    add((table.id, *key, column), value)
    return cells


def row_keys(table_id: str, row: Row, column: str, prefix: str, unit: str) -> list[tuple]:
    if table_id in ("11", "12", "13"):
        if row.level == 2:
            return [("project", prefix + (row.code or ""))]
        name = row.label("unit" if table_id == "11" else "name")
        # A unit's 表12 has no total row: its unit row is its total.
        is_total = row.level == 0 or (unit and table_id == "12")
        if unit:  # the unit's total is also its row in the department's table
            return [("total",), ("unit", unit)] if is_total else []
        return [("total",)] if is_total else [("unit", name)]
    if table_id == "9":  # income by 收入科目 beside expenditure by 功能分类: two rows in one
        if column == "income_amount":
            return [("income", row.labels.get("income_code"))]
        return [("functional", row.code, row.labels.get("name"))]
    return [(row.code, tuple(sorted(row.labels.items())))]


def test_every_cell_is_the_sum_of_the_units_cells_exactly(units, department, monkeypatch):
    whole = keyed(exact(department, monkeypatch))
    summed: dict[tuple, Decimal] = {}
    for k, unit in enumerate(units, 1):
        for key, value in keyed(exact(unit, monkeypatch), f"U{k}-", unit.unit.name).items():
            summed[key] = summed.get(key, ZERO) + value
    assert whole == summed
    assert len(whole) > 200
    for table_id in ("11", "12", "13"):
        assert ((table_id, "unit", units[1].unit.name, "total")) in whole


def test_the_department_budget_file_reads_back_the_same(department, tmp_path):
    path = tmp_path / "dept.yaml"
    path.write_text(budget_yaml(department), encoding="utf-8")
    assert read_budget(path) == department


def test_the_command_writes_a_department_budget_that_builds(units, tmp_path):
    second = tmp_path / "second.yaml"
    second.write_text(budget_yaml(units[1]), encoding="utf-8")
    out = tmp_path / "dept.yaml"
    result = CliRunner().invoke(app, ["consolidate", str(SEED), str(second), "--name", "屯留区测试部门", "-o", str(out)])
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(app, ["build", str(out), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "屯留区测试部门" in (tmp_path / "out" / "report.txt").read_text(encoding="utf-8")


def test_units_of_different_years_or_twice_are_refused(units):
    with pytest.raises(ConsolidationError, match="twice"):
        consolidate([units[0], units[0]], "x")
    with pytest.raises(ConsolidationError, match="different years"):
        consolidate([units[0], units[1].model_copy(update={"year": 2025})], "x")


# The acceptance of issue 16: "the seed unit with a generated second unit gives a department
# report that passes the checker". The seed as published does not pass: two of its cost
# indicators contradict its funding (P.cost errors, DISCREPANCIES.md §3, tests/check/
# seed_findings.yaml), and a department report made of it prints the same forms. Both halves are
# tested: as published, the department has exactly those two errors (above); with the seed's two
# indicators corrected to what it funds — the only change — it passes (exit 0), and the D.*
# rules find every cell the units' sum and both units listed.
CORRECTED = {  # project → (indicator, value as printed, value its funding supports)
    "渔泽、上村、高头寺派出所基础设施升级改造费": ("工程总投资概算", "649.86万元", "297.00万元"),  # 实施期资金总额 2,970,000 元
    "2023年度犬只管理经费": ("年度工作费用", "＞30万元", "≤10万元"),  # funded 100,000 元
}


def corrected_seed():
    seed = read_budget(SEED)
    data = seed.model_dump(by_alias=True)
    for project in data["projects"]:
        if project["name"] in CORRECTED:
            level3, printed, supported = CORRECTED[project["name"]]
            indicator = next(i for i in project["performance"]["indicators"] if i["level3"] == level3)
            assert indicator["value"] == printed
            indicator["value"] = supported
    return type(seed).model_validate(data)


def test_the_corrected_seed_and_a_generated_unit_give_a_department_that_passes(units, tmp_path):
    from yusuan.check.department import department_findings

    seed = corrected_seed()
    assert errors(derive(seed, SHANXI)) == []
    department = consolidate([seed, units[1]], "屯留区测试部门")
    report = derive(department, SHANXI)
    assert errors(report) == []
    d_findings = department_findings(report, [derive(seed, SHANXI), derive(units[1], SHANXI)])
    assert {(f.rule, f.severity) for f in d_findings} <= {("D.units-sum", "rounding")}
    # and by the command, as a user runs it on the two units' budgets and the department's
    for name, budget in (("seed.yaml", seed), ("second.yaml", units[1]), ("dept.yaml", department)):
        (tmp_path / name).write_text(budget_yaml(budget), encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(tmp_path / "dept.yaml"), "--units", str(tmp_path / "seed.yaml"),
                                      "--units", str(tmp_path / "second.yaml")])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].startswith(f"{tmp_path / 'dept.yaml'}: 0 error")
