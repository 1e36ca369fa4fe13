"""`yusuan serve DIR|CORPUS`: what it publishes before serving (one report per unit and year, a
corpus made by `yusuan ingest`, nothing read again when served again), and the server itself
with several worker processes (whole pages with an ETag, 304 on a revisit)."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.web.conftest import ROOT, SEED_KEY

EXAMPLE = ROOT / "examples" / "tunliu-police-2024"
SEED_TEXT = ROOT / "tests" / "data" / "tunliu-police-2024.txt"


def yusuan(*args, cwd=ROOT, **options) -> subprocess.CompletedProcess:
    """The command as a user runs it, on this checkout's code."""
    return subprocess.run([sys.executable, "-m", "yusuan.cli", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=600, **options)


def _store(tmp_path: Path):
    from yusuan.store.db import open_store

    return open_store(f"sqlite:///{tmp_path / 'portal.db'}")


def _reports(sessions) -> list[tuple[str, int, str, int]]:
    from yusuan.store.models import ReportRow, Unit

    with sessions() as s:
        return sorted(s.execute(select(Unit.key, ReportRow.year, ReportRow.source, ReportRow.id)
                                .join(ReportRow, ReportRow.unit_id == Unit.id)).all())


def test_a_folder_gives_one_report_per_unit_and_year(tmp_path):
    """The seed folder holds budget.yaml and the budget.xlsx written from it: the YAML is
    published, the workbook skipped and said; served again, nothing is read or stored again."""
    from yusuan.store.sources import publish_sources

    engine, sessions = _store(tmp_path)
    said: list[str] = []
    outcome = publish_sources(sessions, [EXAMPLE], echo=said.append)
    assert outcome.counts["published"] == 1 and outcome.counts["same unit and year"] == 1
    [(key, year, source, report_id)] = _reports(sessions)
    assert (key, year) == (SEED_KEY, 2024) and source.endswith("budget.yaml")
    assert any("budget.xlsx" in line and "same unit and year" in line and "budget.yaml" in line for line in said)

    said.clear()
    outcome = publish_sources(sessions, [EXAMPLE], echo=said.append)
    assert outcome.counts["published"] == 0 and outcome.counts["unchanged"] == 1
    assert _reports(sessions) == [(key, year, source, report_id)]  # the same row: not stored again
    engine.dispose()


def test_a_corpus_is_served(tmp_path):
    """A researcher's ingested folder: every report the ingest read is on the portal, each unit's
    page showing it; an input changed since the ingest changes nothing (the corpus serves what it read)."""
    from fastapi.testclient import TestClient

    from yusuan.corpus.store import Corpus
    from yusuan.store.sources import publish_sources
    from yusuan.web.app import create_app

    src = tmp_path / "src"
    done = yusuan("synth", "--units", 2, "--seed", 3, "--years", "2023-2024", "-o", src)
    assert done.returncode == 0, done.stderr
    shutil.copy(SEED_TEXT, src / "seed.txt")  # a published report, its layout detected
    # relative paths, as a researcher types them: the corpus keeps them so
    done = yusuan("ingest", "src", "--out", "corpus", "--jobs", 1, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    entries = [e for e in Corpus(tmp_path / "corpus").done().values() if e["status"] == "ok"]
    assert len(entries) == 5 and all(not Path(e["file"]).is_absolute() for e in entries)

    engine, sessions = _store(tmp_path)
    said: list[str] = []
    outcome = publish_sources(sessions, [tmp_path / "corpus"], echo=said.append)  # run from elsewhere (ROOT)
    assert outcome.counts["published"] == 5, said
    stored = _reports(sessions)
    assert len(stored) == 5 and {year for _, year, _, _ in stored} == {2023, 2024}
    expected = {(e["unit_name"], e["year"]) for e in entries}
    with TestClient(create_app(f"sqlite:///{tmp_path / 'portal.db'}")) as client:
        for name, year in expected:
            hits = client.get("/api/units", params={"name": name}).json()
            [unit] = [u for u in hits["items"] if u["name"] == name]
            page = client.get(f"/unit/{unit['key']}/{year}")
            assert page.status_code == 200 and name in page.text
        assert "6640.71" in client.get(f"/unit/{SEED_KEY}/2024").text

    changed = next(p for p in (src).rglob("*.yaml"))
    changed.write_text(changed.read_text(encoding="utf-8") + "\n# edited after the ingest\n", encoding="utf-8")
    said.clear()
    outcome = publish_sources(sessions, [tmp_path / "corpus"], echo=said.append)
    # the corpus keeps each report whole: what it read is served, whatever became of the file
    # (a corpus made before it did is read from its sources: tests/web/test_serve_corpus.py)
    assert outcome.counts["unchanged"] == 5 and outcome.counts["published"] == 0
    assert not any(changed.name in line for line in said)
    engine.dispose()


def test_serve_refuses_a_missing_folder_in_one_line(tmp_path):
    done = yusuan("serve", tmp_path / "nowhere", "--db", tmp_path / "p.db")
    assert done.returncode == 2 and done.stderr.strip().startswith("error: no such file or folder")
    assert "Traceback" not in done.stderr


def test_serve_with_two_workers_gives_pages_with_an_etag(tmp_path):
    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "yusuan.cli", "serve", str(EXAMPLE), "--db", str(tmp_path / "p.db"),
                               "--port", str(port), "--workers", "2"], cwd=tmp_path,
                              env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 180
        while True:
            try:
                if httpx.get(base + "/api/years", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the portal did not start: {server.stderr.read().decode()[-2000:] if server.poll() is not None else ''}")
            time.sleep(0.5)
        url = f"{base}/unit/{SEED_KEY}/2024"
        first = httpx.get(url)
        assert first.status_code == 200 and "6640.71" in first.text and first.headers["content-encoding"] == "gzip"
        etag = first.headers["etag"]
        for _ in range(4):  # whichever worker answers
            again = httpx.get(url, headers={"If-None-Match": etag})
            assert again.status_code == 304 and again.headers["etag"] == etag and not again.content
        plain = httpx.get(url, headers={"Accept-Encoding": "identity"})
        assert "content-encoding" not in plain.headers and plain.text == first.text
    finally:
        server.terminate()
        try:
            _, err = server.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            _, err = server.communicate()
    said = err.decode()
    assert "2 worker processes" in said and "budget.xlsx: the same unit and year (2024)" in said


def test_publish_a_folder_gives_one_report_per_unit_and_year(tmp_path):
    done = yusuan("publish", EXAMPLE, "--db", tmp_path / "p.db")
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("published ") == 1 and "budget.yaml as /unit/" in done.stdout
    assert "budget.xlsx: the same unit and year (2024) as" in done.stderr
