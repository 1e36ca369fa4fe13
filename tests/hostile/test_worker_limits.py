"""A folder's files each run in a worker under a memory and a time limit (issue 13): one file that
needs gigabytes, never ends or kills its worker costs one line in the summary, and the others
are built. The bad files are simulated by a sitecustomize put on the command's PYTHONPATH (only
these tests write it): reading a budget whose name says so allocates, sleeps or dies."""
from __future__ import annotations

import textwrap
import time
from pathlib import Path

from .run import ROOT, small_budget, yusuan

HOOK = textwrap.dedent('''
    # Loaded at the start of the test's yusuan command (and so in its forked workers): a budget
    # named hog/slow/dies misbehaves when read; every other one is read as usual.
    import os
    import signal
    import time

    import yusuan.inputs

    _read = yusuan.inputs.read_budget

    def read_budget(path, catalog=None):
        name = os.path.basename(str(path))
        if name.startswith("hog"):
            held = [bytearray(64 * 1024 * 1024) for _ in range(24)]  # 1.5 GB, touched page by page
            for block in held:
                block[::4096] = b"x" * len(block[::4096])
        elif name.startswith("slow"):
            time.sleep(600)
        elif name.startswith("dies"):
            os.kill(os.getpid(), signal.SIGKILL)  # as the kernel's OOM killer would
        return _read(path, catalog)

    yusuan.inputs.read_budget = read_budget
''')


def _folder(tmp_path: Path, names: list[str]) -> tuple[Path, dict]:
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(HOOK, encoding="utf-8")
    folder = tmp_path / "in"
    folder.mkdir()
    for name in names:
        (folder / name).write_text(small_budget(), encoding="utf-8")
    return folder, {"PYTHONPATH": f"{hook}:{ROOT}"}


def test_a_file_over_its_memory_or_time_costs_one_line_and_the_others_are_built(tmp_path):
    folder, env = _folder(tmp_path, ["a.yaml", "dies.yaml", "hog.yaml", "slow.yaml", "z.yaml"])
    env.update(YUSUAN_MAX_WORKER_MEMORY=str(800 * 1024**2), YUSUAN_MAX_FILE_SECONDS="3")
    start = time.monotonic()
    run = yusuan("build", folder, "-o", tmp_path / "out", "--jobs", "2", env=env)
    took = time.monotonic() - start
    assert run.code == 2, run.stderr
    assert "Traceback" not in run.stderr and "internal error" not in run.stderr, run.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir() if not p.name.startswith(".")) == ["a", "z"]
    errors = [line.strip() for line in run.stderr.splitlines() if line.strip().startswith("error:")]
    assert len(errors) == 3, run.stderr
    slow, = [e for e in errors if "slow.yaml" in e]
    assert "took longer than 3 s (limit YUSUAN_MAX_FILE_SECONDS=3" in slow
    hog, = [e for e in errors if "hog.yaml" in e]
    assert "needed more memory than a worker may use (0.781 GB; YUSUAN_MAX_WORKER_MEMORY raises the limit)" in hog
    dies, = [e for e in errors if "dies.yaml" in e]
    assert "ended abruptly (SIGKILL)" in dies
    assert "built 2 of 5" in run.stderr
    assert took < 30, took


def test_one_worker_is_replaced_and_goes_on_with_the_next_file(tmp_path):
    folder, env = _folder(tmp_path, ["a.yaml", "slow.yaml", "z.yaml"])
    env.update(YUSUAN_MAX_FILE_SECONDS="2")
    run = yusuan("check", folder, "--jobs", "1", env=env)
    assert run.code == 2, run.stderr
    assert "slow.yaml: unreadable: took longer than 2 s" in run.stdout, run.stdout
    assert "checked 3: " in run.stdout and "1 unreadable" in run.stdout, run.stdout
    assert run.stdout.count("unreadable:") == 1, run.stdout


def test_read_lists_a_file_over_its_time_in_the_index(tmp_path):
    folder, env = _folder(tmp_path, ["slow.yaml", "z.yaml"])
    env.update(YUSUAN_MAX_FILE_SECONDS="2")
    run = yusuan("read", folder, "-o", tmp_path / "data", "--jobs", "2", env=env)
    assert run.code == 2, run.stderr
    assert "error: " + str(folder / "slow.yaml") + ": took longer than 2 s" in run.stderr, run.stderr
    index = (tmp_path / "data" / "index.csv").read_text(encoding="utf-8-sig")
    assert "took longer than 2 s" in index and "z.yaml" in index
    assert (tmp_path / "data" / "z" / "report.json").exists()
    assert not (tmp_path / "data" / "slow").exists()


def test_no_worker_is_left_running_after_a_file_over_its_time(tmp_path):
    """The slow file's worker is ended with its process group, not left sleeping."""
    import subprocess

    folder, env = _folder(tmp_path, ["slow.yaml"])
    env.update(YUSUAN_MAX_FILE_SECONDS="1")
    run = yusuan("check", folder, "--jobs", "1", env=env)
    assert run.code == 2
    left = subprocess.run(["pgrep", "-f", str(folder)], capture_output=True, text=True).stdout.split()
    assert left == [], left
