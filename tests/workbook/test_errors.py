"""A workbook with one error of each kind names sheet!cell and the rule; all errors come at once."""
from __future__ import annotations

import subprocess
import sys

import pytest
from openpyxl import load_workbook

from yusuan.errors import InputErrors
from yusuan.workbook.read import read_workbook

from .helpers import ROOT, fund_budget, small_budget, workbook_file

# small-budget.yaml as a workbook: lines on 支出明细 rows 3–7 (A func, B econ, … I amount),
# its project P1 on 项目 row 3 (D 需填报绩效目标), P1's block at 绩效目标 row 3.
# fund-budget.yaml as a workbook: its income_items on 收入科目 rows 3–5 (A code, B amount):
# 103014801 3000000, 1030147 700000 (政府性基金预算), 1030601 80000 (国有资本经营预算).


def broken(tmp_path, *edits, budget=None):
    path = workbook_file(tmp_path, budget or small_budget())
    wb = load_workbook(path)
    for edit in edits:
        edit(wb)
    wb.save(path)
    return path


def errors_of(path) -> list[str]:
    with pytest.raises(InputErrors) as info:
        read_workbook(path)
    return [f"{e.place}: {e.message}" for e in info.value.errors]


def unknown_code(wb):
    wb["支出明细"]["B4"] = "30299x"


def text_in_amount(wb):
    wb["支出明细"]["I3"] = "一百万"


def no_targets(wb):
    wb["绩效目标"].delete_rows(3, 60)


def unbalanced(wb):
    wb["收入"]["B3"] = 1


def deleted_column(wb):
    wb["支出明细"].delete_cols(9)


def renamed_sheet(wb):
    wb["上年数"].title = "上年数（2023）"


CASES = {
    "unknown code": (unknown_code, "支出明细!B4: unknown economic code 30299x"),
    "text in an amount": (text_in_amount, "支出明细!I3: 金额（元）: '一百万' is not an amount (text in an amount cell; write a number in 元)"),
    "project without targets": (no_targets, "项目!D3: project P1 needs performance targets (需填报绩效目标 = 是) but sheet 绩效目标 has no block with 项目编号 P1"),
    "totals that don't balance": (unbalanced, "收入!B3: 一般公共预算 income 1 元 does not add up: its current-year lines sum to 1325000 元"),
    "deleted required column": (deleted_column, "支出明细!2:2: required column 金额（元） is missing from the header row"),
    "renamed sheet": (renamed_sheet, "上年数: sheet 「上年数」 is missing: sheets must keep the template's names; the workbook has sheet(s) 上年数（2023） the template does not — renamed?"),
}


@pytest.mark.parametrize("kind", CASES)
def test_one_error_of_each_kind(tmp_path, kind):
    edit, expected = CASES[kind]
    errors = errors_of(broken(tmp_path, edit))
    assert len(errors) == 1, errors
    assert errors[0].startswith(expected), errors


def test_all_errors_of_a_workbook_at_once(tmp_path):
    path = broken(tmp_path, unknown_code, text_in_amount, no_targets, renamed_sheet)
    errors = errors_of(path)
    for edit in (unknown_code, text_in_amount, no_targets, renamed_sheet):
        assert any(e.startswith(CASES[next(k for k, v in CASES.items() if v[0] is edit)][1]) for e in errors), errors
    assert len(errors) == 4, errors


def test_code_error_and_unbalanced_income_together(tmp_path):
    # the model is valid apart from the code, so the balance is checked too
    errors = errors_of(broken(tmp_path, unknown_code, unbalanced))
    assert [e.split(":")[0] for e in errors] == ["支出明细!B4", "收入!B3"]


def test_targets_only_where_required(tmp_path):
    # 需填报绩效目标 = 否 and no block: fine, the project simply has no performance targets
    path = broken(tmp_path, no_targets, lambda wb: wb["项目"].__setitem__("D3", "否"))
    assert read_workbook(path).project("P1").performance is None
    # 否 with a block: the block would be silently ignored, so it is an error
    errors = errors_of(broken(tmp_path, lambda wb: wb["项目"].__setitem__("D3", "否")))
    assert errors == ["绩效目标!B3: project P1 has a performance block but 项目!D3 says 需填报绩效目标 = 否"]


def test_more_cell_rules(tmp_path):
    path = broken(
        tmp_path,
        lambda wb: wb["支出明细"].__setitem__("I4", -5),
        lambda wb: wb["支出明细"].__setitem__("I5", 0.125),
        lambda wb: wb["支出明细"].__setitem__("F6", "也许"),
        lambda wb: wb["支出明细"].__setitem__("A7", "2049988 x"),
        lambda wb: wb["支出明细"].__setitem__("E3", "P9"),
        lambda wb: wb["单位信息"].__setitem__("B4", None),
    )
    errors = errors_of(path)
    assert "支出明细!I4: 金额（元）: amount -5 is negative" in errors
    assert any(e.startswith("支出明细!I5: 金额（元）: amount 0.125 has more than two decimals") for e in errors)
    assert "支出明细!F6: 是否上年结转: '也许': expected 是 or 否" in errors
    assert any(e.startswith("支出明细!A7: unknown functional code 2049988") for e in errors)
    assert any(e.startswith("支出明细!D3: a line is either basic expenditure") for e in errors), errors
    assert "单位信息!B4: 单位名称: a value is required" in errors


@pytest.mark.parametrize("typed,said", [("¹", "'¹'"), ("9" * 5000, "'9999999999999999999…(5002 characters)")],
                         ids=["superscript", "5000-digits"])
def test_a_count_of_other_digits_or_of_thousands_of_them_is_not_a_whole_number(tmp_path, typed, said):
    """"¹" is a digit to str.isdigit but not to int(), and int() refuses over 4,300 digits: each was
    a ValueError out of the reader (exit 3; found by YUSUAN_FUZZ=deep)."""
    errors = errors_of(broken(tmp_path, lambda wb: wb["单位信息"].__setitem__("B11", typed)))
    assert f"单位信息!B11: 内设机构数: {said} is not a whole number" in errors, errors


def test_unknown_income_code(tmp_path):
    errors = errors_of(broken(tmp_path, lambda wb: wb["收入科目"].__setitem__("A4", "1030198 某收入"), budget=fund_budget()))
    assert errors == ["收入科目!A4: unknown income code 1030198 (not in catalog income-2024.csv)"]


INCOME_ITEM_CASES = {
    "a typed code outside 10301/10306": (
        ("A5", 1010101), ["收入科目!A5: unknown income code 1010101",
                          "收入科目!A5: income code 1010101 is not under 10301 政府性基金收入 or 10306 国有资本经营收入"]),
    "a 项 with one of its 目": (("A4", "1030148 国有土地使用权出让收入"), ["收入科目!A4: income code 1030148 is counted twice"]),
    "a 款": (("A4", "10301"), ["收入科目!A4: income code 10301 is a 款; give its 项 (7 digits) or 目 (9 digits)"]),
    "items that don't add up": (
        ("B3", 1), ["收入科目!B3: 政府性基金预算 income by 收入科目 sums to 700001 元 but its current-year lines sum to 3700000 元"]),
    "an amount that is text": (("B4", "七十万"), ["收入科目!B4: 金额（元）: '七十万' is not an amount"]),
    "a code without its amount": (("B5", None), ["收入科目!B5: 金额（元）: a value is required"]),
    "an amount without its code": (("A5", None), ["收入科目!A5: 收入科目编码: a value is required"]),
}


@pytest.mark.parametrize("kind", INCOME_ITEM_CASES)
def test_income_item_errors_name_their_cell(tmp_path, kind):
    (ref, value), expected = INCOME_ITEM_CASES[kind]
    errors = errors_of(broken(tmp_path, lambda wb: wb["收入科目"].__setitem__(ref, value), budget=fund_budget()))
    assert len(errors) == len(expected), errors
    for error, start in zip(sorted(errors), sorted(expected)):
        assert error.startswith(start), errors


def test_income_items_sheet_without_its_code_column(tmp_path):
    errors = errors_of(broken(tmp_path, lambda wb: wb["收入科目"].delete_cols(1), budget=fund_budget()))
    assert len(errors) == 1 and errors[0].startswith("收入科目!2:2: required column 收入科目编码 is missing from the header row"), errors


def test_a_table_sheet_cleared_down_to_its_title_says_its_header_is_missing(tmp_path):
    """(was: an IndexError, exit 3 — the header row's width was taken before its row was known to exist)"""
    errors = errors_of(broken(tmp_path, lambda wb: wb["收入"].delete_rows(2, 1000)))
    assert errors[0].startswith("收入!2:2: required column 资金来源、本年收入（元） is missing from the header row"), errors


def test_renamed_income_items_sheet_is_not_dropped_silently(tmp_path):
    # the sheet is optional (older workbooks lack it), so a renamed one must not simply read as no income_items
    def rename(wb):
        wb["收入科目"].title = "收入科目（2024）"

    errors = errors_of(broken(tmp_path, rename, budget=fund_budget()))
    assert errors == ["收入科目（2024）: sheet 「收入科目（2024）」 has the header of sheet 「收入科目」 but not its name: "
                      "rename it 「收入科目」, or its rows are not read"]


def test_build_writes_nothing_and_prints_every_error(tmp_path):
    path = broken(tmp_path, unknown_code, text_in_amount)
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, "-m", "yusuan.cli", "build", str(path), "-o", str(out)],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert lines == [f"error: {path}:支出明细!I3: 金额（元）: '一百万' is not an amount (text in an amount cell; write a number in 元)",
                     f"error: {path}:支出明细!B4: unknown economic code 30299x (not in catalog dept-economic.csv)"]
    assert not out.exists()
