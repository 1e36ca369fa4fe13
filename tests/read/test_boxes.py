"""Boxes on the page: every amount cell a PDF's rows were read from, and the boxes of findings
(yusuan/read/boxes.py), checked against the characters PDFium places on the page."""
from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from yusuan.check import check
from yusuan.read import published
from yusuan.read.boxes import finding_boxes, rendered_with_places
from yusuan.read.pdfium import pages
from yusuan.report import Report

from .conftest import EXAMPLE_BUDGET, ROOT
from .test_roundtrip import assert_same
from tests.contexts import DETECT, SHANXI

SHANGHAI = ROOT / "tests" / "data" / "shanghai"
SIFAJU = SHANGHAI / "putuo-sifaju-2026-danwei-yusuan.pdf"


def _inside(box, word) -> bool:
    x0, top, x1, bottom = box
    cx, cy = (word.x0 + word.x1) / 2, (word.top + word.bottom) / 2
    return x0 <= cx <= x1 and top <= cy <= bottom


def _printed(words, box) -> str:
    return "".join(w.text for w in sorted((w for w in words if _inside(box, w)), key=lambda w: (round(w.top), w.x0)))


def _amount(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def assert_cells_print_their_values(report: Report, path: Path) -> int:
    """Every row's cell box holds, on the page, exactly the characters of the value read into it."""
    words = {page.number: page.words() for page in pages(path)}
    checked = 0
    for table in report.tables:
        for row in table.rows:
            place = row.place
            values = {k: v for k, v in row.values.items() if v is not None}
            if not values:
                continue
            assert place is not None and place.cells, (table.id, row)
            assert set(place.cells) == set(values), (table.id, row.labels, place.cells.keys(), values.keys())
            for key, box in place.cells.items():
                assert _amount(_printed(words[place.page], box)) == values[key], (table.id, row.labels, key)
                x0, top, x1, bottom = place.box
                assert x0 <= box[0] and box[2] <= x1 and top <= box[1] and box[3] <= bottom
                checked += 1
    return checked


@pytest.fixture(scope="module")
def broken_seed():
    """The seed derived, one amount of 表2 typed wrong (2040201 一般公共预算 +1.00), rendered by our
    PDF renderer and read back: what a budget draft's review page shows."""
    from yusuan.derive import derive
    from yusuan.inputs import read_budget
    from yusuan.render import renderers

    if "pdf" not in renderers():
        pytest.skip("no PDF renderer installed")
    report = derive(read_budget(EXAMPLE_BUDGET), SHANXI)
    report.table("2").row("2040201").values["general"] += Decimal("1.00")
    findings = check(report)
    rendered = rendered_with_places(report, SHANXI.template(report.year), SHANXI.catalog)
    return report, findings, rendered


def test_a_derived_reports_finding_is_boxed_on_our_pdf_around_the_amount(broken_seed, tmp_path):
    report, findings, rendered = broken_seed
    # read back equal (the same rows, now with their boxes), named as a file so check() gives pages
    assert assert_same(rendered.report, report) > 1000 and rendered.report.source == "report.pdf"
    boxes = finding_boxes(rendered.report, findings)
    wrong = next(i for i, f in enumerate(findings) if f.rule == "X.T2=T5")
    path = tmp_path / "draft.pdf"
    path.write_bytes(rendered.pdf)
    words = {page.number: page.words() for page in pages(path)}
    mine = [(page, b) for page, found in boxes.items() for b in found if b.index == wrong]
    assert {(page, b.label) for page, b in mine} == {(3, "T2[2040201].general"), (6, "T5[2040201].total")}
    printed = {b.label: _printed(words[page], b.box) for page, b in mine}
    assert printed == {"T2[2040201].general": "2258.13", "T5[2040201].total": "2257.13"}
    # the performance-target findings (the seed's own P.cost errors) at the indicator's line
    cost = [b for found in boxes.values() for b in found if b.rule == "P.cost" and findings[b.index].severity == "error"]
    assert len(cost) == 2 and all(b.kind == "quote" for b in cost)
    line = _printed(words[17], cost[0].box)
    assert "工程总投资概算" in line and "649.86万元" in line


def test_every_cell_of_our_pdf_has_the_box_of_its_characters(broken_seed, tmp_path):
    _, _, rendered = broken_seed
    path = tmp_path / "draft.pdf"
    path.write_bytes(rendered.pdf)
    assert assert_cells_print_their_values(rendered.report, path) == 293  # every amount the 13 tables print


@pytest.mark.parametrize("name", sorted(p.name for p in SHANGHAI.glob("putuo-*.pdf")))
def test_every_cell_of_a_shanghai_pdf_has_the_box_of_its_characters(name):
    path = SHANGHAI / name
    result = published(path, DETECT)
    assert assert_cells_print_their_values(result.report, path) > 100


def test_the_findings_of_a_real_report_are_boxed_where_they_are_printed():
    result = published(SIFAJU, DETECT)
    findings = [f for f in check(result.report) if f.severity != "rounding"]
    boxes = finding_boxes(result.report, findings)
    boxed = {b.index for found in boxes.values() for b in found}
    assert boxed == set(range(len(findings)))  # every error and warning somewhere on a page
    words = {page.number: page.words() for page in pages(SIFAJU)}
    at = {(findings[b.index].rule, b.label): (page, _printed(words[page], b.box)) for page, found in boxes.items()
          for b in found}
    # 行政运行's stray 项目支出 on 支出预算总表 (p.11) and the 合计 row's 基本支出 without cents (p.12)
    assert at[("T3.columns", "T3[2040601].project")] == (11, "64,840,547.00")
    assert at[("T3.columns", "T3[合计].basic")] == (12, "22,118,861")
    # a sentence of 编制说明 (p.6): the printed lines of the quoted words
    page, text = at[("S.growth", "“比2025年预算执行数减少1.10%”")]
    assert page == 6 and "比2025年预算执行数减少1.10%" in text


def test_boxes_survive_report_json_and_a_report_without_them_writes_none(broken_seed):
    report, findings, rendered = broken_seed
    again = Report.from_json(rendered.report.to_json())
    assert finding_boxes(again, findings) == finding_boxes(rendered.report, findings)
    assert '"box"' not in report.to_json() and '"cells"' not in report.to_json()
    assert finding_boxes(report, findings) == {}  # derived: nothing is drawn anywhere
    stored = [json.loads(json.dumps(f.to_dict(), default=str)) for f in findings]  # as the portal keeps them
    for f in stored:
        f.pop("cells")  # a stored finding without its cells is boxed at the cell its location names
    by_dict = finding_boxes(rendered.report, stored)
    assert {(p, b.label) for p, bs in by_dict.items() for b in bs if b.kind == "cell"} \
        == {(p, b.label) for p, bs in finding_boxes(rendered.report, findings).items() for b in bs if b.kind == "cell"}


def test_a_grouped_finding_is_boxed_with_the_cells_of_its_consequences(broken_seed):
    from yusuan.check import grouped

    report, findings, rendered = broken_seed
    head = next(f for f in grouped(findings) if f.consequences)
    assert head.suspect == "T2[2040201].general"
    labels = {b.label for bs in finding_boxes(rendered.report, [head]).values() for b in bs}
    each = {b.label for bs in finding_boxes(rendered.report, [head, *head.consequences]).values() for b in bs}
    assert labels == each and {"T2[2040201].general", "T5[2040201].total", "T2[20402].general"} <= labels
