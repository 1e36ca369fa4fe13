from __future__ import annotations

import io

import docx
import pytest
from docx.oxml.ns import qn

from yusuan.render.docx import render_docx

from .expect import expected_rows, header_rows, normalize
from .fixtures import small_report
from .readback import docx_distinct_cells
from tests.contexts import rendering


@pytest.fixture(scope="module")
def report():
    return small_report()


@pytest.fixture(scope="module")
def document(report):
    return docx.Document(io.BytesIO(render_docx(rendering(report))))


def official_tables(document, report):
    # the official tables come first, in the template's order, then the performance tables
    return dict(zip((t.id for t in report.tables), document.tables))


def test_every_table_cell_in_its_column(report, document):
    tables = official_tables(document, report)
    assert len(document.tables) == len(report.tables) + len(report.performance)
    for table in report.tables:
        rows = tables[table.id].rows[header_rows(report, table.id):]
        got = [docx_distinct_cells(row) for row in rows]
        assert got == [[normalize(c) for c in row] for row in expected_rows(report, table.id)], table.id


def test_merged_header_and_repeated_header_rows(report, document):
    table = official_tables(document, report)["6"]
    first, second = table.rows[0], table.rows[1]
    spans = [tc.tcPr.find(qn("w:gridSpan")) for tc in first._tr.tc_lst]
    assert [int(s.get(qn("w:val"))) if s is not None else 1 for s in spans] == [1, 1, 3]  # 2024年预算数 spans three
    vmerge = [tc.tcPr.find(qn("w:vMerge")) for tc in second._tr.tc_lst]
    assert vmerge[0] is not None and vmerge[1] is not None  # the two name headers span both rows
    assert [c.text for c in second.cells[2:]] == ["合计", "人员经费", "公用经费"]
    for row in (first, second):
        assert row._tr.trPr.find(qn("w:tblHeader")) is not None
    assert table.rows[2]._tr.trPr is None or table.rows[2]._tr.trPr.find(qn("w:tblHeader")) is None


def test_chinese_in_the_east_asian_font_slot(document):
    for name in ("Normal", "Heading 1", "Heading 2"):
        fonts = document.styles[name].element.rPr.find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsia")) in ("宋体", "黑体"), name
        assert fonts.get(qn("w:eastAsiaTheme")) is None


def test_parts_in_order_numbers_right_aligned(report, document):
    text = "\n".join(p.text for p in document.paragraphs)
    order = ["第一部分 概况", "预算公开表1", "预算公开表13", "第三部分", "十、第十节说明", "项目支出绩效目标表",
             "十一、第十一节说明", "第四部分 名词解释", "一、基本支出："]
    assert [text.index(s) for s in order] == sorted(text.index(s) for s in order)
    cell = official_tables(document, report)["3"].rows[2].cells[2]
    assert cell.text == "6640.71" and cell.paragraphs[0].alignment == 2  # RIGHT
    caption = next(p for p in document.paragraphs if p.text == "预算公开表2")
    assert caption.paragraph_format.page_break_before


def test_performance_table(document, report):
    perf = document.tables[len(report.tables)]
    texts = [[normalize(c.text) for c in row.cells] for row in perf.rows]
    funding = next(row for row in texts if row[0] == "项目资金（元）" and row[1] == "实施期资金总额：")
    assert funding[3] == "2,970,000" and funding[6] == "445,349.1"
    assert ["绩效指标", "一级指标", "二级指标", "三级指标", "指标值", "二级指标", "三级指标", "指标值"] in texts
