"""`yusuan read`: every kind of input to report.json and report.txt, and the exit codes 0, 1, 2."""
from __future__ import annotations

import sys

import pytest
from typer.testing import CliRunner

from yusuan.cli import app, main
from yusuan.report import Report

from .conftest import EXAMPLE_BUDGET, SEED, cells

runner = CliRunner()
EXAMPLE_WORKBOOK = EXAMPLE_BUDGET.with_name("budget.xlsx")


def read(path, out):
    return runner.invoke(app, ["read", str(path), "-o", str(out)])


def test_the_seed_text_is_read_whole(tmp_path):
    result = read(SEED, tmp_path)
    assert result.exit_code == 0, result.output
    report = Report.load(tmp_path / "report.json")
    assert cells(report, "1")[0][:2] == ["一、一般公共预算", "6037.95"]
    assert (tmp_path / "report.txt").read_text(encoding="utf-8").startswith("第一部分 概况\n一、本单位职责\n1、全面贯彻")
    assert "read 13 tables, 12 sections, 13 performance tables; 0 problems" in result.output


def test_a_published_workbook_is_read_in_part_and_says_what_is_missing(tmp_path):
    built = tmp_path / "built"
    assert runner.invoke(app, ["build", str(EXAMPLE_BUDGET), "-o", str(built), "--format", "xlsx,json"]).exit_code == 0
    result = read(built / "report.xlsx", tmp_path / "read")
    assert result.exit_code == 1
    assert "第三部分 2024年度单位预算情况说明 is missing" in result.output
    read_back, derived = Report.load(tmp_path / "read" / "report.json"), Report.load(built / "report.json")
    assert [cells(read_back, t.id) for t in derived.tables] == [cells(derived, t.id) for t in derived.tables]


def test_a_budget_workbook_is_derived_not_refused(tmp_path):
    result = read(EXAMPLE_WORKBOOK, tmp_path)
    assert result.exit_code == 0, result.output
    assert "a budget or a report.json, not a published report" in result.output
    assert cells(Report.load(tmp_path / "report.json"), "1")[0][:2] == ["一、一般公共预算", "6037.95"]


def run_command(monkeypatch, capsys, *args) -> tuple[int, str]:
    """The installed command's exit code and stderr (main() turns input errors into one line, exit 2)."""
    monkeypatch.setattr(sys, "argv", ["yusuan", *map(str, args)])
    with pytest.raises(SystemExit) as exit_:
        main()
    return exit_.value.code, capsys.readouterr().err


def test_nothing_readable_is_exit_2_and_writes_only_what_it_is(tmp_path, monkeypatch, capsys):
    junk = tmp_path / "junk.txt"
    junk.write_text("这不是预算公开报告。\n", encoding="utf-8")
    code, err = run_command(monkeypatch, capsys, "read", junk, "-o", tmp_path / "out")
    assert code == 2 and "junk.txt" in err
    for missing in ("missing.pdf", "missing.xlsx", "missing.txt"):
        code, err = run_command(monkeypatch, capsys, "read", tmp_path / missing, "-o", tmp_path / "out")
        assert (code, err) == (2, f"error: {tmp_path / missing}: no such file\n")
    # a refused file is still data: problems.json says why, and no report is written
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["problems.json"]


@pytest.mark.parametrize("jobs", ["1", "2"])  # in this process, and in worker processes
def test_a_folder_is_read_file_by_file_with_an_index(tmp_path, jobs):
    """A journalist's folder: each report into OUT/<name>/, an unreadable one listed, not fatal."""
    import csv
    import shutil

    folder = tmp_path / "pdfs"
    (folder / "2024").mkdir(parents=True)
    shutil.copy(SEED, folder / "tunliu.txt")
    shutil.copy(SEED, folder / "2024" / "tunliu.txt")  # the same name in a sub-folder
    (folder / "scan.txt").write_text("扫描件\n", encoding="utf-8")
    (folder / "~$draft.xlsx").write_bytes(b"lock file")  # Excel's lock file is left out
    out = tmp_path / "data"
    result = runner.invoke(app, ["read", str(folder), "-o", str(out), "--jobs", jobs])
    assert result.exit_code == 2  # the worst of them
    with open(out / "index.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [(r["folder"], r["status"]) for r in rows] == [
        ("tunliu", "read whole"), ("scan", "unreadable"), ("tunliu-2", "read whole")]
    assert rows[0]["unit"] == "长治市公安局屯留分局" and rows[0]["total_wan_yuan"] == "6640.71"
    assert rows[0]["tables"] == "13" and rows[0]["performance_tables"] == "13"
    assert "no table title with a year" in rows[1]["first_problem"]
    for name in ("tunliu", "tunliu-2"):
        assert cells(Report.load(out / name / "report.json"), "1")[0][:2] == ["一、一般公共预算", "6037.95"]
    assert [p.name for p in (out / "scan").iterdir()] == ["problems.json"]  # what it is, not a report
    assert "read 3: 2 read whole, 0 read in part, 1 unreadable" in result.output


def test_an_unknown_format_is_refused_before_anything_is_read(tmp_path, monkeypatch, capsys):
    code, err = run_command(monkeypatch, capsys, "read", SEED, "-o", tmp_path / "out", "-f", "json,bogus")
    assert code == 2 and "unknown format bogus" in err
    assert not (tmp_path / "out").exists()
