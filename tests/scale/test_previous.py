"""`check --previous`: the prior-year figures a report states against last year's report of the
unit (yusuan/check/previous.py) — nothing on a generated unit's consistent three years; every
prior-year figure of the budget changed is caught."""
from __future__ import annotations

from decimal import Decimal

import pytest
from typer.testing import CliRunner

from yusuan.budget import Budget
from yusuan.check.previous import compare_previous
from yusuan.cli import app
from yusuan.consolidate import budget_yaml
from yusuan.derive import derive
from tests.contexts import SHANXI

from .helpers import generated

YEARS = [2023, 2024, 2025]
PRIOR_FIGURES = [("total",), ("general_budget_current",), ("operating_costs",), ("three_public", "abroad"),
                 ("three_public", "reception"), ("three_public", "vehicle_purchase"), ("three_public", "vehicle_operation")]
DELTA = Decimal("12345.67")  # 1.23万元: beyond what rounding of the three figures can explain


@pytest.fixture(scope="module")
def series():
    return generated(6, 5, YEARS)


def reports(unit: dict[int, Budget]) -> list:
    return [derive(unit[year], SHANXI) for year in YEARS]


def test_an_unchanged_series_has_no_finding(series):
    for unit in series:
        r = reports(unit)
        assert compare_previous(r[1], r[0]) == [] and compare_previous(r[2], r[1]) == []


def mutated(budget: Budget, path: tuple[str, ...]) -> Budget:
    data = budget.model_dump(by_alias=True)
    record = data["prior_year"]
    for key in path[:-1]:
        record = record[key]
    record[path[-1]] += DELTA
    return Budget.model_validate(data)


@pytest.mark.parametrize("path", PRIOR_FIGURES, ids=".".join)
def test_every_prior_year_figure_changed_is_caught(series, path):
    for unit in series:
        r = reports(unit)
        for year, previous in ((2024, r[0]), (2025, r[1])):
            findings = compare_previous(derive(mutated(unit[year], path), SHANXI), previous)
            assert [f.rule for f in findings] and {f.rule for f in findings} == {"Y.previous"}, (unit[year].unit.name, year)
            assert all(f.severity == "error" for f in findings)


def test_every_stated_change_altered_is_caught(series):
    """The same at the report's level, as a published report would differ: each .change figure moved by 0.02万元."""
    r = reports(series[0])
    changes = [(s, c) for s in r[2].explanations for c in s.claims if c.subject.endswith(".change")]
    assert len(changes) >= 8
    for _, claim in changes:
        old = claim.value
        claim.value = old + Decimal("0.02")
        try:
            assert [f.rule for f in compare_previous(r[2], r[1])] == ["Y.previous"], claim.subject
        finally:
            claim.value = old


def test_another_unit_or_year_is_a_warning(series):
    a, b = reports(series[0]), reports(series[1])
    assert "Y.previous-unit" in {f.rule for f in compare_previous(a[2], b[1])}
    assert "Y.previous-unit" in {f.rule for f in compare_previous(a[2], a[0])}


def test_the_command(series, tmp_path):
    unit = series[0]
    for year in YEARS:
        (tmp_path / f"{year}.yaml").write_text(budget_yaml(unit[year]), encoding="utf-8")
    (tmp_path / "bad.yaml").write_text(budget_yaml(mutated(unit[2025], ("operating_costs",))), encoding="utf-8")
    run = CliRunner().invoke
    ok = run(app, ["check", str(tmp_path / "2025.yaml"), "--previous", str(tmp_path / "2024.yaml")])
    assert ok.exit_code == 0 and "Y.previous" not in ok.output, ok.output
    bad = run(app, ["check", str(tmp_path / "bad.yaml"), "--previous", str(tmp_path / "2024.yaml")])
    assert bad.exit_code == 1 and "Y.previous" in bad.output and "operating_costs" in bad.output
    ignored = run(app, ["check", str(tmp_path / "bad.yaml"), "--previous", str(tmp_path / "2024.yaml"), "--ignore", "Y."])
    assert ignored.exit_code == 0 and "Y.previous" not in ignored.output
    many = run(app, ["check", str(tmp_path), "--previous", str(tmp_path / "2024.yaml")])
    assert many.exit_code == 2
