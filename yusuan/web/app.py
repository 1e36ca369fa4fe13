"""The portal's FastAPI application: pages (Jinja, server-rendered), downloads, charts and the
read-only JSON API under /api/. ``create_app(url)`` opens (and migrates) the store.

Pages never show a stack trace: an unknown URL or a unit without a report is the 404 page, a
bug of ours a plain 500 page. Every text goes through Jinja's autoescaping, and JSON embedded in
a page through ``tojson`` (which escapes <, > and &), so a unit named <script>… stays text.
"""
from __future__ import annotations

import gc
import gzip
import json
import logging
import time
from datetime import datetime, timezone
from decimal import Decimal
from email.utils import format_datetime
from importlib import resources
from pathlib import Path
from typing import Literal, NamedTuple
from urllib.parse import quote

from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from markupsafe import Markup
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from ..limits import is_whole
from ..report import Report
from ..store.db import open_store
from ..store.models import ReportRow, Unit
from ..store.workflow import public_versions
from ..templates import load as load_template
from . import admin, api, queries, sheets, unit_page, views
from .unit_page import dept_url, unit_url
from .fragment import place, report_css

log = logging.getLogger("yusuan.web")

DOWNLOADS = {  # format → (renderer, label, media type)
    "pdf": ("pdf", "PDF", "application/pdf"),
    "xlsx": ("xlsx", "XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "docx": ("docx", "DOCX", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "json": ("json", "JSON", "application/json"),
    "html": ("html", "HTML", "text/html; charset=utf-8"),
    "txt": ("text", "文本", "text/plain; charset=utf-8"),
    "datapackage": ("datapackage", "Fiscal Data Package", "application/zip"),
}
RENDERED = queries.LRU(64)  # downloads: a PDF takes ~0.4 s to typeset, so each is made once per report
PAGES = queries.LRU(1024)  # the unit page's pieces of reports published before they were stored (0005)
YEAR_ITEMS = queries.LRU(4096)  # what each report gives the charts across years (small dicts)
UNIT_PAGES = queries.LRU(2048)  # whole unit pages, gzipped (~20 kB each), by their ETag


class Pieces(NamedTuple):
    """What the unit page joins of a report: stored when it was published (unit_page.py)."""

    findings_html: Markup
    charts: dict  # its own charts: {"count", "html", "data"} (unit_page.own_charts)
    years: dict  # what it gives the charts across years (views.year_items)
    tables: tuple  # table ids
    fragment: str  # the report's body, its links under fragment.BASE

    @classmethod
    def of(cls, stored) -> "Pieces":
        """From the stored columns (page_findings, page_charts, page_parts, page_html)."""
        parts = json.loads(stored["page_parts"])
        return cls(Markup(stored["page_findings"]), json.loads(stored["page_charts"]), parts["years"],
                   tuple(parts["tables"]), stored["page_html"])


class NotFound(HTTPException):
    def __init__(self, what: str):
        super().__init__(404, what)


class TimingAndNul:
    """Plain ASGI middleware (Starlette's ``@app.middleware`` runs each request through an extra
    task and a body stream, a measurable part of a 2 ms page):

    - a NUL character is never part of a name, a code or a word, and PostgreSQL refuses it in
      text, so a request holding one is turned away as a bad request before any query sees it;
    - every response carries ``Server-Timing: app;dur=…``, the time spent in the app (shown by
      browsers' tools; benchmarks/bench_web.py reports it beside the client's latency).
    """

    def __init__(self, app, refuse):
        self.app = app
        self.refuse = refuse  # scope → the 400 response

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if "\x00" in scope.get("path", "") or b"%00" in scope.get("query_string", b""):
            return await self.refuse(scope)(scope, receive, send)
        start = time.perf_counter()

        async def timed(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"server-timing", f"app;dur={1000 * (time.perf_counter() - start):.1f}".encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, timed)


def http_date(when: datetime) -> str:
    """An HTTP date (Last-Modified); SQLite gives back naive datetimes, stored in UTC."""
    return format_datetime((when if when.tzinfo else when.replace(tzinfo=timezone.utc)).astimezone(timezone.utc),
                           usegmt=True)


def portal_app() -> FastAPI:
    """The app of one of `yusuan serve --workers N`'s processes (uvicorn imports it by name):
    the database named by YUSUAN_PORTAL_DB, already migrated by the command."""
    import os

    return create_app(os.environ["YUSUAN_PORTAL_DB"], migrate=False)


def create_app(url: str | None = None, *, migrate: bool = True, page_cache: bool = True) -> FastAPI:
    """The portal over the database ``url``. ``page_cache=False`` makes every unit page anew (the
    benchmark's baseline)."""
    engine, sessions = open_store(url, migrate=migrate)
    env = unit_page.environment()
    app = FastAPI(title="yusuan 预算公开 portal", version="1", docs_url=None, redoc_url=None,
                  openapi_url="/api/openapi.json",
                  description="Read-only data of the published budget disclosures: units, reports, tables as "
                              "displayed, findings, search, comparisons. Amounts are strings of exact decimals.")
    app.state.engine = engine
    app.state.sessions = sessions

    def session() -> Session:
        with sessions() as s:
            yield s

    def page(name: str, status: int = 200, /, **context) -> HTMLResponse:
        return HTMLResponse(env.get_template(name).render(**context), status_code=status)

    # --- errors: a page for people, JSON for the API, never a traceback ---------------------

    def error_response(request: Request, status: int, message: str) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": message}, status_code=status)
        return page("error.html.j2", status, status=status, message=message)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        messages = {404: "找不到这个页面", 405: "不支持这种请求"}
        return error_response(request, exc.status_code,
                              str(exc.detail) if exc.status_code == 404 and exc.detail != "Not Found" else
                              messages.get(exc.status_code, str(exc.detail)))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        if request.url.path.startswith("/api/"):
            errors = [{"loc": list(e.get("loc", ())), "msg": e.get("msg", "")} for e in exc.errors()]
            return JSONResponse({"detail": errors}, status_code=422)
        return page("error.html.j2", 400, status=400, message="请求的参数不对")

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception) -> Response:
        log.exception("internal error on %s", request.url.path)
        return error_response(request, 500, "服务器内部错误")

    app.add_middleware(TimingAndNul, refuse=lambda scope: error_response(Request(scope), 400, "请求中含有不允许的字符"))

    # --- static files: our CSS/JS and plotly's bundled plotly.min.js (no CDN) ----------------

    static = resources.files("yusuan.web") / "static"

    def _static(name: str, media: str) -> Response:
        return Response((static / name).read_bytes(), media_type=media, headers={"Cache-Control": "public, max-age=3600"})

    @app.get("/static/portal.css", include_in_schema=False)
    def portal_css() -> Response:
        return Response((static / "portal.css").read_text(encoding="utf-8") + report_css(), media_type="text/css",
                        headers={"Cache-Control": "public, max-age=3600"})

    @app.get("/static/portal.js", include_in_schema=False)
    def portal_js() -> Response:
        return _static("portal.js", "text/javascript")

    @app.get("/static/plotly.min.js", include_in_schema=False)
    def plotly_js() -> Response:
        import plotly

        path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
        return Response(path.read_bytes(), media_type="text/javascript",
                        headers={"Cache-Control": "public, max-age=86400"})

    # --- pages --------------------------------------------------------------------------------

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home(s: Session = Depends(session), year: int | None = None, region: str | None = None,
             department: str | None = None, page_: int = Query(1, alias="page", ge=1, le=100000)) -> HTMLResponse:
        units = queries.units(s, year=year, region=region, department=department, page=page_, per_page=50)
        return page("home.html.j2", years=queries.years(s), regions=queries.facets(s, Unit.region),
                    departments=queries.facets(s, Unit.department), units=units,
                    totals=queries.totals(s, region=region, department=department),
                    filters={"year": year, "region": region, "department": department})

    @app.get("/search", response_class=HTMLResponse, include_in_schema=False)
    def search_page(s: Session = Depends(session), q: str = Query("", max_length=200),
                    kind: Literal["unit", "code", "project", "prose"] | None = None, year: int | None = None,
                    page_: int = Query(1, alias="page", ge=1, le=100000)) -> HTMLResponse:
        hits = queries.search(s, q, kind=kind, year=year, page=page_, per_page=20) if q.strip() else None
        return page("search.html.j2", q=q, kind=kind, year=year, hits=hits, years=queries.years(s))

    def _unit_report(s: Session, key: str, year: str) -> tuple[Unit, ReportRow]:
        unit = queries.unit_by_key(s, key)
        if unit is None:
            raise NotFound(f"没有这个单位：{key}")
        if not is_whole(year, 4):
            raise NotFound(f"没有这一年：{year}")
        row = queries.report_row(s, unit, int(year))
        if row is None:
            raise NotFound(f"{unit.name}没有{year}年的报告")
        return unit, row

    @app.get("/unit/{key}", include_in_schema=False)
    def unit_latest(key: str, s: Session = Depends(session)) -> Response:
        unit = queries.unit_by_key(s, key)
        if unit is None or not unit.reports:
            raise NotFound(f"没有这个单位：{key}")
        return RedirectResponse(unit_url(unit.key, unit.reports[-1].year), status_code=307)

    # SQLite is read in this process from the OS's page cache: a unit page is a few milliseconds
    # of CPU and no wait, so it is made in the event loop, without the thread pool's hops (three
    # per request with the session's dependency; ~0.5 ms of CPU of a page seen before, a fifth of
    # a first visit). PostgreSQL is a round trip per query: there the page is made in a thread,
    # so that the loop serves other connections meanwhile.
    inline = engine.dialect.name == "sqlite"

    @app.get("/unit/{key}/{year}", response_class=HTMLResponse, include_in_schema=False)
    async def unit_year(key: str, year: str, request: Request) -> Response:
        if inline:
            return _unit_page_once_more(key, year, request)
        return await run_in_threadpool(_unit_page_once_more, key, year, request)

    def _unit_page_once_more(key: str, year: str, request: Request) -> Response:
        # A PostgreSQL connection that drops during the request (one found closed before is
        # replaced at checkout: store/db.py) invalidates the pool; the page is asked again once
        # on a fresh connection, so that a restarted server costs no visitor a 500.
        try:
            with sessions() as s:
                return _unit_page(s, key, year, request)
        except DBAPIError as exc:
            if not exc.connection_invalidated:
                raise
        with sessions() as s:
            return _unit_page(s, key, year, request)

    def _unit_page(s: Session, key: str, year: str, request: Request) -> Response:
        # The whole page is made once and kept gzipped by its ETag, and a browser that has it
        # gets a 304: a page seen before costs two light queries (queries.unit_page_state).
        state = queries.unit_page_state(s, key, int(year)) if is_whole(year, 4) else None
        if state is None:
            _unit_report(s, key, year)  # the 404 saying what is missing
            raise NotFound(f"没有{key}/{year}")  # not reached: the state exists when the report does
        headers = {"ETag": state.etag, "Cache-Control": "no-cache", "Vary": "Accept-Encoding",
                   "Last-Modified": http_date(state.last_modified)}
        if state.etag in request.headers.get("if-none-match", ""):
            return Response(status_code=304, headers=headers)

        def make() -> str:
            # The report by the id the state found, in one query of plain columns; the bureau's
            # versions only when the state saw some.
            row = queries.page_report(s, state.report_id)
            versions = public_versions(s, state.key, row.year) if state.versions else []
            return _unit_html(s, state, row, versions)

        if not page_cache:
            return HTMLResponse(make(), headers=headers)
        # level 4: 0.56 ms for a page of ~90 kB against 0.9 ms at 6, 8 % larger
        body = UNIT_PAGES.get(state.etag, lambda: gzip.compress(make().encode("utf-8"), 4))
        if "gzip" in request.headers.get("accept-encoding", ""):
            return Response(body, media_type="text/html; charset=utf-8", headers={**headers, "Content-Encoding": "gzip"})
        return Response(gzip.decompress(body), media_type="text/html; charset=utf-8", headers=headers)

    def _unit_html(s: Session, state: queries.PageState, row, versions: list) -> str:
        base = unit_url(state.key, row.year)
        if None not in (row.page_findings, row.page_charts, row.page_html, row.page_parts):
            pieces = Pieces.of(row._mapping)  # published with its pieces (0005): joined as stored
        else:  # published before: made once per process by the functions of a publication
            pieces = PAGES.get((row.id, row.digest, base),
                               lambda: Pieces.of(unit_page.missing_pieces(s, row, base)))
        years = [(row.year, pieces.years)] + _other_years(s, state, row.id)
        charts_html = unit_page.charts_html(pieces.charts, views.year_charts_of(years), base)
        downloads = [(fmt_, label) for fmt_, (_, label, _) in DOWNLOADS.items()
                     if fmt_ != "datapackage" or row.origin == "budget"]
        others = [y for y, _, _ in state.reports if y != row.year]
        counts = {"error": row.errors, "warning": row.warnings, "rounding": row.roundings}
        return env.get_template("unit.html.j2").render(
            unit=state, row=row, template_name=row.template_name, fragment=Markup(place(pieces.fragment, base)),
            findings_html=pieces.findings_html, counts=counts, charts_html=charts_html, downloads=downloads,
            others=others, base=base, tables=pieces.tables, versions=versions)

    def _other_years(s: Session, state: queries.PageState, report_id: int) -> list[tuple[int, dict]]:
        """What the unit's other reports give the charts across years (their stored parts, else
        their parsed reports), kept by report."""
        found = []
        for year, digest, other in state.reports:
            if other != report_id:
                found.append((year, YEAR_ITEMS.get((other, digest), lambda: _year_items(s, other))))
        return found

    def _year_items(s: Session, report_id: int) -> dict:
        parts = queries.page_parts(s, report_id)
        if parts:
            return json.loads(parts)["years"]
        report = Report.from_json(queries.report_json(s, report_id))
        return views.year_items(report, load_template(report.template, report.year))

    def _year_charts(unit: Unit) -> list[views.Chart]:
        """三公 and 机关运行经费 over every year the unit has a report (the charts' downloads)."""
        reports = [queries.report_of(r) for r in unit.reports]
        return views.year_charts([(rep.year, rep, load_template(rep.template, rep.year)) for rep in reports])

    def _rendered(row: ReportRow, report, format: str) -> bytes:
        from ..budget import Budget
        from ..catalog import Catalog
        from ..render import Rendering, renderers

        def make() -> bytes:
            budget = Budget.model_validate_json(row.budget_json) if row.budget_json else None
            rendering = Rendering(report, load_template(report.template, report.year), Catalog.default(), budget)
            return renderers()[DOWNLOADS[format][0]].render(rendering)

        return RENDERED.get((row.digest, format), make)

    @app.get("/unit/{key}/{year}/download/{format}", include_in_schema=False)
    def download(key: str, year: str, format: str, s: Session = Depends(session)) -> Response:
        unit, row = _unit_report(s, key, year)
        if format not in DOWNLOADS or (format == "datapackage" and row.origin != "budget"):
            raise NotFound(f"没有这种下载格式：{format}")
        data = _rendered(row, queries.report_of(row), format)
        suffix = {"datapackage": "zip"}.get(format, format)
        name = f"{unit.key}-{row.year}.{suffix}"
        return Response(data, media_type=DOWNLOADS[format][2], headers={
            "Content-Disposition": f"attachment; filename=\"report-{row.year}.{suffix}\"; filename*=UTF-8''{quote(name)}"})

    def _csv(text: str, name: str) -> Response:
        return Response(text.encode("utf-8"), media_type="text/csv; charset=utf-8", headers={
            "Content-Disposition": f"attachment; filename=\"{quote(name)}\"; filename*=UTF-8''{quote(name)}"})

    def _xlsx(data: bytes, name: str) -> Response:
        return Response(data, media_type=sheets.XLSX_MEDIA, headers={
            "Content-Disposition": f"attachment; filename=\"{quote(name)}\"; filename*=UTF-8''{quote(name)}"})

    def _table_shown(key: str, year: str, table_id: str, s: Session) -> tuple[Unit, ReportRow, sheets.Shown]:
        unit, row = _unit_report(s, key, year)
        report = queries.report_of(row)
        table = report.table(table_id)
        if table is None:
            raise NotFound(f"没有表{table_id}")
        template = load_template(report.template, report.year)
        return unit, row, views.table_shown(table, template, report.unit_name, row.year)

    @app.get("/unit/{key}/{year}/table/{table_id}.csv", include_in_schema=False)
    def table_csv(key: str, year: str, table_id: str, s: Session = Depends(session)) -> Response:
        unit, row, shown = _table_shown(key, year, table_id, s)
        return _csv(sheets.to_csv(shown), f"{unit.key}-{row.year}-表{table_id}.csv")

    @app.get("/unit/{key}/{year}/table/{table_id}.xlsx", include_in_schema=False)
    def table_xlsx(key: str, year: str, table_id: str, s: Session = Depends(session)) -> Response:
        unit, row, shown = _table_shown(key, year, table_id, s)
        return _xlsx(sheets.to_xlsx(shown), f"{unit.key}-{row.year}-表{table_id}.xlsx")

    def _chart(key: str, year: str, name: str, s: Session) -> tuple[Unit, ReportRow, sheets.Shown]:
        unit, row = _unit_report(s, key, year)
        report = queries.report_of(row)
        chart = next((c for c in views.charts(report, load_template(report.template, report.year)) + _year_charts(unit)
                      if c.name == name), None)
        if chart is None:
            raise NotFound(f"没有这个图：{name}")
        return unit, row, chart.shown(row.year)

    @app.get("/unit/{key}/{year}/chart/{name}.csv", include_in_schema=False)
    def chart_csv(key: str, year: str, name: str, s: Session = Depends(session)) -> Response:
        unit, row, shown = _chart(key, year, name, s)
        return _csv(sheets.to_csv(shown), f"{unit.key}-{row.year}-{name}.csv")

    @app.get("/unit/{key}/{year}/chart/{name}.xlsx", include_in_schema=False)
    def chart_xlsx(key: str, year: str, name: str, s: Session = Depends(session)) -> Response:
        unit, row, shown = _chart(key, year, name, s)
        return _xlsx(sheets.to_xlsx(shown), f"{unit.key}-{row.year}-{name}.xlsx")

    # --- a department: its units' reports consolidated ------------------------------------------

    def _department(s: Session, name: str, year: str):
        if not is_whole(year, 4):
            raise NotFound(f"没有这一年：{year}")
        entries = queries.department_reports(s, name, int(year))
        if not entries:
            raise NotFound(f"{name}没有{year}年的报告")
        consolidated = views.consolidate(name, [(u.name, queries.report_of(r)) for u, r in entries])
        return entries, consolidated

    @app.get("/department/{name}", include_in_schema=False)
    def department_latest(name: str, s: Session = Depends(session)) -> Response:
        years = queries.department_years(s, name)
        if not years:
            raise NotFound(f"没有这个部门：{name}")
        return RedirectResponse(dept_url(name, years[-1]), status_code=307)

    @app.get("/department/{name}/{year}", response_class=HTMLResponse, include_in_schema=False)
    def department_page(name: str, year: str, s: Session = Depends(session)) -> HTMLResponse:
        entries, consolidated = _department(s, name, year)
        sums: dict[str, Decimal] = {}
        for _, r in entries:
            if r.headline is not None:
                sums[r.headline_unit] = sums.get(r.headline_unit, Decimal(0)) + r.headline
        tables = []
        if consolidated:
            template = load_template(consolidated.template, int(year))
            tables = [(t, sheets.html_rows(views.table_grid(t, template))) for t in consolidated.tables]
        return page("department.html.j2", department=name, year=int(year), entries=entries, headline_sums=sums,
                    consolidated=consolidated, tables=tables, years=queries.department_years(s, name),
                    base=dept_url(name, int(year)))

    def _department_table(s: Session, name: str, year: str, table_id: str) -> sheets.Shown:
        _, consolidated = _department(s, name, year)
        table = next((t for t in consolidated.tables if t.id == table_id), None) if consolidated else None
        if table is None:
            raise NotFound(f"没有表{table_id}")
        return views.table_shown(table, load_template(consolidated.template, int(year)), name, int(year))

    @app.get("/department/{name}/{year}/table/{table_id}.csv", include_in_schema=False)
    def department_csv(name: str, year: str, table_id: str, s: Session = Depends(session)) -> Response:
        return _csv(sheets.to_csv(_department_table(s, name, year, table_id)), f"{name}-{year}-表{table_id}.csv")

    @app.get("/department/{name}/{year}/table/{table_id}.xlsx", include_in_schema=False)
    def department_xlsx(name: str, year: str, table_id: str, s: Session = Depends(session)) -> Response:
        return _xlsx(sheets.to_xlsx(_department_table(s, name, year, table_id)), f"{name}-{year}-表{table_id}.xlsx")

    def _side(s: Session, text: str) -> tuple[Unit, ReportRow]:
        key, _, year = text.rpartition("/")
        if not key:
            raise NotFound(f"比较的对象应写成 单位/年份：{text}")
        return _unit_report(s, key, year)

    def _compare_tables(s: Session, a: str, b: str, changed: bool):
        unit_a, row_a = _side(s, a)
        unit_b, row_b = _side(s, b)
        ra, rb = queries.report_of(row_a), queries.report_of(row_b)
        tables = views.compare(ra, rb, load_template(ra.template, ra.year))
        if changed:
            tables = [(t, title, [c for c in cells if c.change]) for t, title, cells in tables]
        return (unit_a, row_a), (unit_b, row_b), tables

    def _compare_shown(s: Session, table_id: str, a: str, b: str, changed: bool) -> sheets.Shown:
        (unit_a, row_a), (unit_b, row_b), tables = _compare_tables(s, a, b, changed)
        found = next(((title, cells) for t, title, cells in tables if t == table_id), None)
        if found is None:
            raise NotFound(f"没有表{table_id}")
        return views.compare_shown(found[0], found[1], f"{unit_a.name} {row_a.year}年", f"{unit_b.name} {row_b.year}年",
                                   row_b.year)

    @app.get("/compare/table/{table_id}.csv", include_in_schema=False)
    def compare_csv(table_id: str, a: str = Query(..., max_length=300), b: str = Query(..., max_length=300),
                    changed: bool = False, s: Session = Depends(session)) -> Response:
        return _csv(sheets.to_csv(_compare_shown(s, table_id, a, b, changed)), f"比较-表{table_id}.csv")

    @app.get("/compare/table/{table_id}.xlsx", include_in_schema=False)
    def compare_xlsx(table_id: str, a: str = Query(..., max_length=300), b: str = Query(..., max_length=300),
                     changed: bool = False, s: Session = Depends(session)) -> Response:
        return _xlsx(sheets.to_xlsx(_compare_shown(s, table_id, a, b, changed)), f"比较-表{table_id}.xlsx")

    @app.get("/compare", response_class=HTMLResponse, include_in_schema=False)
    def compare_page(a: str = Query(..., max_length=300), b: str = Query(..., max_length=300),
                     changed: bool = False, s: Session = Depends(session)) -> HTMLResponse:
        side_a, side_b, tables = _compare_tables(s, a, b, changed)
        return page("compare.html.j2", a=side_a, b=side_b, tables=tables, changed=changed,
                    a_text=a, b_text=b)

    @app.get("/api/docs", response_class=HTMLResponse, include_in_schema=False)
    def api_docs() -> HTMLResponse:
        return page("api.html.j2", spec=app.openapi())

    api.register(app, session)
    admin.register(app, env, sessions)  # the finance bureau's workflow: login, drafts, review, versions
    # What is alive now (modules, templates, schemas) lives as long as the process: kept out of
    # the full collections, which otherwise walk it again each time (part of the page's p99).
    gc.freeze()
    return app
