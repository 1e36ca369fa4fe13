from __future__ import annotations

import re

import pytest

from yusuan.render.html import render_html
from yusuan.templates import load

from .expect import TableParser, expand, expected_rows, header_rows, normalize
from .fixtures import small_report
from tests.contexts import rendering


@pytest.fixture(scope="module")
def report():
    return small_report()


@pytest.fixture(scope="module")
def page(report):
    return render_html(rendering(report)).decode("utf-8")


@pytest.fixture(scope="module")
def parsed(page):
    parser = TableParser()
    parser.feed(page)
    return {table_id: expand(rows) for table_id, rows in parser.tables.items()}


def test_every_table_cell_in_its_column(report, parsed):
    for table in report.tables:
        grid = parsed[table.id]
        body = [[normalize(c) for c in row] for row in grid[header_rows(report, table.id):]]
        assert body == [[normalize(c) for c in row] for row in expected_rows(report, table.id)], table.id


def test_headers_are_the_templates_merged_tree(report, parsed):
    spec = load("shanxi-2024", 2024).table("6")
    grid = parsed["6"]
    # 部门预算支出经济科目名称 spans both header rows; 2024年预算数 spans the three amount columns.
    assert grid[0][0] == "部门预算支出经济科目名称" and grid[1][0] is None
    assert grid[0][2] == "2024年预算数" and grid[0][3] is None and grid[0][4] is None
    assert grid[1][2:] == ["合计", "人员经费", "公用经费"]
    assert len(grid[0]) == len(spec.columns)
    # 预算公开表12 has the row of column numbers under its header.
    assert parsed["12"][2] == [str(i) for i in range(1, 8)]


def test_total_row_spans_the_empty_label_columns(parsed, page):
    assert parsed["2"][2][:3] == ["合计", None, "6640.71"]  # 合计 across 科目编码 and 科目名称
    assert '<td colspan="2">合计</td>' in page


def test_hierarchy_indents_the_name_column(page):
    # 类 at the margin, 款 one step in, 项 two (预算公开表3 of the fixture); codes never indented
    section = page[page.index('data-table="3"'):page.index('data-table="4"')]
    assert '<td style="padding-left:1.50em">公安</td>' in section
    assert '<td style="padding-left:2.70em">行政运行</td>' in section
    assert "<td>204</td>" in section and "<td>公共安全支出</td>" in section


def test_parts_in_order_and_the_notes(page):
    positions = [page.index(t) for t in ("第一部分 概况", "第二部分 2024年单位预算报表", "预算公开表1", "预算公开表13",
                                          "第三部分 2024年度单位预算情况说明", "十、第十节说明", "项目支出绩效目标表",
                                          "十一、第十一节说明", "第四部分 名词解释", "基本支出：")]
    assert positions == sorted(positions)
    assert "注：本表无数据" in page
    assert "单位名称：长治市公安局屯留分局" in page and "单位：万元" in page


def test_self_contained_with_print_css(page):
    assert not re.search(r"<link|<script|src=", page)
    assert "@page" in page and "A4" in page


def test_performance_grid_merges_and_values(parsed):
    grid = parsed["perf-1"]
    flat = [[normalize(c) if c is not None else None for c in row] for row in grid]
    funding = next(i for i, row in enumerate(flat) if row[0] == "项目资金（元）")
    assert flat[funding][3] == "2,970,000" and flat[funding][6] == "445,349.1"
    assert all(flat[funding + k][0] is None for k in range(1, 6))  # the label spans the funding block
    indicators = next(i for i, row in enumerate(flat) if row[0] == "绩效指标")
    assert flat[indicators][1:] == ["一级指标", "二级指标", "三级指标", "指标值", "二级指标", "三级指标", "指标值"]
    assert flat[indicators + 1][1] == "产出指标" and flat[indicators + 2][1] is None  # merged 一级
    assert flat[indicators + 4][7] == "≥96%"


def test_text_is_escaped(report):
    hostile = report.model_copy(deep=True)
    hostile.profile.structure = "<script>alert(1)</script>"
    page = render_html(rendering(hostile)).decode()
    assert "<script>" not in page and "&lt;script&gt;" in page
