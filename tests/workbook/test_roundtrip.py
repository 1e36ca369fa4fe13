"""YAML → workbook → Budget gives back the YAML's Budget, exactly (amounts, None vs 0, order)."""
from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from yusuan.inputs import read_budget
from yusuan.read.budget_yaml import read_budget as read_yaml
from yusuan.workbook.read import read_workbook

from .helpers import FUND, SEED, SEED_XLSX, SMALL, workbook_file
from .strategies import budgets


def test_small_budget_round_trip(tmp_path):
    budget = read_yaml(SMALL)
    assert read_workbook(workbook_file(tmp_path, budget)) == budget


def test_income_items_round_trip(tmp_path):
    # income by 收入科目 (a 目, a 项, a 国有资本经营 项) comes back in order, to the 元
    budget = read_yaml(FUND)
    assert [item.code for item in budget.income_items] == ["103014801", "1030147", "1030601"]
    back = read_workbook(workbook_file(tmp_path, budget))
    assert back.income_items == budget.income_items
    assert back == budget


def test_workbook_without_the_income_items_sheet_still_reads(tmp_path):
    # a workbook written before 收入科目 existed: no income_items, nothing else changes
    from openpyxl import load_workbook

    budget = read_yaml(FUND)
    path = workbook_file(tmp_path, budget)
    wb = load_workbook(path)
    del wb["收入科目"]
    wb.save(path)
    back = read_workbook(path)
    assert back.income_items == [] and back == budget.model_copy(update={"income_items": []})


def test_empty_income_items_sheet_is_no_income_items(tmp_path):
    budget = read_yaml(SMALL)
    assert budget.income_items == []
    assert read_workbook(workbook_file(tmp_path, budget)).income_items == []


@pytest.mark.skipif(not SEED.exists(), reason="the seed's budget.yaml is not in the tree yet")
def test_seed_round_trip(tmp_path):
    budget = read_yaml(SEED)
    back = read_workbook(workbook_file(tmp_path, budget))
    assert back == budget
    assert len(back.lines) == len(budget.lines) and back.lines[0].amount == budget.lines[0].amount


@pytest.mark.skipif(not SEED_XLSX.exists(), reason="examples/tunliu-police-2024/budget.xlsx not generated yet")
def test_committed_example_workbook_is_the_seed():
    # read through the same dispatcher as `yusuan build budget.xlsx`
    assert read_budget(SEED_XLSX) == read_yaml(SEED), (
        "budget.xlsx is stale: yusuan template -o examples/tunliu-police-2024/budget.xlsx --from examples/tunliu-police-2024/budget.yaml")


@pytest.mark.skipif(not SEED_XLSX.exists(), reason="examples/tunliu-police-2024/budget.xlsx not generated yet")
def test_committed_example_workbook_has_the_current_layout(tmp_path):
    # a sheet added to the layout (收入科目) reads fine when absent, so the Budget alone cannot tell
    from openpyxl import load_workbook

    committed, fresh = (load_workbook(p, read_only=True) for p in (SEED_XLSX, workbook_file(tmp_path, read_yaml(SEED))))
    assert committed.sheetnames == fresh.sheetnames, (
        "budget.xlsx is stale: yusuan template -o examples/tunliu-police-2024/budget.xlsx --from examples/tunliu-police-2024/budget.yaml")
    for name in fresh.sheetnames:
        header = lambda wb: [c.value for c in next(wb[name].iter_rows(min_row=2, max_row=2))]  # noqa: E731
        assert header(committed) == header(fresh), f"budget.xlsx is stale: sheet {name}'s header row differs"


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(budgets())
def test_generated_budgets_round_trip(budget):
    with tempfile.TemporaryDirectory() as tmp:
        assert read_workbook(workbook_file(Path(tmp), budget)) == budget
