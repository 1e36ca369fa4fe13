"""Many units built in groups: a worker is given several budgets at once, stages their files and
makes them durable with one sync before moving them into place (batch.run_all's ``group`` and
``settle``, render/staging.py). A group never fails as a whole: a call that kills its worker or
runs over its time fails alone, and what its worker left staged is removed."""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from yusuan.batch import run_all
from yusuan.commands.build import build_one
from yusuan.context import Context
from yusuan.render import staging


def _square(n: int) -> int:
    if n == 3:
        os._exit(9)  # the worker dies on this call
    if n == 5:
        time.sleep(30)  # over its time
    return n * n


def _tag(results: list) -> list:
    return [(value, os.getpid()) for value in results]


def test_a_group_runs_in_one_worker_and_only_the_call_at_fault_fails(monkeypatch):
    monkeypatch.setenv("YUSUAN_MAX_FILE_SECONDS", "2")
    seen, abandoned = [], []
    results = run_all(_square, [(n,) for n in range(8)], 1, lambda count, i, result: seen.append(i),
                      failed=lambda i, message: f"failed: {message}", group=4, settle=_tag,
                      abandoned=lambda indices, pid: abandoned.append(sorted(indices)))
    assert sorted(seen) == list(range(8))
    assert [r[0] for r in results if isinstance(r, tuple)] == [0, 1, 4, 16, 36, 49]
    assert results[3].startswith("failed: its worker process ended abruptly")
    assert results[5].startswith("failed: took longer than 2 s")
    # settle ran in a worker (not here) over each group's results
    assert all(pid != os.getpid() for r in results if isinstance(r, tuple) for pid in r[1:])
    # the groups of the dead and the late call were abandoned, then each of their calls ran alone
    assert [0, 1, 2, 3] in abandoned and [4, 5, 6, 7] in abandoned and [3] in abandoned and [5] in abandoned


def _units(folder: Path, count: int) -> list[Path]:
    from typer.testing import CliRunner

    from yusuan.cli import app

    result = CliRunner().invoke(app, ["synth", "--units", str(count), "--seed", "3", "--years", "2024-2024",
                                      "-o", str(folder / "synth")])
    assert result.exit_code == 0, result.output
    units = folder / "units"
    units.mkdir()
    for n, path in enumerate(sorted((folder / "synth").glob("*/*.yaml"))):
        path.rename(units / f"u{n:02}.yaml")
    return sorted(units.glob("*.yaml"))


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_folder_built_in_groups_is_what_each_budget_built_alone_gives(tmp_path, jobs):
    from typer.testing import CliRunner

    from yusuan.cli import app

    units = _units(tmp_path, 9)  # 9 units, --jobs 1: groups of 2
    result = CliRunner().invoke(app, ["build", str(tmp_path / "units"), "-f", "json,text", "-j", jobs,
                                      "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    context = Context.create("shanxi-2024")
    for unit in units:
        alone = tmp_path / "alone" / unit.stem
        build_one(unit, alone, ["json", "text"], context)
        written = sorted(p.name for p in (tmp_path / "out" / unit.stem).iterdir())
        assert written == ["report.json", "report.txt"]  # nothing staged left behind
        for name in written:
            assert (tmp_path / "out" / unit.stem / name).read_bytes() == (alone / name).read_bytes()


def _staged(folder: Path, text: bytes) -> staging.Staged:
    return staging.stage([("report.json", text), ("report.txt", text)], folder, fsync=False)


def test_files_staged_together_are_synced_then_moved_into_place(tmp_path, monkeypatch):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "report.json").write_bytes(b"previous")
    batch = [_staged(tmp_path / "a", b"new a"), _staged(tmp_path / "b", b"new b")]
    assert (tmp_path / "a" / "report.json").read_bytes() == b"previous"  # staged: nothing in place yet
    synced = []
    monkeypatch.setattr(staging, "_syncfs", lambda: (lambda fd: synced.append(fd) or 0))
    staging.sync_together(batch)
    assert len(synced) == 1  # one filesystem: one sync for both folders
    for staged in batch:
        staged.move_into_place()
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == ["report.json", "report.txt"]
    assert (tmp_path / "a" / "report.json").read_bytes() == b"new a"
    assert (tmp_path / "b" / "report.txt").read_bytes() == b"new b"


def test_without_syncfs_each_file_is_fsynced(tmp_path, monkeypatch):
    batch = [_staged(tmp_path / "a", b"x"), _staged(tmp_path / "b", b"y")]
    fsynced = []
    real = os.fsync
    monkeypatch.setattr(staging, "_syncfs", lambda: None)
    monkeypatch.setattr(os, "fsync", lambda fd: fsynced.append(fd) or real(fd))
    staging.sync_together(batch)
    assert len(fsynced) == 4


def test_a_failed_sync_leaves_every_folder_of_the_group_as_it_was(tmp_path, monkeypatch):
    from yusuan.commands.build import settle_group

    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "report.json").write_bytes(b"previous")
    batch = [_staged(tmp_path / "a", b"new"), ["b.yaml:3: an error of its own"], _staged(tmp_path / "c", b"new")]

    def failing(fd: int) -> int:
        import ctypes

        ctypes.set_errno(5)
        return -1

    monkeypatch.setattr(staging, "_syncfs", lambda: failing)
    settled = settle_group(batch)
    assert settled[1] == ["b.yaml:3: an error of its own"]
    assert "Input/output error" in settled[0][0] and "Input/output error" in settled[2][0]
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == ["report.json"]
    assert (tmp_path / "a" / "report.json").read_bytes() == b"previous"
    assert list((tmp_path / "c").iterdir()) == []


def test_what_an_ended_worker_left_staged_is_removed_and_nothing_else(tmp_path):
    folder = tmp_path / "unit"
    folder.mkdir()
    mine = folder / f"{staging.TEMPORARY_PREFIX}4242-0-report.json"
    other = folder / f"{staging.TEMPORARY_PREFIX}42420-0-report.json"
    for path in (mine, other, folder / "report.json"):
        path.write_bytes(b"x")
    staging.remove_leftovers(folder, 4242)
    assert sorted(p.name for p in folder.iterdir()) == sorted([other.name, "report.json"])


def test_a_build_stopped_by_a_signal_leaves_nothing_staged(tmp_path):
    import signal
    import subprocess
    import sys

    _units(tmp_path, 64)  # --jobs 2: groups of 8, several staged in each worker when the signal comes
    root = Path(__file__).resolve().parent.parent.parent
    process = subprocess.Popen([sys.executable, "-m", "yusuan.cli", "build", str(tmp_path / "units"), "-f", "json,text,html",
                                "-o", str(tmp_path / "out"), "--jobs", "2"], stderr=subprocess.PIPE, text=True, cwd=root,
                               env={**os.environ, "PYTHONPATH": str(root)})
    for line in process.stderr:  # a first group is done: the workers are in their next ones
        if line.startswith("[1/64]"):
            break
    process.send_signal(signal.SIGTERM)
    _, rest = process.communicate(timeout=30)
    assert process.returncode == 143, rest
    assert [p for p in (tmp_path / "out").rglob(f"{staging.TEMPORARY_PREFIX}*")] == []
    built = [p for p in (tmp_path / "out").iterdir() if not p.name.startswith(".")]
    assert 1 <= len(built) < 64
    for folder in built:  # a unit is there whole or not at all
        assert sorted(p.name for p in folder.iterdir()) == ["report.html", "report.json", "report.txt"]
