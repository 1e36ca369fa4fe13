"""The read-only JSON API under /api/: everything the pages show, with paging and filters.

Amounts are strings (exact decimals as displayed, "6640.71"): a JSON number would be read as a
binary float by most clients. OpenAPI at /api/openapi.json, described at /api/docs.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Callable, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, FastAPI, Query
from fastapi import Path as FastPath
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException

from ..limits import is_whole
from ..store.models import CellRow, ReportRow, Unit
from ..templates import load as load_template
from . import queries, views


def _money(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


class ReportSummary(BaseModel):
    year: int
    template: str
    origin: str
    headline: str | None
    headline_unit: str
    errors: int
    warnings: int
    roundings: int
    url: str


class UnitOut(BaseModel):
    key: str
    code: str
    name: str
    department: str
    department_code: str
    region: str
    kind: str
    reports: list[ReportSummary]


class UnitPage(BaseModel):
    items: list[UnitOut]
    total: int
    page: int
    per_page: int


class YearOut(BaseModel):
    year: int
    reports: int


class Facet(BaseModel):
    value: str
    units: int


class TableSummary(BaseModel):
    id: str
    caption: str
    title: str
    unit: str
    rows: int


class RowOut(BaseModel):
    code: str | None
    level: int
    labels: dict[str, str]
    values: dict[str, str | None]


class TableOut(BaseModel):
    id: str
    caption: str
    title: str
    unit: str
    unit_name: str
    columns: list[dict]
    rows: list[RowOut]
    note: str | None
    displayed: list[list[str]]  # the table as the page shows it, header rows first


class DepartmentUnit(BaseModel):
    key: str
    name: str
    url: str
    headline: str | None
    headline_unit: str
    errors: int
    warnings: int


class LeftOut(BaseModel):
    name: str
    why: str


class DepartmentOut(BaseModel):
    department: str
    year: int
    template: str | None  # the layout of the summed units
    units: list[DepartmentUnit]
    headline_sums: dict[str, str]  # per unit of measure
    left_out: list[LeftOut]  # units not summed (another layout)
    tables: list[TableOut]  # per table, the units' cells summed


class FindingOut(BaseModel):
    rule: str
    severity: str
    location: dict
    location_text: str
    message: str
    expected: str
    found: str
    arithmetic: str
    place: str


class FindingPage(BaseModel):
    items: list[FindingOut]
    total: int
    page: int
    per_page: int
    counts: dict[str, int]


class HitOut(BaseModel):
    kind: str
    ref: str
    title: str
    snippet: str
    unit_key: str
    unit_name: str
    year: int
    url: str


class HitPage(BaseModel):
    items: list[HitOut]
    total: int
    page: int
    per_page: int
    complete: bool = Field(True, description="false: the search stopped at its most recently published candidates; "
                                             "there are more hits than total (narrow it by kind or year)")


class ChartOut(BaseModel):
    name: str
    title: str
    kind: str
    unit: str
    header: list[str]
    rows: list[list[str]]


class ComparedOut(BaseModel):
    table: str
    row: str
    column: str
    a: str | None
    b: str | None
    change: str | None
    percent: str | None


class CompareOut(BaseModel):
    a: str
    b: str
    items: list[ComparedOut]
    total: int
    page: int
    per_page: int


class CellOut(BaseModel):
    unit_key: str
    unit_name: str
    year: int
    table: str
    row_code: str
    row_label: str
    column: str
    header: str
    value: str | None
    unit: str


class CellPage(BaseModel):
    items: list[CellOut]
    total: int
    page: int
    per_page: int


def _summary(row: ReportRow, key: str) -> ReportSummary:
    from .app import unit_url

    return ReportSummary(year=row.year, template=row.template_id, origin=row.origin, headline=_money(row.headline),
                         headline_unit=row.headline_unit, errors=row.errors, warnings=row.warnings,
                         roundings=row.roundings, url=unit_url(key, row.year))


def _unit_out(unit: Unit, reports: list[ReportRow]) -> UnitOut:
    return UnitOut(key=unit.key, code=unit.code, name=unit.name, department=unit.department,
                   department_code=unit.department_code, region=unit.region, kind=unit.kind,
                   reports=[_summary(r, unit.key) for r in reports])


Page = Query(1, ge=1, le=100000, description="page number, from 1")
PerPage = Query(50, ge=1, le=500, description="items per page")


def register(app: FastAPI, session: Callable) -> None:
    router = APIRouter(prefix="/api", tags=["data"])

    def found(s: Session, key: str, year: int) -> tuple[Unit, ReportRow]:
        unit = queries.unit_by_key(s, key)
        if unit is None:
            raise HTTPException(404, f"no unit {key}")
        row = queries.report_row(s, unit, year)
        if row is None:
            raise HTTPException(404, f"no report of {key} for {year}")
        return unit, row

    @router.get("/years", response_model=list[YearOut], summary="Years with reports")
    def years(s: Session = Depends(session)):
        return [YearOut(year=y, reports=n) for y, n in queries.years(s)]

    @router.get("/regions", response_model=list[Facet], summary="Regions, with their number of units")
    def regions(s: Session = Depends(session)):
        return [Facet(value=v, units=n) for v, n in queries.facets(s, Unit.region)]

    @router.get("/departments", response_model=list[Facet], summary="Departments, with their number of units")
    def departments(s: Session = Depends(session)):
        return [Facet(value=v, units=n) for v, n in queries.facets(s, Unit.department)]

    @router.get("/units", response_model=UnitPage, summary="Units, filtered and paged")
    def units(s: Session = Depends(session), year: int | None = Query(None, ge=0, le=9999),
              region: str | None = Query(None, max_length=200), department: str | None = Query(None, max_length=200),
              name: str | None = Query(None, max_length=200, description="part of the unit's name"),
              page: int = Page, per_page: int = PerPage):
        result = queries.units(s, year=year, region=region, department=department, name=name, page=page, per_page=per_page)
        return UnitPage(items=[_unit_out(u, r) for u, r in result.items], total=result.total, page=page, per_page=per_page)

    @router.get("/units/{key}", response_model=UnitOut, summary="A unit and its reports")
    def unit(key: str, s: Session = Depends(session)):
        found_unit = queries.unit_by_key(s, key)
        if found_unit is None:
            raise HTTPException(404, f"no unit {key}")
        return _unit_out(found_unit, list(found_unit.reports))

    @router.get("/units/{key}/{year}", response_model=ReportSummary, summary="A unit's report of a year")
    def report_summary(key: str, year: int, s: Session = Depends(session)):
        unit_row, row = found(s, key, year)
        return _summary(row, unit_row.key)

    @router.get("/units/{key}/{year}/report", summary="The Report (yusuan-report/1 JSON, docs/report-format.md)",
                responses={200: {"content": {"application/json": {}}}})
    def report_json(key: str, year: int, s: Session = Depends(session)) -> Response:
        _, row = found(s, key, year)
        return Response(row.report_json, media_type="application/json")

    @router.get("/units/{key}/{year}/tables", response_model=list[TableSummary], summary="The report's tables")
    def tables(key: str, year: int, s: Session = Depends(session)):
        _, row = found(s, key, year)
        report = queries.report_of(row)
        return [TableSummary(id=t.id, caption=t.caption, title=t.title, unit=t.unit, rows=len(t.rows)) for t in report.tables]

    @router.get("/units/{key}/{year}/tables/{table_id}", response_model=TableOut, summary="One table, cells as displayed")
    def table(key: str, year: int, table_id: str, s: Session = Depends(session)):
        _, row = found(s, key, year)
        report = queries.report_of(row)
        t = report.table(table_id)
        if t is None:
            raise HTTPException(404, f"no table {table_id}")
        return _table_out(t, load_template(report.template, report.year))

    def _table_out(t, template) -> TableOut:
        spec = template.table(t.id) if template.has_table(t.id) else None
        columns = [{"key": c.key, "type": c.type, "header": list(c.header)} for c in spec.columns] if spec else []
        return TableOut(id=t.id, caption=t.caption, title=t.title, unit=t.unit, unit_name=t.unit_name, columns=columns,
                        rows=[RowOut(code=r.code, level=r.level, labels=r.labels,
                                     values={k: _money(v) for k, v in r.values.items()}) for r in t.rows],
                        note=t.note, displayed=views.table_grid_rows(t, template))

    @router.get("/departments/{name}/{year}", response_model=DepartmentOut,
                summary="A department's units of a year, consolidated (the sum of their cells where the layout is the same)")
    def department(name: str, year: int = FastPath(..., ge=0, le=9999), s: Session = Depends(session)):
        entries = queries.department_reports(s, name, year)
        if not entries:
            raise HTTPException(404, f"no report of department {name} for {year}")
        consolidated = views.consolidate(name, [(u.name, queries.report_of(r)) for u, r in entries])
        sums: dict[str, Decimal] = {}
        for _, r in entries:
            if r.headline is not None:
                sums[r.headline_unit] = sums.get(r.headline_unit, Decimal(0)) + r.headline
        template = load_template(consolidated.template, year) if consolidated else None
        return DepartmentOut(
            department=name, year=year, template=consolidated.template if consolidated else None,
            units=[DepartmentUnit(key=u.key, name=u.name, url=f"/unit/{quote(u.key, safe='')}/{year}",
                                  headline=_money(r.headline), headline_unit=r.headline_unit, errors=r.errors,
                                  warnings=r.warnings) for u, r in entries],
            headline_sums={k: _money(v) for k, v in sums.items()},
            left_out=[LeftOut(name=n, why=w) for n, w in (consolidated.left_out if consolidated else [])],
            tables=[_table_out(t, template) for t in consolidated.tables] if consolidated else [])

    @router.get("/units/{key}/{year}/findings", response_model=FindingPage, summary="Findings of `yusuan check`")
    def findings(key: str, year: int, s: Session = Depends(session),
                 severity: Literal["error", "warning", "rounding"] | None = None, page: int = Page, per_page: int = PerPage):
        _, row = found(s, key, year)
        every = queries.findings(s, row.id)
        chosen = [f for f in every if severity is None or f.severity == severity]
        start = (page - 1) * per_page
        items = [FindingOut(rule=f.rule, severity=f.severity, location=f.location or {}, location_text=f.location_text,
                            message=f.message, expected=f.expected, found=f.found, arithmetic=f.arithmetic, place=f.place)
                 for f in chosen[start:start + per_page]]
        return FindingPage(items=items, total=len(chosen), page=page, per_page=per_page,
                           counts=queries.severity_counts(every))

    @router.get("/units/{key}/{year}/charts", response_model=list[ChartOut], summary="The charts' tables")
    def charts(key: str, year: int, s: Session = Depends(session)):
        unit, row = found(s, key, year)
        report = queries.report_of(row)
        across = [(r.year, queries.report_of(r)) for r in unit.reports]  # 三公 and 机关运行经费 over the years
        return [ChartOut(name=c.name, title=c.title, kind=c.kind, unit=c.unit, header=c.header, rows=c.rows)
                for c in views.charts(report, load_template(report.template, report.year))
                + views.year_charts([(y, r, load_template(r.template, r.year)) for y, r in across])]

    @router.get("/search", response_model=HitPage, summary="Search units, codes, classification and project names, prose")
    def search(q: str = Query(..., min_length=1, max_length=200), s: Session = Depends(session),
               kind: Literal["unit", "code", "project", "prose"] | None = None,
               year: int | None = Query(None, ge=0, le=9999), page: int = Page, per_page: int = PerPage):
        from .app import unit_url

        result = queries.search(s, q, kind=kind, year=year, page=page, per_page=per_page)
        return HitPage(items=[HitOut(**h.__dict__, url=unit_url(h.unit_key, h.year)) for h in result.items],
                       total=result.total, page=page, per_page=per_page, complete=result.complete)

    @router.get("/compare", response_model=CompareOut, summary="Two reports cell by cell (a, b: unit key/year)")
    def compare(a: str = Query(..., max_length=300, examples=["长治市公安局屯留分局/2024"]),
                b: str = Query(..., max_length=300), changed: bool = False, s: Session = Depends(session),
                page: int = Page, per_page: int = Query(200, ge=1, le=2000)):
        rows = []
        for side in (a, b):
            key, _, year = side.rpartition("/")
            if not key or not is_whole(year, 4):
                raise HTTPException(404, f"expected unit/year, got {side}")
            rows.append(found(s, key, int(year))[1])
        ra, rb = queries.report_of(rows[0]), queries.report_of(rows[1])
        cells = [c for _, _, cs in views.compare(ra, rb, load_template(ra.template, ra.year)) for c in cs
                 if not changed or c.change]
        start = (page - 1) * per_page
        items = [ComparedOut(table=c.table, row=c.row, column=c.column, a=_money(c.a), b=_money(c.b),
                             change=_money(c.change), percent=_money(c.percent)) for c in cells[start:start + per_page]]
        return CompareOut(a=a, b=b, items=items, total=len(cells), page=page, per_page=per_page)

    @router.get("/cells", response_model=CellPage, summary="Cells across reports, e.g. one classification code everywhere")
    def cells(s: Session = Depends(session), code: str | None = Query(None, max_length=100),
              table: str | None = Query(None, max_length=20), column: str | None = Query(None, max_length=100),
              year: int | None = Query(None, ge=0, le=9999), unit: str | None = Query(None, max_length=200),
              page: int = Page, per_page: int = PerPage):
        query = select(CellRow, Unit.key, Unit.name, ReportRow.year).join(ReportRow, ReportRow.id == CellRow.report_id) \
            .join(Unit, Unit.id == ReportRow.unit_id)
        for value, column_ in ((code, CellRow.row_code), (table, CellRow.table_id), (column, CellRow.column),
                               (year, ReportRow.year), (unit, Unit.key)):
            if value is not None:
                query = query.where(column_ == value)
        total = s.scalar(select(func.count()).select_from(query.subquery())) or 0
        found_rows = s.execute(query.order_by(ReportRow.year, Unit.key, CellRow.table_id, CellRow.row_index, CellRow.id)
                               .offset((page - 1) * per_page).limit(per_page)).all()
        return CellPage(items=[CellOut(unit_key=k, unit_name=n, year=y, table=c.table_id, row_code=c.row_code,
                                       row_label=c.row_label, column=c.column, header=c.header, value=_money(c.value),
                                       unit=c.unit) for c, k, n, y in found_rows],
                        total=total, page=page, per_page=per_page)

    app.include_router(router)
