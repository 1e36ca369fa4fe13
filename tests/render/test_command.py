from __future__ import annotations

import subprocess
import sys

import pytest

from yusuan.render.pdf import cjk_font_files

from .fixtures import small_report


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "yusuan.cli", *map(str, args)], capture_output=True, text=True, cwd=cwd)


@pytest.fixture(scope="module")
def report_json(tmp_path_factory):
    path = tmp_path_factory.mktemp("in") / "report.json"
    path.write_text(small_report().to_json(), encoding="utf-8")
    return path


def test_render_writes_each_format(report_json, tmp_path):
    formats = "html,xlsx,docx,json" + (",pdf" if cjk_font_files() else "")
    result = run("render", report_json, "-f", formats, "-o", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == sorted(f"report.{f}" for f in formats.split(","))
    assert (tmp_path / "out" / "report.xlsx").read_bytes()[:2] == b"PK"
    assert "预算公开表6" in (tmp_path / "out" / "report.html").read_text(encoding="utf-8")


def test_broken_report_names_file_and_place(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema": "yusuan-report/1", "year": "二〇二四", "unit_name": "x"}', encoding="utf-8")
    result = run("render", bad, "-o", tmp_path / "out")
    assert result.returncode == 2
    assert f"{bad}:year:" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()  # nothing written half

    notjson = tmp_path / "x.json"
    notjson.write_text("{\n  nope", encoding="utf-8")
    result = run("render", notjson, "-o", tmp_path / "out")
    assert result.returncode == 2 and f"{notjson}:2:" in result.stderr


def test_unknown_format_is_refused(report_json, tmp_path):
    result = run("render", report_json, "-f", "html,odt", "-o", tmp_path / "out")
    assert result.returncode == 2 and "unknown format odt" in result.stderr
    assert not (tmp_path / "out").exists()
