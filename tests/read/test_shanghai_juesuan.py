"""Reading the Shanghai 部门决算 (财政部's template as Shanghai prints it): the real 2024 report
of 中共上海市普陀区委社会工作部 against its fixture typed from the pages, and the blank template.

The fixture (tests/data/shanghai/expected/putuo-shehuigongzuobu-2024-juesuan.yaml) puts a label
printed across merged cells (合计 over 编码/名称) in the last column it spans; so does the reader.
"""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from yusuan.money import fmt_table
from yusuan.read import published
from yusuan.report import Report
from yusuan.templates import load
from tests.contexts import DETECT

DATA = Path(__file__).resolve().parents[1] / "data" / "shanghai"
REAL = DATA / "putuo-shehuigongzuobu-2024-juesuan.pdf"
BLANK = DATA / "mof-juesuan-template-2024-blank.pdf"
FIXTURE = DATA / "expected" / "putuo-shehuigongzuobu-2024-juesuan.yaml"


@pytest.fixture(scope="module")
def real():
    return published(REAL, DETECT)


@pytest.fixture(scope="module")
def expected():
    return yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))


def printed(report: Report, table_id: str) -> list[list[str]]:
    """A table's rows as the page prints them: one string per template column, "" for empty."""
    spec = load(report.template, report.year).table(table_id)
    return [[fmt_table(row.value(c.key)) if c.is_amount else row.label(c.key) for c in spec.columns]
            for row in report.table(table_id).rows]


def test_the_real_report_is_read_whole_and_named(real):
    assert real.exit_code == 0, [str(p) for p in real.problems]
    assert real.template == "shanghai-juesuan-bumen"
    report = real.report
    assert (report.year, report.unit_name) == (2024, "中共上海市普陀区委社会工作部")
    assert [t.id for t in report.tables] == [str(i) for i in range(1, 10)]


def test_every_table_cell_equals_the_fixture(real, expected):
    report = real.report
    template = load(report.template, report.year)
    compared = 0
    for spec, table in zip(template.tables, expected["tables"]):
        assert spec.title == table["title"]
        got = report.table(spec.id)
        assert got.title == table["title"] and got.unit == table["unit"]
        assert printed(report, spec.id) == table["rows"], spec.title
        assert got.note == table["note"], spec.title
        compared += sum(len(row) for row in table["rows"])
    print(f"{compared} cells of {len(expected['tables'])} tables compared")
    assert compared == 990


def test_the_header_tree_is_the_printed_one(expected):
    template = load("shanghai-juesuan-bumen", 2024)
    for spec, table in zip(template.tables, expected["tables"]):
        assert [c.header[-1] for c in spec.columns] == table["columns"], spec.title
        if "column_paths" in table:
            assert ["/".join(c.header) for c in spec.columns] == table["column_paths"], spec.title


def test_rows_carry_their_codes_and_levels(real):
    t5 = real.report.table("5")
    assert [(r.code, r.level) for r in t5.rows[:3]] == [("201", 1), ("20139", 2), ("2013901", 3)]
    assert t5.rows[-1].level == 0 and t5.rows[-1].label("name") == "合计"
    t1 = real.report.table("1")
    assert [r.code for r in t1.rows[:2]] == ["201", "202"]  # the 类 a 收支总表 row names
    t6 = real.report.table("6")
    assert t6.rows[-1].labels == {"p_name": "人员经费合计", "c_name": "公用经费合计"}


def test_every_prose_figure_is_a_claim_in_order(real, expected):
    claims = [c for s in real.report.explanations for c in s.claims]
    assert [(c.value, c.unit) for c in claims] == [(Decimal(p["value"]), p["unit"]) for p in expected["prose"]]
    print(f"{len(claims)} figures of the 说明 compared")


def test_the_final_accounts_against_the_budget_are_claims_with_their_reasons(real):
    by_subject = {c.subject: c for s in real.report.explanations for c in s.claims}
    total = by_subject["general.final"]
    assert (total.value, total.relation, total.reason) == (Decimal("307.82"), "小于", "人员经费支出数小于预算数")
    assert by_subject["general.budget"].value == 0 and by_subject["general.budget_full"].value == Decimal("321.02")
    assert by_subject["general.completion"].value == Decimal("95.89")
    item = by_subject["general.item.2013901.final"]
    assert (item.relation, item.reason) == ("小于全年", "人员变动引起实际支出低于预算")
    assert by_subject["general.item.2013901.completion_full"].value == Decimal("98.69")
    assert by_subject["general.item.2013999.final"].relation == "持平全年"
    change = by_subject["final.total.change"]
    assert (change.value, change.relation, change.reason) == (Decimal("307.82"), "增加", "单位于2024年成立")
    assert by_subject["operating_costs.change"].reason == "单位于2024年成立"


def test_the_blank_template_is_read_with_its_placeholders_kept():
    result = published(BLANK, DETECT)
    assert result.exit_code in (0, 1), [str(p) for p in result.problems]
    print("problems:", [str(p) for p in result.problems])
    report = result.report
    assert result.template == "shanghai-juesuan-bumen" and report.unit_name == "上海市XX局"
    assert [t.id for t in report.tables] == [str(i) for i in range(1, 10)]
    assert all(v is None for t in report.tables for r in t.rows for v in r.values.values())
    assert "XXX万元" in report.section("一").text
    assert report.table("8").note.endswith("说明：上海市XX局本年度没有政府性基金预算财政拨款收入和支出，故本表无数据。")


def test_a_budget_report_is_not_taken_for_final_accounts():
    from yusuan.read.detect import detect

    seed = (Path(__file__).resolve().parents[1] / "data" / "tunliu-police-2024.txt").read_text(encoding="utf-8")
    assert detect(seed).template != "shanghai-juesuan-bumen"
