"""The unit page joined from what was stored at publication (yusuan/web/unit_page.py) is the
page made the full way from the parsed report, byte for byte, on SQLite and PostgreSQL."""
from __future__ import annotations

from urllib.parse import quote

import pytest
from sqlalchemy import select, update

from tests.web.conftest import GENERATED_KEY, HOSTILE_KEY, SEED_KEY

PIECES = ("page_html", "page_parts", "page_findings", "page_charts")


def _forget_pages() -> None:
    # Pages are kept by their ETag, which a stored piece changed in place (only tests do that)
    # does not change.
    from yusuan.web import app as portal

    portal.UNIT_PAGES.data.clear()
    portal.PAGES.data.clear()
    portal.YEAR_ITEMS.data.clear()


@pytest.mark.parametrize("key", [SEED_KEY, GENERATED_KEY, HOSTILE_KEY])
def test_the_stored_page_is_the_page_made_from_the_report(client, store_url, key, monkeypatch):
    from yusuan.report import Report
    from yusuan.store.db import open_store
    from yusuan.store.models import ReportRow, Unit

    engine, sessions = open_store(store_url, migrate=False)
    url = f"/unit/{quote(key)}/2024"
    try:
        with sessions() as s:
            rows = s.execute(select(ReportRow.id, *(getattr(ReportRow, c) for c in PIECES)).join(Unit)
                             .where(Unit.key == key)).all()
        assert rows and all(None not in r for r in rows)  # every piece stored at publication
        ids = [r.id for r in rows]

        # Stored: no report is parsed to make the page (nor its other years' charts).
        _forget_pages()
        with monkeypatch.context() as m:
            m.setattr(Report, "from_json", lambda *a, **k: pytest.fail("a report parsed for a stored page"))
            stored = client.get(url, headers={"Accept-Encoding": "identity"})
        assert stored.status_code == 200 and "检查结果" in stored.text

        # Published before 0005 (parts and HTML, no findings or charts section): the same page.
        with sessions.begin() as s:
            s.execute(update(ReportRow).where(ReportRow.id.in_(ids)).values(page_findings=None, page_charts=None))
        _forget_pages()
        assert client.get(url, headers={"Accept-Encoding": "identity"}).content == stored.content

        # Nothing stored for the page: everything made from the parsed reports, the full way.
        with sessions.begin() as s:
            s.execute(update(ReportRow).where(ReportRow.id.in_(ids)).values(**{c: None for c in PIECES}))
        _forget_pages()
        full = client.get(url, headers={"Accept-Encoding": "identity"})
        assert full.content == stored.content
        assert client.get(url).content == stored.content  # gzipped for a client that takes it
        _charts_as_one_list(stored.text, sessions, key)
    finally:
        with sessions.begin() as s:
            for r in rows:
                s.execute(update(ReportRow).where(ReportRow.id == r.id).values(**{c: getattr(r, c) for c in PIECES}))
        _forget_pages()
        engine.dispose()


def _charts_as_one_list(page: str, sessions, key: str) -> None:
    """The charts joined from stored pieces are what one template over the whole list gives:
    numbered 0…n-1, their data Jinja's ``tojson`` of every chart's payload (the report's own
    charts, then those across the unit's years), independently of yusuan/web/unit_page.py."""
    import re

    import jinja2

    from yusuan.report import Report
    from yusuan.store.models import ReportRow, Unit
    from yusuan.templates import load
    from yusuan.web import views

    with sessions() as s:
        texts = s.execute(select(ReportRow.year, ReportRow.report_json).join(Unit).where(Unit.key == key)
                          .order_by(ReportRow.year)).all()
    reports = {year: Report.from_json(t) for year, t in texts}
    report = reports[2024]
    template = load(report.template, report.year)
    charts = views.charts(report, template) + views.year_charts(
        [(y, r, load(r.template, r.year)) for y, r in reports.items()])
    assert charts and (len(reports) == 1 or any("—" in c.title for c in charts))
    data = jinja2.Environment(autoescape=True).from_string("{{ d | tojson }}").render(d=[c.payload() for c in charts])
    assert f'<script type="application/json" id="chart-data">{data}</script>' in page
    assert re.findall(r'data-chart="(\d+)"', page) == [str(i) for i in range(len(charts))]


def test_fill_stored_gives_what_a_publication_stores(store_url):
    """A report published before 0005 gets the pieces a publication of it would have stored."""
    from yusuan.store.db import open_store
    from yusuan.store.models import ReportRow, Unit
    from yusuan.web.unit_page import fill_stored

    engine, sessions = open_store(store_url, migrate=False)
    try:
        with sessions() as s:
            rows = s.execute(select(ReportRow.id, *(getattr(ReportRow, c) for c in PIECES)).join(Unit)
                             .where(Unit.key.in_([SEED_KEY, GENERATED_KEY]))).all()
        with sessions.begin() as s:
            s.execute(update(ReportRow).where(ReportRow.id.in_([r.id for r in rows]))
                      .values(page_findings=None, page_charts=None))
        assert fill_stored(sessions) == len(rows) == 3
        with sessions() as s:
            again = {r.id: r for r in s.execute(select(ReportRow.id, *(getattr(ReportRow, c) for c in PIECES))
                                                .where(ReportRow.id.in_([r.id for r in rows])))}
        for r in rows:
            assert tuple(again[r.id]) == tuple(r)
        assert fill_stored(sessions) == 0
    finally:
        engine.dispose()
