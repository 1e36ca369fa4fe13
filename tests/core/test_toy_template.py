"""A template that lives only in tests/data/toy-template/ (three tables of its own, other captions,
元) builds, renders, reads back and checks with its generated rules — without a line of yusuan/
knowing it exists (docs/architecture.md, "Adding a template")."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOY = ROOT / "tests" / "data" / "toy-template"
BUDGET = ROOT / "tests" / "data" / "small-budget.yaml"


def yusuan(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "yusuan.cli", *args], capture_output=True, text=True, cwd=ROOT)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("toy")
    done = yusuan("build", str(BUDGET), "--template", str(TOY), "-f", "json,text,html,xlsx,docx", "-o", str(out))
    assert done.returncode == 0, done.stderr
    return out


def cells(report: dict) -> dict[str, list[tuple]]:
    return {t["id"]: [(tuple(sorted(r["labels"].items())), tuple(sorted((k, v) for k, v in r["values"].items() if v is not None)))
                      for r in t["rows"]] for t in report["tables"]}


def test_the_toy_layout_is_built_in_every_format(built):
    report = json.loads((built / "report.json").read_text(encoding="utf-8"))
    assert report["template"] == "toy-2024" and [t["id"] for t in report["tables"]] == ["A", "B", "C"]
    a = {r["labels"].get("code"): r["values"] for r in report["tables"][0]["rows"]}
    # 元, exact: the small budget's 2040201 lines are 1,020,000 元
    assert a["总计"]["total"] == "1425000.00" and a["2040201"]["fiscal"] == "1020000.00"
    text = (built / "report.txt").read_text(encoding="utf-8")
    assert "示例甲表\n2024年示例收支表\n单位名称：测试局 单位：元" in text
    assert "预算公开表" not in text and "第三部分" not in text
    html = (built / "report.html").read_text(encoding="utf-8")
    assert "示例丙表" in html and "测试局2024年示例预算" in html
    assert (built / "report.xlsx").stat().st_size > 0 and (built / "report.docx").stat().st_size > 0


def test_the_toy_report_reads_back_cell_for_cell(built, tmp_path):
    done = yusuan("read", str(built / "report.txt"), "--template", str(TOY), "-o", str(tmp_path))
    assert done.returncode == 0, done.stderr
    read = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    derived = json.loads((built / "report.json").read_text(encoding="utf-8"))
    assert cells(read) == cells(derived)


def test_the_toy_report_is_checked_by_its_generated_rules(built, tmp_path):
    listed = yusuan("check", "--rules", "--template", str(TOY)).stdout
    ids = [line.split()[0] for line in listed.splitlines() if not line.startswith(" ")]
    assert {"TA.columns", "TA.rollup", "TB.columns", "TB.rollup", "TC.columns", "TC.rollup", "X.TA=TB"} <= set(ids)
    assert not any(i.startswith(("N.", "P.", "X.T1")) for i in ids)  # no rule of another layout
    clean = yusuan("check", str(built / "report.json"), "--template", str(TOY), "-f", "json")
    assert clean.returncode == 0 and json.loads(clean.stdout)["findings"] == []
    # one cell typed wrong in the text: table B's 2040201 basic
    text = (built / "report.txt").read_text(encoding="utf-8")
    edited = tmp_path / "edited.txt"
    row = "2040201 行政运行 1020000.00 1020000.00 \n"  # printed alike in tables A and B: change B's
    b = text.index("示例乙表")
    edited.write_text(text[:b] + text[b:].replace(row, "2040201 行政运行 1020000.00 1020001.00 \n", 1), encoding="utf-8")
    assert edited.read_text(encoding="utf-8") != text
    found = yusuan("check", str(edited), "--template", str(TOY), "-f", "json")
    rules = {(f["rule"], f["location"].get("table"), f["location"].get("row")) for f in json.loads(found.stdout)["findings"]
             if f["severity"] == "error"}
    assert ("TB.columns", "B", "2040201") in rules and ("TB.rollup", "B", "20402") in rules
    assert found.returncode == 1


def test_detection_names_the_toy_layout_only_when_asked(built, tmp_path):
    refused = yusuan("read", str(built / "report.txt"), "-o", str(tmp_path))
    assert refused.returncode == 2 and "of no template yusuan knows" in refused.stderr and "示例甲表" in refused.stderr
