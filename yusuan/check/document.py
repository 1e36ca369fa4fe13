"""Rules for every template about the document as a whole: every table of the layout is there,
an empty table says why, every title is of the report's year and names its unit."""
from __future__ import annotations

from ..report import Report
from ..templates import Template
from . import Finding, Location, rule
from .support import is_empty, spec_of


@rule("C.tables", "Every table of the template is published (操作规程: the budget tables are disclosed in full).",
      identity="each table id of the template appears in the report")
def tables_present(report: Report, template: Template) -> list[Finding]:
    have = {t.id for t in report.tables}
    return [Finding("C.tables", "error", Location(table=spec.id), f"{spec.name} is missing", "published", "absent")
            for spec in template.tables if spec.id not in have]


@rule("C.empty", "A table without data carries a note saying so (操作规程: 空表要说明), and a table with data does not say it is empty.",
      identity="no amounts ⇒ a note; amounts ⇒ not the template's empty-table note")
def empty_tables(report: Report, template: Template) -> list[Finding]:
    out = []
    for table in report.tables:
        note = (table.note or "").strip()
        spec = spec_of(template, table.id)
        empty_note = spec.empty_note if spec is not None else ""
        if is_empty(table) and not note:
            out.append(Finding("C.empty", "error", Location(table=table.id), "an empty table does not say it is empty (操作规程: 空表要说明)",
                               empty_note or "a note", "no note"))
        elif not is_empty(table) and note and empty_note and empty_note.strip("注：:") in note:
            out.append(Finding("C.empty", "error", Location(table=table.id), "the table says it is empty but shows amounts", "no note", note))
    return out


@rule("C.year", "Every table's title is of the report's year (where the layout's titles carry one) and names the unit.", severity="warning",
      identity="str(year) in title where the template's title has {year}; unit_name = the report's unit (when given)")
def year(report: Report, template: Template) -> list[Finding]:
    out = []
    year = str(template.year)
    for table in report.tables:
        spec = spec_of(template, table.id)
        dated = spec is not None and year in spec.title
        if dated and str(report.year) not in table.title:
            out.append(Finding("C.year", "warning", Location(table=table.id), "the title is not of the report's year", str(report.year), table.title))
        if table.unit_name and report.unit_name and "".join(table.unit_name.split()) != "".join(report.unit_name.split()):
            out.append(Finding("C.year", "warning", Location(table=table.id), "the table names another unit", report.unit_name, table.unit_name))
    return out
