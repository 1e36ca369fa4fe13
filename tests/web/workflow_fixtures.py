"""Fixtures and helpers of the workflow tests (tests/web/test_workflow*.py): a fresh database
per test on SQLite and on PostgreSQL (a new database in the session's throwaway cluster, so the
public portal's fixtures are never touched), the bureau set up in it (a unit, an admin, a
publisher, a reviewer), and logging in as each through the real login form."""
from __future__ import annotations

import re
import uuid

import pytest

from tests.web.conftest import ROOT, SEED

SEED_NAME = "长治市公安局屯留分局"
SEED_REGION = "屯留区县(区)"
PASSWORD = "correct horse battery"
SEED_BYTES = SEED.read_bytes()
# The seed with its P.cost error on 渔泽… fixed: the cost indicator stated as the year's funding.
FIXED_BYTES = SEED_BYTES.replace("value: 649.86万元".encode(), "value: 297.00万元".encode())
assert FIXED_BYTES != SEED_BYTES


SEED_XLSX = ROOT / "examples" / "tunliu-police-2024" / "budget.xlsx"
BROKEN_COST = "230.97万元"  # P01's cost indicator, printed 203.97万元 (its funding): two digits swapped


def seed_xlsx(cost: str = "203.97万元") -> bytes:
    """The seed's budget workbook, with P01's cost indicator (绩效目标!D27) set to ``cost``: the
    seed's own value, or BROKEN_COST — an amount that no longer matches the project's funding,
    which `check` reports (P.cost) while the workbook stays readable."""
    import io

    import openpyxl

    book = openpyxl.load_workbook(SEED_XLSX)
    sheet = book["绩效目标"]
    assert sheet["A27"].value == "产出指标" and sheet["C27"].value == "购置业务 装备成本", "the seed's workbook moved"
    sheet["D27"] = cost
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def fresh_postgres(postgres_url: str) -> str:
    from sqlalchemy import create_engine, text

    base, _ = postgres_url.rsplit("/", 1)
    name = f"wf_{uuid.uuid4().hex[:12]}"
    engine = create_engine(base + "/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    engine.dispose()
    return f"{base}/{name}"


@pytest.fixture(params=["sqlite", "postgresql"])
def wf_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'workflow.db'}"
    return fresh_postgres(request.getfixturevalue("postgres_url"))


class Bureau:
    """A store with the seed's unit, and an account of each role."""

    def __init__(self, url: str):
        from yusuan.store.db import open_store
        from yusuan.store.workflow import create_account
        from yusuan.store.workflow_models import ManagedUnit

        self.url = url
        self.apps: list = []  # apps made on this store: their engines closed with it (PostgreSQL counts connections)
        self.engine, self.sessions = open_store(url)
        with self.sessions.begin() as s:
            unit = ManagedUnit(name=SEED_NAME, code="", region=SEED_REGION, department=SEED_NAME)
            other = ManagedUnit(name="另一单位", code="", region="别的县", department="另一单位")
            s.add_all([unit, other])
            s.flush()
            create_account(s, "admin", PASSWORD, "admin")
            create_account(s, "pub", PASSWORD, "publisher", units=[unit])
            create_account(s, "pub2", PASSWORD, "publisher", units=[other])
            create_account(s, "rev", PASSWORD, "reviewer", region=SEED_REGION)
            create_account(s, "rev2", PASSWORD, "reviewer", region="别的县")

    def work(self) -> int:
        """Run the queued jobs here, as a worker would; how many were done."""
        from yusuan.jobs import Worker

        worker, n = Worker(self.sessions, name="test-worker"), 0
        try:
            while worker.run_one():
                n += 1
        finally:
            worker.capped.close()
        return n


@pytest.fixture
def bureau(wf_url, monkeypatch):
    monkeypatch.setenv("YUSUAN_WORKERS", "0")  # the tests run the jobs themselves, when they choose
    # A budget draft's own pages (a render and a read back, seconds each) only where a test asks.
    monkeypatch.setenv("YUSUAN_DRAFT_PAGES", "0")
    b = Bureau(wf_url)
    yield b
    for app in b.apps:
        app.state.engine.dispose()
    b.engine.dispose()


def app_for(bureau):
    from yusuan.web.app import create_app

    app = create_app(bureau.url)
    bureau.apps.append(app)
    return app


def client_for(app):
    from fastapi.testclient import TestClient

    return TestClient(app, raise_server_exceptions=True, follow_redirects=False)


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF field in the page"
    return found.group(1)


def login(app, name: str, password: str = PASSWORD):
    """A client logged in as ``name`` (and its CSRF token)."""
    client = client_for(app)
    token = csrf_of(client.get("/login").text)
    response = client.post("/login", data={"name": name, "password": password, "csrf": token, "next": "/drafts"})
    assert response.status_code == 303, response.text[:500]
    client.csrf = token
    return client


def upload(client, *files: tuple[str, bytes]):
    return client.post("/drafts/upload", data={"csrf": client.csrf},
                       files=[("files", (name, data, "application/octet-stream")) for name, data in files])


def draft_id_of(response) -> int:
    return int(response.headers["location"].rstrip("/").rsplit("/", 1)[-1])


__all__ = ["ROOT", "SEED", "SEED_BYTES", "SEED_XLSX", "BROKEN_COST", "seed_xlsx", "FIXED_BYTES", "SEED_NAME", "SEED_REGION", "PASSWORD", "wf_url", "bureau",
           "app_for", "client_for", "csrf_of", "login", "upload", "draft_id_of", "fresh_postgres", "Bureau"]
