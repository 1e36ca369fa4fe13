"""`yusuan check`: inputs of every kind, the three formats, the exit codes (0, 1, 2)."""
from __future__ import annotations

import json
import subprocess
import sys

from typer.testing import CliRunner

from yusuan.check import rules_markdown
from yusuan.check.registry import rules_for
from yusuan.templates import load

RULES = rules_for(load("shanxi-2024", 2024))
from yusuan.cli import app

from .conftest import ROOT, SEED_BUDGET, SEED_TEXT
from tests.contexts import SHANXI

runner = CliRunner()


def run(*args):
    return runner.invoke(app, ["check", *map(str, args)])


def test_the_published_seed_fails_with_its_errors_grouped_by_severity():
    result = run(SEED_TEXT)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == f"{SEED_TEXT}: 6 error, 4 warning, 20 rounding"
    assert lines[1] == "error (6):" and lines[8] == "warning (4):" and lines[13] == "rounding (20):"
    assert any(l.startswith("  N.amounts l.891 §十 “2,978.45”: performance.projects.amount differs from T12 total") for l in lines)


def test_json_output_round_trips(tmp_path):
    result = run(SEED_TEXT, "--format", "json")
    data = json.loads(result.stdout)
    assert data["counts"] == {"error": 6, "warning": 4, "rounding": 20}
    first = data["findings"][0]
    assert set(first) >= {"rule", "severity", "location", "expected", "found", "arithmetic"}


def test_json_output_is_laid_out_as_json_dumps_with_one_finding_a_line(tmp_path):
    """The layout json.dumps(indent=1) gives, but each finding on a line of its own (encoded in C:
    the indented pure-Python encoder cost more than the check of a folder); every value as before."""
    from dataclasses import asdict

    from yusuan.check import Finding, Location, check, grouped
    from yusuan.commands.check import json_data, layered
    from yusuan.context import Context
    from yusuan.read.published import published

    report = published(SEED_TEXT, Context.create(None)).report
    findings = check(report)
    data = json_data(findings, ["a note"], "seed.txt")
    assert layered(data).splitlines() == (json.dumps({**data, "findings": []}, ensure_ascii=False, indent=1)
                                          .replace('"findings": []', '"findings": [\n' + ",\n".join(
                                              "  " + json.dumps(f, ensure_ascii=False) for f in data["findings"]) + "\n ]")
                                          .splitlines())
    # Finding.to_dict, written out, gives what dataclasses.asdict gave, a group's consequences included.
    shared = [Finding(rule, "error", Location("2", "合计", "total"), "off", cells=("T2[合计].total", other))
              for rule, other in (("T2.rollup", "T2[201].total"), ("X.T1-T2", "T1[合计].total"))]
    together = grouped(findings + shared)
    assert any(f.consequences for f in together)
    for f in together:
        reference = asdict(f)
        reference["location"] = {k: v for k, v in f.location._asdict().items() if v is not None}
        reference["location_text"] = str(f.location)
        reference["consequences"] = [c.to_dict() for c in f.consequences]
        assert f.to_dict() == reference and list(f.to_dict()) == list(reference)
    many = json.loads(layered({"inputs": [data, {"input": "x", "status": "unreadable", "titles": ("a", "b")}], "summary": {}}))
    assert many["inputs"][0] == json.loads(json.dumps(data)) and many["inputs"][1]["titles"] == ["a", "b"]


def test_html_is_one_escaped_page_written_atomically(tmp_path):
    out = tmp_path / "findings.html"
    result = run(SEED_TEXT, "--format", "html", "--output", out)
    assert result.exit_code == 1 and result.stdout == ""
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>") and "<h2>error (6)</h2>" in page and "&gt; 300,000元" in page
    assert [p.name for p in tmp_path.iterdir()] == ["findings.html"]  # no temporary left behind


def test_a_budget_and_a_report_json_are_checked_the_same(tmp_path):
    from yusuan.derive import derive
    from yusuan.inputs import read_budget

    path = tmp_path / "report.json"
    path.write_text(derive(read_budget(SEED_BUDGET), SHANXI).to_json(), encoding="utf-8")
    from_budget, from_json = run(SEED_BUDGET, "-f", "json"), run(path, "-f", "json")
    assert from_budget.exit_code == from_json.exit_code == 1  # the seed's own cost indicators
    assert json.loads(from_budget.stdout)["findings"] == json.loads(from_json.stdout)["findings"]


def test_a_clean_report_exits_0(tmp_path):
    from yusuan.derive import derive

    import random

    from .generate import generate_budget

    report = derive(generate_budget(random.Random(7)), SHANXI)
    path = tmp_path / "report.json"
    path.write_text(report.to_json(), encoding="utf-8")
    result = run(path)
    assert result.exit_code == 0, result.stdout
    assert "0 error" in result.stdout.splitlines()[0]


def test_unreadable_inputs_exit_2_with_one_line(tmp_path):
    bad = tmp_path / "report.json"
    bad.write_text('{"schema": "something-else"}', encoding="utf-8")
    for path in (tmp_path / "missing.json", bad, tmp_path / "budget.csv"):
        if path.suffix == ".csv":
            path.write_text("x", encoding="utf-8")
        result = run(path)
        assert result.exit_code == 2
        assert result.stderr.count("\n") == 1 and result.stderr.startswith(f"error: {path}")


def test_a_folder_is_checked_file_by_file_and_summed_up(tmp_path):
    """A bureau checks a folder of drafts: one unreadable file does not stop the others."""
    import shutil

    shutil.copy(SEED_TEXT, tmp_path / "published.txt")
    shutil.copy(ROOT / "tests" / "data" / "fund-budget.yaml", tmp_path / "clean.yaml")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "broken.txt").write_text("不是预算报告\n", encoding="utf-8")
    (tmp_path / "notes.md").write_text("not an input\n", encoding="utf-8")
    result = run(tmp_path)
    assert result.exit_code == 2  # the worst of them: one is unreadable
    out = result.stdout
    assert out.rstrip().endswith("checked 3: 1 with errors, 1 without, 1 unreadable")
    assert f"{tmp_path / 'clean.yaml'}: 0 error, 0 warning, 0 rounding" in out
    assert f"{tmp_path / 'published.txt'}: 6 error, 4 warning, 20 rounding" in out
    assert f"{tmp_path / 'sub' / 'broken.txt'}: unreadable: no report could be read" in out
    assert result.stderr.splitlines()[0].startswith("[1/3] ")

    data = json.loads(run(tmp_path / "clean.yaml", tmp_path / "published.txt", "-f", "json").stdout)
    assert data["summary"] == {"checked": 2, "with_errors": 1, "without_errors": 1, "unreadable": 0}
    assert [entry["counts"]["error"] for entry in data["inputs"]] == [0, 6]

    page = tmp_path / "all.html"
    assert run(tmp_path, "-f", "html", "-o", page).exit_code == 2
    html = page.read_text(encoding="utf-8")
    assert html.count("<article") == 3 and "<h3>error (6)</h3>" in html and "unreadable: no report could be read" in html


def test_an_empty_folder_is_an_error(tmp_path):
    result = run(tmp_path)
    assert result.exit_code == 2 and "no budget or report found" in result.stderr


def test_the_installed_command_passes_the_exit_code_on():
    done = subprocess.run([sys.executable, "-m", "yusuan.cli", "check", str(SEED_TEXT)], capture_output=True, text=True)
    assert done.returncode == 1


def test_rules_are_listed_and_documented():
    result = run("--rules")
    assert result.exit_code == 0
    listed = [l.split() for l in result.stdout.splitlines() if not l.startswith(" ")]
    assert [l[0] for l in listed] == [r.id for r in RULES]
    assert {l[2] for l in listed} == {"generated", "generic", "template"}  # where each comes from
    assert any(l[0] == "N.amounts" and l[3].startswith("yusuan.templates.shanxi_2024.rules.prose:") for l in listed)
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == rules_markdown(), "regenerate: python -m yusuan.check > docs/rules.md"
    assert all(r.identity and r.description.endswith(".") for r in RULES)
