"""A killed ingest loses nothing already written, and its rerun gives the corpus of one
uninterrupted run (issue 16's acceptance)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import psutil
import pytest

from .helpers import ROOT, contents, ingest_command


def _process(pid: int):
    try:
        return psutil.Process(pid)
    except psutil.NoSuchProcess:
        return None


def committed(corpus) -> int:
    folder = corpus / "batches"
    return len([p for p in folder.iterdir() if p.suffix == ".json"]) if folder.exists() else 0


@pytest.mark.parametrize("what", ["everything", "the parent"])
def test_killed_then_rerun_equals_one_run(what, inputs, baseline, tmp_path):
    corpus = tmp_path / "corpus"
    # One input a batch, one worker: 61 commits, so that the kill surely lands in the middle.
    command = [sys.executable, *ingest_command(inputs, corpus, "--jobs", 1, "--batch-size", 1)]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env={**os.environ, "PYTHONPATH": str(ROOT)}, start_new_session=True)
    deadline = time.monotonic() + 60
    while committed(corpus) < 5 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.01)
    children = [child.pid for child in psutil.Process(process.pid).children(recursive=True)]
    victims = [process.pid] + children
    # "everything": as a machine going down, the workers too, wherever they are
    for pid in victims if what == "everything" else [process.pid]:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    process.wait(10)
    gone = psutil.wait_procs([p for p in map(_process, victims) if p], timeout=10)[1]
    assert not gone, f"still running after the kill: {gone}"
    written = committed(corpus)
    assert 5 <= written < 61, f"the kill came at {written} commits of 61"
    assert process.returncode == -signal.SIGKILL

    # Killed alone, the parent takes its workers with it (they must not commit beside the rerun);
    # the rerun cleans what was cut short and ingests only what is not committed.
    rerun = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120,
                           env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert "inputs already in the corpus" in rerun.stderr
    assert committed(corpus) == 61
    assert not [p for p in corpus.rglob("*.tmp")]
    assert contents(corpus) == contents(baseline)
