"""A published report's workbook (our XLSX rendering: a sheet per table) reads back into its tables."""
from __future__ import annotations

import functools

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yusuan.derive import derive
from yusuan.errors import InputError
from yusuan.read import published
from yusuan.render.xlsx import render_xlsx

from .conftest import EXAMPLE_BUDGET, assert_read_or_one_error, cells
from .strategies import budgets
from .test_roundtrip import assert_same_tables
from tests.contexts import SHANXI, DETECT, rendering

PROSE_MISSING = ["第一部分 概况 is missing", "第三部分 2024年度单位预算情况说明 is missing", "第四部分 名词解释 is missing"]


@pytest.fixture(scope="module")
def example():
    from yusuan.inputs import read_budget

    budget = read_budget(EXAMPLE_BUDGET)
    return budget, derive(budget, SHANXI)


def test_our_workbook_reads_back_every_table_cell_and_performance_field(example, tmp_path):
    budget, derived = example
    path = tmp_path / "report.xlsx"
    path.write_bytes(render_xlsx(rendering(derived, budget)))
    result = published(path, DETECT)
    # A workbook holds the tables, not the prose: the read is partial and says so.
    assert [str(p) for p in result.problems] == PROSE_MISSING
    assert result.exit_code == 1
    compared = assert_same_tables(result.report, derived)
    print(f"\nworkbook of the example: {compared} table cells and {len(derived.performance)} performance tables equal")


def test_an_edited_cell_is_read_as_shown_and_check_finds_what_no_longer_adds_up(example, tmp_path):
    """A reviewer's edit in Excel is what is read (to the cent), and `check` sees the row no longer adds up."""
    from yusuan.check import check

    budget, derived = example
    path = tmp_path / "report.xlsx"
    path.write_bytes(render_xlsx(rendering(derived, budget)))
    book = openpyxl.load_workbook(path)
    sheet = book["表5"]
    row = next(r for r in sheet.iter_rows() if r[0].value == "2080505")
    row[3].value = 262.3  # basic expenditure of one 项, without touching its 类/款 or 合计
    book.save(path)
    result = published(path, DETECT)
    got = {r[0]: r for r in cells(result.report, "5")}
    assert "262.30" in got["2080505"]
    errors = [(f.rule, f.location.row, f.location.column) for f in check(result.report) if f.severity == "error"]
    assert ("T5.columns", "2080505", "total") in errors  # 合计 262.28 ≠ 基本支出 262.30 + 项目支出
    assert ("X.T3-T5", "2080505", "basic") in errors


def test_a_workbook_without_ruling_is_read_from_where_its_grid_starts(example, tmp_path):
    """An export that draws no borders: each table starts at its first row of three or more cells."""
    from openpyxl.styles import Border

    budget, derived = example
    path = tmp_path / "report.xlsx"
    path.write_bytes(render_xlsx(rendering(derived, budget)))
    book = openpyxl.load_workbook(path)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if type(cell).__name__ != "MergedCell":
                    cell.border = Border()
    book.save(path)
    result = published(path, DETECT)
    assert [str(p) for p in result.problems] == PROSE_MISSING
    assert assert_same_tables(result.report, derived) == 1232


def test_a_workbook_without_tables_is_one_clear_error(tmp_path):
    path = tmp_path / "notes.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["说明", "本表无内容"])
    book.save(path)
    with pytest.raises(InputError, match="no sheet starts with a table"):
        published(path, DETECT)


def test_a_damaged_workbook_is_one_input_error(tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 not a zip")
    with pytest.raises(InputError, match="not a readable workbook"):
        published(path, DETECT)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(budget=budgets())
def test_workbook_round_trip(budget, tmp_path):
    derived = derive(budget, SHANXI)
    path = tmp_path / "generated.xlsx"
    path.write_bytes(render_xlsx(rendering(derived, budget)))
    result = published(path, DETECT)
    assert [str(p) for p in result.problems] == PROSE_MISSING
    assert assert_same_tables(result.report, derived) > 0


@functools.cache
def _example_workbook() -> bytes:
    from yusuan.inputs import read_budget

    budget = read_budget(EXAMPLE_BUDGET)
    return render_xlsx(rendering(derive(budget, SHANXI), budget))


printable = st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=8)  # what a cell can hold


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(edits=st.lists(st.tuples(st.sampled_from(["表1", "表3", "表6", "表12", "绩效目标表"]), st.integers(1, 40), st.integers(1, 8),
                                st.one_of(st.none(), printable, st.integers(-10**9, 10**9),
                                          st.floats(allow_nan=False, allow_infinity=False))),
                      min_size=1, max_size=25))
def test_a_mangled_workbook_reads_in_part_or_fails_cleanly(tmp_path, edited_workbook, edits):
    """Cells overwritten at random (text in amounts, numbers in names, blanks): a Report with
    problems, or one InputError — never a crash."""
    assert_read_or_one_error(edited_workbook(tmp_path / "mangled.xlsx", _example_workbook(), edits))
