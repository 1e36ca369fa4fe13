"""The reviewer's rules (yusuan/check/review.py), beancount style: each test gives a short report in
the seed's text form, reads it back as any published report is read, and asserts the findings
of one rule — severity, place, expected and found. Nothing else is asserted of those rules: a
document this small lacks most tables, which other rules report."""
from __future__ import annotations

from decimal import Decimal as D

import pytest

from yusuan.check import check
from yusuan.read.published import read_text
from yusuan.report import Report, Row, Section, Table
from tests.contexts import DETECT

TABLE7_EMPTY = """预算公开表7
2024年政府性基金预算收入表（不含上年结转）
单位名称：测试局 单位：万元
项目 政府性基金收入预算
收入科目编码 科目名称
合计
注：本表无数据
"""


def document(explanations: str, tables: str = TABLE7_EMPTY) -> str:
    """A Shanxi report cut down to what a test needs: the tables given, the 第三部分 sections given
    (numbered 一、二、… in order, as the reader expects), a glossary."""
    return (f"第二部分 2024年单位预算报表\n{tables}"
            f"第三部分 2024年度单位预算情况说明\n{explanations.strip()}\n"
            "第四部分 名词解释\n一、基本支出：指为保障机构正常运转的支出。\n")


def findings(text: str, rule: str) -> list[tuple]:
    """The findings of ``rule`` on ``text``: (severity, where, expected, found), where is the
    section or table (and row) the finding names."""
    result = read_text(text, "<text>", DETECT)
    assert result.template == "shanxi-2024", result.problems
    return [(f.severity, f.location.section or f.location.table, f.location.row, f.expected, f.found)
            for f in check(result.report) if f.rule == rule]


def quotes(text: str, rule: str) -> list[str]:
    return [f.location.quote for f in check(read_text(text, "<text>", DETECT).report) if f.rule == rule]


# --- R.placeholder -----------------------------------------------------------------------------------

def test_placeholders_left_in_the_text_and_the_titles():
    text = document("""
一、单位预算收支数据变动情况及原因
2024年度XX局预算收入总计XXX万元，比上年增加××万元，主要原因是某某项目增加。
二、收入预算情况说明
2024年度【单位名称】预算收入100.00万元，经办人____。
""")
    assert findings(text, "R.placeholder") == [
        ("warning", "一", None, "the figure or name", "XX"),
        ("warning", "一", None, "the figure or name", "XXX"),
        ("warning", "一", None, "the figure or name", "××"),
        ("warning", "一", None, "the figure or name", "某某"),
        ("warning", "二", None, "the figure or name", "【单位名称】"),
        ("warning", "二", None, "the figure or name", "____"),
    ]
    assert quotes(text, "R.placeholder")[0] == "2024年度XX局预算收入总计XXX万元"


def test_latin_words_and_single_letters_are_not_placeholders():
    text = document("""
一、单位预算收支数据变动情况及原因
2024年度测试局购置XXL号被装和Excel软件，X光机1台，支出100.00万元。
""")
    assert findings(text, "R.placeholder") == []


def test_a_placeholder_in_a_table_title_names_the_table():
    tables = TABLE7_EMPTY.replace("单位名称：测试局", "单位名称：XX局")
    (f,) = findings(document("一、单位预算收支数据变动情况及原因\n无。", tables), "R.placeholder")
    assert f == ("warning", "7", None, "the figure or name", "XX")


# --- R.punctuation -------------------------------------------------------------------------------------

def test_doubled_punctuation_and_a_sentence_opening_with_a_mark():
    text = document("""
一、单位预算收支数据变动情况及原因
收入增加。。支出增加，，结转减少；；项目调整、。人员变化，。
二、收入预算情况说明
，收入100.00万元。
""")
    assert findings(text, "R.punctuation") == [
        ("warning", "一", None, "one mark", "。。"),
        ("warning", "一", None, "one mark", "，，"),
        ("warning", "一", None, "one mark", "；；"),
        ("warning", "一", None, "one mark", "、。"),
        ("warning", "一", None, "one mark", "，。"),
        ("warning", "二", None, "a word", "，"),
    ]


def test_a_full_stop_before_a_semicolon_is_a_doubled_mark():
    """。； as the seed prints it (§一: …列入2024年度预算。；本年…) is a slip like any other pair."""
    text = document("一、单位预算收支数据变动情况及原因\n均列入预算。；本年支出增加。\n")
    assert findings(text, "R.punctuation") == [("warning", "一", None, "one mark", "。；")]


def test_an_ellipsis_quotes_and_a_colon_before_a_list_are_punctuation_as_it_should_be():
    text = document("""
一、单位预算收支数据变动情况及原因
支出包括：“三公”经费、办公费……等。其中：
人员经费100.00万元。
""")
    assert findings(text, "R.punctuation") == []


# --- R.empty-reason -------------------------------------------------------------------------------------

def test_a_reason_announced_and_left_empty():
    text = document("""
一、单位预算收支数据变动情况及原因
收入比上年增加10.00万元，主要原因是。支出比上年增加10.00万元，原因：；
二、收入预算情况说明
一般公共预算当年支出100.00万元，主要用于。
""")
    assert findings(text, "R.empty-reason") == [
        ("warning", "一", None, "a reason", "nothing"),
        ("warning", "一", None, "a reason", "nothing"),
        ("warning", "二", None, "a reason", "nothing"),
    ]


def test_a_reason_given_after_a_colon_is_a_reason():
    text = document("""
一、单位预算收支数据变动情况及原因
收入比上年增加10.00万元，主要原因是：人员增加。人员经费主要包括：基本工资、津贴补贴等。变动原因说明如下。
公用经费0万元，主要包括：等。
""")
    assert findings(text, "R.empty-reason") == []


# --- R.growth-figure --------------------------------------------------------------------------------------

def test_a_growth_announced_without_its_rate():
    text = document("""
一、单位预算收支数据变动情况及原因
收入比上年增加10.00万元，增长%；支出比上年减少5.00万元，下降。结转比上年增加1.00万元，增长16.71，主要原因是人员增加。
""")
    assert findings(text, "R.growth-figure") == [
        ("warning", "一", None, "增长N%", "增长%"),
        ("warning", "一", None, "下降N%", "下降"),
        ("warning", "一", None, "增长N%", "增长16.71"),
    ]


def test_a_growth_with_its_rate_or_in_words_is_not_reported():
    text = document("""
一、单位预算收支数据变动情况及原因
收入比上年增加10.00万元，增长 16.71%；业务量增长较快，支出增长（下降）的原因见下。
""")
    assert findings(text, "R.growth-figure") == []


# --- R.zero-change ------------------------------------------------------------------------------------------

def test_a_zero_amount_that_increased_is_an_error():
    text = document("""
一、单位预算收支数据变动情况及原因
其中：公务接待费0万元，与上年相比预算数增加2.00万元；因公出国（境）费0万元，与上年预算数相同。
""")
    assert findings(text, "R.zero-change") == [("error", "一", None, "减少 (or 持平)", "增加2.00万元")]


def test_a_zero_amount_decreased_by_last_years_amount_and_by_100_percent():
    text = document("""
一、单位预算收支数据变动情况及原因
公务用车购置费0万元，上年预算数为3.00万元，比上年减少2.00万元，下降66.67%。
二、收入预算情况说明
公务接待费0万元，比上年减少2.00万元，下降100.00%；培训费0万元，比上年减少1.00万元。
""")
    assert findings(text, "R.zero-change") == [
        ("error", "一", None, "3.00万元", "2.00万元"),
        ("error", "一", None, "100%", "66.67%"),
    ]


def test_a_change_after_a_list_of_amounts_is_the_totals_not_the_zeros():
    """其中：本年收入…，上年结转0万元，比上年增加… — the change is the total's (two amounts since 其中)."""
    text = document("""
一、单位预算收支数据变动情况及原因
2024年度测试局预算收入总计100.00万元，其中：本年收入100.00万元，上年结转0万元，比上年增加10.00万元，增长11.11%。
""")
    assert findings(text, "R.zero-change") == []


# --- R.empty-note --------------------------------------------------------------------------------------------

def empty_table(table_id: str, title: str, note: str | None) -> Table:
    return Table(id=table_id, caption=f"预算公开表{table_id}", title=title, note=note, rows=[Row(labels={"code": "合计"})])


def test_an_empty_tables_note_about_another_fund():
    """The reader keeps a note as printed; a table built here holds what it would give."""
    report = Report(year=2024, unit_name="测试局", tables=[
        empty_table("7", "2024年政府性基金预算收入表（不含上年结转）", "注：本表无数据"),
        empty_table("8", "2024年政府性基金预算支出表（不含上年结转）", "注：本单位无国有资本经营预算收支，本表无数据"),
        empty_table("9", "2024年国有资本经营预算收支预算表（不含上年结转）", "注：本单位无国有资本经营预算收支，本表无数据"),
    ])
    found = [(f.severity, f.location.table, f.expected, f.found) for f in check(report) if f.rule == "R.empty-note"]
    assert found == [("warning", "8", "政府性基金", "国有资本经营")]


def test_a_note_is_not_judged_on_a_table_with_amounts_or_a_title_without_a_fund():
    table = empty_table("8", "2024年政府性基金预算支出表（不含上年结转）", "注：含国有资本经营预算调入资金")
    table.rows[0].values["total"] = D("1.00")
    report = Report(year=2024, unit_name="测试局", tables=[
        table, empty_table("10", "2024年财政拨款安排“三公”经费支出预算表", "注：本单位无一般公共预算“三公”经费")])
    assert [f for f in check(report) if f.rule == "R.empty-note"] == []


TABLE8_EMPTY = """预算公开表8
2024年政府性基金预算支出表（不含上年结转）
单位名称：测试局 单位:万元
科目编码 科目名称 合计 基本支出 项目支出
合计
注：本表无数据
"""


# --- R.tables-listed -------------------------------------------------------------------------------------------

def test_the_tables_a_text_lists_against_the_tables_present():
    text = document("""
一、单位预算收支数据变动情况及原因
本单位公开以下报表：
1.2024年政府性基金预算收入表（不含上年结转）
2.2024年部门“三公”经费和机关运行经费预算表
""", TABLE7_EMPTY + TABLE5)
    assert findings(text, "R.tables-listed") == [
        ("warning", "一", None, "2024年部门“三公”经费和机关运行经费预算表", "absent"),
        ("warning", "5", None, "2024年一般公共预算支出预算表（不含上年结转）", "not listed"),
    ]


def test_a_table_of_the_template_listed_and_missing_is_left_to_c_tables():
    text = document("""
一、单位预算收支数据变动情况及原因
1、2024年政府性基金预算收入表（不含上年结转） …… 7
2、2024年预算收支总表 …… 1
""")
    assert findings(text, "R.tables-listed") == []


# --- R.codes --------------------------------------------------------------------------------------------------

TABLE5 = """预算公开表5
2024年一般公共预算支出预算表（不含上年结转）
单位名称：测试局 单位：万元
项目 2024年预算数
科目编码 科目名称 合计 基本支出 项目支出
合计 30.00 30.00
204 公共安全支出 30.00 30.00
20402 公安 10.00 10.00
2040201 行政运行 10.00 10.00
20403 国家安全 20.00 20.00
2040201 行政运行 15.00 15.00
2049901 其他公共安全支出 5.00 5.00
"""


def test_a_code_under_another_parent_and_a_code_the_catalog_lacks():
    text = document("一、单位预算收支数据变动情况及原因\n无。", TABLE5)
    assert findings(text, "R.codes") == [
        ("error", "5", "2040201", "under 20402", "under 20403"),
        ("error", "5", "2049901", "under 20499", "under 20403"),
        ("warning", "5", "2049901", "a code of the 2024 catalog", "2049901"),
    ]


def test_codes_of_a_year_without_a_catalog_are_still_checked_for_their_parents():
    rows = [Row(labels={"code": "合计"}, level=0), Row(code="204", level=1), Row(code="20402", level=2),
            Row(code="2080501", level=3, values={"total": D(1)})]
    report = Report(year=1999, unit_name="测试", explanations=[Section(number="一", title="", text="")],
                    tables=[Table(id="5", caption="预算公开表5", title="1999年一般公共预算支出预算表", rows=rows)])
    found = [(f.severity, f.location.row, f.found) for f in check(report) if f.rule == "R.codes"]
    assert found == [("error", "2080501", "under 20402")]


# --- the reports that must give none ----------------------------------------------------------------------------

REVIEW = ("R.placeholder", "R.punctuation", "R.empty-reason", "R.growth-figure", "R.zero-change", "R.empty-note",
          "R.tables-listed", "R.codes")


@pytest.mark.parametrize("rule", REVIEW)
def test_the_published_seed_gives_only_its_one_slip(published_seed, rule):
    """The seed's one slip is 。； in §一 (tests/check/seed_findings.yaml); nothing else."""
    found = [(f.rule, f.location.section, f.found) for f in check(published_seed) if f.rule == rule]
    assert found == ([("R.punctuation", "一", "。；")] if rule == "R.punctuation" else [])
