"""A Report and its findings as rows of the corpus tables (yusuan/corpus/schema.py)."""
from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation

SCALE = Decimal("0.000001")  # the 6 decimals of DECIMAL(38, 6)
LIMIT = Decimal(10) ** 32  # 38 digits less the 6 decimals


def exact(value: Decimal | None) -> tuple[Decimal | None, bool]:
    """(the value at the corpus's scale, True) when it is stored exactly; (None, False) when it
    would lose a digit — Arrow would refuse it, and a rounded amount is a wrong amount."""
    if value is None:
        return None, True
    try:
        scaled = value.quantize(SCALE)
    except InvalidOperation:  # too many digits for the context, or not finite
        return None, False
    if scaled != value or abs(scaled) >= LIMIT:
        return None, False
    return scaled, True


class Rows:
    """The rows of one report, table by table, and the values that could not be stored."""

    def __init__(self, report_id: str, file: str):
        self.report_id = report_id
        self.file = file
        self.tables: dict[str, list[dict]] = {}

    def add(self, table: str, **row) -> None:
        self.tables.setdefault(table, []).append({"report_id": self.report_id, **row})

    def amount(self, value: Decimal | None, where: str) -> Decimal | None:
        stored, ok = exact(value)
        if not ok:
            self.add("problems", file=self.file, kind="value",
                     message=f"{where}: {value} has more digits than the corpus stores exactly (DECIMAL(38,6)); stored as NULL")
        return stored

    def count(self, table: str) -> int:
        return len(self.tables.get(table, ()))


def _place(part) -> str | None:
    place = getattr(part, "place", None)
    return str(place) or None if place is not None else None


def _row_name(labels: dict[str, str]) -> str:
    if labels.get("name"):
        return labels["name"]
    return next((text for key, text in labels.items() if text and key != "code"), labels.get("code", ""))


def report_rows(rows: Rows, report, findings, notes: list[str]) -> None:
    """Every cell, claim, project form, indicator, project note, finding and reader's note of
    ``report`` added to ``rows``."""
    for table in report.tables:
        for index, row in enumerate(table.rows):
            labels = json.dumps(row.labels, ensure_ascii=False, sort_keys=True)
            for key, value in row.values.items():
                if value is None:  # an empty cell is not a figure
                    continue
                rows.add("cells", table_id=table.id, table_title=table.title, table_unit=table.unit,
                         row_index=index, row_code=row.code, row_level=row.level, row_name=_row_name(row.labels),
                         row_labels=labels, column_key=key,
                         value=rows.amount(value, f"表{table.id} row {index + 1} [{key}]"), place=_place(row))
    for section in report.explanations:
        for index, claim in enumerate(section.claims):
            rows.add("claims", section=section.number, section_title=section.title, claim_index=index,
                     subject=claim.subject, value=rows.amount(claim.value, f"§{section.number} {claim.subject}"),
                     unit=claim.unit, text=claim.text, relation=claim.relation, reason=claim.reason)
    for index, form in enumerate(report.performance):
        funding = {}
        for phase, values in (("implementation", form.funding_implementation), ("annual", form.funding_annual)):
            for level in ("total", "central", "provincial", "local", "self_raised", "other"):
                funding[f"{phase}_{level}"] = rows.amount(getattr(values, level), f"《{form.project_name}》 {phase} {level}")
        rows.add("projects", project_index=index, project_name=form.project_name, year=form.year,
                 department=form.department, implementing_unit=form.implementing_unit, attribute=form.attribute,
                 period=form.period, **funding, goal_implementation=form.goal_implementation,
                 goal_annual=form.goal_annual, overview=form.overview, place=_place(form))
        for number, indicator in enumerate(form.indicators):
            rows.add("indicators", project_index=index, project_name=form.project_name, indicator_index=number,
                     level1=indicator.level1, level2=indicator.level2, level3=indicator.level3, value=indicator.value,
                     annual_level2=indicator.annual_level2, annual_level3=indicator.annual_level3,
                     annual_value=indicator.annual_value)
    for index, note in enumerate(report.projects):
        rows.add("project_notes", note_index=index, project=note.project, title=note.title,
                 amount=rows.amount(note.amount, f"{note.title}"), purpose=note.purpose, targets=note.targets)
    for index, finding in enumerate(findings):
        where = finding.location
        rows.add("findings", finding_index=index, rule=finding.rule, severity=finding.severity, location=str(where),
                 table_id=where.table, row=where.row, column_key=where.column, section=where.section,
                 project=where.project, quote=where.quote, place=finding.place or None, message=finding.message,
                 expected=finding.expected, found=finding.found, arithmetic=finding.arithmetic)
    for note in notes:
        rows.add("problems", file=rows.file, kind="note", message=str(note))
