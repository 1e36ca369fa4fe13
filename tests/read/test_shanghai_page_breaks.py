"""Shanghai tables (read by title, yusuan/read/titled.py) that run onto a new page read back whole.

- Our PDF in the Shanghai layouts: a department consolidated from 25 synth units, laid out in
  shanghai-yusuan-danwei and shanghai-yusuan-bumen, runs 表2, 表3 and 表5 onto a second page,
  where typst prints the table's header again; read back, every cell, claim, section and
  project page equals the derived report.
- The real Shanghai PDFs: the budget systems' exports continue a table on the next page with
  no title, no 续表 and, for most tables, no header (表5 prints its header again); every amount
  printed on such a page is read into a row of that table — nothing dropped, nothing doubled.
"""
from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from yusuan.read import published

from tests.contexts import DETECT

DATA = Path(__file__).resolve().parents[1] / "data" / "shanghai"
TEMPLATES = ("shanghai-yusuan-danwei", "shanghai-yusuan-bumen")


def built_in_layouts(tmp: Path, units: int, lines: int, whole_run: bool, change=lambda report: report) -> dict:
    """template -> (the department derived in it, changed by ``change``; the result of reading its
    PDF back; the PDF): a department of ``units`` synth units (test_page_breaks._department) in
    both Shanghai 预算 layouts."""
    from yusuan.context import Context
    from yusuan.derive import derive
    from yusuan.render import renderers

    from .test_page_breaks import _department

    if "pdf" not in renderers():
        pytest.skip("no PDF renderer installed")
    budget = _department(tmp, units, lines, whole_run=whole_run)
    out = {}
    for template in TEMPLATES:
        context = Context.create(template)
        derived = change(derive(budget, context))
        path = tmp / f"{template}.pdf"
        path.write_bytes(renderers()["pdf"].render(context.rendering(derived, budget)))
        out[template] = derived, published(path, DETECT), path
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """template -> (the derived department, the result of reading its PDF back, the PDF)."""
    return built_in_layouts(tmp_path_factory.mktemp("shanghai"), 25, 2, whole_run=True)


def _pages(table) -> list[int]:
    return sorted({r.place.page for r in table.rows if r.place})


@pytest.mark.parametrize("template", TEMPLATES)
def test_a_built_department_reads_back_whole_across_page_breaks(built, template):
    """Every cell (label, amount, code, level), note and title of every table, every section's
    text and claims, and the project pages. (The prose read back equal since a line's characters
    are ordered by their middles — typst pulls “ back over the period of "23." — and "40." at a
    line's start opens an item: 39 items of the department's long list read 23“. and one ran
    into the next.)"""
    derived, result, _ = built[template]
    assert [str(p) for p in result.problems] == [] and result.template == template
    report = result.report
    broken = {t.id for t in report.tables if len(_pages(t)) > 1}
    assert {"2", "3", "5"} <= broken, broken  # the case is what it claims: these run onto a second page
    assert [t.id for t in report.tables] == [t.id for t in derived.tables]
    compared = 0
    for want, got in zip(derived.tables, report.tables):
        assert (got.title, got.unit, got.note) == (want.title, want.unit, want.note), want.title
        assert [(r.labels, r.values, r.code, r.level) for r in got.rows] == \
            [(r.labels, r.values, r.code, r.level) for r in want.rows], want.title
        compared += sum(len(r.labels) + len(r.values) for r in want.rows)
    assert report.projects == derived.projects
    assert compared > 1500
    assert [(s.number, s.title, s.text) for s in report.explanations] == \
        [(s.number, s.title, s.text) for s in derived.explanations]
    claims = [(c.subject, c.value, c.unit) for s in report.explanations for c in s.claims]
    assert claims == [(c.subject, c.value, c.unit) for s in derived.explanations for c in s.claims]
    assert ("fiscal.item.2080505", Decimal("3108.17"), "万元") in claims


@pytest.mark.parametrize("template", TEMPLATES)
def test_our_pdf_prints_the_header_again_on_the_continuation_page(built, template):
    """The header typst repeats opens each continuation page (so the test above meets it)."""
    from yusuan.read.pdf import pdf_lines
    from yusuan.read.titled import squeeze
    from yusuan.templates import load

    _, result, path = built[template]
    report = result.report
    lines = pdf_lines(path)
    for table in (report.table(i) for i in ("2", "3", "5")):
        spec = load(report.template, report.year).table(table.id)
        top = squeeze(" ".join(l.text for l in lines if l.page == _pages(table)[1])[:200])
        first_row = min(r.place.line for r in table.rows if r.place.page == _pages(table)[1])
        header = [l for l in lines if l.page == _pages(table)[1] and l.no < first_row]
        assert header and all(squeeze(c.text) in top for c in spec.header_cells()[:3]), (table.id, top[:80])


def _continued(result) -> list[tuple[str, int]]:
    """(table id, page) of every page a table runs onto that holds no other table's rows."""
    report = result.report
    out = []
    for table in report.tables:
        for page in _pages(table)[1:]:
            if not any(r.place and r.place.page == page for t in report.tables if t is not table for r in t.rows):
                out.append((table.id, page))
    return out


REAL = sorted(DATA.glob("putuo-*.pdf"))


@pytest.mark.parametrize("path", REAL, ids=lambda p: p.stem)
def test_every_amount_on_a_real_continuation_page_is_read(path):
    """Every amount printed with decimals on a page a table runs onto (its grid's cells) is a
    value of a row of that table read from that page, as often as it is printed."""
    from yusuan.read.pdf import pdf_lines

    result = published(path, DETECT)
    assert result.problems == []
    continued = _continued(result)
    assert continued, "no table of this report runs onto a second page"
    lines = pdf_lines(path)
    for table_id, page in continued:
        printed = Counter(Decimal(a.replace(",", "")) for l in lines if l.page == page for a, _ in l.amounts if "." in a)
        read = Counter(v for r in result.report.table(table_id).rows if r.place and r.place.page == page
                       for v in r.values.values() if v is not None and v.as_tuple().exponent < 0)
        assert read == printed, f"表{table_id} p.{page}"


def test_a_real_table_that_prints_its_header_again_on_the_next_page():
    """区政府办公室's 单位预算 prints 表5's header again on p.15 (seen on the page image); the rows
    under it are read, the header is not one of them."""
    import yaml

    from yusuan.read.pdf import pdf_lines

    path = DATA / "putuo-zhengfuban-2025-danwei-yusuan.pdf"
    top = [l.text for l in pdf_lines(path) if l.page == 15][:2]
    assert top[0].split() == ["项目", "一般公共预算支出"], top
    result = published(path, DETECT)
    table = result.report.table("5")
    assert _pages(table) == [14, 15]
    expected = yaml.safe_load((DATA / "expected" / f"{path.stem}.yaml").read_text(encoding="utf-8"))
    want = next(t for t in expected["tables"] if t["title"] == table.title)
    assert want["pages"] == [14, 15] and len(table.rows) == len(want["rows"])
    assert [r.labels.get("name") for r in table.rows if r.place.page == 15][0] == "行政事业单位医疗"


# What a continued table prints again at the top of its next page: (title, unit line, header lines) -> lines
SHANGHAI_HEADS = {
    "header": lambda title, unit, head: head,  # as our PDF does, and 表5 of the real ones
    "unit-header": lambda title, unit, head: [unit, *head],
    "title-unit-header": lambda title, unit, head: [title, unit, *head],
    "title": lambda title, unit, head: [title],
}


def _text_with_breaks(derived, template, heads: str, paged: bool):
    """The text rendering of ``derived`` with a page break in the middle of every table of six
    rows or more, ``SHANGHAI_HEADS[heads]`` printed again under it; the number of breaks."""
    from yusuan.read.published_lines import Line
    from yusuan.render.text import render_text

    lines = render_text(derived, template).split("\n")
    by_title = {t.title: t for t in derived.tables if len(t.rows) >= 6}
    out: list[tuple[str, int]] = []
    page, i = 1, 0
    while i < len(lines):
        out.append((lines[i], page))
        table = by_title.get(lines[i])
        if table is None:
            i += 1
            continue
        first_label = next(iter(table.rows[0].labels.values()))
        first = next(j for j in range(i + 2, len(lines)) if first_label in lines[j])
        middle = first + len(table.rows) // 2
        out += [(line, page) for line in lines[i + 1:middle]]
        page += 1
        out.append((f"-{page}-", page))
        out += [(line, page) for line in SHANGHAI_HEADS[heads](lines[i], lines[i + 1], lines[i + 2:first])]
        i = middle
    return [Line(text, n, p if paged else None) for n, (text, p) in enumerate(out, 1)], page - 1


@pytest.mark.parametrize("heads", sorted(SHANGHAI_HEADS))
@pytest.mark.parametrize("paged", [True, False], ids=["pdf-lines", "text-lines"])
@pytest.mark.parametrize("template", TEMPLATES)
def test_a_title_or_header_printed_again_at_a_break_continues_the_table(built, template, paged, heads):
    """Every table of six rows or more broken in the middle, its header (or its title, unit line
    and header) printed again: every table reads the same. A title printed again once began the
    table there, and its first rows went to the table before."""
    from yusuan.read.published import read_lines

    derived, _, _ = built[template]
    lines, breaks = _text_with_breaks(derived, derived_template(derived), heads, paged)
    assert breaks >= 4
    result = read_lines(lines, "broken.txt", DETECT)
    assert [str(p) for p in result.problems] == []
    for want, got in zip(derived.tables, result.report.tables, strict=True):
        assert [(r.labels, r.values, r.code, r.level) for r in got.rows] == \
            [(r.labels, r.values, r.code, r.level) for r in want.rows], want.title


def derived_template(report):
    from yusuan.templates import load

    return load(report.template, report.year)
