"""The Shanxi rules no other test named (tests/check/test_rule_ids.py lists them): each one's input
and the finding it must give — rule, severity, place, expected and found.

The prose and completeness rules get a Report built here, a few fields long. The rules across
tables 1–13 compare tables a reader fills by the dozen cells, so their input is one cell of the
derived seed (or of tests/data/fund-budget.yaml, whose 政府性基金 and 国有资本经营 tables have rows)
changed, and only the findings that change brings are asserted."""
from __future__ import annotations

from decimal import Decimal as D

import pytest

from yusuan.check import check
from yusuan.check.support import row_by_label
from yusuan.report import Claim, Funding, PerformanceTable, Procurement, Profile, Report, Section, Table
from tests.check.conftest import ROOT
from tests.contexts import SHANXI


def new(report: Report, rule: str, change) -> list[tuple]:
    """The findings of ``rule`` that ``change`` (applied to a copy of ``report``) brings."""
    before = set(check(report))
    changed = report.model_copy(deep=True)
    change(changed)
    return [(f.severity, f.location.table, f.location.row, f.location.column, f.expected, f.found)
            for f in check(changed) if f.rule == rule and f not in before]


def found(report: Report, rule: str) -> list[tuple]:
    return [(f.severity, f.location.table or f.location.section, f.location.quote, f.expected, f.found)
            for f in check(report) if f.rule == rule]


def set_cell(table_id: str, value: str, key: str, code: str | None = None, label: tuple[str, str] | None = None, index: int | None = None):
    def change(report: Report) -> None:
        table = report.table(table_id)
        row = table.rows[index] if index is not None else table.row(code) if code else row_by_label(table, *label)
        row.values[key] = D(value)
    return change


@pytest.fixture(scope="module")
def fund_report():
    """A unit with 政府性基金 and 国有资本经营 money: tables 7, 8 and 9 have rows."""
    from yusuan.derive import derive
    from yusuan.inputs import read_budget

    return derive(read_budget(ROOT / "tests" / "data" / "fund-budget.yaml"), SHANXI)


# --- inside tables 4 and 9 -------------------------------------------------------------------------

def test_t4_rollup_income_total_is_the_sum_of_its_sources(derived_seed):
    assert new(derived_seed, "T4.rollup", set_cell("4", "6037.96", "income_amount", label=("income_item", "本年收入合计"))) == [
        ("error", "4", "本年收入合计", "income_amount", "6037.95", "6037.96"),
        ("rounding", "4", "收入总计", "income_amount", "6640.72", "6640.71")]


def test_t4_balance_income_equals_spending(derived_seed):
    assert new(derived_seed, "T4.balance", set_cell("4", "6640.70", "exp_total", label=("exp_item", "支出总计"))) == [
        ("error", "4", "支出总计", "exp_total", "6640.71", "6640.70")]


def test_t9_income_rollup(fund_report):
    assert new(fund_report, "T9.income-rollup", set_cell("9", "8.10", "income_amount", index=0)) == [
        ("error", "9", "合计", "income_amount", "8.00", "8.10")]


# --- across tables ------------------------------------------------------------------------------------

def test_x_t1_t2_income_by_source(derived_seed):
    assert new(derived_seed, "X.T1-T2", set_cell("1", "6037.85", "income_amount", label=("income_item", "一般公共预算"))) == [
        ("error", "1", "一般公共预算", "income_amount", "6037.95", "6037.85")]


def test_x_t1_t3_spending_by_class(derived_seed):
    assert new(derived_seed, "X.T1-T3", set_cell("1", "6043.66", "exp_total", code="204")) == [
        ("error", "1", "204", "exp_total", "6043.76", "6043.66")]


def test_x_t2_t3_spending_is_income_plus_carryover(derived_seed):
    """2040201: 2257.13 current + 35.82 carried over = 2292.95."""
    assert new(derived_seed, "X.T2-T3", set_cell("3", "2257.23", "total", code="2040201")) == [
        ("error", "3", "2040201", "total", "2292.95", "2257.23")]


def test_generated_x_t2_t8_and_x_t2_t9_fund_tables_against_table2(fund_report):
    assert new(fund_report, "X.T2=T8", set_cell("8", "370.10", "total", index=0)) == [("error", "8", "合计", "total", "370.00", "370.10")]
    assert new(fund_report, "X.T2=T9", set_cell("9", "8.10", "total", index=0)) == [("error", "9", "合计", "total", "8.00", "8.10")]


def test_x_t4_t7_t8_t9_fund_income(fund_report):
    assert new(fund_report, "X.T4-T7-T8-T9", set_cell("7", "370.10", "amount", index=0)) == [
        ("error", "7", "合计", "amount", "370.00", "370.10")]


def test_x_t1_t4_fiscal_income_by_source(derived_seed):
    assert new(derived_seed, "X.T1-T4", set_cell("4", "6037.85", "income_amount", label=("income_item", "一般公共预算"))) == [
        ("error", "4", "一般公共预算", "income_amount", "6037.95", "6037.85")]


def test_x_t4_t5_general_income_is_table5s_total(derived_seed):
    assert new(derived_seed, "X.T4-T5", set_cell("5", "6037.85", "total", index=0)) == [
        ("error", "4", "一般公共预算", "income_amount", "6037.85", "6037.95")]


def test_generated_x_t5_t6_basic_expenditure(derived_seed):
    assert new(derived_seed, "X.T5=T6", set_cell("6", "3059.35", "total", index=0)) == [
        ("error", "6", "合计", "total", "3059.45", "3059.35")]


def test_x_t6_t10_a_three_public_item_at_least_its_economic_item(derived_seed):
    def change(report: Report) -> None:
        report.table("6").row("30199").labels["dept_name"] = "公务接待费"  # 0.81 of 接待费, none in table 10
    assert new(derived_seed, "X.T6-T10", change) == [("error", "10", "reception", "general", "≤ 空", "0.81")]


def test_x_t13_t4_carried_over_projects_at_most_the_fiscal_carryover(derived_seed):
    assert new(derived_seed, "X.T13-T4", set_cell("13", "700.00", "total", index=0)) == [
        ("error", "13", "长治市公安局屯留分局", "total", "≤ 602.76", "700.00")]


def test_x_t5_t6_pairs_pension_against_table6(derived_seed):
    assert new(derived_seed, "X.T5-T6-pairs", set_cell("5", "270.00", "basic", code="2080505")) == [
        ("warning", "5", "2080505", "basic", "262.29", "270.00")]


# --- the prose, the forms, the document ---------------------------------------------------------------

def test_n_balance_income_and_spending_totals_agree():
    report = Report(year=2024, unit_name="测试局", explanations=[Section(number="一", title="单位预算收支数据变动情况及原因", text="", claims=[
        Claim(subject="income.total", value=D("100.00"), unit="万元"), Claim(subject="expenditure.total", value=D("90.00"), unit="万元")])])
    assert found(report, "N.balance") == [("error", "一", "expenditure.total 90.00万元", "100.00万元", "90.00万元")]


def test_n_notes_procurement_against_the_reports_data():
    report = Report(year=2024, unit_name="测试局",
                    procurement=Procurement(total=D("30.00"), goods=D("10.00"), works=D("10.00"), services=D("10.00")),
                    explanations=[Section(number="九", title="政府采购情况", text="",
                                          claims=[Claim(subject="procurement.total", value=D("31.00"), unit="万元")])])
    assert found(report, "N.notes") == [("error", "九", "procurement.total 31.00万元", "30.00", "31.00")]


def test_p_period_a_one_year_projects_funding():
    form = PerformanceTable(year=2024, project_name="测试项目", department="001-测试局", implementing_unit="测试局", attribute="延续项目",
                            period="1年", funding_implementation=Funding(total=D("120000"), local=D("120000")),
                            funding_annual=Funding(total=D("100000"), local=D("100000")))
    found_ = [(f.severity, f.location.project, f.location.quote, f.expected, f.found)
              for f in check(Report(year=2024, unit_name="测试局", performance=[form])) if f.rule == "P.period"]
    assert found_ == [("warning", "测试项目", "实施期资金总额", "100,000元", "120,000元")]


def test_c_year_a_title_of_another_year_and_another_unit():
    report = Report(year=2024, unit_name="测试局", tables=[
        Table(id="5", caption="预算公开表5", title="2023年一般公共预算支出预算表（不含上年结转）", unit_name="别的局")])
    assert found(report, "C.year") == [
        ("warning", "5", None, "2024", "2023年一般公共预算支出预算表（不含上年结转）"),
        ("warning", "5", None, "测试局", "别的局")]


def test_c_profile_internal_units_add_up():
    report = Report(year=2024, unit_name="测试局", profile=Profile(
        duties=["负责测试。"], structure="内设机构3个，包括办公室、财务科。", internal_unit_count=3, internal_units=["办公室", "财务科"]))
    assert found(report, "C.profile") == [("error", "第一部分", "内设机构3个", "3", "2")]


def test_c_sections_each_required_section_is_there():
    report = Report(year=2024, unit_name="测试局", explanations=[Section(number="一", title="单位预算收支数据变动情况及原因", text="")])
    assert [f[3] for f in found(report, "C.sections")] == [
        "收入预算情况", "支出预算情况", "财政拨款收支预算总体情况", "一般公共预算支出情况", "一般公共预算基本支出情况"]


def test_c_operating_costs_amount_and_change():
    report = Report(year=2024, unit_name="测试局", explanations=[Section(
        number="八", title="机关运行经费增减变动原因说明", text="本单位机关运行经费财政拨款预算10.00万元。",
        claims=[Claim(subject="operating_costs", value=D("10.00"), unit="万元")])])
    assert found(report, "C.operating-costs") == [("error", "八", "机关运行经费", "operating_costs.change", "absent")]


def test_c_performance_projects_stated():
    report = Report(year=2024, unit_name="测试局", explanations=[Section(number="十", title="绩效管理情况", text="无。")])
    assert found(report, "C.performance") == [
        ("error", "十", "绩效目标", "performance.projects.count", "absent"),
        ("error", "十", "绩效目标", "performance.projects.amount", "absent")]
