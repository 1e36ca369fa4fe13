"""The PDFium path (yusuan/read/pdfium.py, cellgrid.py) against what pdfplumber gave before it:
the same words, the same ruled tables cell by cell, the same lines — on our renderer's PDF of
the seed and on the real Shanghai PDFs in tests/data/shanghai — and the cell grid on its own."""
from __future__ import annotations

from pathlib import Path

import pytest

from yusuan.read import cellgrid
from yusuan.read.cellgrid import Segment
from yusuan.read.pdf import pdf_lines
from yusuan.read.pdfium import Limits, Word, page_texts, pages

from .test_pdf import rendered_pdf  # noqa: F401 - the seed's PDF, rendered once per module

SHANGHAI = sorted((Path(__file__).resolve().parents[1] / "data" / "shanghai").glob("*.pdf"))


def _chars(*cells: tuple[str, float, float]) -> list[Word]:
    """Characters of 10 pt: (text, x0, top) each, 10 pt wide."""
    return [Word(t, x, x + 10, top, top + 10, 10.0, "F") for text, x0, top in cells for t, x in
            ((ch, x0 + 10 * i) for i, ch in enumerate(text))]


def test_merged_header_cells_and_empty_cells():
    # | 项目 (2 rows) | 预算数 (2 columns)  |
    # |               | 基本 | 项目      |
    # | 合计          | 1.00 |  (empty)  |
    h = [Segment(0, 0, 300), Segment(20, 100, 300), Segment(40, 0, 300), Segment(60, 0, 300)]
    v = [Segment(0, 0, 60), Segment(100, 0, 60), Segment(200, 20, 60), Segment(300, 0, 60)]
    tables = cellgrid.tables(cellgrid.merge(h), cellgrid.merge(v))
    assert len(tables) == 1
    table = tables[0]
    assert table.bbox == (0, 0, 300, 60)
    chars = _chars(("项目", 10, 25), ("预算数", 150, 5), ("基本", 120, 25), ("项目", 220, 25), ("合计", 10, 45),
                   ("1.00", 120, 45))
    assert table.extract(chars) == [["项目", "预算数", None], [None, "基本", "项目"], ["合计", "1.00", ""]]
    assert table.rows[2][0] == (0, 40, 100, 60)


def test_a_cell_wraps_and_lines_are_snapped_and_joined():
    # Lines drawn as two halves and 1 pt off (as WPS's thin rectangles come out) are one line.
    h = [Segment(0, 0, 50), Segment(0.8, 49, 100), Segment(30, 0, 100), Segment(60.5, 0, 100)]
    v = [Segment(0, 0, 60), Segment(50, 0, 61), Segment(100.7, 0, 30), Segment(99.9, 29, 61)]
    table = cellgrid.tables(cellgrid.merge(h), cellgrid.merge(v))[0]
    rows = table.extract(_chars(("一般公共", 2, 5), ("预算", 2, 16), ("12", 60, 35)))
    assert rows == [["一般公共\n预算", ""], ["", "12"]]


def test_lines_outside_a_closed_grid_are_no_table():
    h = [Segment(0, 0, 100), Segment(50, 0, 100)]
    v = [Segment(0, 0, 20)]  # a rule under a title and a stub: no cell is closed
    assert cellgrid.tables(cellgrid.merge(h), cellgrid.merge(v)) == []


def _plumber_lines(path: Path) -> tuple[list[tuple[str, int]], list, list]:
    """The reading path as it was with pdfplumber: its words and its find_tables() through
    today's pdf.py and grid_text.py (only the sources of words and cells differ)."""
    pdfplumber = pytest.importorskip("pdfplumber")
    from yusuan.read import pdf as pdf_module
    from yusuan.read.grid_text import is_performance, official_lines, performance_lines
    from yusuan.read.published_lines import Line

    lines, words_by_page, tables_by_page = [], [], []
    with pdfplumber.open(str(path)) as document:
        for number, page in enumerate(document.pages, 1):
            raw = page.extract_words(x_tolerance=1.5, y_tolerance=2, extra_attrs=["fontname", "size"])
            # pdfminer's sizes carry float noise (10.499999999999943 for 10.5), which split a
            # paragraph at a font "change"; PDFium's are rounded, so compare them rounded.
            words = [Word(w["text"], w["x0"], w["x1"], w["top"], w["bottom"], round(w["size"], 4), w["fontname"]) for w in raw]
            words_by_page.append(words)
            tables = page.find_tables()
            tables_by_page.append([(t.bbox, t.extract()) for t in tables])
            grids = []
            for table in tables:
                rows = table.extract()
                if is_performance(rows):
                    grids.append((table.bbox[1], performance_lines(rows)))
                else:
                    def indent(i, t=table):
                        cell = t.rows[i].cells[0]
                        chars = [c for c in page.chars if cell and cell[0] <= c["x0"] < cell[2] and cell[1] <= c["top"] < cell[3]
                                 and c["text"].strip()]
                        if not chars:
                            return 0
                        first = min(chars, key=lambda c: (c["top"], c["x0"]))
                        return max(0, round((first["x0"] - cell[0] - first["size"] / 3) / first["size"]))
                    grids.append((table.bbox[1], official_lines(rows, indent)))
            boxes = [t.bbox for t in tables]
            rows_: list[list[Word]] = []
            for word in sorted((w for w in words if not pdf_module.inside(w, boxes)), key=lambda w: (round(w.top), w.x0)):
                if rows_ and abs(rows_[-1][0].top - word.top) <= pdf_module.LINE_TOLERANCE:
                    rows_[-1].append(word)
                else:
                    rows_.append([word])
            blocks = [(top, [text]) for top, text in pdf_module._paragraph_rows(rows_)] + grids
            for _, texts in sorted(blocks, key=lambda block: block[0]):
                lines += [Line(text, len(lines) + 1 + i, number) for i, text in enumerate(texts)]
    return [(line.text, line.page) for line in lines], words_by_page, tables_by_page


def _same_as_pdfplumber(path: Path) -> None:
    want_lines, want_words, want_tables = _plumber_lines(path)
    ours = list(pages(path))
    assert len(ours) == len(want_words)
    for page, words, tables in zip(ours, want_words, want_tables):
        # The same characters in the same words' places. Where two words are exactly 1.5 pt
        # apart, float noise cuts one in two on one side only (and pdfminer's size noise cut
        # a run of one font), which the lines do not see: a gap under a character is no space.
        def placed(ws):
            by_top: dict[int, list] = {}
            for w in ws:
                by_top.setdefault(round(w.top), []).append(w)
            return {top: "".join(w.text for w in sorted(line, key=lambda w: w.x0)) for top, line in by_top.items()}
        assert placed(page.words()) == placed(words), f"page {page.number}"
        got_tables = [(t.bbox, t.extract(page.chars)) for t in page.tables()]
        assert [rows for _, rows in got_tables] == [rows for _, rows in tables], f"page {page.number}"
        for (box, _), (want_box, _) in zip(got_tables, tables):
            assert all(abs(a - b) < 0.5 for a, b in zip(box, want_box)), (page.number, box, want_box)
    assert [(line.text, line.page) for line in pdf_lines(path)] == want_lines


def test_the_seed_pdf_reads_as_with_pdfplumber(rendered_pdf):  # noqa: F811
    _same_as_pdfplumber(rendered_pdf[1])


@pytest.mark.skipif(not SHANGHAI, reason="no Shanghai PDFs in tests/data/shanghai")
@pytest.mark.parametrize("path", SHANGHAI, ids=lambda p: p.stem)
def test_a_shanghai_pdf_reads_as_with_pdfplumber(path):
    _same_as_pdfplumber(path)


@pytest.mark.skipif(not SHANGHAI, reason="no Shanghai PDFs in tests/data/shanghai")
def test_shanghai_tables_split_the_code_columns_and_keep_their_rows():
    """A 收入预算总表 of a real PDF: 类 款 项 as three fields, the name, five amounts; a row
    without 款 or 项 keeps them as empty fields."""
    path = next(p for p in SHANGHAI if p.name == "putuo-sifaju-2026-danwei-yusuan.pdf")
    texts = [line.text for line in pdf_lines(path)]
    assert "类 款 项      " in texts
    assert "204   公共安全支出 79,189,400.34 79,189,400.34 0.00 0.00 0.00" in texts
    assert "204 06 01 行政运行 14,348,853.34 14,348,853.34 0.00 0.00 0.00" in texts
    assert "功能分类科目编码   功能分类科目名称 合计 财政拨款收入 事业收入 事业单位经营收入 其他收入" in texts


def test_page_texts_are_pdfiums_plain_text(rendered_pdf):  # noqa: F811
    texts = page_texts(rendered_pdf[1])
    assert len(texts) == len(list(pages(rendered_pdf[1])))
    assert "预算公开表1" in texts[2] or any("预算公开表1" in t for t in texts)
    assert all("\r" not in t for t in texts)


def test_limits_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("YUSUAN_MAX_PDF_PAGES", "7")
    monkeypatch.setenv("YUSUAN_MAX_PDF_PAGE_SECONDS", "2.5")
    limits = Limits.from_env(chars=9)
    assert (limits.pages, limits.page_seconds, limits.chars, limits.rulings) == (7, 2.5, 9, Limits().rulings)
