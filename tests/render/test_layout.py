"""The layout's grids: every position of a table covered exactly once, whatever the rows."""
from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from yusuan.render import layout, renderers
from yusuan.report import Indicator, PerformanceTable, Funding, Report, Row, Table
from yusuan.templates import load
from tests.contexts import rendering, SHANXI

TEMPLATE = load("shanxi-2024", 2024)
amounts = st.one_of(st.none(), st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False, allow_infinity=False))
text = st.text(alphabet="合计公安行政运行 0123456789", max_size=12)


def assert_tiles(grid: layout.Grid) -> None:
    covered: dict[tuple[int, int], int] = {}
    for cell in grid.cells:
        for r in range(cell.row, cell.row + cell.rowspan):
            for c in range(cell.col, cell.col + cell.colspan):
                covered[(r, c)] = covered.get((r, c), 0) + 1
    assert all(count == 1 for count in covered.values()), "overlapping cells"
    assert set(covered) == {(r, c) for r in range(grid.rows) for c in range(grid.columns)}, "holes"


@settings(max_examples=40, deadline=None)
@given(spec=st.sampled_from(TEMPLATE.tables), data=st.data())
def test_official_grid_tiles_the_table(spec, data):
    rows = data.draw(st.lists(st.builds(
        Row,
        labels=st.fixed_dictionaries({c.key: text for c in spec.label_columns}),
        values=st.fixed_dictionaries({c.key: amounts for c in spec.amount_columns}),
        level=st.integers(0, 3),
    ), max_size=6))
    table = Table(id=spec.id, caption=spec.caption, title=spec.title, rows=rows)
    grid = layout.official_grid(table, spec)
    assert_tiles(grid)
    body = [c for c in grid.cells if c.row >= grid.header_rows]
    for cell in body:
        column = spec.columns[cell.col]
        row = rows[cell.row - grid.header_rows]
        if column.is_amount:
            value = row.values.get(column.key)
            assert cell.text == ("" if value is None else f"{value:.2f}") and cell.align == "right"
        else:
            assert cell.text == row.labels.get(column.key, "")


@settings(max_examples=25, deadline=None)
@given(level1=st.lists(st.sampled_from(["产出指标", "效益指标", "满意度指标"]), max_size=8))
def test_performance_grid_tiles_the_form(level1):
    table = PerformanceTable(
        year=2024, project_name="p", department="d", implementing_unit="u", attribute="a", period="1年",
        funding_implementation=Funding(total=Decimal(1)), funding_annual=Funding(),
        indicators=[Indicator(level1=name, level2="数量指标") for name in level1],
    )
    grid = layout.performance_grid(table)
    assert_tiles(grid)
    # the 一级 cells merge exactly the runs of equal headings
    merged = [c for c in grid.cells if c.col == 1 and c.text in ("产出指标", "效益指标", "满意度指标")]
    assert sum(c.rowspan for c in merged) == len(level1)


def test_a_report_without_tables_still_renders_everywhere():
    report = Report(year=2024, unit_name="某单位")
    for name, renderer in renderers().items():
        if name in ("datapackage",):
            continue
        if name == "pdf":
            from yusuan.render.pdf import cjk_font_files
            if not cjk_font_files():
                continue
        assert renderer.render(rendering(report)), name


def test_each_side_of_table_9_is_indented_by_its_own_codes():
    """部门公开表9 sets income beside expenditure: each name column steps in by the length of the
    code beside it (收入 103 → 10306 → 1030601 against 支出 223 → 22301 → 2230105 …)."""
    from pathlib import Path

    from yusuan.derive import derive
    from yusuan.inputs import read_budget

    report = derive(read_budget(Path(__file__).parents[1] / "data" / "fund-budget.yaml"), SHANXI)
    table = report.table("9")
    grid = layout.official_block(table, TEMPLATE.table("9")).grid
    columns = [c.key for c in TEMPLATE.table("9").columns]
    body = [c for c in grid.cells if not c.header and c.row >= grid.header_rows]
    indents = {(c.row - grid.header_rows, columns[c.col]): c.indent for c in body if c.text}
    assert [indents.get((r, "income_name")) for r in range(1, 4)] == [0, 1, 2]
    assert [indents.get((r, "name")) for r in range(1, 4)] == [0, 1, 2]
    # an income row beside a shallower expenditure row keeps its own level
    shifted = table.model_copy(update={"rows": [table.rows[0], table.rows[1],
                                                table.rows[3].model_copy(update={"labels": {**table.rows[3].labels, "code": "223", "name": "国有资本经营预算支出"}, "level": 1})]})
    grid = layout.official_block(shifted, TEMPLATE.table("9")).grid
    cell = next(c for c in grid.cells if c.text == "利润收入")
    assert cell.indent == 2 and next(c for c in grid.cells if c.text == "国有资本经营预算支出" and not c.header).indent == 0
