"""Acceptance: the seed's budget (examples/tunliu-police-2024) derived and rendered; every
format read back holds every cell of the seed's 13 tables (tests/data/tunliu-expected-tables.yaml,
the published disclosure cell for cell) in the right column."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
import yaml

from yusuan.render import renderers
from yusuan.render.pdf import cjk_font_files

from . import readback
from .expect import normalize
from tests.contexts import SHANXI, DETECT, rendering

ROOT = Path(__file__).resolve().parents[2]
BUDGET = ROOT / "examples" / "tunliu-police-2024" / "budget.yaml"
EXPECTED = ROOT / "tests" / "data" / "tunliu-expected-tables.yaml"


@pytest.fixture(scope="module")
def seed():
    if not BUDGET.exists() or not EXPECTED.exists():
        pytest.skip("the seed's budget or expected tables are not in the tree")
    from yusuan.derive import derive
    from yusuan.read.budget_yaml import read_budget

    budget = read_budget(BUDGET)
    return budget, derive(budget, SHANXI)


@pytest.fixture(scope="module")
def expected():
    data = yaml.safe_load(EXPECTED.read_text(encoding="utf-8"))
    return {tid: [[normalize(c) for c in row] for row in t["rows"]] for tid, t in data["tables"].items()}


READERS = {
    "html": readback.html_tables,
    "pdf": readback.pdf_tables,
    "xlsx": readback.xlsx_tables,
    "docx": readback.docx_tables,
}


@pytest.mark.parametrize("format", sorted(READERS))
def test_every_seed_cell_read_back(format, seed, expected):
    if format == "pdf" and not cjk_font_files():
        pytest.skip("no CJK font installed (Debian: apt-get install -y fonts-noto-cjk)")
    budget, report = seed
    data = renderers()[format].render(rendering(report, budget))
    tables = READERS[format](data, report)
    assert sorted(tables, key=int) == sorted(expected, key=int)
    for table_id, rows in expected.items():
        assert tables[table_id] == rows, f"{format} 表{table_id}"


def test_seed_performance_tables_in_the_pdf(seed):
    if not cjk_font_files():
        pytest.skip("no CJK font installed (Debian: apt-get install -y fonts-noto-cjk)")
    import pdfplumber

    budget, report = seed
    data = renderers()["pdf"].render(rendering(report, budget))
    grids = []
    with pdfplumber.open(io.BytesIO(data)) as document:
        for page in document.pages:
            if "项目支出绩效目标表" in (page.extract_text() or ""):
                grids += [[[normalize(c) for c in row] for row in t] for t in page.extract_tables()]
    names = [g[0][1] for g in grids if g[0][0] == "项目名称"]
    assert names == [normalize(p.project_name) for p in report.performance]
    first = next(g for g in grids if g[0][0] == "项目名称")
    funding = next(row for row in first if row[1] == "实施期资金总额：")
    assert funding[3] == "2,970,000" and funding[6] == "2,970,000"


def test_seed_line_items_in_the_workbook_and_datapackage(seed):
    import csv
    import zipfile
    from decimal import Decimal

    import openpyxl

    budget, report = seed
    book = openpyxl.load_workbook(io.BytesIO(renderers()["xlsx"].render(rendering(report, budget))))
    assert book["预算明细"].max_row == len(budget.lines) + 1
    archive = zipfile.ZipFile(io.BytesIO(renderers()["datapackage"].render(rendering(report, budget))))
    rows = list(csv.DictReader(io.StringIO(archive.read("line-items.csv").decode("utf-8"))))
    assert sum(Decimal(r["amount"]) for r in rows) == sum(line.amount for line in budget.lines)


def test_seed_pdf_through_our_published_reader(seed, expected, tmp_path):
    if not cjk_font_files():
        pytest.skip("no CJK font installed (Debian: apt-get install -y fonts-noto-cjk)")
    from yusuan.read.published import published

    from .expect import expected_rows

    budget, report = seed
    path = tmp_path / "report.pdf"
    path.write_bytes(renderers()["pdf"].render(rendering(report, budget)))
    result = published(path, DETECT)
    assert result.report is not None and not result.problems, result.problems[:5]
    for table_id, rows in expected.items():
        assert [[normalize(c) for c in row] for row in expected_rows(result.report, table_id)] == rows, table_id


def test_no_missing_glyphs_in_the_pdf_fonts(seed):
    """Every character the seed's report prints has a glyph in the fonts the PDF embeds
    (a missing one would print as an empty box)."""
    ttLib = pytest.importorskip("fontTools.ttLib")
    from yusuan.render.pdf import FONTS

    files = [f for f in cjk_font_files() if "Regular" in f]
    if not files:
        pytest.skip("no CJK font installed (Debian: apt-get install -y fonts-noto-cjk)")
    covered: set[int] = set()
    for path in files:
        fonts = ttLib.TTCollection(path).fonts if path.endswith(".ttc") else [ttLib.TTFont(path)]
        for font in fonts:
            if font["name"].getDebugName(1) in FONTS:
                covered |= set(font.getBestCmap())
    _, report = seed
    text = report.to_json()
    missing = sorted({ch for ch in text if ord(ch) >= 32 and ord(ch) not in covered})
    assert not missing, missing
