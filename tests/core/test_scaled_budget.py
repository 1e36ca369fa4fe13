"""A budget several times the seed (benchmarks/scaled_budget.py): what derive, the prose and the
rules index once by project and by code prefix must still find for every copy of a project."""
from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

import pytest

from yusuan.budget import Budget, consistency_errors
from yusuan.check import check
from yusuan.derive import derive
from yusuan.money import to_wan
from tests.contexts import SHANXI

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent / "benchmarks"))
from scaled_budget import scaled, seed_data  # noqa: E402

COPIES = 3


@pytest.fixture(scope="module")
def seed_and_scaled():
    data = seed_data()
    seed, big = Budget.model_validate(data), Budget.model_validate(scaled(data, COPIES))
    return seed, big, derive(seed, SHANXI), derive(big, SHANXI)


def test_the_scaled_budget_is_consistent(seed_and_scaled):
    seed, big, _, _ = seed_and_scaled
    assert len(big.lines) == COPIES * len(seed.lines) and len(big.projects) == COPIES * len(seed.projects)
    assert consistency_errors(big) == []


@pytest.mark.parametrize("table_id", ["12", "13"])
def test_every_copy_of_a_project_has_the_seed_projects_row(seed_and_scaled, table_id):
    _, _, small, large = seed_and_scaled
    rows = {row.label("name"): row.values for row in large.table(table_id).rows}
    projects = [row for row in small.table(table_id).rows if row.code]
    assert projects
    for row in projects:
        for k in range(2, COPIES + 1):
            assert rows[f"{row.label('name')}（{k}）"] == row.values


def claim(report, subject):
    return next(c.value for s in report.explanations for c in s.claims if c.subject == subject)


def test_the_performance_section_counts_every_copy(seed_and_scaled):
    seed, _, small, large = seed_and_scaled
    project_lines = sum((l.amount for l in seed.lines if not l.is_basic and not l.carryover), Decimal(0))
    assert claim(large, "performance.projects.count") == COPIES * claim(small, "performance.projects.count")
    assert claim(large, "performance.overall.amount") == to_wan(COPIES * project_lines)


def test_p_t12_finds_each_copys_own_row(seed_and_scaled):
    """P.T12 looks each project up in an index of tables 12 and 13 made once: a copy's
    performance-target table is compared with the copy's own row, not its original's."""
    _, _, small, large = seed_and_scaled
    before = [f for f in check(large) if f.rule == "P.T12" and f.severity == "error"]
    assert before == [] and not [f for f in check(small) if f.rule == "P.T12" and f.severity == "error"]
    first = large.performance[0]
    copy = next(t for t in large.performance if t.project_name == f"{first.project_name}（{COPIES}）")
    funding = copy.funding_annual.model_copy(update={"total": copy.funding_annual.total + 100000})
    changed = copy.model_copy(update={"funding_annual": funding})
    report = large.model_copy(update={"performance": [changed if t is copy else t for t in large.performance]})
    found = [f.location.project for f in check(report) if f.rule == "P.T12" and f.severity == "error"]
    assert found == [copy.project_name]
