"""Checking the Shanghai 部门决算: the rules of shanghai-juesuan-bumen on the real report (no
false error), on the blank template (its placeholders), under mutation (every amount cell moved
by 0.02 is caught), and each of the template's own rules on a small report built here.

Small reports: ``make(table_id, rows)`` lays rows out in the template's column order as the
fixtures print them ("" empty); prose is given as text and parsed by the template's reader.
"""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from yusuan.check import check
from yusuan.check.generated import effective_filter
from yusuan.check.registry import rules_for
from yusuan.read import published
from yusuan.read.published_lines import Line
from yusuan.report import Report, Row, Table
from yusuan.templates import load
from yusuan.templates.shanghai_juesuan.reading import read_explanations
from tests.check.mutation import uncaught_cells, uncaught_claims
from tests.contexts import DETECT

DATA = Path(__file__).resolve().parents[1] / "data" / "shanghai"
REAL = DATA / "putuo-shehuigongzuobu-2024-juesuan.pdf"
BLANK = DATA / "mof-juesuan-template-2024-blank.pdf"
EXPECTED = DATA / "expected-findings-juesuan.yaml"
ID = "shanghai-juesuan-bumen"
TEMPLATE = load(ID, 2024)


@pytest.fixture(scope="module")
def real() -> Report:
    return published(REAL, DETECT).report


def make(table_id: str, rows: list[list[str]]) -> Table:
    """A table as printed: one string per template column; codes and levels as the reader gives them."""
    spec = TEMPLATE.table(table_id)
    out = []
    for cells in rows:
        labels = {c.key: v for c, v in zip(spec.columns, cells) if not c.is_amount and v}
        values = {c.key: Decimal(v) if v else None for c, v in zip(spec.columns, cells) if c.is_amount}
        code = next((labels[k] for k in ("code", "p_code", "c_code") if labels.get(k, "").isdigit()), None)
        total = any(v in ("合计", "本年收入合计", "本年支出合计", "总计", "人员经费合计") or v.startswith("年初") for v in labels.values())
        level = 0 if total else (len(code) - 1) // 2 if code else 1
        out.append(Row(labels=labels, values=values, code=code, level=level))
    return Table(id=table_id, caption="", title=spec.title, rows=out)


def report(*tables: Table, prose: str = "") -> Report:
    lines = [Line(text, i + 1, 1) for i, text in enumerate(prose.strip().splitlines())]
    return Report(template=ID, year=2024, unit_name="上海市某局", tables=list(tables),
                  explanations=read_explanations(lines, list(tables)))


def found(rep: Report, prefix: str) -> list[tuple[str, str, str]]:
    """(rule, severity, location) of the findings of the rules whose id starts with ``prefix``."""
    return [(f.rule, f.severity, str(f.location)) for f in check(rep) if f.rule.startswith(prefix)]


# --- the real report and the blank template ------------------------------------------------------


def test_the_real_report_has_no_false_error(real):
    findings = check(real)
    listed = yaml.safe_load(EXPECTED.read_text(encoding="utf-8"))["findings"]
    serious = [(f.rule, f.severity, str(f.location)) for f in findings if f.severity != "rounding"]
    assert serious == [(f["rule"], f["severity"], f["location"]) for f in listed]
    assert all(f["reason"].strip() for f in listed)
    # The rounding ones, each checked on the page: 302 商品和服务支出 10.23 over 款 summing to 10.22,
    # 基本支出 105.58 vs 人员 95.36 + 公用 10.23 (twice: table 5 and the text), and 住房保障 9.55%
    # (29.42 / 307.82 = 9.558%, set so that the four shares add up to 100.00%).
    assert sorted(f.rule for f in findings if f.severity == "rounding") == ["J.share", "J.sums", "T6.rollup", "X.T5-T6"]


def test_the_blank_template_reports_its_placeholders():
    rep = published(BLANK, DETECT).report
    findings = check(rep)
    assert not [f for f in findings if f.severity == "error"]
    placeholders = [f for f in findings if f.rule == "R.placeholder"]
    assert len(placeholders) > 100 and any("XXX万元" in (f.location.quote or "") for f in placeholders)


def test_every_amount_cell_moved_by_two_cents_is_caught(real):
    cells = sum(len(TEMPLATE.table(t.id).amount_columns) * len(t.rows) for t in real.tables)
    missed = uncaught_cells(real)
    print(f"{cells} amount cells moved by 0.02, {len(missed)} not caught")
    assert missed == []


def test_every_figure_of_the_text_tied_to_a_table_or_another_figure_is_caught(real):
    missed = uncaught_claims(real)
    # What nothing else in the report states: the budget figures of each 项, the 绩效 and 采购
    # amounts stated once, the grades' and vehicles' parts that add up to a total of the same value.
    print("not caught:", missed)
    tied = [m for m in missed if m.split()[1].startswith(("general.class", "general.item", "income.", "expenditure.", "final.", "fiscal."))
            and not m.split()[1].endswith(("budget", "budget_full"))]
    assert tied == []


# --- the layout: phases and the 三公 columns -----------------------------------------------------


def test_cells_of_different_phases_are_never_the_same_lines():
    t7 = TEMPLATE.table("7")
    assert effective_filter(TEMPLATE, t7, "total") != effective_filter(TEMPLATE, t7, "total_budget")
    # a column without a phase is of the template's kind: 决算
    assert effective_filter(TEMPLATE, TEMPLATE.table("5"), "total")[1][0] != ("phase", "预算")
    assert dict(TEMPLATE.table("7").column_sums()) == {
        "total_budget": ("abroad_budget", "vehicles_budget", "reception_budget"), "total": ("abroad", "vehicles", "reception"),
        "vehicles_budget": ("vehicle_purchase_budget", "vehicle_operation_budget"), "vehicles": ("vehicle_purchase", "vehicle_operation")}


def test_the_three_public_columns_add_up_each_phase_apart():
    ok = make("7", [["10.00", "9.50", "2.00", "1.50", "5.00", "5.00", "", "", "5.00", "5.00", "3.00", "3.00"]])
    assert found(report(ok), "T7.") == []
    bad = make("7", [["10.00", "9.60", "2.00", "1.50", "5.00", "5.00", "", "", "5.00", "5.00", "3.00", "3.00"]])
    assert found(report(bad), "T7.") == [("T7.columns", "error", "表7 (空行) [total]")]


def test_every_own_rule_is_named_by_a_test():
    own = {r.id for r in rules_for(TEMPLATE) if r.origin == "template"}
    text = Path(__file__).read_text(encoding="utf-8")
    assert own and all(f'"{rule_id}' in text for rule_id in own), own - {r for r in own if f'"{r}' in text}


# --- the two 收支总表 ----------------------------------------------------------------------------

T1_ROWS = [
    ["一、一般公共预算财政拨款收入", "100.00", "一、一般公共服务支出", "80.00"],
    ["四、上级补助收入", "", "二、外交支出", ""],
    ["五、事业收入", "20.00", "八、社会保障和就业支出", "30.00"],
    ["本年收入合计", "120.00", "本年支出合计", "110.00"],
    ["使用非财政拨款结余", "", "结余分配", ""],
    ["年初结转和结余", "5.00", "年末结转和结余", "15.00"],
    ["总计", "125.00", "总计", "125.00"],
]


def t1(rows=T1_ROWS) -> Table:
    table = make("1", rows)
    for row in table.rows:  # the 类 a row names, as the reader finds them in the catalog
        row.code = {"一、一般公共服务支出": "201", "二、外交支出": "202", "八、社会保障和就业支出": "208"}.get(row.label("exp_item"))
        row.level = 1 if row.code or row.label("income_item")[:2] in ("一、", "四、", "五、") else 0
    return table


def test_t1_rollup_and_balance():
    assert found(report(t1()), "T1.") == []
    rows = [list(r) for r in T1_ROWS]
    rows[3][1] = "121.00"  # 本年收入合计 off its sources, and 总计 off it
    rows[6][3] = "124.00"  # 支出 总计 off 收入 总计
    assert found(report(t1(rows)), "T1.") == [
        ("T1.rollup", "error", "表1 本年收入合计 [income_amount]"), ("T1.rollup", "error", "表1 总计 [income_amount]"),
        ("T1.rollup", "error", "表1 总计 [exp_amount]"), ("T1.balance", "error", "表1 总计 [exp_amount]")]


T4_ROWS = [
    ["一、一般公共预算财政拨款", "90.00", "一、一般公共服务支出", "80.00", "80.00", "", ""],
    ["二、政府性基金预算财政拨款", "10.00", "八、社会保障和就业支出", "20.00", "10.00", "10.00", ""],
    ["三、国有资本经营预算财政拨款", "", "", "", "", "", ""],
    ["本年收入合计", "100.00", "本年支出合计", "100.00", "90.00", "10.00", ""],
    ["年初财政拨款结转和结余", "3.00", "年末财政拨款结转和结余", "3.00", "", "3.00", ""],
    ["一、一般公共预算财政拨款", "", "", "", "", "", ""],
    ["二、政府性基金预算财政拨款", "3.00", "", "", "", "", ""],
    ["三、国有资本经营预算财政拨款", "", "", "", "", "", ""],
    ["总计", "103.00", "总计", "103.00", "90.00", "13.00", ""],
]


def t4(rows=T4_ROWS) -> Table:
    table = make("4", rows)
    codes = {"一、一般公共服务支出": "201", "八、社会保障和就业支出": "208"}
    for i, row in enumerate(table.rows):
        row.code = codes.get(row.label("exp_item"))
        row.level = 1 if i in (0, 1, 2, 5, 6, 7) else 0
    return table


def test_t4_rollup_and_balance():
    assert found(report(t4()), "T4.") == []
    rows = [list(r) for r in T4_ROWS]
    rows[6][1] = "4.00"  # a fund's opening balance off the 年初 line
    rows[8][3] = "104.00"  # 支出 总计 off 本年 + 年末 and off 收入 总计
    assert found(report(t4(rows)), "T4.") == [
        ("T4.columns", "error", "表4 总计 [exp_total]"), ("T4.rollup", "error", "表4 总计 [exp_total]"),
        ("T4.rollup", "error", "表4 年初财政拨款结转和结余 [income_amount]"), ("T4.balance", "error", "表4 总计 [exp_total]")]


# --- the 基本支出 table and the fund tables ------------------------------------------------------

T6_ROWS = [
    ["301", "工资福利支出", "50.00", "302", "商品和服务支出", "8.00"],
    ["30101", "基本工资", "30.00", "30201", "办公费", "5.00"],
    ["30102", "津贴补贴", "20.00", "30211", "差旅费", "3.00"],
    ["303", "对个人和家庭的补助", "1.00", "310", "资本性支出", "2.00"],
    ["30302", "退休费", "1.00", "31002", "办公设备购置", "2.00"],
    ["", "人员经费合计", "51.00", "", "公用经费合计", "10.00"],
]


def test_t6_rollup_on_each_side():
    assert found(report(make("6", T6_ROWS)), "T6.") == []
    rows = [list(r) for r in T6_ROWS]
    rows[2][5] = "3.02"  # a 款 of 302 moved: 302 is no longer its sum
    rows[5][2] = "52.00"  # 人员经费合计 off its 类
    rows.append(["", "", "", "31099", "其他资本性支出", ""])
    rows[6][2] = "0.50"  # an amount on the 人员经费 side of a row that has no code there
    rows[5], rows[6] = rows[6], rows[5]
    assert found(report(make("6", rows)), "T6.") == [
        ("T6.rollup", "error", "表6 row 6 [personnel]"), ("T6.rollup", "error", "表6 人员经费合计 [personnel]"),
        ("T6.rollup", "error", "表6 302 [public]")]


def fund_rows(closing: str = "2.00") -> list[list[str]]:
    return [["", "合计", "3.00", "10.00", "11.00", "", "11.00", closing],
            ["212", "城乡社区支出", "3.00", "10.00", "11.00", "", "11.00", closing]]


def test_fund_tables_carry_their_balances():
    assert found(report(make("8", fund_rows()), make("9", fund_rows())), "T8.") == []
    assert found(report(make("8", fund_rows("3.00"))), "T8.") == [("T8.carried", "error", "表8 合计 [closing]"),
                                                                    ("T8.carried", "error", "表8 212 [closing]")]
    assert found(report(make("9", fund_rows("1.00"))), "T9.") == [("T9.carried", "error", "表9 合计 [closing]"),
                                                                    ("T9.carried", "error", "表9 212 [closing]")]


# --- across tables ---------------------------------------------------------------------------


def t2(fiscal="100.00", business="20.00") -> Table:
    return make("2", [["", "合计", "120.00", fiscal, "", business, "", "", ""],
                      ["201", "一般公共服务支出", "120.00", fiscal, "", business, "", "", ""]])


def t3(first="80.00") -> Table:
    return make("3", [["", "合计", "110.00", "100.00", "10.00", "", "", ""],
                      ["201", "一般公共服务支出", first, "70.00", "10.00", "", "", ""],
                      ["208", "社会保障和就业支出", "30.00", "30.00", "", "", "", ""]])


def test_table1_against_tables_2_3_and_4():
    assert found(report(t1(), t2(), t3()), "X.T1-") == []
    assert found(report(t1(), t2(business="21.00"), t3(first="81.00")), "X.T1-") == [
        ("X.T1-T2", "error", "表1 事业收入 [income_amount]"), ("X.T1-T3", "error", "表1 201 [exp_amount]")]
    assert found(report(t1(), t2(fiscal="99.00")), "X.T1-T2") == [("X.T1-T2", "error", "表2 合计 [fiscal]")]
    assert found(report(t1(), t4()), "X.T1-T4") == [("X.T1-T4", "error", "表4 一般公共预算财政拨款 [income_amount]"),
                                                    ("X.T1-T4", "error", "表4 政府性基金预算财政拨款 [income_amount]")]


def t5(first="80.00", basic="70.00") -> Table:
    return make("5", [["201", "一般公共服务支出", first, basic, "10.00"],
                      ["208", "社会保障和就业支出", "10.00", "10.00", ""],
                      ["", "合计", "90.00", "80.00", "10.00"]])


def test_table4_against_tables_2_5_8_and_9():
    rep = report(t2(), t4(), t5(), make("8", [["", "合计", "3.00", "10.00", "10.00", "", "10.00", "3.00"],
                                              ["208", "社会保障和就业支出", "3.00", "10.00", "10.00", "", "10.00", "3.00"]]),
                 make("9", [["", "合计", "", "", "", "", "", ""]]))
    assert found(rep, "X.T4-") == [] and found(rep, "X.T2-T4") == []
    assert found(report(t2(fiscal="99.00"), t4()), "X.T2-T4") == [("X.T2-T4", "error", "表4 本年收入合计 [income_amount]")]
    rep = report(t4(), t5(first="81.00"), make("8", [["", "合计", "2.00", "10.00", "10.00", "", "10.00", "2.00"]]),
                 make("9", [["", "合计", "", "1.00", "1.00", "", "1.00", ""]]))
    assert found(rep, "X.T4-") == [
        ("X.T4-T5", "error", "表4 201 [exp_general]"),
        ("X.T4-T8", "error", "表4 208 [exp_fund]"), ("X.T4-T8", "error", "表4 年初 二、政府性基金预算财政拨款 [income_amount]"),
        ("X.T4-T8", "error", "表4 年末财政拨款结转和结余 [exp_fund]"),
        ("X.T4-T9", "error", "表4 本年支出合计 [exp_soe]"), ("X.T4-T9", "error", "表4 三、国有资本经营预算财政拨款 [income_amount]")]


def test_table5_within_table3_and_against_table6():
    assert found(report(t3(), t5()), "X.T3-T5") == []
    assert found(report(t3(first="70.00"), t5()), "X.T3-T5") == [("X.T3-T5", "error", "表5 201 [total]")]
    assert found(report(t5(), make("6", T6_ROWS)), "X.T5-T6") == [("X.T5-T6", "error", "表5 合计 [basic]")]
    assert found(report(t5(basic="60.00"), make("6", T6_ROWS)), "X.T5-T6") == [("X.T5-T6", "error", "表5 合计 [basic]")]


# --- the 说明 ---------------------------------------------------------------------------------

PROSE = """
一、收入支出决算总体情况说明
上海市某局2024年度收入支出总计125.00万元。与2023年度相比，收入支出总计增加25.00万元，增长25.00%。主要原因：业务增加。
三、支出决算情况说明
本年支出合计110.00万元，其中：基本支出100.00万元，占90.91%；项目支出10.00万元，占9.09%。
五、一般公共预算财政拨款支出决算情况说明
一般公共预算财政拨款支出90.00万元，主要用于以下方面：一般公共服务支出（类）80.00万元，占88.89%；社会保障和就业支出（类）10.00万元，占11.11%。
一般公共预算财政拨款支出年初预算为90.12万元，支出决算为90.00万元，完成年初预算的99.87%。决算数小于预算数的主要原因：节约开支。其中：
1、一般公共服务支出（类）一般公共服务支出（款）一般公共服务支出（项）。主要用于：运转。年初预算为80.00万元，支出决算为80.00万元。决算数与预算数持平。
"""


def t5_items() -> Table:
    return make("5", [["201", "一般公共服务支出", "80.00", "70.00", "10.00"],
                      ["20101", "一般公共服务支出", "80.00", "70.00", "10.00"],
                      ["2010101", "一般公共服务支出", "80.00", "70.00", "10.00"],
                      ["208", "社会保障和就业支出", "10.00", "10.00", ""],
                      ["", "合计", "90.00", "80.00", "10.00"]])


def test_a_consistent_text_has_no_finding():
    rep = report(t1(), t3(), t5_items(), prose=PROSE)
    assert [(f.rule, f.severity) for f in check(rep) if f.rule.startswith("J.")] == []
    subjects = {c.subject for s in rep.explanations for c in s.claims}
    assert {"general.item.2010101.final", "general.completion", "final.total.growth"} <= subjects


def test_amounts_restated_from_the_tables():
    text = PROSE.replace("一般公共服务支出（类）80.00万元", "一般公共服务支出（类）80.50万元")
    assert found(report(t1(), t3(), t5_items(), prose=text), "J.amounts") == [
        ("J.amounts", "error", "§五 “一般公共服务支出（类）80.50万元”")]


def test_completion_rates_recomputed_a_truncated_one_is_rounding():
    # 99.87 ÷ 100.00 … the text says 99.86 for 90.00 / 90.12 = 99.8668%: truncated, rounding
    truncated = PROSE.replace("完成年初预算的99.87%", "完成年初预算的99.86%")
    assert found(report(t5_items(), prose=truncated), "J.completion") == [
        ("J.completion", "rounding", "§五 “完成年初预算的99.86%”")]
    wrong = PROSE.replace("完成年初预算的99.87%", "完成年初预算的98.87%")
    assert found(report(t5_items(), prose=wrong), "J.completion") == [
        ("J.completion", "error", "§五 “完成年初预算的98.87%”")]
    zero = PROSE.replace("年初预算为90.12万元", "年初预算为0万元，全年预算为90.12万元")
    assert found(report(t5_items(), prose=zero), "J.completion") == [
        ("J.completion", "warning", "§五 “完成年初预算的99.87%”")]


def test_the_wording_against_the_budget_and_its_reason():
    text = PROSE.replace("决算数小于预算数的主要原因：节约开支。", "决算数大于预算数的主要原因：。").replace(
        "决算数与预算数持平", "决算数小于预算数")
    assert found(report(t5_items(), prose=text), "J.vs-budget") == [
        ("J.vs-budget", "error", "§五 “支出决算为90.00万元”"), ("J.vs-budget", "error", "§五 “支出决算为80.00万元”")]
    assert found(report(t5_items(), prose=text), "J.reason") == [("J.reason", "warning", "§五 “支出决算为90.00万元”")]
    no_reason = PROSE.replace("主要原因：业务增加。", "")
    assert found(report(prose=no_reason), "J.reason") == [("J.reason", "warning", "§一 “收入支出总计增加25.00万元”")]


def test_shares_growth_and_sums_of_the_text():
    text = (PROSE.replace("占11.11%", "占12.11%").replace("增长25.00%", "增长20.00%")
            .replace("项目支出10.00万元，占9.09%", "项目支出5.00万元，占4.55%"))
    assert found(report(prose=text), "J.share") == [("J.share", "error", "§五 “占12.11%”")]
    assert found(report(prose=text), "J.growth") == [("J.growth", "error", "§一 “增长20.00%”")]
    assert found(report(prose=text), "J.sums") == [("J.sums", "error", "§三 “本年支出合计110.00万元”")]
    new = PROSE.replace("增加25.00万元，增长25.00%", "增加125.00万元，增长90.00%")
    assert found(report(prose=new), "J.growth") == [("J.growth", "error", "§一 “增长90.00%”")]
