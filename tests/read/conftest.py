"""Shared helpers for the published-report reader's tests."""
from __future__ import annotations

from pathlib import Path

import pytest

from yusuan.money import fmt_table
from yusuan.report import Report
from yusuan.templates import load
from tests.contexts import DETECT

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "tests" / "data" / "tunliu-police-2024.txt"
EXPECTED_TABLES = ROOT / "tests" / "data" / "tunliu-expected-tables.yaml"
EXPECTED_PROSE = ROOT / "tests" / "data" / "tunliu-expected-prose.yaml"
EXAMPLE_BUDGET = ROOT / "examples" / "tunliu-police-2024" / "budget.yaml"


def assert_read_or_one_error(path: Path) -> None:
    """A bad input ends as a Report (whole or with problems) or one InputError naming the file."""
    from yusuan.errors import InputError
    from yusuan.read import published

    try:
        result = published(path, DETECT)
    except InputError as exc:
        assert str(path) in str(exc)
        return
    assert result.report is not None or result.problems


def cells(report: Report, table_id: str) -> list[list[str]]:
    """A table's rows as printed strings, in the template's column order ("" for empty)."""
    table = report.table(table_id)
    spec = load(report.template, report.year).table(table_id)
    return [[fmt_table(row.value(c.key)) if c.is_amount else row.label(c.key) for c in spec.columns] for row in table.rows]


@pytest.fixture(scope="session")
def seed_result():
    from yusuan.read import published

    return published(SEED, DETECT)
