"""`yusuan synth`: generated budgets build and check with no error (and no warning) in
shanxi-2024 and shanghai-yusuan-danwei; a unit's years are one series; the same seed gives the
same files, and unit k is the same however many units are asked for."""
from __future__ import annotations

from decimal import Decimal

import pytest
from typer.testing import CliRunner

from yusuan.budget import Budget
from yusuan.check import check
from yusuan.cli import app
from yusuan.context import Context
from yusuan.derive import derive
from yusuan.inputs import read_budget
from yusuan.synth import prior_figures, units

from .helpers import generated

YEARS = [2023, 2024, 2025]


@pytest.fixture(scope="module")
def series():
    return generated(16, 1, YEARS)


@pytest.mark.parametrize("template", ["shanxi-2024", "shanghai-yusuan-danwei"])
def test_generated_units_check_clean(series, template):
    context = Context.create(template)
    for unit in series:
        for year, budget in unit.items():
            findings = [f.line() for f in check(derive(budget, context)) if f.severity != "rounding"]
            assert findings == [], (budget.unit.name, year)


def test_each_year_states_last_years_figures(series):
    for unit in series:
        for year in YEARS[1:]:
            last = unit[year - 1].model_dump(mode="python")["lines"]
            prior = unit[year].prior_year
            figures = prior_figures([{k: v for k, v in l.items() if v is not None} for l in last])
            assert prior.total == figures["total"] == sum((l.amount for l in unit[year - 1].lines), Decimal(0))
            assert prior.general_budget_current == figures["general_budget_current"]
            assert prior.operating_costs == figures["operating_costs"]
            assert prior.three_public.model_dump() == figures["three_public"]


def test_plausible_shares(series):
    """Personnel the larger part of basic expenditure, projects and carryover present but smaller."""
    budgets = [b for unit in series for b in unit.values()]
    total = sum((l.amount for b in budgets for l in b.lines), Decimal(0))
    personnel = sum((l.amount for b in budgets for l in b.lines if l.kind == "人员经费"), Decimal(0))
    public = sum((l.amount for b in budgets for l in b.lines if l.kind == "公用经费"), Decimal(0))
    project = sum((l.amount for b in budgets for l in b.lines if l.project), Decimal(0))
    carried = sum((l.amount for b in budgets for l in b.lines if l.carryover), Decimal(0))
    assert 0.5 < personnel / total < 0.8 and 0.05 < public / total < 0.2 and 0.15 < project / total < 0.4
    assert 0.005 < carried / total < 0.06
    assert all(p.performance for b in budgets for p in b.projects if p.id.startswith("P"))
    assert any(l.source == "政府性基金预算" for b in budgets for l in b.lines)
    assert {b.unit.kind for b in budgets} >= {"行政", "事业"}


def test_unit_k_does_not_depend_on_how_many(series):
    assert [u.budgets for u in units(5, 1, YEARS)] == [u.budgets for u in list(units(16, 1, YEARS))[:5]]


def test_the_command_writes_files_that_build_and_check(tmp_path):
    out = tmp_path / "synth"
    result = CliRunner().invoke(app, ["synth", "--units", "4", "--seed", "9", "--years", "2024-2025", "-o", str(out)])
    assert result.exit_code == 0, result.output
    files = sorted(out.glob("*/*.yaml"))
    assert len(files) == 8 and (out / "units.csv").exists()
    again = tmp_path / "again"
    CliRunner().invoke(app, ["synth", "--units", "4", "--seed", "9", "--years", "2024-2025", "-o", str(again)])
    assert [f.read_bytes() for f in files] == [f.read_bytes() for f in sorted(again.glob("*/*.yaml"))]
    assert isinstance(read_budget(files[0]), Budget)
    built = CliRunner().invoke(app, ["build", str(out), "-o", str(tmp_path / "out")])
    assert built.exit_code == 0, built.output
    for template in ("shanxi-2024", "shanghai-yusuan-danwei"):
        checked = CliRunner().invoke(app, ["check", str(out), "-t", template])
        assert checked.exit_code == 0 and "checked 8: 0 with errors" in checked.output, checked.output


def test_bad_years_are_refused(tmp_path):
    result = CliRunner().invoke(app, ["synth", "--years", "2019-2020", "-o", str(tmp_path)])
    assert result.exit_code != 0
