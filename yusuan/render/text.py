"""Plain text laid out like the published disclosure (the seed): parts in order, each table
under its caption line and title, a row's cells joined by single spaces, an empty cell empty.

It is the format the reader of published text parses, so a derived report can make the
round trip text → Report.
"""
from __future__ import annotations

from ..numerals import chinese_number
from ..money import fmt_table, fmt_yuan
from ..report import PerformanceTable, Report, Table
from ..templates import Template, TableSpec
from . import Rendering
from .layout import explanations_in_order
from . import register

FULL_WIDTH_SPACE = "\u3000"
FUNDING_LEVELS = (("central", "其中：中央财政资金"), ("provincial", "省级财政资金"), ("local", "市县（区）财政资金"),
                  ("self_raised", "单位自筹"), ("other", "其他资金"))


def table_lines(table: Table, spec: TableSpec, unit_label: str = "单位名称") -> list[str]:
    # A layout that prints titles only (no caption) gets no empty caption line.
    lines = [*([table.caption] if table.caption else []), table.title, f"{unit_label}：{table.unit_name} 单位：{table.unit}"]
    for level in range(spec.header_depth):
        lines.append(" ".join(cell.text for cell in spec.header_cells() if cell.row == level))
    if spec.numbered:
        lines.append(" ".join(str(i + 1) for i in range(len(spec.columns))))
    indent = spec.rows.dimension.startswith("projects")
    columns = [(column.key, column.is_amount) for column in spec.columns]
    for row in table.rows:
        cells = []
        values, labels = row.values, row.labels
        for key, is_amount in columns:
            if is_amount:
                cells.append(fmt_table(values.get(key)))
            else:
                text = labels.get(key, "")
                cells.append(FULL_WIDTH_SPACE * row.level + text if indent and text else text)
        lines.append(" ".join(cells))
    if table.note:
        lines.append(table.note)
    return lines


def _money(value) -> str:
    return "" if value is None else fmt_yuan(value)


def performance_lines(table: PerformanceTable) -> list[str]:
    lines = [
        table.title,
        f"（{table.year}年度）",
        f"项目名称 {table.project_name}",
        f"主管部门及代码 {table.department} 实施单位 {table.implementing_unit}",
        f"项目属性 {table.attribute} 项目期 {table.period}",
        "项目资金",
        "（元）",
        f"实施期资金总额： {_money(table.funding_implementation.total)} 年度资金总额： {_money(table.funding_annual.total)}",
    ]
    for key, label in FUNDING_LEVELS:
        left, right = getattr(table.funding_implementation, key), getattr(table.funding_annual, key)
        lines.append(" ".join(part for part in (label, _money(left), label, _money(right)) if part))
    lines += [
        f"项目概况 {table.overview}",
        f"立项依据 {table.basis}",
        f"项目设立必要性 {table.necessity}",
        f"保证项目实施的制度、措施 {table.measures}",
        f"项目实施计划 {table.plan}",
        "实施期目标 年度目标",
        f"总体目标 {table.goal_implementation}",
        table.goal_annual,
        "绩效指标",
        "一级指标 二级指标 三级指标 指标值 二级指标 三级指标 指标值",
    ]
    level1 = None
    for indicator in table.indicators:
        if indicator.level1 != level1:
            level1 = indicator.level1
            lines.append(level1)
        cells = (indicator.level2, indicator.level3, indicator.value,
                 indicator.annual_level2, indicator.annual_level3, indicator.annual_value)
        lines.append(" ".join(cell for cell in cells if cell))
    lines.append(f"负责人： 经办人： 联系电话： 填报日期： {table.filled_at}".rstrip())
    return lines


def render_text(report: Report, template: Template) -> str:
    """The parts in the template's order; the project forms before the section the template
    names (``performance_before_section``), or after the explanations."""
    lines: list[str] = []
    own_structure = template.part("structure") is not None
    for part in template.parts:
        heading = part.heading_for(report.unit_name, report.year)
        if heading:
            lines.append(heading)
        if part.holds == "profile" and own_structure:  # duties as printed, the structure a part of its own
            lines += report.profile.duties
        elif part.holds == "profile":
            headings = template.data.get("profile", {})
            lines.append(headings.get("duties", "职责"))
            lines += [f"{i}、{duty}" for i, duty in enumerate(report.profile.duties, 1)]
            lines += [headings.get("structure", "机构设置"), report.profile.structure]
        elif part.holds == "structure":
            lines += report.profile.structure.split("\n")
        elif part.holds == "tables":
            for table in report.tables:
                lines += table_lines(table, template.table(table.id), template.data.get("unit_label", "单位名称"))
        elif part.holds == "explanations":
            for item in explanations_in_order(report, template, part):
                if isinstance(item, PerformanceTable):
                    lines += performance_lines(item)
                    continue
                if item.number or item.title:
                    lines.append(f"{item.number}、{item.title}" if item.number else item.title)
                lines += item.text.split("\n")
        elif part.holds == "glossary":
            form = template.data.get("glossary_format", "{n}、{term}：{text}")  # Shanghai: （一）财政拨款收入：…
            lines += [form.format(n=chinese_number(i), term=term.term, text=term.text) for i, term in enumerate(report.glossary, 1)]
        elif part.holds == "projects":
            for note in report.projects:
                lines.append(note.title)
                for i, (key, title) in enumerate(PROJECT_HEADINGS, 1):
                    lines += [f"{chinese_number(i)}、{title}", *getattr(note, key).split("\n")]
    return "\n".join(lines) + "\n"


# The headings of a 项目经费情况说明 page, in order (report.ProjectNote).
PROJECT_HEADINGS = (("purpose", "项目概述"), ("basis", "立项依据"), ("subject", "实施主体"), ("plan", "实施方案"),
                    ("period", "实施周期"), ("budget", "年度预算安排"), ("targets", "绩效目标"))


@register("text", "report.txt")
def render(rendering: Rendering) -> bytes:
    return render_text(rendering.report, rendering.template).encode("utf-8")
