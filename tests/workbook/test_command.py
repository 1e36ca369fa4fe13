"""`yusuan workbook` (and its first name `yusuan template`): an empty workbook for a year and kind, or one filled from a budget."""
from __future__ import annotations

from openpyxl import load_workbook
from typer.testing import CliRunner

from yusuan.cli import app
from yusuan.errors import InputError
from yusuan.read.budget_yaml import read_budget
from yusuan.workbook.read import read_workbook

from .helpers import FUND, SMALL


def test_template_from_a_budget_for_next_year(tmp_path):
    out = tmp_path / "next.xlsx"
    result = CliRunner().invoke(app, ["template", "-o", str(out), "--from", str(SMALL), "--year", "2025", "--kind", "参公"])
    assert result.exit_code == 0, result.output
    back = read_workbook(out)
    budget = read_budget(SMALL)
    assert back.year == 2025 and back.unit.kind == "参公"
    assert back.lines == budget.lines and back.projects == budget.projects


def test_template_from_a_budget_keeps_its_income_items_and_builds_the_same_report(tmp_path):
    # `yusuan workbook --from` fills 收入科目, so `yusuan build budget.xlsx` fills 预算公开表7 as from YAML
    out = tmp_path / "fund.xlsx"
    result = CliRunner().invoke(app, ["workbook", "-o", str(out), "--from", str(FUND)])
    assert result.exit_code == 0, result.output
    assert read_workbook(out) == read_budget(FUND)
    for source, name in ((FUND, "yaml"), (out, "xlsx")):
        result = CliRunner().invoke(app, ["build", str(source), "-o", str(tmp_path / name), "--format", "json"])
        assert result.exit_code == 0, result.output
    assert (tmp_path / "yaml" / "report.json").read_bytes() == (tmp_path / "xlsx" / "report.json").read_bytes()
    assert "1030147" in (tmp_path / "xlsx" / "report.json").read_text(encoding="utf-8")


def test_empty_template(tmp_path):
    out = tmp_path / "empty.xlsx"
    result = CliRunner().invoke(app, ["template", "-o", str(out), "--year", "2026"])
    assert result.exit_code == 0, result.output
    ws = load_workbook(out)["资产"]
    assert ws["B3"].value == "2025年12月31日"


def test_bad_kind_writes_nothing(tmp_path):
    out = tmp_path / "x.xlsx"
    result = CliRunner().invoke(app, ["template", "-o", str(out), "--kind", "企业"])
    assert isinstance(result.exception, InputError) and "expected one of 行政 | 事业 | 参公" in str(result.exception)
    assert not out.exists()
