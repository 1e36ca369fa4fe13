"""The portal's fixtures: a store per database (SQLite always, PostgreSQL when it can start —
always in CI), filled once per session with the seed (published from its budget.yaml, through
the same path as `yusuan publish`), a generated unit in two years, and a unit whose name is
markup; a TestClient on each; a live server for the browser tests."""
from __future__ import annotations

from contextlib import contextmanager

import os
import random
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "examples" / "tunliu-police-2024" / "budget.yaml"
SEED_KEY = "长治市公安局屯留分局"
GENERATED_KEY = "T001"  # a generated unit's code, published for 2023 and 2024
HOSTILE_NAME = "<script>alert(1)</script>"
HOSTILE_KEY = "X-SCRIPT"


def generated_budget(seed: int, year: int, name: str, code: str):
    from tests.check.generate import generate_budget

    budget = generate_budget(random.Random(seed))
    unit = budget.unit.model_copy(update={"name": name, "code": code, "department": "测试部门", "region": "测试县(区)"})
    return budget.model_copy(update={"year": year, "unit": unit})


def fill(sessions) -> None:
    from yusuan.check import check
    from yusuan.context import Context
    from yusuan.derive import derive
    from yusuan.store.ingest import publish_file, store_report, unit_info_of
    from yusuan.templates import load

    with sessions.begin() as session:
        publish_file(session, SEED)
    context = Context.create("shanxi-2024")
    for seed, year, name, code in ((7, 2023, "测试单位甲", GENERATED_KEY), (8, 2024, "测试单位甲", GENERATED_KEY),
                                   (9, 2024, HOSTILE_NAME, HOSTILE_KEY)):
        budget = generated_budget(seed, year, name, code)
        report = derive(budget, context)
        findings = check(report, None, load(report.template, report.year))
        with sessions.begin() as session:
            store_report(session, report, findings, budget=budget, info=unit_info_of(budget), origin="budget")


@contextmanager
def running_cluster():
    """(cluster, url) of a throwaway PostgreSQL cluster, stopped afterwards; the test skipped
    where it cannot start, failed in CI."""
    from tests.web.postgres import Cluster

    cluster = Cluster()
    try:
        url = cluster.start()
    except Exception as exc:  # noqa: BLE001 — said, and fatal in CI
        cluster.stop()
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL could not start in CI: {exc}")
        pytest.skip(f"PostgreSQL could not start here: {exc}")
    try:
        yield cluster, url
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def postgres_url():
    with running_cluster() as (_, url):
        yield url


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def store_url(request, tmp_path_factory):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('store') / 'portal.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    from yusuan.store.db import open_store

    engine, sessions = open_store(url)
    fill(sessions)
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def client(store_url):
    from fastapi.testclient import TestClient

    from yusuan.web.app import create_app

    with TestClient(create_app(store_url), raise_server_exceptions=True) as c:
        yield c


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('live') / 'portal.db'}"
    from yusuan.store.db import open_store

    engine, sessions = open_store(url)
    fill(sessions)
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def live_server(sqlite_url):
    """The portal on a free loopback port, in a thread, for the browser."""
    import socket

    import uvicorn

    from yusuan.web.app import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(sqlite_url), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the portal did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)
