"""The report as a sequence of display blocks, shared by every graphic renderer.

HTML, PDF, XLSX and DOCX draw the same things: headings, paragraphs and merged-cell grids.
This module decides *what* is drawn — which text goes in which cell of which grid, which cells
merge, how far a row is indented — from the Report and its template, so that no renderer
hard-codes a column position or re-derives a header tree. Renderers only decide *how* it
looks in their medium.

A grid is a list of cells with row/column/span (like HTML's rowspan/colspan), its first
``header_rows`` rows being the header that repeats when a table breaks across pages.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import Iterator, Literal

from ..money import fmt_table, fmt_yuan
from ..numerals import chinese_number
from ..report import Funding, PerformanceTable, Report, Row, Table
from ..templates import TableSpec, Template
from . import once, shared  # noqa: F401 — once: where it was defined before

Align = Literal["left", "center", "right"]

@dataclass(frozen=True)
class Cell:
    row: int
    col: int
    text: str
    rowspan: int = 1
    colspan: int = 1
    header: bool = False  # part of the repeated header (bold, centred, shaded)
    align: Align = "left"
    indent: int = 0  # hierarchy depth shown as a left indent (类 0, 款 1, 项 2)
    value: Decimal | None = None  # the exact displayed number, for media that keep numbers as numbers
    strong: bool = False  # a label cell of a form (performance tables)


@dataclass
class Grid:
    columns: int
    rows: int
    cells: list[Cell]
    header_rows: int = 0
    widths: tuple[float, ...] = ()  # relative column widths, sum irrelevant

    def at(self, row: int, col: int) -> Cell | None:
        """The cell that starts at (row, col), if one does."""
        return next((c for c in self.cells if c.row == row and c.col == col), None)

    def by_row(self) -> list[list[Cell]]:
        rows: list[list[Cell]] = [[] for _ in range(self.rows)]
        for cell in self.cells:
            rows[cell.row].append(cell)
        for row in rows:
            row.sort(key=lambda c: c.col)
        return rows


@dataclass
class Heading:
    text: str
    level: int  # 1: 第一部分 …; 2: 一、本单位职责 …
    new_page: bool = False
    kind: str = "heading"


@dataclass
class Paragraph:
    text: str
    lead: str = ""  # a bold run before the text (a glossary term)
    kind: str = "paragraph"


@dataclass
class TableBlock:
    """One official table (预算公开表N) or one 项目支出绩效目标表."""

    caption: str  # 预算公开表6 (empty for performance tables)
    title: str
    subtitle: str  # 单位名称：… for official tables, （2024年度） for performance tables
    unit: str  # 单位：万元 (empty for performance tables)
    grid: Grid
    note: str = ""  # 注：本表无数据
    footer: str = ""  # 负责人： 经办人： 联系电话： 填报日期：…
    table_id: str = ""  # template id "1" … "13", or "perf-N"
    new_page: bool = True
    kind: str = "table"


Block = Heading | Paragraph | TableBlock


def text_width(text: str) -> int:
    """Display width in half-width units: a Chinese character counts two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


# --- the official tables ---------------------------------------------------------------------


CODE_LEVELS = {3: 1, 5: 2, 7: 3, 9: 4}  # 类 款 项 (目)


def _indented_columns(spec: TableSpec) -> dict[str, str | None]:
    """The name columns that show the hierarchy, each with the code column beside it whose
    length gives its level (None: the row's level). A two-sided table (部门公开表9) has two,
    one per side, whose rows are at different levels; the 收支总表 none (one level)."""
    if spec.rows.dimension.startswith("summary"):
        return {}
    keys = [c.key for c in spec.label_columns]
    coded = {key: keys[i - 1] for i, key in enumerate(keys) if "code" not in key and i and "code" in keys[i - 1]}
    if coded:
        return coded
    names = [key for key in keys if "code" not in key]
    return {names[0]: None} if names else {}


def _level(row: Row, code_key: str | None) -> int:
    if code_key is None:
        return row.level
    return CODE_LEVELS.get(len(row.labels.get(code_key, "").strip()), 0)


def _indent(spec: TableSpec, level: int) -> int:
    # Project tables print the department at the margin, the unit one step in, its projects two;
    # classification tables print 类 at the margin (level 1) and the 合计 row (level 0) too.
    return level if spec.rows.dimension.startswith("projects") else max(level - 1, 0)


# Half-width characters one line of a table holds across the page (A4 portrait, 15mm margins:
# 510pt at the tables' 9pt, a digit about 4.6pt), less a little for the cell rulings.
PAGE_UNITS = 108
AMOUNT_PADDING = 2  # a cell's insets, in half-width characters


def _column_widths(spec: TableSpec, body: list[list[str]]) -> tuple[float, ...]:
    """Relative widths: a label column as wide as its longest text (8 to 36, it may wrap), an
    amount column as wide as its longest figure in the table's unit (never less than 10). An
    amount cannot wrap: where the page cannot give every column its width, the label columns
    give way (they wrap) until each amount column holds its longest figure."""
    widths, needs = [], {}
    for i, column in enumerate(spec.columns):
        longest = max((text_width(row[i]) for row in body), default=0)
        if column.is_amount:
            needs[i] = float(longest + AMOUNT_PADDING)
            widths.append(max(10.0, needs[i]))
        else:
            widths.append(float(min(max(longest, 8), 36)) + 3)  # + room for padding and indent
    # the page's width shared in proportion: column i gets widths[i] / Σ widths of PAGE_UNITS
    room = min((PAGE_UNITS * widths[i] / need for i, need in needs.items() if need), default=0.0)
    labels = [i for i in range(len(widths)) if i not in needs]
    excess = sum(widths) - room
    if needs and labels and excess > 0:
        shrinkable = sum(widths[i] - 4 for i in labels)
        for i in labels:  # each label column gives in proportion to what it can give, down to 4
            widths[i] -= (widths[i] - 4) * min(1.0, excess / shrinkable) if shrinkable > 0 else 0
    return tuple(widths)


def _label_span(spec: TableSpec, row, col: int) -> int:
    """A total row (合计) spans the empty label columns right of its label, as printed:
    合计 stands across 科目编码 and 科目名称."""
    span = 1
    while (col + span < len(spec.columns) and not spec.columns[col + span].is_amount
           and not row.labels.get(spec.columns[col + span].key)):
        span += 1
    return span


def official_grid(table: Table, spec: TableSpec) -> Grid:
    """Header tree (merged as the template says), the column-number row if the table has one,
    then one grid row per table row: amounts right-aligned with two decimals, empty cells empty."""
    cells = [
        Cell(h.row, h.col, h.text, rowspan=h.rowspan, colspan=h.colspan, header=True, align="center")
        for h in spec.header_cells()
    ]
    header_rows = spec.header_depth
    if spec.numbered:
        cells += [Cell(header_rows, i, str(i + 1), header=True, align="center") for i in range(len(spec.columns))]
        header_rows += 1
    indented = _indented_columns(spec)
    body: list[list[str]] = []
    for r, row in enumerate(table.rows, start=header_rows):
        texts = []
        c = 0
        while c < len(spec.columns):
            column = spec.columns[c]
            if column.is_amount:
                value = row.values.get(column.key)
                text = fmt_table(value)
                cells.append(Cell(r, c, text, align="right", value=value))
                texts.append(text)
                c += 1
                continue
            text = row.labels.get(column.key, "")
            indent = _indent(spec, _level(row, indented[column.key])) if column.key in indented else 0
            span = _label_span(spec, row, c) if row.level == 0 and text else 1
            cells.append(Cell(r, c, text, colspan=span, indent=indent))
            texts += [text] + [""] * (span - 1)
            c += span
        body.append(texts)
    return Grid(len(spec.columns), header_rows + len(table.rows), cells, header_rows, _column_widths(spec, body))


def official_block(table: Table, spec: TableSpec) -> TableBlock:
    return TableBlock(
        caption=table.caption,
        title=table.title,
        subtitle=f"单位名称：{table.unit_name}" if table.unit_name else "",
        unit=f"单位：{table.unit}",
        grid=official_grid(table, spec),
        note=table.note or "",
        table_id=table.id,
    )


# --- the performance-target tables -------------------------------------------------------------

# 8 columns, as the official form: a side label, then 一级/二级/三级/指标值 for the 实施期 and
# 二级/三级/指标值 for the 年度 target; the upper rows of the form span these columns.
PERF_COLUMNS = 8
PERF_WIDTHS = (8.5, 6.0, 6.0, 8.5, 7.0, 6.0, 8.5, 7.0)
FUNDING_LEVELS = (
    ("central", "其中：中央财政资金"),
    ("provincial", "省级财政资金"),
    ("local", "市县（区）财政资金"),
    ("self_raised", "单位自筹"),
    ("other", "其他资金"),
)
PERF_TEXT_ROWS = (
    ("overview", "项目概况"),
    ("basis", "立项依据"),
    ("necessity", "项目设立必要性"),
    ("measures", "保证项目实施的制度、措施"),
    ("plan", "项目实施计划"),
)
PERF_INDICATOR_HEADER = ("一级指标", "二级指标", "三级指标", "指标值", "二级指标", "三级指标", "指标值")


def _yuan(value: Decimal | None) -> str:
    return "" if value is None else fmt_yuan(value)


def performance_grid(table: PerformanceTable) -> Grid:
    cells: list[Cell] = []
    r = 0

    def label(row: int, col: int, text: str, **span) -> None:
        cells.append(Cell(row, col, text, strong=True, align="center", **span))

    def text(row: int, col: int, value: str, **span) -> None:
        cells.append(Cell(row, col, value, **span))

    label(r, 0, "项目名称")
    text(r, 1, table.project_name, colspan=7)
    r += 1
    for left, lvalue, right, rvalue in (
        ("主管部门及代码", table.department, "实施单位", table.implementing_unit),
        ("项目属性", table.attribute, "项目期", table.period),
    ):
        label(r, 0, left)
        text(r, 1, lvalue, colspan=3)
        label(r, 4, right)
        text(r, 5, rvalue, colspan=3)
        r += 1
    # 项目资金（元）: the 实施期 block on the left, the 年度 block on the right, one row per level.
    funding_rows = [("total", "实施期资金总额：", "年度资金总额：")] + [(k, t, t) for k, t in FUNDING_LEVELS]
    label(r, 0, "项目资金（元）", rowspan=len(funding_rows))
    for key, left, right in funding_rows:
        implementation: Funding = table.funding_implementation
        annual: Funding = table.funding_annual
        text(r, 1, left, colspan=2)
        lvalue = getattr(implementation, key)
        cells.append(Cell(r, 3, _yuan(lvalue), align="right", value=lvalue))
        text(r, 4, right, colspan=2)
        rvalue = getattr(annual, key)
        cells.append(Cell(r, 6, _yuan(rvalue), colspan=2, align="right", value=rvalue))
        r += 1
    for attribute, title in PERF_TEXT_ROWS:
        label(r, 0, title)
        text(r, 1, getattr(table, attribute), colspan=7)
        r += 1
    label(r, 0, "总体目标", rowspan=2)
    label(r, 1, "实施期目标", colspan=4)
    label(r, 5, "年度目标", colspan=3)
    text(r + 1, 1, table.goal_implementation, colspan=4)
    text(r + 1, 5, table.goal_annual, colspan=3)
    r += 2
    label(r, 0, "绩效指标", rowspan=1 + len(table.indicators))
    for i, title in enumerate(PERF_INDICATOR_HEADER, start=1):
        label(r, i, title)
    r += 1
    # 一级指标 cells merge over consecutive indicators of the same level-one heading.
    i = 0
    indicators = table.indicators
    while i < len(indicators):
        span = 1
        while i + span < len(indicators) and indicators[i + span].level1 == indicators[i].level1:
            span += 1
        label(r + i, 1, indicators[i].level1, rowspan=span)
        for j in range(i, i + span):
            ind = indicators[j]
            for col, value in enumerate(
                (ind.level2, ind.level3, ind.value, ind.annual_level2, ind.annual_level3, ind.annual_value), start=2
            ):
                text(r + j, col, value)
        i += span
    r += len(indicators)
    return Grid(PERF_COLUMNS, r, cells, 0, PERF_WIDTHS)


def performance_block(table: PerformanceTable, number: int) -> TableBlock:
    footer = "负责人：　　经办人：　　联系电话：　　填报日期：" + (f" {table.filled_at}" if table.filled_at else "")
    return TableBlock(
        caption="",
        title=table.title or "项目支出绩效目标表",
        subtitle=f"（{table.year}年度）",
        unit="",
        grid=performance_grid(table),
        footer=footer,
        table_id=f"perf-{number}",
    )


# --- the whole document ----------------------------------------------------------------------


def _paragraphs(text: str) -> Iterator[Paragraph]:
    for line in text.split("\n"):
        if line.strip():
            yield Paragraph(line.strip())


def explanations_in_order(report: Report, template: Template, part) -> list:
    """The part's sections (those it prints) in order, with the project forms (PerformanceTable)
    placed before the section the template names (``performance_before_section``: the seed prints
    them after 十, the 附件 it announces), or after the last when no part prints only some sections."""
    before = template.data.get("performance_before_section")
    items: list = []
    placed = False
    for section in report.explanations:
        if part.sections and section.number not in part.sections:
            continue
        if section.number == before and not placed:
            items += report.performance
            placed = True
        items.append(section)
    if not placed and not part.sections:
        items += report.performance
    return items


# While render.write renders several formats of one report, each asks for the same blocks: made
# once there (render.once), by report and template; everywhere else made at each call, as a report
# may have changed in between. (No renderer changes a block.)
def document(report: Report, template: Template) -> list[Block]:
    memo = shared()
    if memo is None:
        return _document(report, template)
    key = (id(report), id(template))
    if key not in memo:
        memo[key] = (report, template, _document(report, template))  # both kept: their ids stay theirs
    return memo[key][2]


def _document(report: Report, template: Template) -> list[Block]:
    """The parts in the template's order; each part opens a page. The project forms come before
    the section the template names (``performance_before_section``: the seed prints them after
    十, the 附件 it announces), or after the explanations."""
    blocks: list[Block] = []
    own_structure = template.part("structure") is not None
    for n, part in enumerate(template.parts):
        heading = part.heading_for(report.unit_name, report.year)
        if heading:
            blocks.append(Heading(heading, 1, new_page=n > 0))
        if part.holds == "profile" and own_structure:  # duties as printed, the structure a part of its own
            blocks += [Paragraph(duty) for duty in report.profile.duties]
        elif part.holds == "structure":
            blocks += list(_paragraphs(report.profile.structure))
        elif part.holds == "projects":
            from .text import PROJECT_HEADINGS

            for note in report.projects:
                blocks.append(Heading(note.title, 1, new_page=True))
                for i, (key, title) in enumerate(PROJECT_HEADINGS, 1):
                    blocks.append(Heading(f"{chinese_number(i)}、{title}", 2))
                    blocks += list(_paragraphs(getattr(note, key)))
        elif part.holds == "profile":
            headings = template.data.get("profile", {})
            blocks.append(Heading(headings.get("duties", "职责"), 2))
            blocks += [Paragraph(f"{i}、{duty}") for i, duty in enumerate(report.profile.duties, 1)]
            blocks.append(Heading(headings.get("structure", "机构设置"), 2))
            blocks += list(_paragraphs(report.profile.structure))
        elif part.holds == "tables":
            blocks += [official_block(table, template.table(table.id)) for table in report.tables]
        elif part.holds == "explanations":
            forms = 0
            for item in explanations_in_order(report, template, part):
                if isinstance(item, PerformanceTable):
                    forms += 1
                    blocks.append(performance_block(item, forms))
                    continue
                if item.number or item.title:
                    title = f"{item.number}、{item.title}" if item.number else item.title
                    # the section after the forms starts a page of its own
                    blocks.append(Heading(title, 2, new_page=bool(forms) and isinstance(blocks[-1], TableBlock)))
                blocks += list(_paragraphs(item.text))
        elif part.holds == "glossary":
            lead = template.data.get("glossary_format", "{n}、{term}：{text}").split("{text}")[0]
            for i, term in enumerate(report.glossary, 1):
                blocks.append(Paragraph(term.text, lead=lead.format(n=chinese_number(i), term=term.term)))

    # A table right after a part heading shares its page (the heading already began one).
    for before, block in zip(blocks, blocks[1:]):
        if isinstance(block, TableBlock) and isinstance(before, Heading):
            block.new_page = False
    return blocks


def document_title(report: Report, template: Template) -> str:
    return template.document_title.replace("{unit}", report.unit_name).replace("{year}", str(report.year))
