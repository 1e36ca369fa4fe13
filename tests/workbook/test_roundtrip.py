"""YAML → workbook → Budget gives back the YAML's Budget, exactly (amounts, None vs 0, order)."""
from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from yusuan.inputs import read_budget
from yusuan.read.budget_yaml import read_budget as read_yaml
from yusuan.workbook.read import read_workbook

from .helpers import SEED, SEED_XLSX, SMALL, workbook_file
from .strategies import budgets


def test_small_budget_round_trip(tmp_path):
    budget = read_yaml(SMALL)
    assert read_workbook(workbook_file(tmp_path, budget)) == budget


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


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(budgets())
def test_generated_budgets_round_trip(budget):
    with tempfile.TemporaryDirectory() as tmp:
        assert read_workbook(workbook_file(Path(tmp), budget)) == budget
