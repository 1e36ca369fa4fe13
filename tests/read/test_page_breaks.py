"""Tables that run onto a new page read back whole: every row, wherever the table breaks.

Our PDF prints a table's header again at the top of each page it runs onto. The reader took
that header for a row: its 合计 cell made a total row that took the numbers of the first row of
the new page, so 表6 lost that row (and 表2/3/5/12/13 gained rows) — without a problem said.
The departments here are consolidated from synth budgets, so that their tables are long
enough to break; each is built into tmp_path and its PDF compared with the derived report on
every cell and level of every table.
"""
from __future__ import annotations

import pytest

from yusuan.read import published

from tests.contexts import DETECT, SHANXI, rendering


def _department(tmp_path, units: int, seed: int, *, whole_run: bool):
    """The department consolidated from a synth run: its first department's units, or (whole_run)
    every unit of the run, renamed apart (synth repeats a name across departments)."""
    from yusuan.consolidate import consolidate
    from yusuan.inputs import read_budget
    from yusuan.synth import write

    out = tmp_path / "synth"
    write(out, units, seed, [2025])
    paths = sorted(out.glob("*/*.yaml"))
    if not whole_run:
        first = paths[0].parent.name[:4]  # unit codes are the department's code and a number
        paths = [p for p in paths if p.parent.name.startswith(first)]
    budgets = [read_budget(p, SHANXI.catalog) for p in paths]
    if whole_run:
        budgets = [b.model_copy(update={"unit": b.unit.model_copy(update={"name": f"{b.unit.name}{b.unit.code}"})})
                   for b in budgets]
    return consolidate(budgets, "测试部门")


def _pdf_of(derived, path):
    from yusuan.render import renderers

    if "pdf" not in renderers():
        pytest.skip("no PDF renderer installed")
    path.write_bytes(renderers()["pdf"].render(rendering(derived)))
    return path


def _broken_tables(report) -> set[str]:
    return {t.id for t in report.tables if len({r.place.page for r in t.rows if r.place}) > 1}


@pytest.mark.parametrize("units, seed, whole_run, breaking", [
    (3, 11, False, {"6"}),  # the department of the bug report: 表6 runs from page 7 onto page 8
    (10, 3, True, {"6", "12"}),  # ten units: 表12's projects break too (indented names)
])
def test_tables_read_back_whole_across_page_breaks(tmp_path, units, seed, whole_run, breaking):
    from yusuan.derive import derive

    from .test_roundtrip import assert_same_tables

    derived = derive(_department(tmp_path, units, seed, whole_run=whole_run), SHANXI)
    result = published(_pdf_of(derived, tmp_path / "report.pdf"), DETECT)
    assert [str(p) for p in result.problems] == []
    # the case is what it claims to be: these tables do run onto a second page
    assert breaking <= _broken_tables(result.report)
    compared = assert_same_tables(result.report, derived)
    assert len(result.report.table("6").rows) == len(derived.table("6").rows)
    print(f"\n{units} units (seed {seed}): {compared} cells equal; tables across pages: {sorted(_broken_tables(result.report))}")


def test_a_row_whose_name_the_page_break_cuts_is_one_row(tmp_path):
    """Ten units with long project names: typst breaks a 表12 row inside its wrapped name, the
    amounts on one page and the rest of the name at the top of the next (under the repeated
    header). That rest is the same row's name, not a row of its own (it was: 58 rows read as 60,
    two names cut short, and no problem said)."""
    from yusuan.derive import derive
    from yusuan.read.pdf import pdf_lines

    from .test_roundtrip import assert_same_tables

    budget = _department(tmp_path, 10, 4, whole_run=True)
    budget = budget.model_copy(update={"projects": [
        p.model_copy(update={"name": p.name + "专项经费项目名称很长" * 4}) for p in budget.projects]})
    derived = derive(budget, SHANXI)
    path = _pdf_of(derived, tmp_path / "report.pdf")
    # the case is what it claims: a page opens 表12's rows (under its 3 header lines) with a name and no amount
    from yusuan.read.published_amounts import is_amount

    tops: dict[int, list[str]] = {}
    for line in pdf_lines(path):
        tops.setdefault(line.page, []).append(line.text)
    opened = [page for page, texts in tops.items() if texts[0].startswith("项目名称") and len(texts) > 3
              and texts[3].strip() and not any(is_amount(f) for f in texts[3].split(" "))]
    assert opened, "no page of 表12 opens with the rest of a cut name"
    result = published(path, DETECT)
    assert [str(p) for p in result.problems] == []
    assert len(result.report.table("12").rows) == len(derived.table("12").rows)
    assert assert_same_tables(result.report, derived) > 0


# What a continued table prints again at the top of the page it runs onto, from its caption line.
HEADS = {
    "header": lambda caption, unit, head: head,  # our PDF: the header rows
    "title-unit-header": lambda caption, unit, head: [caption[1], *unit, *head],
    "caption-title-unit-header": lambda caption, unit, head: [*caption, *unit, *head],
    "caption": lambda caption, unit, head: caption[:1],  # a caption alone (预算公开表5)
    "title": lambda caption, unit, head: caption[1:],  # the title alone
}


def _with_breaks(lines, derived_read, paged: bool, heads: str = "header"):
    """The lines with a page break in the middle of every table of two rows or more: a page
    number, then what the table prints again (``HEADS``: by default its header rows, the lines
    between its 单位 line and its first row), the following lines on the next page (``paged``)
    or, as a text extraction gives them, on no page."""
    from yusuan.read.published_lines import Line

    by_no = {l.no: i for i, l in enumerate(lines)}
    breaks: dict[int, list[str]] = {}  # index of the row's first line -> lines to print again
    for table in derived_read.tables:
        starts = [r.place.line for r in table.rows if r.place]
        if len(starts) < 2 or table.place is None:
            continue
        first, middle = by_no[starts[0]], by_no[starts[len(starts) // 2]]
        if middle == first:
            continue
        caption = by_no[table.place.line]
        unit_line = next(i for i in range(caption, first) if "单位：" in lines[i].text or "单位:" in lines[i].text)
        head = [l.text for l in lines[unit_line + 1:first]]
        assert head, f"表{table.id}: no header lines between its unit line and its first row"
        assert unit_line == caption + 2, f"表{table.id}: not caption, title, unit line"
        breaks[middle] = HEADS[heads]([lines[caption].text, lines[caption + 1].text], [lines[unit_line].text], head)
    out, page = [], 1
    for i, line in enumerate(lines):
        if i in breaks:
            out.append(Line(f"-{page}-", 0, page if paged else None))
            page += 1
            out += [Line(text, 0, page if paged else None) for text in breaks[i]]
        out.append(Line(line.text, 0, page if paged else None))
    return [Line(l.text, n, l.page) for n, l in enumerate(out, 1)], len(breaks)


@pytest.mark.parametrize("heads", sorted(HEADS))
@pytest.mark.parametrize("paged", [True, False], ids=["pdf-lines", "text-lines"])
def test_a_header_printed_again_at_a_break_in_any_table_is_skipped(paged, heads):
    """Every table of the example, broken in the middle with its header (or its caption, title
    and unit line) printed again: read the same (表1/4 two-sided, 表2/3/5 by code, 表6 economic,
    表10 三公, 表11 units, 表12/13 indented)."""
    from yusuan.derive import derive
    from yusuan.inputs import read_budget
    from yusuan.read.published import read_lines, split_lines

    from .conftest import EXAMPLE_BUDGET
    from .test_roundtrip import assert_same_tables
    from tests.contexts import text_of

    derived = derive(read_budget(EXAMPLE_BUDGET), SHANXI)
    lines = split_lines(text_of(derived))
    whole = read_lines(lines, "example.txt", DETECT)
    assert whole.problems == []
    broken, count = _with_breaks(lines, whole.report, paged, heads)
    assert count >= 9
    result = read_lines(broken, "broken.txt", DETECT)
    assert [str(p) for p in result.problems] == []
    assert assert_same_tables(result.report, derived) > 0


def test_a_table_printed_twice_is_said_not_added_up():
    """A caption printed again continues its table; a table printed again whole (caption, rows
    and all) is therefore read as one table with two 合计 rows — which the reader says."""
    from yusuan.derive import derive
    from yusuan.inputs import read_budget
    from yusuan.read.published import read_lines, split_lines

    from .conftest import EXAMPLE_BUDGET
    from tests.contexts import text_of

    lines = text_of(derive(read_budget(EXAMPLE_BUDGET), SHANXI)).split("\n")
    start, end = lines.index("预算公开表5"), lines.index("预算公开表6")
    result = read_lines(split_lines("\n".join(lines[:end] + lines[start:])), "twice.txt", DETECT)
    assert [(p.table, p.row) for p in result.problems] == [("5", "合计")]
    assert "printed twice" in result.problems[0].message
