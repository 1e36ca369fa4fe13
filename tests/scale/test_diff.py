"""`yusuan diff`: every changed cell of two reports, with both values, the change and the percentage."""
from __future__ import annotations

import json
from decimal import Decimal

from typer.testing import CliRunner

from yusuan.cli import app
from yusuan.consolidate import budget_yaml
from yusuan.derive import derive
from yusuan.diff import diff_reports
from tests.contexts import SHANXI

from .helpers import generated


def test_a_report_against_itself_has_no_difference():
    budget = generated(1, 2, [2024])[0][2024]
    report = derive(budget, SHANXI)
    assert diff_reports(report, report.model_copy(deep=True)).empty


def test_every_changed_cell_is_listed_with_its_change():
    a = derive(generated(1, 2, [2024])[0][2024], SHANXI)
    b = a.model_copy(deep=True)
    moved = []
    for table in b.tables:
        for row in table.rows:
            for key, value in row.values.items():
                if value is not None and len(moved) < 25:
                    row.values[key] = value + Decimal("1.50")
                    moved.append((table.id, key, value))
    d = diff_reports(a, b)
    assert len(d.cells) == len(moved) and not d.rows and not d.tables
    for cell, (table, key, value) in zip(d.cells, moved):
        assert (cell.table, cell.column, cell.before, cell.after, cell.change) == (table, key, value, value + Decimal("1.50"), Decimal("1.50"))
        assert cell.percent == (Decimal("150") / value).quantize(Decimal("0.01"), "ROUND_HALF_UP")


def test_rows_of_one_report_only():
    a = derive(generated(1, 2, [2024])[0][2024], SHANXI)
    b = a.model_copy(deep=True)
    gone = b.table("5").rows.pop(1)
    d = diff_reports(a, b)
    assert [(r.table, r.side) for r in d.rows] == [("5", "a")] and gone.code in d.rows[0].row


def test_two_years_of_a_unit_by_the_command(tmp_path):
    unit = generated(1, 4, [2024, 2025])[0]
    for year, budget in unit.items():
        (tmp_path / f"{year}.yaml").write_text(budget_yaml(budget), encoding="utf-8")
    run = CliRunner().invoke
    same = run(app, ["diff", str(tmp_path / "2024.yaml"), str(tmp_path / "2024.yaml")])
    assert same.exit_code == 0 and "no difference" in same.output
    text = run(app, ["diff", str(tmp_path / "2024.yaml"), str(tmp_path / "2025.yaml")])
    assert text.exit_code == 1 and "cells changed" in text.output and "→" in text.output
    data = json.loads(run(app, ["diff", str(tmp_path / "2024.yaml"), str(tmp_path / "2025.yaml"), "-f", "json"]).output)
    assert data["a"]["year"] == 2024 and data["b"]["year"] == 2025 and data["counts"]["cells"] > 20
    cell = data["cells"][0]
    assert Decimal(cell["after"]) - Decimal(cell["before"] or 0) == Decimal(cell["change"])
    html = run(app, ["diff", str(tmp_path / "2024.yaml"), str(tmp_path / "2025.yaml"), "-f", "html"]).output
    assert html.startswith("<!doctype html>") and "<table>" in html
