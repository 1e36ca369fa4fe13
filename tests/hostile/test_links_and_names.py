"""Folders from elsewhere (issue 13): links leading outside are not followed unless asked, broken
links and loops are listed, and no two inputs ever share an output folder, across runs too."""
from __future__ import annotations

import json
import os
from pathlib import Path

from .run import small_budget, yusuan


def _budget(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(small_budget(), encoding="utf-8")
    return path


def _linked_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    _budget(folder / "a.yaml")
    _budget(tmp_path / "elsewhere" / "secret.yaml")
    os.symlink(tmp_path / "elsewhere" / "secret.yaml", folder / "outside.yaml")
    os.symlink(tmp_path / "elsewhere", folder / "outdir")
    os.symlink("nowhere.yaml", folder / "broken.yaml")
    os.symlink("loop2.yaml", folder / "loop1.yaml")
    os.symlink("loop1.yaml", folder / "loop2.yaml")
    os.symlink("..", folder / "up")
    os.symlink("a.yaml", folder / "same.yaml")  # inside the folder: followed
    return folder


def test_links_outside_are_not_followed_and_broken_ones_and_loops_are_listed(tmp_path):
    folder = _linked_folder(tmp_path)
    out = tmp_path / "out"
    run = yusuan("build", folder, "-o", out, "--jobs", "1")
    assert run.code == 2, run.stderr  # built what it could, but a file meant may be missing
    assert "Traceback" not in run.stderr
    errors = sorted(line for line in run.stderr.splitlines() if line.startswith("error:"))
    assert errors == [f"error: {folder / 'broken.yaml'}: broken link (to nowhere.yaml, which does not exist)",
                      f"error: {folder / 'loop1.yaml'}: link loop", f"error: {folder / 'loop2.yaml'}: link loop",
                      f"error: {folder / 'up'}: link loop (to {tmp_path}, a folder it is in)"], run.stderr
    notes = [line for line in run.stderr.splitlines() if line.startswith("note:")]
    assert len(notes) == 2 and all("not followed (--follow-symlinks follows it)" in n for n in notes), notes
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == ["a", "same"]
    assert "built 2 of 2" in run.stderr


def test_follow_symlinks_follows_them(tmp_path):
    folder = _linked_folder(tmp_path)
    for command in (["check", folder], ["read", folder, "-o", tmp_path / "data"]):
        run = yusuan(*command, "--follow-symlinks", "--jobs", "1")
        assert run.code == 2, run.stderr  # the broken link and the loops still listed
        assert not [line for line in run.stderr.splitlines() if line.startswith("note:")], run.stderr
    index = (tmp_path / "data" / "index.csv").read_text(encoding="utf-8-sig")
    assert "outside.yaml" in index and "outdir/secret.yaml" in index
    assert "not followed" not in run.stderr


def test_check_lists_links_too(tmp_path):
    folder = _linked_folder(tmp_path)
    run = yusuan("check", folder, "--jobs", "1")
    assert run.code == 2
    assert f"error: {folder / 'broken.yaml'}: broken link" in run.stderr
    assert "checked 2:" in run.stdout and "secret" not in run.stdout


def test_a_rerun_overwrites_its_own_folder_but_never_another_inputs(tmp_path):
    out = tmp_path / "out"
    first = _budget(tmp_path / "s1" / "x.yaml")
    second = _budget(tmp_path / "s2" / "x.yaml")
    _budget(tmp_path / "s1" / "y.yaml")
    for _ in range(2):  # the same folder twice: the same names
        run = yusuan("build", tmp_path / "s1", "-o", out, "--jobs", "1")
        assert run.code == 0, run.stderr
        assert "note:" not in run.stderr, run.stderr
    record = json.loads((out / ".yusuan-folders.json").read_text(encoding="utf-8"))
    assert record == {"x": str(first.resolve()), "y": str((tmp_path / "s1" / "y.yaml").resolve())}
    # another x.yaml into the same OUT: its own folder, said
    run = yusuan("build", tmp_path / "s2", "-o", out, "--jobs", "1")
    assert run.code == 0, run.stderr
    assert f"note: {second} goes to {out / 'x-2'}: {out / 'x'} holds the outputs of {first.resolve()}" in run.stderr
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == ["x", "x-2", "y"]
    # and again: x-2 is its folder now
    run = yusuan("build", tmp_path / "s2", "-o", out, "--jobs", "1")
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == ["x", "x-2", "y"]


def test_a_folder_yusuan_did_not_write_is_left_alone(tmp_path):
    out = tmp_path / "data"
    (out / "a").mkdir(parents=True)
    (out / "a" / "notes.txt").write_text("mine", encoding="utf-8")
    (out / "B").mkdir()
    folder = tmp_path / "in"
    _budget(folder / "a.yaml")
    _budget(folder / "b.yaml")
    _budget(folder / "index.csv.yaml")  # would be OUT/index.csv, which read writes itself
    run = yusuan("read", folder, "-o", out, "--jobs", "1")
    assert run.code in (0, 1), run.stderr
    assert (out / "a" / "notes.txt").read_text(encoding="utf-8") == "mine" and not (out / "a" / "report.json").exists()
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == ["B", "a", "a-2", "b-2", "index.csv", "index.csv-2"]
    assert "files yusuan did not write there" in run.stderr
