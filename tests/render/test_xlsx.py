from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest

from yusuan.budget import Budget
from yusuan.render.xlsx import render_xlsx

from .expect import expected_rows, header_rows, normalize
from .fixtures import small_report
from tests.contexts import SHANXI, rendering


@pytest.fixture(scope="module")
def report():
    return small_report()


@pytest.fixture(scope="module")
def book(report):
    return openpyxl.load_workbook(io.BytesIO(render_xlsx(rendering(report))))


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (int, float)):
        return f"{value:.2f}"
    return normalize(str(value))


def test_a_sheet_per_table_and_one_for_performance(book):
    assert book.sheetnames == [f"表{i}" for i in range(1, 14)] + ["绩效目标表"]


def test_every_table_cell_in_its_column(report, book):
    for table in report.tables:
        ws = book[f"表{table.id}"]
        first = 4 + header_rows(report, table.id)  # caption, title, unit rows, then the header
        rows = list(ws.iter_rows(min_row=first, max_row=first + len(table.rows) - 1, values_only=True))
        got = [[cell_text(v) for v in row] for row in rows]
        assert got == [[normalize(c) for c in row] for row in expected_rows(report, table.id)], table.id
        for row in ws.iter_rows(min_row=first, max_row=first + len(table.rows) - 1):
            for cell in row:
                if isinstance(cell.value, float):
                    assert cell.number_format == "0.00"


def test_caption_title_unit_merged_header_frozen(book):
    ws = book["表6"]
    assert ws["A1"].value == "预算公开表6"
    assert ws["A2"].value == "2024年一般公共预算安排基本支出分经济科目表（不含上年结转）"
    assert ws["A3"].value == "单位名称：长治市公安局屯留分局" and ws["E3"].value == "单位：万元"
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A4:A5", "B4:B5", "C4:E4"} <= merged
    assert [ws.cell(5, c).value for c in (3, 4, 5)] == ["合计", "人员经费", "公用经费"]
    assert ws.freeze_panes == "A6"
    # the widest Chinese name fits its column (two width units per character)
    assert ws.column_dimensions["A"].width >= 2 * len("机关事业单位基本养老保险缴费支出")


def test_empty_table_note_and_numbered_header(book):
    ws = book["表7"]
    values = [c.value for row in ws.iter_rows() for c in row]
    assert "注：本表无数据" in values
    ws12 = book["表12"]
    assert [ws12.cell(6, c).value for c in range(1, 8)] == [str(i) for i in range(1, 8)]


def test_performance_sheet(book):
    ws = book["绩效目标表"]
    values = {c.coordinate: c.value for row in ws.iter_rows() for c in row if c.value is not None}
    texts = set(values.values())
    assert "渔泽、上村、高头寺派出所基础设施升级改造费" in texts and "≥96%" in texts
    funding = [c for row in ws.iter_rows() for c in row if c.value == 2970000]
    assert funding and funding[0].number_format == "#,##0"
    decimal_cell = [c for row in ws.iter_rows() for c in row if c.value == 445349.1]
    assert decimal_cell and decimal_cell[0].number_format == "#,##0.0#"


def test_line_items_sheet_when_a_budget_is_given(report):
    budget = Budget.model_validate({
        "year": 2024,
        "unit": {"name": "长治市公安局屯留分局"},
        "lines": [
            {"func": "2040201", "econ": "30101", "amount": "7647600.13", "kind": "人员经费"},
            {"func": "2040202", "econ": "30201", "amount": "1000", "project": "p1", "carryover": True},
        ],
        "projects": [{"id": "p1", "name": "禁毒社工服务费"}],
        "prior_year": {"total": "1", "general_budget_current": "1"},
        "assets": {"as_of": "2023年12月31日"},
    })
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(rendering(report, budget))))
    ws = book["预算明细"]
    header = [c.value for c in ws[1]]
    rows = [dict(zip(header, [c.value for c in row])) for row in ws.iter_rows(min_row=2)]
    assert len(rows) == 2
    assert rows[0]["功能分类项"] == "2040201" and rows[0]["功能分类项名称"] == "行政运行"
    assert rows[0]["功能分类类名称"] == "公共安全支出" and rows[0]["部门经济分类款名称"] == "基本工资"
    assert Decimal(str(rows[0]["金额（元）"])) == Decimal("7647600.13")
    assert rows[1]["项目名称"] == "禁毒社工服务费" and rows[1]["本年/上年结转"] == "上年结转"


def test_income_items_sheet_when_the_budget_has_them():
    from pathlib import Path

    from yusuan.derive import derive
    from yusuan.inputs import read_budget

    budget = read_budget(Path(__file__).parents[1] / "data" / "fund-budget.yaml")
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(rendering(derive(budget, SHANXI), budget))))
    rows = [[c.value for c in row] for row in book["收入科目明细"].iter_rows()]
    assert rows == [["收入科目编码", "科目名称", "资金来源", "金额（元）"],
                    ["103014801", "土地出让价款收入", "政府性基金预算", 3000000],
                    ["1030147", "国有土地收益基金收入", "政府性基金预算", 700000],
                    ["1030601", "利润收入", "国有资本经营预算", 80000]]
    assert "收入科目明细" not in openpyxl.load_workbook(io.BytesIO(render_xlsx(rendering(small_report())))).sheetnames
