"""The workflow's job worker reads each upload in a capped process of its own (yusuan/jobs.py,
CappedProcess), given its file and waited for by batch's own run_call — the group protocol that
run_all speaks, in one place (68ac72c changed it and left the job worker speaking the old one:
every upload failed). Here with real forked processes: a real file read and checked, the process
kept from job to job, and what ends it — its time, a SIGKILL, the memory limit, a failure of its
own — costing that file one line and the next file a fresh process."""
from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from yusuan.batch import _Worker, run_call
from yusuan.jobs import CappedProcess, in_capped_process, read_and_check

SEED = Path(__file__).resolve().parents[2] / "examples" / "tunliu-police-2024" / "budget.yaml"


def _behave(path: str, filename: str) -> dict:
    """A stand-in for read_and_check: the upload's text says what to do."""
    what = Path(path).read_text(encoding="utf-8")
    if what == "slow":
        time.sleep(60)
    elif what == "dies":
        os.kill(os.getpid(), signal.SIGKILL)  # as the kernel's OOM killer would
    elif what == "hog":
        return {"hog": bytearray(400 * 1024 * 1024)}
    elif what == "bug":
        raise ValueError("a bug of ours")
    return {"pid": os.getpid(), "text": what}


@pytest.fixture
def runner():
    capped = CappedProcess()
    yield capped
    capped.close()


def test_a_real_upload_is_read_and_checked_in_the_capped_process(runner):
    outcome = in_capped_process(read_and_check, "budget.yaml", SEED.read_bytes(), runner=runner)
    assert "refused" not in outcome, outcome
    assert outcome["origin"] == "budget" and outcome["budget"] is not None
    assert [f.rule for f in outcome["findings"]]  # the seed has its known findings
    assert runner.worker is not None and runner.worker.process.pid != os.getpid()


def test_the_process_is_kept_from_job_to_job(runner):
    first = in_capped_process(_behave, "a.yaml", b"one", runner=runner)
    second = in_capped_process(_behave, "b.yaml", b"two", runner=runner)
    assert (first["text"], second["text"]) == ("one", "two")
    assert first["pid"] == second["pid"] != os.getpid()
    assert runner.worker.process.is_alive() and not runner.worker.indices


@pytest.mark.parametrize("what, says", [
    ("dies", "a.yaml: its worker process ended abruptly (SIGKILL)"),
    ("slow", "a.yaml: took longer than 1 s (limit YUSUAN_MAX_FILE_SECONDS=1"),
    ("bug", "a.yaml: internal error (ValueError: a bug of ours)"),
])
def test_a_file_that_ends_its_process_costs_one_line_and_the_next_gets_a_fresh_one(runner, monkeypatch, what, says):
    monkeypatch.setenv("YUSUAN_MAX_FILE_SECONDS", "1")
    before = in_capped_process(_behave, "z.yaml", b"before", runner=runner)["pid"]
    started = time.monotonic()
    outcome = in_capped_process(_behave, "a.yaml", what.encode(), runner=runner)
    assert time.monotonic() - started < 10
    assert outcome["refused"].startswith(says), outcome
    assert runner.worker is None  # ended, reaped, its pipe closed
    after = in_capped_process(_behave, "b.yaml", b"after", runner=runner)
    assert after["text"] == "after" and after["pid"] != before


def test_a_file_over_the_memory_limit_is_refused_as_such(runner, monkeypatch):
    with open("/proc/self/statm") as statm:  # a cap just above what the forked process maps
        mapped = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    monkeypatch.setenv("YUSUAN_MAX_WORKER_MEMORY", str(mapped + 200 * 1024 * 1024))
    outcome = in_capped_process(_behave, "a.yaml", b"hog", runner=runner)
    assert outcome["refused"].startswith("a.yaml: needed more memory than a worker may use"), outcome
    assert in_capped_process(_behave, "b.yaml", b"after", runner=runner)["text"] == "after"


def _echo(value):
    if value == "dies":
        os._exit(3)
    return value


def test_run_call_answers_a_call_as_run_all_does():
    worker = _Worker(_echo, 0)
    try:
        assert run_call(worker, ("x",), 5) == ("done", "x")
        assert run_call(worker, ("y",), 0) == ("done", "y")  # the same worker, idle again, no time limit
        assert not worker.indices and not worker.ended
        kind, message = run_call(worker, ("dies",), 5)
        assert kind == "failed" and message.startswith("its worker process ended abruptly (exit code 3)")
        assert worker.ended and worker.conn.closed and worker.process.exitcode == 3
    finally:
        if not worker.ended:
            worker.finish()
