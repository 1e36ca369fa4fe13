"""Reading the store for the pages and the API: lists with filters and paging, search, a report
with its Report object (parsed once and cached by digest: the unit page must answer in
milliseconds, and parsing plus rendering a report takes tens)."""
from __future__ import annotations

import hashlib
import threading
from collections import Counter, OrderedDict
from dataclasses import dataclass
from functools import cache
from decimal import Decimal

from sqlalchemy import and_, bindparam, func, or_, select, text
from sqlalchemy.orm import Session

from ..report import Report
from ..store import search as ngrams
from ..store.models import FindingRow, ReportRow, SearchDoc, Unit

# Search hits read before the exact-substring filter and paging, the most recently published
# first: a common word among tens of thousands of units stays a bounded search, said incomplete.
MAX_CANDIDATES = 5000


class LRU:
    """A small thread-safe least-recently-used cache."""

    def __init__(self, size: int):
        self.size = size
        self.data: OrderedDict = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key, make):
        with self.lock:
            if key in self.data:
                self.data.move_to_end(key)
                return self.data[key]
        value = make()  # outside the lock: two threads may both make it; the result is the same
        with self.lock:
            self.data[key] = value
            while len(self.data) > self.size:
                self.data.popitem(last=False)
        return value


# Few: a parsed report is tens of thousands of objects that every full garbage collection walks
# (hundreds kept made pauses of 100–400 ms); parsing one again costs ~3 ms. The unit page keeps
# text instead (app.py, PAGES).
REPORTS = LRU(64)


def report_of(row: ReportRow) -> Report:
    return REPORTS.get(("report", row.digest), lambda: Report.from_json(row.report_json))


@dataclass
class Page:
    items: list
    total: int
    page: int
    per_page: int
    # False when the search read as many candidates as it may (MAX_CANDIDATES): the hits are
    # those of the most recently published documents, and there are more — the page says so.
    complete: bool = True

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


_YEARS = LRU(4)


def years(session: Session) -> list[tuple[int, int]]:
    """(year, reports) newest first; kept by the store's state (every page's year filter asks)."""
    return _YEARS.get(store_state(session), lambda: [tuple(r) for r in session.execute(
        select(ReportRow.year, func.count()).group_by(ReportRow.year).order_by(ReportRow.year.desc()))])


def facets(session: Session, column) -> list[tuple[str, int]]:
    return [(v, n) for v, n in session.execute(select(column, func.count()).group_by(column).order_by(column)) if v]


def units(session: Session, *, year: int | None = None, region: str | None = None, department: str | None = None,
          name: str | None = None, page: int = 1, per_page: int = 50) -> Page:
    """Units (with their reports) matching the filters, by department then name."""
    query = select(Unit)
    if region:
        query = query.where(Unit.region == region)
    if department:
        query = query.where(Unit.department == department)
    if name:
        query = query.where(Unit.name.contains(name, autoescape=True))
    if year:
        query = query.where(Unit.id.in_(select(ReportRow.unit_id).where(ReportRow.year == year)))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(Unit.department, Unit.name, Unit.id)
                           .offset((page - 1) * per_page).limit(per_page)).all()
    reports = {}
    if rows:
        for r in session.scalars(select(ReportRow).where(ReportRow.unit_id.in_([u.id for u in rows]))
                                 .order_by(ReportRow.year)):
            reports.setdefault(r.unit_id, []).append(r)
    return Page([(u, reports.get(u.id, [])) for u in rows], total, page, per_page)


def totals(session: Session, *, region: str | None = None, department: str | None = None) -> list[dict]:
    """Per year: reports, and the sum of their headline figures per unit of measure (exact: the
    sum is made here in Decimal, not by the database over text)."""
    query = select(ReportRow.year, ReportRow.headline, ReportRow.headline_unit, ReportRow.errors).join(Unit)
    if region:
        query = query.where(Unit.region == region)
    if department:
        query = query.where(Unit.department == department)
    by_year: dict[int, dict] = {}
    for year, headline, unit, errors in session.execute(query):
        entry = by_year.setdefault(year, {"year": year, "reports": 0, "with_errors": 0, "sums": {}})
        entry["reports"] += 1
        entry["with_errors"] += 1 if errors else 0
        if headline is not None:
            entry["sums"][unit] = entry["sums"].get(unit, Decimal(0)) + headline
    return [by_year[y] for y in sorted(by_year, reverse=True)]


def unit_by_key(session: Session, key: str) -> Unit | None:
    return session.scalars(select(Unit).where(Unit.key == key)).first() or \
        session.scalars(select(Unit).where(Unit.code == key, Unit.code != "")).first()


def report_row(session: Session, unit: Unit, year: int) -> ReportRow | None:
    return session.scalars(select(ReportRow).where(ReportRow.unit_id == unit.id, ReportRow.year == year)).first()


def findings(session: Session, report_id: int, severity: str | None = None) -> list[FindingRow]:
    query = select(FindingRow).where(FindingRow.report_id == report_id)
    if severity:
        query = query.where(FindingRow.severity == severity)
    return list(session.scalars(query.order_by(FindingRow.id)))


KIND_ORDER = {"unit": 0, "project": 1, "code": 2, "prose": 3}


@dataclass
class Hit:
    kind: str
    ref: str
    title: str
    snippet: str
    unit_key: str
    unit_name: str
    year: int


# Search results by query and the store's state: a page of hits is a few kB, while finding them
# for a common word reads and tests thousands of candidates (~10–20 ms of CPU).
SEARCHES = LRU(512)
_STORE_STATE = (select(select(func.count()).select_from(ReportRow).scalar_subquery(), ReportRow.id,
                       ReportRow.digest, ReportRow.published_at).order_by(ReportRow.id.desc()).limit(1))


def store_state(session: Session) -> tuple:
    """What changes whenever a report is published, replaced or deleted (and with it the search
    documents), read from an index and one row: the reports' count, and the newest row's id,
    digest and time (a publication is a new row; one replacing the newest report may get its
    id again on SQLite, not its time). Not max(published_at): that reads the whole table."""
    row = session.execute(_STORE_STATE).first()
    return (0,) if row is None else (row[0], row[1], row[2], str(row[3]))


def search(session: Session, q: str, *, kind: str | None = None, year: int | None = None,
           page: int = 1, per_page: int = 20) -> Page:
    """The hits of ``q``, ordered by kind, year (newest first), unit name; one page of them.
    Kept by the store's state (``store_state``): a publication makes every search anew."""
    key = (q, kind, year, page, per_page, store_state(session))
    return SEARCHES.get(key, lambda: _search(session, q, kind=kind, year=year, page=page, per_page=per_page))


_REPORT_UNITS = LRU(2)


def _report_units(session: Session) -> dict[int, tuple[str, str, int]]:
    """Report id → (unit key, unit name, year), kept by the store's state."""
    return _REPORT_UNITS.get(store_state(session), lambda: {
        r[0]: (r[1], r[2], r[3]) for r in session.execute(
            select(ReportRow.id, Unit.key, Unit.name, ReportRow.year).join(Unit, Unit.id == ReportRow.unit_id))})


def _candidates(session: Session, tokens, kind: str | None, year: int | None) -> list | None:
    """(document id, kind, report id, normalized text) of each document the full-text index finds
    for ``q``, read where the index keeps them (0006_search_candidates): the documents' rows are
    not read, nor their texts normalized — for a common word, thousands of each. None on a
    database without such an index."""
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        sql = "SELECT rowid, kind, report_id, norm FROM search_fts WHERE search_fts MATCH :match"
        params = {"match": ngrams.fts5_query(tokens)}
    elif dialect == "postgresql":
        sql = "SELECT id, kind, report_id, norm FROM search_docs WHERE tsv @@ to_tsquery('simple', :match)"
        params = {"match": ngrams.tsquery(tokens)}
    else:
        return None
    if kind:
        sql += " AND kind = :kind"
        params["kind"] = kind
    if year:
        sql += " AND report_id IN (SELECT id FROM reports WHERE year = :year)"
        params["year"] = year
    order = "rowid" if dialect == "sqlite" else "id"  # the newest documents first (FTS5 walks rowids backwards)
    return session.execute(text(sql + f" ORDER BY {order} DESC LIMIT {MAX_CANDIDATES}"), params).all()


def _search(session: Session, q: str, *, kind: str | None = None, year: int | None = None,
            page: int = 1, per_page: int = 20) -> Page:
    tokens = ngrams.query_tokens(q)
    if not tokens:
        return Page([], 0, page, per_page)
    runs = ngrams.query_runs(q)  # once, not per candidate
    units = _report_units(session)  # report id → (unit key, unit name, year), kept
    rows = _candidates(session, tokens, kind, year)
    if rows is None:  # any other database: the n-gram column scanned with LIKE (slow, but correct)
        query = select(SearchDoc.id, SearchDoc.kind, SearchDoc.report_id, SearchDoc.text)
        for token, _ in tokens:
            query = query.where(SearchDoc.grams.contains(token))
        if kind:
            query = query.where(SearchDoc.kind == kind)
        if year:
            query = query.where(SearchDoc.report_id.in_(select(ReportRow.id).where(ReportRow.year == year)))
        rows = [(i, k, r, ngrams.normalize(t)) for i, k, r, t in
                session.execute(query.order_by(SearchDoc.id.desc()).limit(MAX_CANDIDATES))]
    # The contiguous test (ngrams.matches) on the stored normalized text, rows read by position;
    # then (id, kind, key, name, year) sorted by kind, year (newest first), unit name, id.
    hits = [(r[0], r[1]) + units[r[2]] for r in rows if r[2] in units and all(run in r[3] for run in runs)]
    order = KIND_ORDER.get
    hits.sort(key=lambda h: (order(h[1], 9), -h[4], h[3], h[0]))
    start = (page - 1) * per_page
    shown = hits[start:start + per_page]
    # Only the page's documents are read whole (their reference, title and text for the snippet).
    docs = {d[0]: d for d in session.execute(select(SearchDoc.id, SearchDoc.ref, SearchDoc.title, SearchDoc.text)
                                             .where(SearchDoc.id.in_([h[0] for h in shown])))} if shown else {}
    items = [Hit(h[1], docs[h[0]][1], docs[h[0]][2], ngrams.snippet(docs[h[0]][3], q), h[2], h[3], h[4])
             for h in shown]
    return Page(items, len(hits), page, per_page, complete=len(rows) < MAX_CANDIDATES)


def severity_counts(rows: list) -> dict[str, int]:
    counts = Counter(f.severity for f in rows)
    return {s: counts.get(s, 0) for s in ("error", "warning", "rounding")}


def department_reports(session: Session, department: str, year: int) -> list[tuple[Unit, ReportRow]]:
    """The department's units that have a report of ``year``, by name."""
    query = (select(Unit, ReportRow).join(ReportRow, ReportRow.unit_id == Unit.id)
             .where(Unit.department == department, ReportRow.year == year).order_by(Unit.name, Unit.id))
    return [(u, r) for u, r in session.execute(query)]


def department_years(session: Session, department: str) -> list[int]:
    query = (select(ReportRow.year).join(Unit, Unit.id == ReportRow.unit_id).where(Unit.department == department)
             .group_by(ReportRow.year).order_by(ReportRow.year))
    return list(session.scalars(query))


@dataclass(frozen=True)
class PageState:
    """What decides a unit page's content: its ETag, when it last changed, and what the page
    shows of its unit (read with the state: the page makes no second lookup by key)."""

    etag: str
    last_modified: object  # datetime
    report_id: int = 0  # the report the page shows, and whether the bureau has versions of it
    versions: bool = False
    key: str = ""
    name: str = ""
    department: str = ""
    region: str = ""
    reports: tuple = ()  # the unit's reports: (year, digest, id), by year


@cache
def _statements():
    """The unit page's statements, built once with bound parameters: building a select (its
    columns, joins and conditions) costs more than SQLAlchemy's cached compilation of it."""
    from ..store.models import TemplateRow
    from ..store.workflow_models import Version

    state = (select(Unit.id, Unit.key, Unit.name, Unit.department, Unit.region, ReportRow.id.label("report_id"),
                    ReportRow.year, ReportRow.digest, ReportRow.published_at, ReportRow.template_id)
             .join(ReportRow, ReportRow.unit_id == Unit.id)
             .where(or_(Unit.key == bindparam("key"), and_(Unit.code == bindparam("key"), Unit.code != "")))
             .order_by(Unit.id, ReportRow.year))
    versions = (select(Version.number, Version.status, Version.published_at)
                .where(Version.public_key == bindparam("key"), Version.year == bindparam("year"))
                .order_by(Version.number))
    # Plain columns, not an ORM object: what the page shows of the report and what was stored
    # for it when published.
    report = (select(ReportRow.id, ReportRow.year, ReportRow.digest, ReportRow.origin, ReportRow.headline,
                     ReportRow.headline_unit, ReportRow.errors, ReportRow.warnings, ReportRow.roundings,
                     ReportRow.page_html, ReportRow.page_parts, ReportRow.page_findings, ReportRow.page_charts,
                     TemplateRow.name.label("template_name"))
              .join(TemplateRow, TemplateRow.id == ReportRow.template_id).where(ReportRow.id == bindparam("id")))
    findings = (select(FindingRow.id, FindingRow.severity, FindingRow.rule, FindingRow.location_text,
                       FindingRow.place, FindingRow.message, FindingRow.arithmetic, FindingRow.expected,
                       FindingRow.found, FindingRow.location)
                .where(FindingRow.report_id == bindparam("id")).order_by(FindingRow.id))
    parts = select(ReportRow.page_parts).where(ReportRow.id == bindparam("id"))
    report_json = select(ReportRow.report_json).where(ReportRow.id == bindparam("id"))
    return state, versions, report, findings, parts, report_json


def unit_page_state(session: Session, key: str, year: int) -> PageState | None:
    """The unit page's state in two light queries (no ORM objects, no deferred columns): the
    unit with its reports' ids and digests, and the bureau's versions of that year. A report,
    its findings and its stored HTML never change once published (a correction is a new row),
    so these decide the page; None when there is no such unit or year (the page says why)."""
    state_query, versions_query = _statements()[:2]
    rows = session.execute(state_query, {"key": key}).all()
    if not rows:
        return None
    unit_id = next((r.id for r in rows if r.key == key), rows[0].id)  # by key first, as unit_by_key
    rows = [r for r in rows if r.id == unit_id]
    row = next((r for r in rows if r.year == year), None)
    if row is None:
        return None
    versions = session.execute(versions_query, {"key": row.key, "year": year}).all()
    state = (row.report_id, row.digest, str(row.published_at), row.template_id, row.key, row.name, row.department,
             row.region, tuple((r.year, r.digest) for r in rows), tuple((n, st, str(at)) for n, st, at in versions))
    etag = '"' + hashlib.sha256(repr(state).encode("utf-8")).hexdigest()[:32] + '"'
    return PageState(etag, max([row.published_at] + [at for _, _, at in versions]), row.report_id, bool(versions),
                     row.key, row.name, row.department, row.region,
                     tuple((r.year, r.digest, r.report_id) for r in rows))


def page_report(session: Session, report_id: int):
    """The report a unit page shows, as plain columns: what the page shows of it, its template's
    name, and what was stored for its page (HTML, parts, findings, charts)."""
    return session.execute(_statements()[2], {"id": report_id}).one()


def page_findings(session: Session, report_id: int) -> list:
    """A report's findings as plain rows (the page's columns, no ORM objects: a report has tens)."""
    return list(session.execute(_statements()[3], {"id": report_id}))


def page_parts(session: Session, report_id: int) -> str | None:
    return session.execute(_statements()[4], {"id": report_id}).scalar_one()


def report_json(session: Session, report_id: int) -> str:
    return session.execute(_statements()[5], {"id": report_id}).scalar_one()
