"""An input that kills its worker costs its own row only: its batch is run again one input at a
time, the others are ingested, the rerun does not try it again, and --retry-failed does."""
from __future__ import annotations

import shutil
import sys

from yusuan.corpus.store import Corpus

from .helpers import yusuan

# The ingest runs in a process of its own, as `yusuan ingest` does: its forked workers live under
# a 2 GB address-space limit, which a process that has used DuckDB or Arrow (as this test process
# has) already fills with its threads' reservations.
CRASHING = """
import os, sys
from yusuan.corpus import ingest
real = ingest.read_and_check
name = sys.argv[1]
def read_and_check(path, *args):
    if path.name == name:
        os._exit(9)  # as a segfault in a C extension, or the kernel's OOM killer
    return real(path, *args)
ingest.read_and_check = read_and_check  # the forked workers inherit it
sys.argv = ["yusuan", "ingest", *sys.argv[2:]]
from yusuan.cli import main
main()
"""


def test_a_worker_killed_by_one_input(budgets, tmp_path):
    import subprocess

    folder = tmp_path / "in"
    shutil.copytree(budgets / "0001001", folder)
    crashing = folder / "0001001-2024.yaml"
    corpus = tmp_path / "corpus"
    arguments = [folder, "--out", corpus, "--jobs", 1, "--batch-size", 3]
    run = subprocess.run([sys.executable, "-c", CRASHING, crashing.name, *map(str, arguments)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 1, run.stderr
    assert "2 read, 0 unreadable, 1 failed" in run.stderr
    with Corpus(corpus).connect() as connection:
        rows = connection.execute("SELECT name, status, error FROM reports ORDER BY name").fetchall()
        problems = connection.execute("SELECT kind, file FROM problems").fetchall()
    assert [(name, status) for name, status, _ in rows] == [
        ("0001001-2023.yaml", "ok"), ("0001001-2024.yaml", "failed"), ("0001001-2025.yaml", "ok")]
    assert "ended abruptly" in rows[1][2]
    assert problems == [("failed", str(crashing))]
    assert not list(corpus.rglob("*.tmp"))

    again = yusuan("ingest", *arguments, check=False)
    assert again.returncode == 0 and "3 of 3 inputs already in the corpus" in again.stderr
    # once the cause is gone, --retry-failed tries it again, and only it
    retried = yusuan("ingest", *arguments, "--retry-failed")
    assert "1 input(s) that failed before: tried again" in retried.stderr and "ingested 1 inputs" in retried.stderr
    with Corpus(corpus).connect() as connection:
        assert connection.execute("SELECT status, count(*) FROM reports GROUP BY 1").fetchall() == [("ok", 3)]
        assert connection.execute("SELECT count(*) FROM problems").fetchone()[0] == 0
