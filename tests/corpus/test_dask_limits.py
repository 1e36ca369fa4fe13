"""On Dask the per-file limits of a local run hold too (yusuan/corpus/ingest.py limited_batch):
each batch runs in a child forked from its Dask worker under the client's memory and time
limits, so one input that needs gigabytes, never ends or dies costs its own row — one problem
line — and the other inputs are ingested, on a LocalCluster of two workers."""
from __future__ import annotations

import pytest

from tests.hostile.test_worker_limits import _folder
from yusuan.corpus.store import Corpus

from .helpers import yusuan

pytest.importorskip("distributed")


def test_a_hostile_input_on_dask_costs_one_line_and_the_rest_are_ingested(tmp_path):
    # hog allocates 1.5 GB, slow sleeps ten minutes, dies is killed (tests/hostile's hook, loaded
    # by every process of the run: the client, the nannies' workers, their children).
    folder, env = _folder(tmp_path, ["a.yaml", "dies.yaml", "hog.yaml", "slow.yaml", "z.yaml"])
    for path in folder.iterdir():  # each its own content: an ingest reads the same content once
        path.write_text(f"# {path.name}\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    env.update(YUSUAN_MAX_WORKER_MEMORY=str(1024**3), YUSUAN_MAX_FILE_SECONDS="10")
    corpus = tmp_path / "corpus"
    run = yusuan("ingest", folder, "--out", corpus, "--dask-local", 2, check=False, timeout=180, env_extra=env)
    assert run.returncode == 1, run.stderr[-3000:]
    assert "on Dask (2 local workers)" in run.stderr and "2 read, 0 unreadable, 3 failed" in run.stderr, run.stderr[-3000:]
    with Corpus(corpus).connect() as connection:
        rows = dict(connection.execute("SELECT name, status || ': ' || coalesce(error, '') FROM reports").fetchall())
        problems = connection.execute("SELECT file, kind, message FROM problems ORDER BY file").fetchall()
        cells = connection.execute("SELECT count(*) FROM cells").fetchone()[0]
    assert rows["a.yaml"] == rows["z.yaml"] == "ok: " and cells > 0
    assert rows["hog.yaml"].startswith("failed: needed more memory than a worker may use (1 GB; YUSUAN_MAX_WORKER_MEMORY")
    assert rows["slow.yaml"].startswith("failed: took longer than 10 s (limit YUSUAN_MAX_FILE_SECONDS=10")
    assert rows["dies.yaml"].startswith("failed: its worker process ended abruptly (SIGKILL)")
    # one problem line per hostile input, none for the others
    assert [(file.rsplit("/", 1)[1], kind) for file, kind, _ in problems] == [
        ("dies.yaml", "failed"), ("hog.yaml", "failed"), ("slow.yaml", "failed")]
    assert "Traceback" not in run.stderr
