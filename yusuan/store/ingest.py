"""Publishing: a budget, a report.json or a published PDF/text → checked → stored.

Reading goes through the same paths as the commands (yusuan.inputs.load_report: a budget is
derived, a report.json loaded, a published document read with its layout detected), and the
findings are those of `yusuan check`, so the portal shows exactly what the CLI would say.
"""
from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from ..inputs import file_sha256
from ..report import Report
from . import search
from .models import CellRow, ClaimRow, FindingRow, ReportRow, SearchDoc, TemplateRow, Unit


@dataclass(frozen=True)
class UnitInfo:
    """What is known of the unit beyond the report's unit_name (a budget knows more than a PDF)."""

    code: str = ""
    department: str = ""
    department_code: str = ""
    region: str = ""
    kind: str = ""


@dataclass(frozen=True)
class Published:
    unit_key: str
    year: int
    report_id: int
    counts: dict


def slug(name: str) -> str:
    """A URL part for a unit known only by its name: CJK, letters and digits kept, the rest a
    hyphen; a name of nothing but punctuation gets a short hash (never an empty URL)."""
    kept = re.sub(r"[^0-9A-Za-z\u3400-\u4dbf\u4e00-\u9fff]+", "-", name).strip("-").lower()[:80]
    return kept or "u-" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:10]


def read_input(path: Path, template: str | None = None, catalog_files: tuple = ()):
    """(report, budget or None, reader notes) for any input the CLI accepts; InputError if bad."""
    from ..commands import make_context
    from ..commands.build import DEFAULT_TEMPLATE
    from ..derive import derive
    from ..errors import InputError
    from ..inputs import BUDGET_SUFFIXES, is_published, load_report, read_budget

    context = make_context(template, catalog_files)
    path = Path(path)
    if not path.exists():
        raise InputError(path, None, "no such file")
    suffix = path.suffix.lower()
    if suffix in BUDGET_SUFFIXES or (suffix == ".xlsx" and not is_published(path)):
        if context.template_ref is None:
            context = context.with_template(DEFAULT_TEMPLATE)  # as `build` lays a budget out
        budget = read_budget(path, context.catalog)
        try:
            return derive(budget, context), budget, []
        except ValueError as exc:
            raise InputError(path, None, str(exc)) from None
    report, notes = load_report(path, context)
    return report, None, notes


def unit_info_of(budget) -> UnitInfo:
    if budget is None:
        return UnitInfo()
    u = budget.unit
    return UnitInfo(u.code, u.department, u.department_code, u.region, u.kind)


def headline(report: Report, template) -> Decimal | None:
    """The figure that sizes a report (the template's ``headline``: 收入总计 for Shanxi)."""
    spec = template.data.get("headline") or {}
    table = report.table(str(spec.get("table", "")))
    if table is None:
        return None
    for row in table.rows:
        if row.labels.get(spec.get("label_column", ""), "").replace(" ", "") == spec.get("label"):
            return row.values.get(spec.get("column", ""))
    return None


def headline_unit(report: Report, template) -> str:
    table = report.table(str((template.data.get("headline") or {}).get("table", "")))
    return table.unit if table is not None else ""


def _unit_for(session: Session, name: str, info: UnitInfo) -> Unit:
    unit = None
    if info.code:
        unit = session.scalars(select(Unit).where(Unit.code == info.code)).first()
    if unit is None:
        unit = session.scalars(select(Unit).where(Unit.name == name).order_by(Unit.id)).first()
    if unit is None:
        base = info.code or slug(name)
        key, n = base, 1
        while session.scalars(select(Unit.id).where(Unit.key == key)).first() is not None:
            n += 1
            key = f"{base}-{n}"
        unit = Unit(key=key, code=info.code, name=name, department="", department_code="", region="", kind="")
        session.add(unit)
    for field in ("code", "department", "department_code", "region", "kind"):  # what we learn, we keep
        if getattr(info, field):
            setattr(unit, field, getattr(info, field))
    if not unit.department:
        unit.department = name  # a unit published alone is its own department until told otherwise
    session.flush()
    return unit


def _cells(report: Report, template) -> list[CellRow]:
    cells = []
    for table in report.tables:
        spec = template.table(table.id) if template.has_table(table.id) else None
        headers = {c.key: " / ".join(c.header) for c in spec.columns} if spec else {}
        for i, row in enumerate(table.rows):
            label = " | ".join(v for v in row.labels.values() if v)
            for key, value in row.values.items():
                cells.append(CellRow(table_id=table.id, row_index=i, row_code=row.code or "", row_label=label[:500],
                                     level=row.level, column=key, header=headers.get(key, key)[:500], value=value,
                                     unit=table.unit))
    return cells


def _search_docs(report: Report, unit: Unit) -> list[SearchDoc]:
    docs = [SearchDoc(kind="unit", ref="", title=unit.name,
                      text=" ".join(filter(None, (unit.name, unit.code, unit.department, unit.region))))]
    seen: set[tuple[str, str]] = set()
    for table in report.tables:
        for row in table.rows:
            if not row.code:
                continue
            name = next((v for k, v in row.labels.items() if v and v != row.code and "code" not in k), "")
            if (row.code, name) in seen:
                continue
            seen.add((row.code, name))
            docs.append(SearchDoc(kind="code", ref=table.id, title=f"{row.code} {name}".strip(), text=f"{row.code} {name}"))
    projects = {p.project_name for p in report.performance} | {p.project for p in report.projects}
    for project in sorted(p for p in projects if p):
        docs.append(SearchDoc(kind="project", ref="", title=project, text=project))
    for section in report.explanations:
        if section.text.strip():
            title = f"{section.number}、{section.title}" if section.number else section.title
            docs.append(SearchDoc(kind="prose", ref=section.number, title=title, text=section.text))
    for doc in docs:
        doc.grams = search.grams(doc.text)
    return docs


def _forget_search(session: Session, report_id: int) -> None:
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("DELETE FROM search_fts WHERE rowid IN (SELECT id FROM search_docs WHERE report_id = :r)"),
                        {"r": report_id})


def store_report(session: Session, report: Report, findings: list, *, budget=None, info: UnitInfo = UnitInfo(),
                 source: str = "", origin: str = "report", source_sha256: str | None = None) -> Published:
    """Store ``report`` (replacing the unit's report of that year) with its findings."""
    from ..templates import load

    template = load(report.template, report.year)
    if session.get(TemplateRow, template.id) is None:
        session.add(TemplateRow(id=template.id, name=template.name, kind=template.kind, level=template.level))
    unit = _unit_for(session, report.unit_name, info)
    old = session.scalars(select(ReportRow).where(ReportRow.unit_id == unit.id, ReportRow.year == report.year)).first()
    if old is not None:
        _forget_search(session, old.id)
        for model in (SearchDoc, CellRow, ClaimRow, FindingRow):
            session.execute(delete(model).where(model.report_id == old.id))
        session.delete(old)
        session.flush()
    report_json = report.to_json()
    counts = Counter(f.severity for f in findings)
    row = ReportRow(unit_id=unit.id, year=report.year, template_id=template.id, source=source[:1000], origin=origin,
                    report_json=report_json, budget_json=budget.model_dump_json() if budget is not None else None,
                    digest=hashlib.sha256(report_json.encode("utf-8")).hexdigest(), source_sha256=source_sha256,
                    headline=headline(report, template), headline_unit=headline_unit(report, template),
                    errors=counts.get("error", 0), warnings=counts.get("warning", 0), roundings=counts.get("rounding", 0))
    row.cells = _cells(report, template)
    row.claims = [ClaimRow(section=s.number, subject=c.subject[:200], value=c.value, unit=c.unit, text=c.text)
                  for s in report.explanations for c in s.claims]
    row.findings = [FindingRow(rule=f.rule, severity=f.severity,
                               location={k: v for k, v in f.location._asdict().items() if v is not None},
                               location_text=str(f.location), message=f.message, expected=f.expected, found=f.found,
                               arithmetic=f.arithmetic, place=f.place) for f in findings]
    # The unit page's body, findings and charts, made once here rather than at each first visit
    from ..web.unit_page import published_pieces, unit_url

    for column, value in published_pieces(report, template, row.findings, unit_url(unit.key, report.year)).items():
        setattr(row, column, value)
    session.add(row)
    session.flush()
    docs = _search_docs(report, unit)
    for doc in docs:
        doc.report_id = row.id
    session.add_all(docs)
    session.flush()
    # Beside the index, each document's kind, report and normalized text: a search tests its
    # candidates there without reading the documents (0006_search_candidates).
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        session.execute(text("INSERT INTO search_fts(rowid, kind, report_id, norm, grams) "
                             "VALUES (:id, :kind, :report_id, :norm, :grams)"),
                        [{"id": d.id, "kind": d.kind, "report_id": row.id, "norm": search.normalize(d.text),
                          "grams": d.grams} for d in docs])
    elif dialect == "postgresql":
        session.execute(text("UPDATE search_docs SET tsv = to_tsvector('simple', grams), norm = :norm WHERE id = :id"),
                        [{"id": d.id, "norm": search.normalize(d.text)} for d in docs])
    return Published(unit.key, report.year, row.id, dict(counts))


@dataclass(frozen=True)
class Read:
    """An input read but not yet stored: what `publish_file` stores, and what `yusuan serve DIR`
    compares (unit and year) before storing."""

    path: Path
    report: Report
    budget: object
    sha256: str
    origin: str | None = None  # budget | report | published; None: told by the file (is_published)

    @property
    def unit_year(self) -> tuple[str, int]:
        """Who and when: the unit's code when a budget gives one, else its name."""
        code = self.budget.unit.code if self.budget is not None else ""
        return (code or self.report.unit_name, self.report.year)


def read_file(path: Path, template: str | None = None, catalog_files: tuple = ()) -> Read:
    """One input read (a budget derived); InputError (one line) if it cannot be."""
    report, budget, _notes = read_input(path, template, catalog_files)
    return Read(Path(path), report, budget, file_sha256(path))


def store_read(session: Session, read: Read) -> Published:
    """Check a read input and store it with its findings."""
    from ..check import check
    from ..inputs import is_published
    from ..templates import load

    findings = check(read.report, None, load(read.report.template, read.report.year))
    origin = read.origin or ("budget" if read.budget is not None else ("published" if is_published(read.path) else "report"))
    return store_report(session, read.report, findings, budget=read.budget, info=unit_info_of(read.budget),
                        source=str(read.path), origin=origin, source_sha256=read.sha256)


def publish_file(session: Session, path: Path, template: str | None = None, catalog_files: tuple = ()) -> Published:
    """Read, check and store one input; InputError (one line) if it cannot be read."""
    return store_read(session, read_file(path, template, catalog_files))
