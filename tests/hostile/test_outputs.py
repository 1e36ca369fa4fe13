"""Outputs of folders of untrusted names (issue 13): nothing leaves OUT, no two inputs share a
folder, OUT is never read back as input, a failed write leaves the folder as it was, and a
signal stops a parallel batch at once with no worker left behind."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .run import ROOT, small_budget, yusuan


def _budgets(folder: Path, names: list[str]) -> None:
    for name in names:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(small_budget(), encoding="utf-8")


def test_a_dot_name_never_writes_outside_out(tmp_path):
    folder = tmp_path / "in"
    _budgets(folder, ["...yaml", "a.yaml"])
    out = tmp_path / "out" / "x"
    run = yusuan("build", folder / "...yaml", folder / "a.yaml", "-o", out, "--jobs", "1")
    assert run.code == 0, run.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["x"]  # nothing beside OUT
    assert sorted(p.name for p in out.iterdir() if p.name != ".yusuan-folders.json") == ["a", "unnamed"]  # and the record of who wrote which


def test_inputs_with_one_stem_each_keep_their_own_folder(tmp_path):
    folder = tmp_path / "in"
    _budgets(folder, ["s1/x.yaml", "s2/x.yaml", "x-2.yaml"])
    run = yusuan("read", folder, "-o", tmp_path / "data", "--jobs", "1")
    assert run.code in (0, 1), run.stderr
    folders = sorted(p.name for p in (tmp_path / "data").iterdir() if p.is_dir())
    assert folders == ["x", "x-2", "x-3"]
    assert all((tmp_path / "data" / name / "report.json").exists() for name in folders)
    index = (tmp_path / "data" / "index.csv").read_text(encoding="utf-8-sig")
    assert "s2/x.yaml" in index and ",x-3," in index


def test_out_inside_the_input_folder_is_not_read_again(tmp_path):
    folder = tmp_path / "in"
    _budgets(folder, ["a.yaml", "b.yaml"])
    for _ in range(2):
        run = yusuan("read", folder, "-o", folder / "out", "--jobs", "1")
        assert run.code in (0, 1), run.stderr
        assert "read 2:" in run.stderr, run.stderr


def test_a_full_disk_on_the_third_file_leaves_the_previous_files(tmp_path, monkeypatch):
    import builtins

    from yusuan import render

    out = tmp_path / "out"
    out.mkdir()
    (out / "report.json").write_text("previous", encoding="utf-8")
    real_open = builtins.open
    opened = []

    def full_disk(file, mode="r", *args, **kwargs):
        if ("w" in mode or "x" in mode) and ".yusuan-writing-" in str(file):
            opened.append(file)
            if len(opened) == 3:
                raise OSError(28, "No space left on device")
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", full_disk)
    with pytest.raises(OSError) as caught:
        render.write_together([("report.json", b"new"), ("report.txt", b"new"), ("report.pdf", b"new")], out)
    assert caught.value.filename == str(out / "report.pdf") and caught.value.strerror == "No space left on device"
    assert sorted(p.name for p in out.iterdir()) == ["report.json"]  # no temporary file left, nothing new
    assert (out / "report.json").read_text(encoding="utf-8") == "previous"


def _processes_mentioning(marker: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


@pytest.mark.parametrize("signum,code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_stops_a_parallel_build_at_once_with_no_worker_left(tmp_path, signum, code):
    folder = tmp_path / "budgets"
    _budgets(folder, [f"unit{n:02}.yaml" for n in range(30)])
    command = [sys.executable, "-m", "yusuan.cli", "build", str(folder), "-f", "json,text,xlsx,docx",
               "-o", str(tmp_path / "out"), "--jobs", "2"]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                               env={**os.environ, "PYTHONPATH": str(ROOT)})
    lines = []
    for line in process.stderr:  # wait until a unit is built, so that workers are busy
        lines.append(line)
        if line.startswith("[1/30]"):
            break
    process.send_signal(signum)
    start = time.monotonic()
    _, rest = process.communicate(timeout=30)
    assert time.monotonic() - start < 2
    assert process.returncode == code, "".join(lines) + rest
    summary = [line for line in rest.splitlines() if line.startswith("interrupted (")]
    assert len(summary) == 1 and summary[0].startswith(f"interrupted ({signal.Signals(signum).name}): "), rest
    assert " of 30 done; not done: " in summary[0] and "Traceback" not in rest, rest
    time.sleep(0.3)
    assert _processes_mentioning(str(folder)) == []
    built = [p for p in (tmp_path / "out").iterdir() if not p.name.startswith(".")]
    assert 1 <= len(built) < 30
