"""Mutation of the Shanghai 预算 layouts: on the two real reports with fixtures (区政府办公室 2025,
部门 and 单位), every amount cell moved by 2 元 (tables 1–8, in 元) or 0.02 (the 三公 table, in
万元) and every figure of the prose the tables or other figures state again is caught by some
rule; and reports derived in these layouts from valid budgets have no error.
"""
from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yusuan.check import check
from yusuan.context import Context
from yusuan.derive import derive
from yusuan.read import published
from yusuan.report import Report

from tests.check.generate import generate_budget
from tests.check.mutation import cells, uncaught_cells, uncaught_claims
from tests.contexts import DETECT

DATA = Path(__file__).resolve().parents[1] / "data" / "shanghai"
FIXTURED = ["putuo-zhengfuban-2025-bumen-yusuan", "putuo-zhengfuban-2025-danwei-yusuan"]
CONTEXTS = {t: Context.create(t) for t in ("shanghai-yusuan-danwei", "shanghai-yusuan-bumen")}
SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
# Figures no table and no other figure restates: counts (绩效目标 projects and units, the 机关
# and 事业单位 of 机关运行经费, vehicles bought and held when all kinds are 0 but the total, the
# equipment), the amount of the projects with targets (a bound only), the 中小企业/小微 reserves
# (bounds), and changes against last year with no part or whole stated beside them.
UNTIED = ("performance.", "units.", "assets.", "procurement.sme", "operating_costs.change")


@pytest.fixture(scope="module", params=FIXTURED)
def real(request) -> Report:
    return published(DATA / f"{request.param}.pdf", DETECT).report


def test_every_amount_cell_of_a_real_report_moved_is_caught(real):
    count = sum(1 for _ in cells(real))
    missed = uncaught_cells(real)
    print(f"\n{real.template}: {count} amount cells moved, {len(missed)} not caught")
    assert missed == []


def test_every_figure_of_a_real_reports_prose_tied_to_another_is_caught(real):
    missed = uncaught_claims(real)
    print(f"\n{real.template}: not caught (stated once): {missed}")
    assert [m for m in missed if not m.split()[-1].startswith(UNTIED)] == []


@settings(max_examples=15, **SETTINGS)
@given(st.randoms(use_true_random=False), st.sampled_from(sorted(CONTEXTS)))
def test_a_derived_report_has_no_error(rng: random.Random, template: str):
    report = derive(generate_budget(rng), CONTEXTS[template])
    findings = check(report)
    assert [f.line() for f in findings if f.severity == "error"] == []
    assert not [f for f in findings if "could not be applied" in f.message]


@settings(max_examples=3, **SETTINGS)
@given(st.randoms(use_true_random=False), st.sampled_from(sorted(CONTEXTS)))
def test_every_cell_and_tied_figure_of_a_derived_report_changed_is_caught(rng: random.Random, template: str):
    report = derive(generate_budget(rng), CONTEXTS[template])
    assert uncaught_cells(report) == []
    # prose.py states the change of 一般公共预算 alone where the Budget has no prior figure for the
    # other funds (and then none of 财政拨款 as a whole): nothing else restates it
    missed = [m for m in uncaught_claims(report) if not m.split()[-1].startswith(UNTIED)]
    assert [m for m in missed if m.split()[-1] != "fiscal.source.一般公共预算.change"] == []
