"""The Shanghai 预算's own rules (S.*, shanghai-yusuan-danwei, inherited by shanghai-yusuan-bumen):
each on a small report built here, consistent first, then with one figure changed and the
findings expected.

A small report: tables as printed (``make``: one string per template column, "" empty) and the
prose as printed, its claims found by the template's own reader (reading.claims).
"""
from __future__ import annotations

from decimal import Decimal

import pytest

from yusuan.check import check
from yusuan.check.registry import rules_for
from yusuan.report import Report, Row, Section, Table
from yusuan.templates import load
from yusuan.templates.shanghai_yusuan.reading import claims

ID = "shanghai-yusuan-danwei"
TEMPLATE = load(ID, 2025)


def make(table_id: str, rows: list[list[str]]) -> Table:
    spec = TEMPLATE.table(table_id)
    out = []
    for cells in rows:
        labels = {c.key: v for c, v in zip(spec.columns, cells, strict=True) if not c.is_amount and v}
        values = {c.key: Decimal(v) if v else None for c, v in zip(spec.columns, cells) if c.is_amount}
        code = "".join(labels.get(k, "") for k in ("class", "item", "subitem")) or None
        out.append(Row(labels=labels, values=values, code=code, level=(len(code) - 1) // 2 if code else 0))
    return Table(id=table_id, caption="", title=spec.title.format(year=2025), unit=spec.unit, rows=out)


def tables(item="5123456.78", t9_total="12.50", operating="45.67", project="4000000.00", t1_fund="1000000.00") -> list[Table]:
    return [
        make("2", [["201", "03", "01", "行政运行", "10000000.00", "9000000.00", "", "", "1000000.00"],
                   ["", "", "", "合计", "10000000.00", "9000000.00", "", "", "1000000.00"]]),
        make("3", [["201", "", "", "一般公共服务支出", "5123456.78", "5123456.78", ""],
                   ["208", "", "", "社会保障和就业支出", "2876543.22", "", "2876543.22"],
                   ["229", "", "", "其他支出", "1000000.00", "", "1000000.00"],
                   ["212", "", "", "城乡社区支出", "1000000.00", "", "1000000.00"],
                   ["", "", "", "合计", "10000000.00", "6000000.00", project]]),
        make("1", [["一、财政拨款收入", "9000000.00", "一、一般公共服务支出", "5123456.78", "", "", ""],
                   ["1、一般公共预算资金", "8000000.00", "二、社会保障和就业支出", "2876543.22", "", "", ""],
                   ["2、政府性基金", t1_fund, "三、其他支出", "1000000.00", "", "", ""],
                   ["3、国有资本经营预算", "", "四、城乡社区支出", "1000000.00", "", "", ""],
                   ["二、事业收入", "", "", "", "", "", ""],
                   ["三、事业单位经营收入", "", "", "", "", "", ""],
                   ["四、其他收入", "1000000.00", "", "", "", "", ""],
                   ["收入总计", "10000000.00", "支出总计", "10000000.00", "", "", ""]]),
        make("4", [["一、一般公共预算资金", "8000000.00", "一、一般公共服务支出", "5123456.78", "5123456.78", "", ""],
                   ["二、政府性基金", "1000000.00", "二、社会保障和就业支出", "2876543.22", "2876543.22", "", ""],
                   ["三、国有资本经营预算", "", "三、其他支出", "1000000.00", "", "1000000.00", ""],
                   ["收入总计", "9000000.00", "支出总计", "9000000.00", "8000000.00", "1000000.00", ""]]),
        make("5", [["201", "", "", "一般公共服务支出", "5123456.78", "5123456.78", ""],
                   ["208", "", "", "社会保障和就业支出", "2876543.22", "2876543.22", ""],
                   ["201", "03", "01", "行政运行", item, item, ""],
                   ["208", "05", "05", "机关事业单位基本养老保险缴费支出", "2876543.22", "2876543.22", ""],
                   ["", "", "", "合计", "8000000.00", "8000000.00", ""]]),
        make("6", [["229", "", "", "其他支出", "1000000.00", "", "1000000.00"],
                   ["229", "60", "02", "用于社会福利的彩票公益金支出", "1000000.00", "", "1000000.00"],
                   ["", "", "", "合计", "1000000.00", "", "1000000.00"]]),
        make("9", [[t9_total, "0.00", "2.50", "10.00", "0.00", "10.00", operating]]),
    ]


EXPLAINED = """2025年，某单位收入预算1,000万元，其中：财政拨款收入900万元，比2024年预算增加100万元；事业收入0万元；事业单位经营收入0万元；其他收入100万元。
支出预算1,000万元，其中：财政拨款支出预算900万元，比2024年预算增加100万元。财政拨款支出预算中，一般公共预算拨款支出预算800万元，比2024年预算增加100万元；政府性基金拨款支出预算100万元，与2024年预算持平；国有资本经营预算拨款支出预算0万元，与2024年预算持平。
财政拨款支出主要内容如下：
1、一般公共服务支出（201类）政府办公厅（室）及相关机构事务（03款）行政运行（01项）512.35万元。主要用于：运行。2024年当年预算执行数为500万元，2025年预算安排512.35万元，比2024年预算执行数增加2.47%。主要原因是：人员增加。
2、社会保障和就业支出（208类）行政事业单位养老支出（05款）机关事业单位基本养老保险缴费支出（05项）287.65万元。主要用于：养老保险。
3、其他支出（229类）彩票公益金安排的支出（60款）用于社会福利的彩票公益金支出（02项）100万元。主要用于：福利。"""

OTHER = {
    "一": """2025年“三公”经费预算数为12.50万元，比2024年预算增加2.50万元。其中：
（一）因公出国（境）费0万元，与2024年预算持平。
（二）公务用车购置及运行费10万元，与2024年预算持平。其中：公务用车购置费0万元，与2024年预算持平；公务用车运行费10万元，与2024年预算持平。
（三）公务接待费2.50万元，比2024年预算增加2.50万元。""",
    "二": "2025年某单位财政拨款的机关运行经费预算为45.67万元。",
    "三": """2025年度本单位政府采购预算30万元，其中：政府采购货物预算10万元、政府采购工程预算0万元、政府采购服务预算20万元。
2025年本单位面向中小企业预留政府采购项目预算金额20万元，其中，预留给小型和微型企业的政府采购项目预算为10万元。""",
    "四": "2025年度，本单位编报绩效目标的项目共3个，涉及项目预算资金350万元。",
    "五": "截至2024年8月31日，某单位共有车辆2辆，其中：部级领导干部用车0辆、主要领导干部用车0辆、机要通信用车0辆、应急保障用车0辆、"
          "执法执勤用车2辆、特种专业技术用车0辆、离退休干部用车0辆、其他用车0辆；单价100万元（含）以上设备（不含车辆）0台（套）。",
}


def report(explained: str = EXPLAINED, other: dict | None = None, **table_args) -> Report:
    ts = tables(**table_args)
    sections = [Section(number="", title="", text=explained)]
    sections += [Section(number=n, title="", text=t) for n, t in {**OTHER, **(other or {})}.items()]
    for s in sections:
        s.claims = claims(s.text, s.number, ts)
    return Report(template=ID, year=2025, unit_name="某单位", tables=ts, explanations=sections)


def found(rep: Report, rule_id: str) -> list[tuple[str, str, str]]:
    return [(f.rule, f.severity, str(f.location)) for f in check(rep) if f.rule == rule_id]


def edit(section: str, old: str, new: str) -> dict:
    assert old in OTHER[section]
    return {section: OTHER[section].replace(old, new)}


def test_the_rules_are_the_templates_and_the_bumen_variants():
    own = {r.id for r in rules_for(TEMPLATE) if r.origin == "template"}
    assert own == {"S.amounts", "S.sums", "S.changes", "S.growth", "S.performance", "S.statement", "S.statement-tables"}
    assert own <= {r.id for r in rules_for(load("shanghai-yusuan-bumen", 2025))}


def test_a_consistent_report_has_no_finding_of_its_own_rules():
    rep = report()
    assert not [c for s in rep.explanations for c in s.claims if "unknown" in c.subject]
    assert [f for f in check(rep) if f.rule.startswith("S.")] == []


def test_amounts_against_the_tables():
    # 收入 total, a source, 财政拨款 by fund, a 项 (its figure and its 预算安排), 三公 and 机关运行经费 against 表9
    rep = report(EXPLAINED.replace("收入预算1,000万元", "收入预算1,001万元").replace("其他收入100万元", "其他收入99万元")
                 .replace("政府性基金拨款支出预算100万元", "政府性基金拨款支出预算101万元")
                 .replace("2025年预算安排512.35万元", "2025年预算安排512.53万元"),
                 t9_total="12.60", operating="45.66")
    assert found(rep, "S.amounts") == [
        ("S.amounts", "error", "“某单位收入预算1,001万元”"), ("S.amounts", "error", "“其他收入99万元”"),
        ("S.amounts", "error", "“政府性基金拨款支出预算101万元”"), ("S.amounts", "error", "“2025年预算安排512.53万元”"),
        ("S.amounts", "error", "§一 “2025年“三公”经费预算数为12.50万元”"),
        ("S.amounts", "error", "§二 “2025年某单位财政拨款的机关运行经费预算为45.67万元”")]


def test_a_figure_cut_instead_of_rounded_is_rounding_and_a_missing_item_an_error():
    # 5,123,456.78元 is 512.3457万元: 512.35 rounded, 512.34 cut
    rep = report(EXPLAINED.replace("（01项）512.35万元", "（01项）512.34万元"))
    assert found(rep, "S.amounts") == [("S.amounts", "rounding", "“一般公共服务支出（201类）政府办公厅（室）及相关机构事务（03款）行政运行（01项）512.34万元”")]
    rep = report(EXPLAINED.replace("（229类）彩票公益金安排的支出（60款）用于社会福利的彩票公益金支出（02项）", "（229类）其他（99款）其他（99项）"))
    assert ("S.amounts", "error", "“其他支出（229类）其他（99款）其他（99项）100万元”") in found(rep, "S.amounts")


def test_sums_of_the_text():
    rep = report(EXPLAINED.replace("支出预算1,000万元", "支出预算999万元").replace("财政拨款支出预算900万元", "财政拨款支出预算901万元"),
                 other={**edit("一", "公务用车运行费10万元", "公务用车运行费9万元"),
                        **edit("三", "政府采购服务预算20万元", "政府采购服务预算21万元"),
                        **edit("五", "执法执勤用车2辆", "执法执勤用车1辆")})
    got = found(rep, "S.sums")
    assert ("S.sums", "error", "“支出预算999万元”") in got                      # 收入 = 支出
    assert ("S.sums", "error", "“财政拨款支出预算901万元”") in got              # = 财政拨款收入, = Σ funds, = Σ 项
    assert ("S.sums", "error", "§一 “（二）公务用车购置及运行费10万元”") in got  # 购置 + 运行
    assert ("S.sums", "error", "§三 “2025年度本单位政府采购预算30万元”") in got
    assert ("S.sums", "error", "§五 “某单位共有车辆2辆”") in got
    rep = report(other=edit("三", "预留政府采购项目预算金额20万元", "预留政府采购项目预算金额31万元"))
    assert found(rep, "S.sums") == [("S.sums", "error", "§三 “2025年本单位面向中小企业预留政府采购项目预算金额31万元”")]


def test_changes_agree_with_their_wording_and_add_up():
    # 增加0: the wording says a change, the figure none; 因公出国 0 that grew by 1 had −1 last year;
    # the 三公 total's change is not its items' (公务接待 +2.50, 出国 +1.00)
    rep = report(other=edit("一", "（一）因公出国（境）费0万元，与2024年预算持平", "（一）因公出国（境）费0万元，比2024年预算增加1万元"))
    assert found(rep, "S.changes") == [("S.changes", "error", "§一 “比2024年预算增加1万元”"),
                                       ("S.changes", "error", "§一 “比2024年预算增加2.50万元”")]
    rep = report(other=edit("一", "（三）公务接待费2.50万元，比2024年预算增加2.50万元", "（三）公务接待费2.50万元，比2024年预算增加0万元"))
    assert ("S.changes", "error", "§一 “比2024年预算增加0万元”") in found(rep, "S.changes")
    rep = report(EXPLAINED.replace("一般公共预算拨款支出预算800万元，比2024年预算增加100万元", "一般公共预算拨款支出预算800万元，比2024年预算增加90万元"))
    assert found(rep, "S.changes") == [("S.changes", "error", "“比2024年预算增加100万元”")]
    # 财政拨款支出's change against 财政拨款收入's, on the same base; against 执行数 it may differ
    rep = report(EXPLAINED.replace("财政拨款收入900万元，比2024年预算增加100万元", "财政拨款收入900万元，比2024年预算增加110万元"))
    assert found(rep, "S.changes") == [("S.changes", "error", "“比2024年预算增加100万元”")]
    rep = report(EXPLAINED.replace("财政拨款收入900万元，比2024年预算增加100万元", "财政拨款收入900万元，比2024年预算执行数增加110万元"))
    assert found(rep, "S.changes") == []


def test_an_items_rate_is_recomputed_with_its_wording():
    # 512.35 / 500 − 1 = 2.47%; 2.46 is off; 减少 contradicts the figures; 2.469… cut is rounding
    assert found(report(EXPLAINED.replace("增加2.47%", "增加2.40%")), "S.growth") == [("S.growth", "error", "“比2024年预算执行数增加2.40%”")]
    assert found(report(EXPLAINED.replace("增加2.47%", "减少2.47%")), "S.growth") == [("S.growth", "error", "“比2024年预算执行数减少2.47%”")]
    cut = EXPLAINED.replace("执行数为500万元", "执行数为500.03万元").replace("增加2.47%", "增加2.46%")  # 2.4640… → 2.46 either way
    assert found(report(cut), "S.growth") == []
    cut = EXPLAINED.replace("执行数为500万元", "执行数为499.7万元").replace("增加2.47%", "增加2.53%")  # 2.5315… rounds to 2.53
    assert found(report(cut), "S.growth") == []
    cut = EXPLAINED.replace("执行数为500万元", "执行数为499.72万元").replace("增加2.47%", "增加2.52%")  # 2.5274… rounds to 2.53
    assert found(report(cut), "S.growth") == [("S.growth", "rounding", "“比2024年预算执行数增加2.52%”")]


def test_performance_against_project_expenditure():
    assert found(report(project="3000000.00"), "S.performance") == [("S.performance", "error", "§四 “涉及项目预算资金350万元”")]
    rep = report(other=edit("四", "项目共3个", "项目共0个"))
    assert found(rep, "S.performance") == [("S.performance", "error", "§四 “本单位编报绩效目标的项目共0个”")]


def test_the_two_statements_add_up_and_agree_with_the_other_tables():
    # 2、政府性基金 shown as 1,000,002: 一、财政拨款收入 is not its sub-items, and it is not 表6's 合计
    rep = report(t1_fund="1000002.00")
    assert found(rep, "S.statement") == [("S.statement", "error", "表1 一、财政拨款收入 [income_amount]")]
    assert found(rep, "S.statement-tables") == [("S.statement-tables", "error", "表1 2、政府性基金 [income_amount]")]
    rep = report()
    t1 = rep.table("1")
    t1.rows[0].values["exp_total"] += 2  # 一般公共服务支出 on table 1 against 支出总计 and 表3's 201
    assert found(rep, "S.statement") == [("S.statement", "error", "表1 支出总计 [exp_total]")]
    assert found(rep, "S.statement-tables") == [("S.statement-tables", "error", "表1 一、一般公共服务支出 [exp_total]")]
    t1.rows[0].values["exp_total"] -= 2
    rep.table("4").rows[2].values["exp_fund"] = None  # 其他支出 of the fund missing on table 4
    assert found(rep, "S.statement") == [("S.statement", "error", "表4 支出总计 [exp_fund]")]
    assert found(rep, "S.statement-tables") == [("S.statement-tables", "error", "表4 三、其他支出 [exp_fund]")]


@pytest.mark.parametrize("template_id", ["shanghai-yusuan-danwei", "shanghai-yusuan-bumen"])
def test_each_rule_has_an_identity(template_id):
    for r in rules_for(load(template_id, 2025)):
        if r.origin == "template":
            assert r.description and r.identity and r.family in ("prose", "tables")
