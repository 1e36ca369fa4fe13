"""Amounts and text that used to end in "internal error" (exit 3) or be misread: each is refused
with exit 2 and one line naming the file and the place — the same rule for YAML, the workbook
and report.json (money.number / money.parse_amount)."""
from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook

from .run import refused, small_budget, yusuan

AMOUNT = "amount: 1000000.00}"  # the first line's amount, line 4 of small-budget.yaml


TYPED = ["1e400", "1.0e+400", '"1e100000000"', "'1.000,00'", "'1,0,0'", "013", "1000000000000001",
         "12345678901234567890123456789", "0.12345678901234567890123456789", "０１", ".5"]


def test_a_budget_amount_that_is_not_a_plain_number_is_refused_with_its_line(tmp_path):
    # one folder, one process: each budget is refused with its own line (a batch lists them all)
    folder = tmp_path / "budgets"
    folder.mkdir()
    for n, typed in enumerate(TYPED):
        (folder / f"b{n:02}.yaml").write_text(small_budget((AMOUNT, f"amount: {typed}}}")), encoding="utf-8")
    run = yusuan("build", folder, "-o", tmp_path / "out", "--jobs", "1")
    assert run.code == 2 and "Traceback" not in run.stderr and "internal error" not in run.stderr, run.stderr
    for n, typed in enumerate(TYPED):
        lines = [line for line in run.stderr.splitlines() if f"b{n:02}.yaml:4: lines[0].amount: " in line]
        assert len(lines) == 1 and len(lines[0]) < 300, (typed, run.stderr)
    assert f"built 0 of {len(TYPED)}" in run.stderr
    assert not any((tmp_path / "out").glob("*/report.json"))


def test_grouped_thousands_are_an_amount(tmp_path):
    path = tmp_path / "budget.yaml"
    path.write_text(small_budget((AMOUNT, "amount: '1,000,000.00'}")), encoding="utf-8")
    assert yusuan("build", path, "-o", tmp_path / "out").code == 0


def test_a_control_character_in_a_name_is_refused_with_its_line(tmp_path):
    path = tmp_path / "budget.yaml"
    path.write_text(small_budget(("name: 测试项目", 'name: "测试\\x01项目"')), encoding="utf-8")
    refused(yusuan("build", path, "-f", "xlsx,docx", "-o", tmp_path / "out"), f"{path}:11:", "U+0001")


def test_a_unit_name_over_255_characters_builds_every_format(tmp_path):
    path = tmp_path / "budget.yaml"
    path.write_text(small_budget(("{name: 测试局,", "{name: " + "很长的单位名称" * 40 + ",")), encoding="utf-8")
    run = yusuan("build", path, "-f", "xlsx,docx,html", "-o", tmp_path / "out")
    assert run.code == 0, run.stderr
    from docx import Document

    document = Document(tmp_path / "out" / "report.docx")
    assert len(document.core_properties.title) <= 255
    assert any("很长的单位名称" * 40 in p.text for p in document.paragraphs)  # the content whole


def _report_json(tmp_path):
    path = tmp_path / "budget.yaml"
    path.write_text(small_budget(), encoding="utf-8")
    assert yusuan("build", path, "-f", "json", "-o", tmp_path / "built").code == 0
    return tmp_path / "built" / "report.json"


def test_an_amount_of_ten_million_digits_in_report_json_is_refused_at_load_with_its_path(tmp_path):
    report = _report_json(tmp_path)
    data = json.loads(report.read_text(encoding="utf-8"))
    key = next(k for k, v in data["tables"][0]["rows"][0]["values"].items() if v is not None)
    data["tables"][0]["rows"][0]["values"][key] = "1e10000000"
    report.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    refused(yusuan("render", report, "-f", "xlsx", "-o", tmp_path / "out"), str(report), f"tables.0.rows.0.values.{key}")
    data["tables"][0]["rows"][0]["values"][key] = "1.000,00"
    report.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    refused(yusuan("render", report, "-f", "xlsx", "-o", tmp_path / "out"), str(report), f"tables.0.rows.0.values.{key}")
    report.write_text(json.dumps(data, ensure_ascii=False).replace('"1.000,00"', "1" + "0" * 5000), encoding="utf-8")
    refused(yusuan("render", report, "-f", "xlsx", "-o", tmp_path / "out"), str(report))


def test_a_control_character_in_report_json_is_dropped_and_every_format_renders(tmp_path):
    report = _report_json(tmp_path)
    data = json.loads(report.read_text(encoding="utf-8"))
    data["unit_name"] = "测试\x01局\x0b"
    report.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    run = yusuan("render", report, "-f", "xlsx,docx", "-o", tmp_path / "out")
    assert run.code == 0, run.stderr


def test_a_workbook_amount_typed_the_european_way_is_refused_with_its_cell(tmp_path, edited_workbook):
    from yusuan.read.budget_yaml import read_budget
    from yusuan.workbook.layout import LINES
    from yusuan.workbook.write import write_workbook

    source = tmp_path / "budget.yaml"
    source.write_text(small_budget(), encoding="utf-8")
    column = [c.header for c in LINES.columns].index("金额（元）") + 1
    workbook = write_workbook(read_budget(source))
    folder = tmp_path / "books"
    folder.mkdir()
    typed = ("1.000,00", "1,0,0", "013", "1e400")
    for n, text in enumerate(typed):
        edited_workbook(folder / f"b{n}.xlsx", workbook, [(LINES.name, 3, column, text)])
    run = yusuan("build", folder, "-f", "json", "-o", tmp_path / "out", "--jobs", "1")
    assert run.code == 2 and "internal error" not in run.stderr, run.stderr
    for n, text in enumerate(typed):
        lines = [line for line in run.stderr.splitlines() if f"b{n}.xlsx:{LINES.name}!" in line]
        assert len(lines) == 1 and f"{text!r} is not an amount" in lines[0], (text, run.stderr)
    assert load_workbook(folder / "b3.xlsx")[LINES.name].cell(3, column).value == "1e400"


def test_a_report_json_table_its_template_lacks_is_refused_at_load_with_its_path(tmp_path):
    """(was: loaded, then a KeyError out of `read` and `render`, exit 3; found by YUSUAN_FUZZ=deep)"""
    report = tmp_path / "report.json"
    report.write_text('{"schema": "yusuan-report/1", "template": "shanxi-2024", "year": 2024, "unit_name": "x", "tables": '
                      '[{"id": "99", "caption": "", "title": "x", "unit_name": "x", "unit": "万元", "rows": []}]}', encoding="utf-8")
    for args in (("read", report, "-o", tmp_path / "out"), ("render", report, "-f", "html", "-o", tmp_path / "out")):
        refused(yusuan(*args), f"{report}:tables.0.id: table '99' is not one of the template shanxi-2024's (1, 2,")
    assert not (tmp_path / "out").exists()
