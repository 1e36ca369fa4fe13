"""A Shanghai table row (read by title, yusuan/read/titled.py) that a page break cuts inside its
wrapped name reads back as one row.

Our PDF lets typst break a row whose cell wraps onto many lines: the row's codes and amounts
stay on the first page (drawn in the middle of the part there), the rest of the name opens the
next page under the header printed again, as a grid row with every other cell empty. titled.py
read that rest as a row of its own (a name without code or amounts: 21 rows for 20, the long
name cut short, and no problem said). It now joins it to the row it continues, as the Shanxi
reader does (published_tables.join_cut_row).
"""
from __future__ import annotations

import pytest

from tests.contexts import DETECT

from .test_shanghai_page_breaks import TEMPLATES

# 24 characters; forty of them make a name of some 55 lines in the 科目名称 column, more than
# the room left on the page where the row starts, less than a page.
LONG = "（专项资金）用于本单位的长期项目经费支出科目名称"


def _with_long_name(report, table_id: str, times: int):
    """``report`` with the name of the last 项 row of one table made long (a name the catalog
    does not have: the reader does not check names against codes)."""
    table = report.table(table_id)
    last = max(i for i, r in enumerate(table.rows) if r.level == 3)
    rows = [r.model_copy(update={"labels": {**r.labels, "name": r.labels["name"] + LONG * times}}) if i == last else r
            for i, r in enumerate(table.rows)]
    tables = [t.model_copy(update={"rows": rows}) if t.id == table_id else t for t in report.tables]
    return report.model_copy(update={"tables": tables})


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """template -> (the report built, the result of reading its PDF back, the PDF)."""
    from .test_shanghai_page_breaks import built_in_layouts

    return built_in_layouts(tmp_path_factory.mktemp("shanghai-cut"), 3, 11, whole_run=False,
                            change=lambda report: _with_long_name(report, "3", 40))


@pytest.mark.parametrize("template", TEMPLATES)
def test_a_row_cut_inside_its_long_name_reads_back_as_one_row(built, template):
    from yusuan.read.pdf import pdf_lines
    from yusuan.read.published_amounts import is_amount

    report, result, path = built[template]
    name = next(r.labels["name"] for r in report.table("3").rows if LONG in r.labels.get("name", ""))
    # The case is what it claims: the name's start and the row's amounts on one page, the rest
    # of the name alone on the next (after the header printed again), no amount beside it.
    lines = pdf_lines(path)
    start = next(l for l in lines if name[:40] in l.text)
    rest = next(l for l in lines if l.page == start.page + 1 and LONG[:8] in l.text)
    assert any(is_amount(f) for f in start.text.split(" ")), start.text[:80]
    fields = rest.text.split(" ")
    assert [bool(f) for f in fields] == [False, False, False, True, False, False, False], rest.text[:80]
    assert fields[3] in name and not name.startswith(fields[3])
    assert [str(p) for p in result.problems] == [] and result.template == template
    got = result.report
    assert [t.id for t in got.tables] == [t.id for t in report.tables]
    for want, read in zip(report.tables, got.tables):
        assert [(r.labels, r.values, r.code, r.level) for r in read.rows] == \
            [(r.labels, r.values, r.code, r.level) for r in want.rows], want.title
    row = next(r for r in got.table("3").rows if r.labels.get("name") == name)
    assert row.place.page == start.page  # placed where its amounts are printed


# --- the same join on lines given directly: which halves are one row, which are two ---------

HEADER = ["项目    支出预算  ", "功能分类科目编码   功能分类科目名称 合计 基本支出 项目支出", "类 款 项    "]


def _read(rows_p7: list[str], rows_p8: list[str], paged: bool = True):
    """表3 of shanghai-yusuan-danwei from PDF-like lines: title, unit line, header and
    ``rows_p7`` on page 7, the header again and ``rows_p8`` on page 8 (no pages: a text)."""
    from yusuan.read.published_lines import Line
    from yusuan.read.titled import locate, read_table
    from yusuan.templates import load

    spec = load("shanghai-yusuan-danwei", 2025).table("3")
    texts = [(t, 7) for t in [spec.title, "单位名称：测试部门 单位：元", *HEADER, *rows_p7]] + \
        [(t, 8) for t in [*HEADER, *rows_p8]]
    lines = [Line(t, n, p if paged else None) for n, (t, p) in enumerate(texts, 1)]
    (found,), _ = locate(lines, [spec])
    table, problems = read_table(found)
    return [(r.code, r.labels.get("name"), r.values["total"], r.place.page) for r in table.rows], problems


def test_the_amounts_on_the_second_half_of_a_cut_row():
    """A row whose codes and amounts are drawn on the page after its name's start (the middle of
    a tall cell past the break) is one row, placed on the page of its amounts."""
    from decimal import Decimal

    rows, problems = _read(["224   灾害防治及应急管理支出 10.00 10.00 ", "224 01  应急管理事务 10.00 10.00 ",
                            "   其他应急管理支出（专项   "],
                           ["224 01 99 资金）用于本单位 10.00 10.00 ", "   合计 10.00 10.00 "])
    assert problems == []
    assert rows[2] == ("2240199", "其他应急管理支出（专项资金）用于本单位", Decimal("10.00"), 8)
    assert len(rows) == 4


def test_a_row_of_its_own_on_the_next_page_is_not_joined():
    """A row on the next page without amounts but with its own code (or the total label) is a row,
    not the rest of the one before; a text without pages joins nothing (docs/reading.md)."""
    from decimal import Decimal

    before = ["224   灾害防治及应急管理支出 10.00 10.00 ", "224 01  应急管理事务 10.00 10.00 ",
              "224 01 01 行政运行 10.00 10.00 "]
    rows, problems = _read(before, ["224 01 02 一般行政管理事务   ", "   合计 10.00 10.00 "])
    assert problems == [] and [r[:2] for r in rows[2:]] == [("2240101", "行政运行"), ("2240102", "一般行政管理事务"),
                                                            (None, "合计")]
    rows, _ = _read(before, ["   合计   "])
    assert [r[1] for r in rows] == ["灾害防治及应急管理支出", "应急管理事务", "行政运行", "合计"]
    rows, _ = _read(before, ["   （续）   ", "   合计 10.00 10.00 "], paged=False)
    assert [r[1] for r in rows][2:] == ["行政运行", "（续）", "合计"] and rows[2][2] == Decimal("10.00")


# --- a header printed again one cell a line, in a text without page numbers ------------------

@pytest.mark.parametrize("template", TEMPLATES)
def test_a_header_printed_again_one_cell_a_line_in_a_text_without_pages_is_skipped(tmp_path, monkeypatch, template):
    """Every table of six rows or more broken in the middle and its header printed again with
    each cell alone on its line (项目 / 支出预算 / … / 类 / 款 / 项), in a text without pages
    or page numbers: every table reads the same. A line of one field that is a header cell of
    the table, exactly and without an amount, is the header: a row of a text prints all its
    cells (empty ones as empty fields), so one field alone is never a row; the name of the row
    before is not continued by it."""
    from yusuan.context import Context
    from yusuan.derive import derive
    from yusuan.read.published import read_lines
    from yusuan.read.titled import PAGE_NUMBER, squeeze

    from . import test_shanghai_page_breaks as breaks
    from .test_page_breaks import _department

    monkeypatch.setitem(breaks.SHANGHAI_HEADS, "cells", lambda title, unit, head: [c for l in head for c in l.split(" ") if c])
    context = Context.create(template)
    derived = derive(_department(tmp_path, 3, 11, whole_run=False), context)
    spec_of = breaks.derived_template(derived).table
    lines, count = breaks._text_with_breaks(derived, breaks.derived_template(derived), "cells", paged=False)
    lines = [l for l in lines if not PAGE_NUMBER.match(l.text)]
    # the case is what it claims: header cells alone on their lines, right under a row, no page anywhere
    cells = {squeeze(c.text) for t in derived.tables for c in spec_of(t.id).header_cells()}
    alone = [i for i, l in enumerate(lines) if " " not in l.text and squeeze(l.text) in cells]
    assert count >= 4 and len(alone) >= 4 * 8 and all(l.page is None for l in lines)
    assert any(" " in lines[i - 1].text and lines[i - 1].text.split(" ")[-1] for i in alone)
    result = read_lines(lines, "broken.txt", DETECT)
    assert [str(p) for p in result.problems] == []
    for want, got in zip(derived.tables, result.report.tables, strict=True):
        assert [(r.labels, r.values, r.code, r.level) for r in got.rows] == \
            [(r.labels, r.values, r.code, r.level) for r in want.rows], want.title
