"""The PDF read back: cells through pdfplumber's ruled-table extraction (the strokes typst
draws are the cell borders), text through pdftotext, fonts through pdffonts."""
from __future__ import annotations

import io
import re
import shutil
import subprocess

import pytest
from decimal import Decimal

from yusuan.render import pdf as pdf_module
from tests.contexts import rendering
from yusuan.report import Row

from .expect import expected_rows, normalize
from .fixtures import small_report
from .readback import pdf_tables

pdfplumber = pytest.importorskip("pdfplumber")

if not pdf_module.cjk_font_files():
    pytest.skip("no CJK font installed (Debian: apt-get install -y fonts-noto-cjk)", allow_module_level=True)


@pytest.fixture(scope="module")
def report():
    return small_report()


@pytest.fixture(scope="module")
def pdf_bytes(report):
    return pdf_module.render_pdf(rendering(report))


def test_every_table_cell_in_its_column(report, pdf_bytes):
    tables = pdf_tables(pdf_bytes, report)
    for table in report.tables:
        assert tables[table.id] == [[normalize(c) for c in row] for row in expected_rows(report, table.id)], table.id


def test_a_long_table_repeats_its_header_on_every_page(report):
    long = report.model_copy(deep=True)
    table = long.table("3")
    table.rows = [Row(labels={"code": f"{2040000 + i}", "name": f"第{i}个科目"},
                      values={"total": Decimal(i) + Decimal("0.25"), "basic": Decimal(i)}, level=3) for i in range(120)]
    data = pdf_module.render_pdf(rendering(long))
    with pdfplumber.open(io.BytesIO(data)) as document:
        pages = [p for p in document.pages if "第0个科目" in (p.extract_text() or "") or "第119个科目" in (p.extract_text() or "")]
        first = document.pages.index(pages[0])
        spread = document.pages[first:document.pages.index(pages[-1]) + 1]
        assert len(spread) >= 2
        for page in spread:
            rows = page.extract_tables()[0]
            assert normalize(rows[1][0]) == "科目编码" and normalize(rows[0][2]) == "2024年预算数"
    tables = pdf_tables(data, long)
    assert [normalize(r[0]) for r in tables["3"]] == [str(2040000 + i) for i in range(120)]
    assert tables["3"][119][2] == "119.25" and tables["3"][119][3] == "119.00"


def test_fonts_embedded_and_pages_numbered(pdf_bytes, tmp_path):
    if not shutil.which("pdffonts") or not shutil.which("pdftotext"):
        pytest.skip("poppler-utils not installed (apt-get install -y poppler-utils)")
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf_bytes)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    cjk = [line for line in fonts.splitlines() if "CJK" in line]
    assert cjk and all(" yes yes yes " in line for line in cjk)  # embedded, subset, with ToUnicode
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "第一部分 概况" in text and "预算公开表6" in text and "2024年一般公共预算安排基本支出分经济科目表" in text
    assert "6640.71" in text and "2,970,000" in text and "注：本表无数据" in text
    pages = text.split("\f")
    assert "-1-" in pages[0] and "-3-" in pages[2]


def test_each_official_table_starts_a_page(report, pdf_bytes):
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as document:
        texts = [p.extract_text() or "" for p in document.pages]
    for table in report.tables:
        pages = [i for i, t in enumerate(texts) if re.search(re.escape(table.caption) + r"(?!\d)", t)]
        assert len(pages) == 1, table.caption
        # the caption is the first line of its page, or follows only the part heading
        head = texts[pages[0]].splitlines()[:2]
        assert any(line.startswith(table.caption) for line in head), (table.caption, head)


def test_bookmarks_for_parts_sections_and_tables(report, pdf_bytes):
    pypdfium2 = pytest.importorskip("pypdfium2")
    document = pypdfium2.PdfDocument(io.BytesIO(pdf_bytes))
    titles = [item.get_title() for item in document.get_toc()]
    assert titles[0] == "第一部分 概况" and "第四部分 名词解释" in titles
    assert [t for t in titles if t in {table.title for table in report.tables}] == [t.title for t in report.tables]
    assert "十、第十节说明" in titles
