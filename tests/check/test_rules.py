"""Each rule family on one change of the seed (or an inline report), beancount style: the input
is given, the finding it must produce is asserted — rule, severity, place, values, arithmetic."""
from __future__ import annotations

from decimal import Decimal as D

from yusuan.check import check
from yusuan.check.registry import rules_for
from yusuan.templates import load

RULES = rules_for(load("shanxi-2024", 2024))
from yusuan.report import Claim, Report, Row, Section, Table


def only(findings, rule):
    hits = [f for f in findings if f.rule == rule]
    assert hits, f"no {rule} finding among {[f.line() for f in findings]}"
    return hits


def new_findings(before, after):
    return [f for f in after if f not in set(before)]


def row(report, table_id, code):
    return report.table(table_id).row(code)


# --- inside a table -----------------------------------------------------------------------------

def tiny_table3(parent: str, a: str, b: str) -> Report:
    rows = [Row(labels={"code": "合计"}, values={"total": D(parent)}, level=0),
            Row(labels={"code": "204", "name": "公共安全支出"}, values={"total": D(parent)}, level=1, code="204"),
            Row(labels={"code": "20402", "name": "公安"}, values={"total": D(parent)}, level=2, code="20402"),
            Row(labels={"code": "2040201"}, values={"total": D(a)}, level=3, code="2040201"),
            Row(labels={"code": "2040202"}, values={"total": D(b)}, level=3, code="2040202")]
    return Report(year=2024, unit_name="测试", tables=[Table(id="3", caption="预算公开表3", title="2024年预算支出总表", rows=rows)])


def test_a_gap_within_the_bound_is_rounding_beyond_it_an_error():
    rollup = next(r for r in RULES if r.id == "T3.rollup")
    (f,) = rollup(tiny_table3("10.01", "5.00", "5.00"))
    assert (f.severity, f.location.row, f.location.column) == ("rounding", "20402", "total")
    assert f.arithmetic == "2040201 5.00 + 2040202 5.00 = 10.00, shows 10.01 (gap +0.01 within rounding bound 0.015 for 2 terms)"
    (f,) = rollup(tiny_table3("10.02", "5.00", "5.00"))
    assert (f.severity, f.expected, f.found) == ("error", "10.00", "10.02")
    assert rollup(tiny_table3("10.00", "5.00", "5.00")) == []


def test_one_term_must_equal_exactly(seed):
    before = check(seed)
    row(seed, "2", "2040201").values["total"] += D("0.01")  # general alone: same exact sum, same display
    (f,) = [f for f in new_findings(before, check(seed)) if f.rule == "T2.columns"]
    assert (f.severity, f.location.row, f.expected, f.found) == ("error", "2040201", "2257.13", "2257.14")


def test_functional_rollup_error_names_the_row_and_column(seed):
    row(seed, "5", "2040250").values["basic"] = D("215.38")
    (f,) = [f for f in check(seed) if f.rule == "T5.rollup" and f.severity == "error"]
    assert (f.location.table, f.location.row, f.location.column) == ("5", "20402", "basic")
    assert f.arithmetic.startswith("2040201 2257.13 + 2040250 215.38 = 2472.51, shows 2462.50")


def test_summary_table_balance(seed):
    table1 = seed.table("1")
    next(r for r in table1.rows if r.label("income_item") == "收入总计").values["income_amount"] = D("6640.81")
    findings = check(seed)
    assert {(f.rule, f.location.row) for f in findings if f.severity == "error"} >= {("T1.balance", "支出总计"), ("T1.rollup", "收入总计")}


def test_a_blank_row_with_an_amount_belongs_to_nothing(seed):
    blank = next(r for r in seed.table("1").rows if not r.labels)
    blank.values["income_amount"] = D("1.00")
    (f,) = only(check(seed), "T.labels")
    assert (f.severity, f.location.table, f.location.column) == ("error", "1", "income_amount")


# --- across tables --------------------------------------------------------------------------------

def test_table11_against_table6(seed):
    seed.table("11").rows[0].values["general"] = D("640.42")
    (f,) = only(check(seed), "X.T6-T11")
    assert (f.severity, f.expected, f.found, f.location.column) == ("error", "642.42", "640.42", "general")


def test_table5_against_table2_by_row(seed):
    row(seed, "5", "2101101").values["total"] = D("78.40")
    findings = check(seed)
    (f,) = only(findings, "X.T2=T5")
    assert (f.location.row, f.expected, f.found) == ("2101101", "78.30", "78.40")
    assert any(f.rule == "X.T3-T5" and f.location.row == "2101101" for f in findings)


def test_table13_against_tables_3_and_12(seed):
    seed.table("13").rows[0].values["total"] = D("560.00")
    findings = check(seed)
    hit = [f for f in findings if f.rule == "X.T13-T3" and f.severity == "error"]
    assert hit and hit[0].expected == "566.95" and hit[0].found == "560.00"
    assert any(f.rule == "X.T13-T1" and f.severity == "error" for f in findings)


def test_table12_against_table5(seed):
    seed.table("12").rows[0].values["general"] = D("2978.59")
    (f,) = only(check(seed), "X.T5=T12")
    assert (f.expected, f.found) == ("2978.49", "2978.59")


# --- the prose ------------------------------------------------------------------------------------

def claim(report, number, subject):
    return next(c for c in report.section(number).claims if c.subject == subject)


def test_a_share_that_does_not_follow(seed):
    claim(seed, "二", "income.share.一般公共预算").value = D("90.82")
    (f,) = only(check(seed), "N.share")
    assert (f.severity, f.expected, f.found, f.location.section) == ("error", "90.92%", "90.82%", "二")
    assert "6037.95 / 6640.71 × 100" in f.arithmetic


def test_growth_is_recomputed_from_the_texts_own_prior_year(seed):
    claim(seed, "八", "operating_costs.growth").value = D("6.81")
    (f,) = only(check(seed), "N.growth")
    assert (f.expected, f.found) == ("6.18%", "6.81%")
    assert "37.41 / (642.42 − 37.41)" in f.arithmetic


def test_a_figure_stated_twice_must_agree(seed):
    seed.section("五").claims[-1].value = D("6037.59")  # 五 states general.current twice
    findings = check(seed)
    (f,) = only(findings, "N.repeat")
    assert (f.expected, f.found) == ("6037.95万元", "6037.59万元")
    assert any(f.rule == "N.amounts" and f.found == "6037.59" for f in findings)


def test_three_public_changes_add_up(seed):
    claim(seed, "七", "three_public.total.change").value = D("52.69")
    (f,) = only(check(seed), "N.sums")
    assert (f.severity, f.expected, f.found) == ("error", "52.59", "52.69")


def test_items_of_basic_expenditure_listed_against_table6(seed):
    section = seed.section("六")
    section.text = section.text.replace("办公费、", "")
    (f,) = only(check(seed), "N.T6-items")
    assert f.severity == "warning" and "not listed: 办公费" in f.arithmetic


# --- performance targets ---------------------------------------------------------------------------

def test_funding_by_level_adds_up(seed):
    table = seed.performance[0]
    table.funding_annual.local += 1
    findings = check(seed)
    (f,) = [f for f in only(findings, "P.funding")]
    assert f.location.project == table.project_name and f.location.quote == "年度资金总额"
    assert (f.expected, f.found) == ("2,970,001元", "2,970,000元")


def test_annual_amount_against_table12_in_yuan(seed):
    table = next(t for t in seed.performance if t.project_name == "禁毒社工2024年度服务费")
    table.funding_annual.total = D("2390100")
    table.funding_annual.local = D("2390100")
    (f,) = only(check(seed), "P.T12")
    assert (f.severity, f.expected, f.found) == ("error", "239.01", "239.00")


def test_a_count_in_the_overview_may_be_a_sum_of_counts(seed):
    """劳务派遣: 项目概况 states 50名, 13人 and 21人; the indicator's 34人 = 13 + 21."""
    assert not [f for f in check(seed) if f.rule == "P.count" and "劳务派遣" in (f.location.project or "")]
    table = next(t for t in seed.performance if t.project_name == "2024年度劳务派遣人员费用")
    table.overview = table.overview.replace("21人", "22人")
    (f,) = [f for f in check(seed) if f.rule == "P.count" and f.location.project == table.project_name]
    assert f.found == "34人" and "13人" in f.expected


# --- completeness ------------------------------------------------------------------------------------

def test_a_missing_table_and_an_unmarked_empty_table(seed):
    seed.tables = [t for t in seed.tables if t.id != "8"]
    seed.table("7").note = None
    findings = check(seed)
    assert [(f.rule, f.location.table) for f in findings if f.rule in ("C.tables", "C.empty")] == [("C.tables", "8"), ("C.empty", "7")]


def test_three_public_change_without_a_reason(seed):
    section = seed.section("七")
    section.text = section.text.replace("主要原因是", "")
    for c in section.claims:
        c.text = c.text.replace("原因", "")
    found = only(check(seed), "C.three-public")
    assert [f.message for f in found] == ["“三公”经费 changes by 52.59万元 without a reason", "公务用车购置费 changes by 52.59万元 without a reason"]
    assert "公务用车购置费148.10万元" in found[1].location.quote


def test_missing_disclosures_name_their_rule(seed):
    seed.explanations = [s for s in seed.explanations if "政府采购" not in s.title and "国有资产" not in s.title]
    seed.glossary = []
    rules = {f.rule for f in check(seed) if f.severity == "error"}
    assert {"C.procurement", "C.assets", "C.glossary"} <= rules


def test_an_inline_report_with_prose_only():
    report = Report(year=2024, unit_name="测试", explanations=[Section(number="一", title="收支", text="", claims=[
        Claim(subject="income.total", value=D("100.00"), unit="万元"),
        Claim(subject="income.current", value=D("90.00"), unit="万元"),
        Claim(subject="income.carryover", value=D("10.01"), unit="万元"),
        Claim(subject="income.total.change", value=D("20.00"), unit="万元"),
        Claim(subject="income.total.growth", value=D("25.00"), unit="%"),
    ])])
    findings = check(report)
    sums = only(findings, "N.sums")
    assert sums[0].severity == "rounding" and sums[0].expected == "100.01"
    assert not [f for f in findings if f.rule == "N.growth"]  # 20 / (100 − 20) = 25.00%
