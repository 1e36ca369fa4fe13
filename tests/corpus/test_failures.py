"""An input that kills its worker costs its own row only: its batch is run again one input at a
time, the others are ingested, and the rerun does not try it again."""
from __future__ import annotations

import os
import shutil

from yusuan.corpus import ingest as ingest_module
from yusuan.corpus.ingest import ingest
from yusuan.corpus.store import Corpus
from yusuan.inputs import expand_inputs


def test_a_worker_killed_by_one_input(budgets, tmp_path, monkeypatch):
    folder = tmp_path / "in"
    shutil.copytree(budgets / "0001001", folder)
    crashing = folder / "0001001-2024.yaml"
    real = ingest_module.read_and_check

    def read_and_check(path, *args):
        if path.name == crashing.name:
            os._exit(9)  # as a segfault in a C extension, or the kernel's OOM killer
        return real(path, *args)

    monkeypatch.setattr(ingest_module, "read_and_check", read_and_check)  # the forked workers inherit it
    corpus = Corpus(tmp_path / "corpus")
    corpus.create()
    files = list(expand_inputs([folder]))
    with corpus.lock():
        counts = ingest(corpus, files, template=None, catalog_files=(), jobs=1, batch_size=3)
    assert counts["ok"] == 2 and counts["failed"] == 1
    with corpus.connect() as connection:
        rows = connection.execute("SELECT name, status, error FROM reports ORDER BY name").fetchall()
        problems = connection.execute("SELECT kind, file FROM problems").fetchall()
    assert [(name, status) for name, status, _ in rows] == [
        ("0001001-2023.yaml", "ok"), ("0001001-2024.yaml", "failed"), ("0001001-2025.yaml", "ok")]
    assert "ended abruptly" in rows[1][2]
    assert problems == [("failed", str(crashing))]
    assert not list((corpus.root / "parts").rglob("*.tmp"))
    with corpus.lock():
        again = ingest(corpus, files, template=None, catalog_files=(), jobs=1, batch_size=3)
    assert again["skipped"] == 3 and again["ingested"] == 0
