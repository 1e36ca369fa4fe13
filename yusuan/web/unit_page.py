"""The unit page (/unit/<key>/<year>): what is made once when a report is published, and what a
visit still makes.

A report, its findings and its own charts never change once published (a correction is a new
row), so `store_report` renders them with the report: its body (``reports.page_html``, 0003), its
findings section (``page_findings``) and each of its own charts as HTML with its data
(``page_charts``, both 0005_unit_page). A visit makes only what depends on other rows — the
head (the unit's names, its other years, the bureau's versions) and the charts across the unit's
years — and joins the stored text: no parsed report, no findings read, no chart table rendered.
Reports stored before are made the same way from what they have (``missing_pieces``),
through the same functions, so the page is the same text either way (tests/web/test_unit_page.py).
"""
from __future__ import annotations

import json
from urllib.parse import quote

import jinja2
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

from . import views


def unit_url(key: str, year: int | None = None) -> str:
    return f"/unit/{quote(key, safe='')}" + (f"/{year}" if year is not None else "")


def dept_url(name: str, year: int | None = None) -> str:
    return f"/department/{quote(name, safe='')}" + (f"/{year}" if year is not None else "")


def environment() -> jinja2.Environment:
    """The portal's Jinja environment (autoescaping: every text of a report is escaped)."""
    env = jinja2.Environment(loader=jinja2.PackageLoader("yusuan.web", "templates"), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.globals.update(unit_url=unit_url, dept_url=dept_url, fmt=views.fmt, pct=views.percent,
                       quote=lambda s: quote(str(s), safe=""))
    env.filters["signed"] = views.signed
    return env


ENV = environment()


def findings_html(findings: list, anchors: list[str]) -> str:
    """The findings section: each finding (a stored row: severity, rule, location_text, place,
    message, arithmetic, expected, found) with the page anchor of its cell, in their order."""
    return ENV.get_template("unit_findings.html.j2").render(findings=list(zip(findings, anchors)))


def _payload_json(chart: views.Chart) -> str:
    """A chart's data as the page embeds it: what Jinja's ``tojson`` writes (a list's JSON is its
    items' JSON joined by ", ", so the page's list is the stored items joined)."""
    return str(htmlsafe_json_dumps(chart.payload(), dumps=ENV.policies["json.dumps_function"],
                                   **ENV.policies["json.dumps_kwargs"]))


def _blocks(charts: list[views.Chart], base: str, start: int) -> str:
    block = ENV.get_template("unit_charts.html.j2").module.block
    return "".join(block(c, start + i, base) for i, c in enumerate(charts))


def own_charts(charts: list[views.Chart], base: str) -> str:
    """A report's own charts as stored (``page_charts``): their blocks' HTML, numbered from 0,
    and each one's data."""
    return json.dumps({"count": len(charts), "html": _blocks(charts, base, 0),
                       "data": [_payload_json(c) for c in charts]}, ensure_ascii=False)


def charts_html(own: dict, across_years: list[views.Chart], base: str) -> Markup:
    """The charts section: the report's own charts (stored), then those across years."""
    data = own["data"] + [_payload_json(c) for c in across_years]
    if not data:
        return Markup("")
    blocks = own["html"] + _blocks(across_years, base, own["count"])
    return ENV.get_template("unit_charts.html.j2").module.section(Markup(blocks), Markup("[" + ", ".join(data) + "]"))


def published_pieces(report, template, findings: list, base: str) -> dict:
    """What `store_report` stores for the unit page of ``report`` (whose findings are
    ``findings``, the rows being stored, and whose page is at ``base``)."""
    from .fragment import stored_fragment, stored_parts

    charts = views.charts(report, template)
    anchors = [views.cell_anchor(report, template, f.location or {}) for f in findings]
    return {"page_html": stored_fragment(report, template),
            "page_parts": stored_parts(report, template, anchors, charts),
            "page_findings": findings_html(findings, anchors),
            "page_charts": own_charts(charts, base)}


def missing_pieces(session, row, base: str) -> dict:
    """What `published_pieces` gives, for a report stored before it was all stored (``row``: the
    page's columns of it, queries.page_report): from its stored parts when it has them (0004),
    else from the parsed report; the HTML of its publication is kept when it has one (0003)."""
    from ..report import Report
    from ..templates import load
    from . import queries

    findings = queries.page_findings(session, row.id)
    if row.page_parts is not None and row.page_html is not None:
        stored = json.loads(row.page_parts)
        charts = [views.Chart.from_data(c) for c in stored["charts"]]
        return {"page_html": row.page_html, "page_parts": row.page_parts,
                "page_findings": findings_html(findings, stored["anchors"]), "page_charts": own_charts(charts, base)}
    report = Report.from_json(queries.report_json(session, row.id))
    pieces = published_pieces(report, load(report.template, report.year), findings, base)
    if row.page_html is not None:
        pieces["page_html"] = row.page_html
    return pieces


def fill_stored(sessions) -> int:
    """Store the unit page's pieces of every report published before they were (0005), as a
    publication would have: their first visits then join stored text too. Returns how many."""
    from sqlalchemy import or_, select, update

    from ..store.models import ReportRow, Unit
    from . import queries

    with sessions() as session:
        todo = session.execute(select(ReportRow.id, Unit.key).join(Unit, Unit.id == ReportRow.unit_id)
                               .where(or_(ReportRow.page_findings.is_(None), ReportRow.page_charts.is_(None)))
                               .order_by(ReportRow.id)).all()
    for report_id, key in todo:
        with sessions.begin() as session:
            row = queries.page_report(session, report_id)
            pieces = missing_pieces(session, row, unit_url(key, row.year))
            session.execute(update(ReportRow).where(ReportRow.id == report_id).values(**pieces))
    return len(todo)
