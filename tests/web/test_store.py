"""The store and `yusuan publish`: exact money, n-gram search tokens, one line for a bad input."""
from __future__ import annotations

import subprocess
import sys
from decimal import Decimal

from sqlalchemy import func, select, text

from tests.web.conftest import ROOT, SEED, SEED_KEY


def test_money_comes_back_exact(store_url):
    from yusuan.store.db import open_store
    from yusuan.store.models import CellRow, ReportRow

    engine, sessions = open_store(store_url)
    with sessions() as s:
        headline = s.scalar(select(ReportRow.headline).where(ReportRow.origin == "budget", ReportRow.year == 2024)
                            .order_by(ReportRow.id))
        assert isinstance(headline, Decimal)
        values = s.scalars(select(CellRow.value).where(CellRow.value.is_not(None)).limit(50)).all()
        assert values and all(isinstance(v, Decimal) for v in values)
        if engine.dialect.name == "sqlite":  # stored as text, never SQLite's REAL
            kinds = {k for (k,) in s.execute(text("SELECT DISTINCT typeof(value) FROM cells WHERE value IS NOT NULL"))}
            assert kinds == {"text"}
    engine.dispose()


def test_ngrams():
    from yusuan.store import search

    assert search.grams("屯留") == "u5c6f u7559 b5c6f7559"
    assert search.query_tokens("屯留 2040") == [("b5c6f7559", False), ("w2040", True)]
    assert search.fts5_query([("b5c6f7559", False), ("w2040", True)]) == '"b5c6f7559" AND "w2040"*'
    assert search.matches("长治市公安局屯留分局", "屯留") and not search.matches("长治市公安局屯留分局", "屯局")
    assert search.query_tokens("'; DROP TABLE --") == [("wdrop", True), ("wtable", True)]


def _yusuan(*args, cwd):
    return subprocess.run([sys.executable, "-m", "yusuan.cli", *args], capture_output=True, text=True, cwd=cwd, timeout=300)


def test_publish_command(tmp_path):
    db = tmp_path / "p.db"
    done = _yusuan("publish", str(SEED), "--db", str(db), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert f"as /unit/{SEED_KEY}/2024 (2 error" in done.stdout
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema": "nope"}', encoding="utf-8")
    missing = tmp_path / "missing.yaml"
    done = _yusuan("publish", str(bad), str(missing), "--db", str(db), cwd=tmp_path)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 2 and all(line.startswith("error: ") for line in lines)
    # inputs are taken in order of preference (a budget's YAML first), not as given
    assert any("bad.json" in line and "not a yusuan report" in line for line in lines)
    assert any("missing.yaml" in line and "no such file" in line for line in lines)
    assert "Traceback" not in done.stderr


def test_default_database_is_a_file_in_the_working_folder(tmp_path, monkeypatch):
    from yusuan.store.db import DEFAULT_FILE, resolve_url

    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    assert resolve_url(None) == f"sqlite:///{tmp_path / DEFAULT_FILE}"
    assert resolve_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    monkeypatch.setenv("DATABASE_URL", "sqlite:///x.db")
    assert resolve_url(None) == "sqlite:///x.db"


def test_the_page_html_is_rendered_when_published_and_served_as_stored(client, store_url):
    """The unit page shows the HTML stored at publish time (links placed under its own URL); a
    report stored without it (before migration 0003) is rendered on its visit instead."""
    from urllib.parse import quote

    from sqlalchemy import select, update

    from tests.web.conftest import SEED_KEY
    from yusuan.store.db import open_store
    from yusuan.store.models import ReportRow, Unit
    from yusuan.web.fragment import BASE

    from yusuan.web import app as portal

    def forget_pages() -> None:
        # The app keeps whole pages by what a publication changes (a new row); this test alone
        # changes a stored row in place, so it drops what the app kept.
        portal.UNIT_PAGES.data.clear()
        portal.PAGES.data.clear()

    engine, sessions = open_store(store_url)
    try:
        with sessions.begin() as s:
            row = s.scalars(select(ReportRow).join(Unit).where(Unit.key == SEED_KEY)).one()
            assert row.page_html and BASE in row.page_html and "6640.71" in row.page_html
            stored, parts = row.page_html, row.page_parts
            s.execute(update(ReportRow).where(ReportRow.id == row.id)
                      .values(page_html=stored.replace("收入总计", "收入总计（已存）")))
        forget_pages()
        page = client.get(f"/unit/{quote(SEED_KEY)}/2024").text
        assert "收入总计（已存）" in page and BASE not in page and "&lt;yusuan-base&gt;" not in page
        assert f'href="/unit/{quote(SEED_KEY)}/2024/table/1.csv"' in page
        with sessions.begin() as s:
            s.execute(update(ReportRow).where(ReportRow.id == row.id).values(page_html=None, page_parts=None))
        forget_pages()
        page = client.get(f"/unit/{quote(SEED_KEY)}/2024").text
        assert "收入总计（已存）" not in page and "6640.71" in page and BASE not in page
    finally:
        with sessions.begin() as s:
            s.execute(update(ReportRow).where(ReportRow.id == row.id).values(page_html=stored, page_parts=parts))
        forget_pages()
        engine.dispose()


def test_search_gives_the_hits_of_every_document_tested(store_url):
    """The search (the index's candidates, the contiguous test, the order, the results kept by
    the store's state) gives what the plainest search gives: every stored document tested with
    ``ngrams.matches``, ordered by kind, year (newest first), unit name and document."""
    from yusuan.store import search as ngrams
    from yusuan.store.db import open_store
    from yusuan.store.models import ReportRow, SearchDoc, Unit
    from yusuan.web import queries

    engine, sessions = open_store(store_url, migrate=False)
    try:
        with sessions() as s:
            docs = s.execute(select(SearchDoc.id, SearchDoc.kind, SearchDoc.ref, SearchDoc.title, SearchDoc.text,
                                    Unit.key, Unit.name, ReportRow.year)
                             .join(ReportRow, ReportRow.id == SearchDoc.report_id)
                             .join(Unit, Unit.id == ReportRow.unit_id)).all()
            for q in ("屯留", "2040201", "204", "测试项目", "行政运行", "公用经费", "聘用", "script", "屯留安局"):
                for kind, year in ((None, None), ("code", None), ("project", None), ("prose", None), (None, 2024)):
                    expected = sorted((d for d in docs if ngrams.matches(d.text, q) and kind in (None, d.kind)
                                       and year in (None, d.year)),
                                      key=lambda d: (queries.KIND_ORDER[d.kind], -d.year, d.name, d.id))
                    found = queries.search(s, q, kind=kind, year=year, per_page=10000)
                    assert found.total == len(expected), (q, kind)
                    assert [(h.kind, h.ref, h.title, h.unit_key, h.unit_name, h.year) for h in found.items] == \
                        [(d.kind, d.ref, d.title, d.key, d.name, d.year) for d in expected], (q, kind)
                    assert queries.search(s, q, kind=kind, year=year, per_page=10000) is found  # kept
                    pages = [queries.search(s, q, kind=kind, year=year, page=p, per_page=7) for p in (1, 2)]
                    assert [h.title for p in pages for h in p.items] == [h.title for h in found.items[:14]]
            assert sum(queries.search(s, "屯留").total for _ in range(2)) > 0
            assert queries.store_state(s)[0] == s.scalar(select(func.count()).select_from(ReportRow))
    finally:
        engine.dispose()


def test_a_search_over_more_candidates_than_it_reads_says_so_and_gives_the_newest(store_url, monkeypatch):
    """At a province's scale a common word matches more documents than a search reads
    (MAX_CANDIDATES): it reads the most recently published, and the page and the API say there
    are more — not a total that looks complete, from whichever documents the index gave first."""
    from fastapi.testclient import TestClient

    from yusuan.store import search as ngrams
    from yusuan.store.db import open_store
    from yusuan.store.models import ReportRow, SearchDoc, Unit
    from yusuan.web import queries
    from yusuan.web.app import create_app

    engine, sessions = open_store(store_url, migrate=False)
    try:
        with sessions() as s:
            docs = s.execute(select(SearchDoc.id, SearchDoc.kind, SearchDoc.ref, SearchDoc.title, SearchDoc.text,
                                    Unit.key, ReportRow.year)
                             .join(ReportRow, ReportRow.id == SearchDoc.report_id)
                             .join(Unit, Unit.id == ReportRow.unit_id)).all()
            # Two characters: every candidate the index gives for them is a hit.
            matching = sorted((d for d in docs if ngrams.matches(d.text, "屯留")), key=lambda d: -d.id)
            assert len(matching) > 3
            full = queries._search(s, "屯留", per_page=10000)
            assert full.complete and full.total == len(matching)
            monkeypatch.setattr(queries, "MAX_CANDIDATES", 3)
            capped = queries._search(s, "屯留", per_page=10000)
            assert not capped.complete and capped.total == 3
            assert sorted((h.kind, h.ref, h.title, h.unit_key, h.year) for h in capped.items) == \
                sorted((d.kind, d.ref, d.title, d.key, d.year) for d in matching[:3])  # the newest published
            assert [h for h in full.items if h in capped.items] == capped.items  # in the search's own order
        queries.SEARCHES.data.clear()
        with TestClient(create_app(store_url, migrate=False)) as client:
            page = client.get("/search", params={"q": "屯留", "year": "2024"}).text
            assert "条以上" in page and "缩小范围" in page
            api = client.get("/api/search", params={"q": "屯留", "year": "2024"}).json()
            assert api["complete"] is False and api["total"] <= 3
    finally:
        queries.SEARCHES.data.clear()
        engine.dispose()


def test_the_search_candidates_migration_stores_what_a_publication_does(store_url):
    """0006_search_candidates fills, for documents stored before it, the kind, report and
    normalized text a publication now stores beside the index; the search is the same after."""
    from alembic import command
    from alembic.config import Config
    from importlib import resources

    from yusuan.store.db import open_store
    from yusuan.web import queries

    engine, sessions = open_store(store_url, migrate=False)
    sqlite = engine.dialect.name == "sqlite"
    read = text("SELECT rowid, kind, report_id, norm, grams FROM search_fts ORDER BY rowid" if sqlite else
                "SELECT id, kind, report_id, norm, tsv::text FROM search_docs ORDER BY id")

    def migrate(step, revision: str) -> None:
        config = Config()
        config.set_main_option("script_location", str(resources.files("yusuan.store") / "migrations"))
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            step(config, revision)

    try:
        with engine.connect() as c:
            published = c.execute(read).all()
        with sessions() as s:
            searched = [queries._search(s, q, per_page=10000) for q in ("屯留", "公用经费", "204", "ＳＣＲＩＰＴ")]
        assert published and all(norm for _, _, _, norm, _ in published)
        migrate(command.downgrade, "0005_unit_page")
        migrate(command.upgrade, "head")
        with engine.connect() as c:
            assert c.execute(read).all() == published
        with sessions() as s:
            assert [queries._search(s, q, per_page=10000) for q in ("屯留", "公用经费", "204", "ＳＣＲＩＰＴ")] == searched
        assert searched[0].total and searched[3].total  # full-width letters found through the normalized text
    finally:
        engine.dispose()
