"""Faults: a crash inside the publishing transaction leaves the previous version and the public
page as they were (and the audit log says what failed); a worker killed in the middle of a job
leaves it to be taken again and finished; a file that stops every worker is given up on."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from sqlalchemy import text

from tests.web.workflow_fixtures import (FIXED_BYTES, ROOT, SEED_BYTES, app_for, bureau, draft_id_of, login,  # noqa: F401
                                         upload, wf_url)


def test_a_crash_inside_publishing_leaves_the_previous_version(bureau, monkeypatch):
    from yusuan.store import workflow

    app = app_for(bureau)
    pub, rev = login(app, "pub"), login(app, "rev")
    first = draft_id_of(upload(pub, ("budget.yaml", SEED_BYTES)))
    bureau.work()
    v1 = rev.post(f"/drafts/{first}/publish", data={"csrf": rev.csrf, "over_unexplained": "1"}).headers["location"]
    key = v1.split("/")[2]
    with bureau.sessions() as s:
        before = s.execute(text("SELECT digest, source FROM reports")).all()
        cells = s.execute(text("SELECT count(*) FROM cells")).scalar()
    second = draft_id_of(upload(pub, ("budget.yaml", FIXED_BYTES)))
    bureau.work()

    def crash() -> None:  # after the public report is replaced and version 2 written, before the commit
        raise RuntimeError("disk full")

    monkeypatch.setattr(workflow, "FAULT", crash)
    response = rev.post(f"/drafts/{second}/publish", data={"csrf": rev.csrf, "over_unexplained": "1"})
    assert response.status_code == 303 and f"/drafts/{second}" in response.headers["location"]
    assert "发布失败" in rev.get(response.headers["location"]).text
    with bureau.sessions() as s:
        assert s.execute(text("SELECT number, status FROM wf_versions")).all() == [(1, "current")]
        assert s.execute(text("SELECT digest, source FROM reports")).all() == before
        assert s.execute(text("SELECT count(*) FROM cells")).scalar() == cells
        assert s.execute(text("SELECT status FROM wf_drafts WHERE id = :d"), {"d": second}).scalar() == "checked"
        assert s.execute(text("SELECT count(*) FROM wf_version_files")).scalar() == 1
        failed = s.execute(text("SELECT account, detail FROM wf_audit WHERE action = 'publish' AND outcome = 'failed'")).all()
    assert failed and failed[0][0] == "rev" and "RuntimeError" in failed[0][1]
    page = pub.get(f"/unit/{key}/2024").text
    assert "版本1" in page and "版本2" not in page
    assert pub.get(f"/api/search?q=屯留").json()["total"] >= 1  # the search index rolled back with the rest

    # Once the fault is gone the same draft publishes as version 2.
    monkeypatch.setattr(workflow, "FAULT", None)
    response = rev.post(f"/drafts/{second}/publish", data={"csrf": rev.csrf, "over_unexplained": "1"})
    assert response.headers["location"].endswith("/v/2")


def _wait(predicate, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_a_worker_killed_mid_job_leaves_it_resumable(bureau, monkeypatch):
    app = app_for(bureau)
    pub = login(app, "pub")
    draft = draft_id_of(upload(pub, ("budget.yaml", SEED_BYTES)))

    def job():
        with bureau.sessions() as s:
            return s.execute(text("SELECT status, attempts, worker FROM wf_jobs")).one()

    # `yusuan worker` in its own process, made to stop in the middle of reading the file, then killed.
    env = {**os.environ, "PYTHONPATH": str(ROOT), "YUSUAN_TEST_JOB_PAUSE": "reading", "YUSUAN_JOB_LEASE_SECONDS": "2"}
    worker = subprocess.Popen([sys.executable, "-m", "yusuan.cli", "worker", "--db", bureau.url], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _wait(lambda: job()[0] == "running")
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(30)
    status, attempts, killed = job()
    assert (status, attempts) == ("running", 1)
    assert "读取检查中" in pub.get(f"/drafts/{draft}").text  # the page shows it in progress

    from yusuan.jobs import Worker

    monkeypatch.setenv("YUSUAN_JOB_LEASE_SECONDS", "2")
    restarted = Worker(bureau.sessions, name="restarted")
    _wait(restarted.run_one, 30)  # nothing to take until the dead worker's lease runs out; then it is taken
    status, attempts, by = job()
    assert (status, attempts, by) == ("done", 2, "restarted") and killed != by
    assert "待审核" in pub.get(f"/drafts/{draft}").text


def test_a_file_that_stops_every_worker_is_given_up(bureau):
    app = app_for(bureau)
    pub = login(app, "pub")
    draft = draft_id_of(upload(pub, ("budget.yaml", SEED_BYTES)))
    with bureau.sessions.begin() as s:  # as if three workers had died on it in turn
        s.execute(text("UPDATE wf_jobs SET status = 'running', attempts = 3, lease_until = :t"),
                  {"t": "2000-01-01 00:00:00.000000" if bureau.url.startswith("sqlite") else "2000-01-01T00:00:00+00:00"})
    assert bureau.work() == 0
    page = pub.get(f"/drafts/{draft}").text
    assert "未能读取" in page and "中断了 3 次" in page
