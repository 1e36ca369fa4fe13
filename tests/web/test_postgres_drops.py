"""A PostgreSQL connection the server closed — its backend killed, the server restarted — costs
no visitor a 500: the pool finds it closed at checkout without a round trip (no pool_pre_ping),
and the unit page is asked again once on a fresh connection if one drops during the request."""
from __future__ import annotations

import time
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text

from tests.web.conftest import SEED, SEED_KEY, running_cluster


@pytest.fixture
def cluster():
    with running_cluster() as (cluster, url):
        cluster.url = url
        yield cluster


def _kill_other_backends(url: str) -> int:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as c:
            killed = c.execute(text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                    "WHERE datname = current_database() AND pid <> pg_backend_pid()")).scalar()
            deadline = time.monotonic() + 10
            while c.execute(text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                 "AND pid <> pg_backend_pid()")).scalar():
                assert time.monotonic() < deadline, "the killed backends did not end"
                time.sleep(0.05)
        return killed
    finally:
        engine.dispose()


def test_a_killed_backend_or_a_restart_is_no_500(cluster):
    from fastapi.testclient import TestClient

    from yusuan.store.db import open_store
    from yusuan.store.ingest import publish_file
    from yusuan.web import app as portal

    engine, sessions = open_store(cluster.url)
    with sessions.begin() as s:
        publish_file(s, SEED)
    engine.dispose()
    app = portal.create_app(cluster.url)
    assert app.state.engine.pool._pre_ping is False  # no round trip per checkout
    page, api = f"/unit/{quote(SEED_KEY)}/2024", "/api/units?per_page=5"
    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.get(page).status_code == 200 and client.get(api).status_code == 200
        # The API first: its routes are not asked again, so its pooled connection must be found
        # closed before it is used.
        assert _kill_other_backends(cluster.url) >= 1  # the app's pooled connection
        assert client.get(api).status_code == 200
        assert _kill_other_backends(cluster.url) >= 1
        portal.UNIT_PAGES.data.clear()
        first = client.get(page)
        assert first.status_code == 200 and "6640.71" in first.text

        cluster.restart()
        assert client.get(api).status_code == 200
        assert client.get(f"/search?q={quote('屯留')}").status_code == 200
        cluster.restart()
        assert client.get(page).status_code == 200

        # Dropped during the request, between the page's queries: the page is asked again once.
        from yusuan.web import queries

        made, calls = queries.page_report, []

        def dropping(session, state):
            calls.append(1)
            if len(calls) == 1:
                _kill_other_backends(cluster.url)
            return made(session, state)

        queries.page_report = dropping
        try:
            portal.UNIT_PAGES.data.clear()
            again = client.get(page)
        finally:
            queries.page_report = made
        assert again.status_code == 200 and "6640.71" in again.text and len(calls) == 2
