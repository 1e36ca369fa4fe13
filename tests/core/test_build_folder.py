"""`yusuan build FOLDER`: a bureau builds its units' reports at once; a broken budget is listed
with its errors, nothing is written for it, and the others are built."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from yusuan.cli import app
from yusuan.report import Report

DATA = Path(__file__).parent.parent / "data"
runner = CliRunner()


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_folder_of_budgets_is_built_each_into_its_own_folder(tmp_path, jobs):
    budgets = tmp_path / "budgets"
    budgets.mkdir()
    shutil.copy(DATA / "small-budget.yaml", budgets / "small.yaml")
    shutil.copy(DATA / "fund-budget.yaml", budgets / "fund.yaml")
    (budgets / "bad.yaml").write_text((DATA / "small-budget.yaml").read_text(encoding="utf-8")
                                      .replace("econ: 30101,", "econ: 30199x,"), encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["build", str(budgets), "-o", str(out), "--jobs", jobs])
    assert result.exit_code == 2
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == ["fund", "small"]  # nothing for the broken one (.yusuan-folders.json: which input each folder is for)
    assert Report.load(out / "fund" / "report.json").table("7").rows[-1].labels["code"] == "103014801"
    assert (out / "small" / "report.txt").exists()
    assert f"error: {budgets / 'bad.yaml'}:4: lines[0].econ: unknown economic code 30199x" in result.output
    assert f"built 2 of 3 into {out}/<name>/; 1 with errors, nothing written for them" in result.output


def test_two_budgets_with_one_name_are_refused_before_anything_is_built(tmp_path):
    for sub in ("a", "b"):
        (tmp_path / sub).mkdir()
        shutil.copy(DATA / "small-budget.yaml", tmp_path / sub / "budget.yaml")
    result = runner.invoke(app, ["build", str(tmp_path / "a"), str(tmp_path / "b"), "-o", str(tmp_path / "out")])
    assert result.exit_code != 0 and "several budgets are named budget" in str(result.exception)
    assert not (tmp_path / "out").exists()
