from decimal import Decimal as D
from pathlib import Path

import pytest

from yusuan.derive import derive
from yusuan.numerals import chinese_number
from yusuan.read.budget_yaml import read_budget
from tests.contexts import SHANXI, text_of

SMALL = Path(__file__).parent.parent / "data" / "small-budget.yaml"


@pytest.fixture(scope="module")
def report():
    return derive(read_budget(SMALL), SHANXI)


def cells(table, code):
    row = table.row(code)
    return {k: v for k, v in row.values.items() if v is not None}


def test_functional_tables_roll_up_item_to_class(report):
    t2, t3, t5 = report.table("2"), report.table("3"), report.table("5")
    assert [r.code for r in t3.rows] == [None, "204", "20402", "2040201", "2040202", "2040250"]
    assert t3.rows[0].labels == {"code": "合计"}
    assert cells(t3, "204") == {"total": D("142.50"), "basic": D("102.50"), "project": D("40.00")}
    assert cells(t2, "2040202") == {"total": D("30.00"), "general": D("30.00"), "carryover": D("10.00")}
    assert cells(t5, "2040202") == {"total": D("30.00"), "project": D("30.00")}  # no carryover in table 5
    assert [r.level for r in t5.rows] == [0, 1, 2, 3, 3, 3]


def test_summary_tables_list_all_30_classes_beside_income(report):
    t1 = report.table("1")
    classes = [r for r in t1.rows if r.code]
    assert len(classes) == 30
    assert classes[3].labels == {"income_item": "四、财政专户管理资金", "exp_item": "四、公共安全支出"}
    assert classes[3].values == {"income_amount": None, "exp_total": D("142.50"), "exp_current": D("132.50"), "exp_carryover": D("10.00")}
    assert classes[29].labels["exp_item"] == "三十、抗疫特别国债安排的支出"
    totals = {r.labels.get("income_item"): r.values for r in t1.rows if r.level == 0 and r.labels}
    assert totals["本年收入合计"]["income_amount"] == D("132.50")
    assert totals["上年结转"]["income_amount"] == D("10.00")
    assert totals["收入总计"]["income_amount"] == totals["收入总计"]["exp_total"] == D("142.50")
    t4 = report.table("4")
    assert [r.labels.get("income_item") for r in t4.rows if r.level == 1 and not r.code] == [
        "一、一般公共预算", "二、政府性基金预算", "三、国有资本经营预算"]


def test_economic_table_pairs_department_and_government_codes(report):
    t6 = report.table("6")
    labels = [(r.labels.get("dept_name"), r.labels.get("gov_name")) for r in t6.rows]
    assert ("基本工资", "工资奖金津补贴") in labels
    assert ("绩效工资", "工资福利支出") in labels  # unit_kind: 事业 → 50501
    assert t6.rows[0].values == {"total": D("102.50"), "personnel": D("100.50"), "public": D("2.00")}


def test_empty_tables_say_so(report):
    for table_id in ("7", "8", "9"):
        table = report.table(table_id)
        assert table.note == "注：本表无数据"
        assert all(v is None for r in table.rows for v in r.values.values())


def test_three_public_and_operating_costs_come_from_economic_codes(report):
    t10 = {r.code: r.values for r in report.table("10").rows}
    assert t10["vehicle_purchase"]["total"] == D("30.00") and t10["total"]["total"] == D("30.00")
    assert t10["abroad"]["total"] is None
    assert report.table("11").rows[0].values["total"] == D("2.00")


def test_prose_figures_are_computed_and_claimed(report):
    claims = {c.subject: c.value for s in report.explanations for c in s.claims}
    assert claims["income.total"] == D("142.50")
    assert claims["income.total.change"] == D("42.50")  # 142.5 - 100
    assert claims["income.total.growth"] == D("42.50")
    assert claims["general.current.growth"] == D("47.22")  # 42.5 / 90
    assert claims["three_public.vehicle_purchase.change"] == D("20.00")
    assert claims["operating_costs.growth"] == D("33.33")
    assert "比上年增加42.50万元，增长42.50%" in report.section("一").text


def test_decrease_is_worded_and_signed(tmp_path):
    text = SMALL.read_text(encoding="utf-8").replace("total: 1000000,", "total: 2000000,")
    path = tmp_path / "b.yaml"
    path.write_text(text, encoding="utf-8")
    report = derive(read_budget(path), SHANXI)
    assert "比上年减少57.50万元，下降28.75%" in report.section("一").text
    claims = {c.subject: c.value for c in report.section("一").claims}
    assert claims["income.total.change"] == D("-57.50") and claims["income.total.growth"] == D("-28.75")


def test_text_rendering_puts_each_table_under_its_caption(report):
    text = text_of(report)
    lines = text.splitlines()
    for table in report.tables:
        i = lines.index(table.caption)
        assert lines[i + 1] == table.title
    assert "　　测试项目 30.00 30.00    " in lines  # indented project row, empty cells kept
    assert lines.index("预算公开表1") < lines.index("第三部分 2024年度单位预算情况说明") < lines.index("第四部分 名词解释")


def test_json_round_trip(report):
    from yusuan.report import Report

    assert Report.from_json(report.to_json()) == report


@pytest.mark.parametrize("n,text", [(1, "一"), (10, "十"), (11, "十一"), (20, "二十"), (23, "二十三"), (30, "三十")])
def test_chinese_numbers(n, text):
    assert chinese_number(n) == text


def test_income_by_code_fills_table_7_and_the_income_side_of_table_9():
    fund = derive(read_budget(SMALL.with_name("fund-budget.yaml")), SHANXI)
    t7 = fund.table("7")
    assert [(r.labels.get("code"), r.labels.get("name"), r.value("amount"), r.level) for r in t7.rows] == [
        ("合计", None, D("370.00"), 0),
        ("103", "非税收入", D("370.00"), 1),
        ("10301", "政府性基金收入", D("370.00"), 2),
        ("1030147", "国有土地收益基金收入", D("70.00"), 3),
        ("1030148", "国有土地使用权出让收入", D("300.00"), 3),  # the parent of the 目 given, from the catalog
        ("103014801", "土地出让价款收入", D("300.00"), 4),
    ]
    assert t7.note is None
    t9 = fund.table("9")
    income_side = [(r.label("income_code"), r.label("income_name"), r.value("income_amount")) for r in t9.rows]
    assert income_side == [("合计", "", D("8.00")), ("103", "非税收入", D("8.00")),
                           ("10306", "国有资本经营收入", D("8.00")), ("1030601", "利润收入", D("8.00"))]
    assert [r.code for r in t9.rows] == [None, "223", "22301", "2230105"]  # the expenditure side, beside it


def test_without_income_items_table_7_shows_its_total_only():
    budget = read_budget(SMALL.with_name("fund-budget.yaml"))
    t7 = derive(budget.model_copy(update={"income_items": []}), SHANXI).table("7")
    assert [(r.labels, r.value("amount")) for r in t7.rows] == [({"code": "合计"}, D("370.00"))]
