"""A small Report built by hand for the render tests: every table of the template, with
hierarchy levels, empty cells, an empty table with its note, and one performance table.

It does not depend on derive, so the renderers are tested on their own; the seed's full
report (examples/tunliu-police-2024) is tested as well when derive and the example exist.
"""
from __future__ import annotations

from decimal import Decimal as D

from yusuan.report import Funding, Indicator, PerformanceTable, Profile, Report, Row, Section, Table, Term
from yusuan.templates import load

UNIT = "长治市公安局屯留分局"


def _rows_for(spec) -> tuple[list[Row], str | None]:
    labels = [c.key for c in spec.label_columns]
    amounts = [c.key for c in spec.amount_columns]
    if spec.id == "7":  # an empty table, as the seed prints it
        return [Row(labels={labels[0]: "合计"}), Row()], "注：本表无数据"
    rows = []
    samples = [
        (0, {"code": "合计"}, "6640.71"),
        (1, {"code": "204", "name": "公共安全支出"}, "6043.76"),
        (2, {"code": "20402", "name": "公安"}, "6043.76"),
        (3, {"code": "2040201", "name": "行政运行"}, "2292.95"),
        (3, {"code": "2080505", "name": "机关事业单位基本养老保险缴费支出"}, "262.28"),
    ]
    for n, (level, names, base) in enumerate(samples):
        texts = {}
        for i, key in enumerate(labels):
            if level == 0:  # the total row: 合计 in the first label column, the others empty
                texts[key] = "合计" if i == 0 else ""
            elif "code" in key:
                texts[key] = names["code"]
            else:
                texts[key] = names["name"]
        values = {}
        for j, key in enumerate(amounts):
            # a pattern of filled and empty cells that differs by row and column
            values[key] = None if (n + j) % 3 == 2 else D(base) - D(j) - D("0.05") * n
        rows.append(Row(labels=texts, values=values, level=level, code=names.get("code")))
    return rows, None


def small_report() -> Report:
    template = load("shanxi-2024", 2024)
    tables = []
    for spec in template.tables:
        rows, note = _rows_for(spec)
        tables.append(Table(id=spec.id, caption=spec.caption, title=spec.title, unit_name=UNIT, unit=spec.unit,
                            rows=rows, note=note))
    performance = PerformanceTable(
        title="屯留区县(区)级预算部门（单位）项目支出绩效目标表",
        year=2024,
        project_name="渔泽、上村、高头寺派出所基础设施升级改造费",
        department="013-长治市公安局屯留分局",
        implementing_unit=UNIT,
        attribute="一次性项目（1年结束）",
        period="1年",
        funding_implementation=Funding(total=D(2970000), central=D(0), provincial=D(0), local=D(2970000), self_raised=D(0)),
        funding_annual=Funding(total=D("445349.1"), central=D(0), provincial=D(0), local=D("445349.1"), self_raised=D(0)),
        overview="渔泽、上村、高头寺三个派出所总改造面积2761.43平方米。",
        basis="屯发改发（2023）36号",
        necessity="根据省公安厅、市公安局《关于深入推进枫桥式公安派出所创建活动的通知》要求。",
        measures="本单位相关内控制度",
        plan="2023.8-2024.3",
        goal_implementation="高质量完成两房两室一食堂。",
        goal_annual="民警备勤休息用房。",
        indicators=[
            Indicator(level1="产出指标", level2="数量指标", level3="改造面积", value="2761.43平方米",
                      annual_level2="数量指标", annual_level3="改造面积", annual_value="2761.43平方米"),
            Indicator(level1="产出指标", level2="质量指标", level3="工程建设验收合格率", value="100%",
                      annual_level2="质量指标", annual_level3="工程建设验收合格", annual_value="100%"),
            Indicator(level1="效益指标", level2="经济效益指标", annual_level2="经济效益指标"),
            Indicator(level1="满意度指标", level2="服务对象满意度指标", level3="员工满意度", value="＞96%",
                      annual_level2="服务对象满意度指标", annual_level3="员工满意度", annual_value="≥96%"),
        ],
        filled_at="20240125171451",
    )
    numbers = "一 二 三 四 五 六 七 八 九 十 十一 十二".split()
    sections = [Section(number=n, title=f"第{n}节说明", text=f"第{n}节的第一段。\n第{n}节的第二段，6,640.71万元。")
                for n in numbers]
    return Report(
        year=2024,
        unit_name=UNIT,
        profile=Profile(duties=["全面贯彻落实党的有关公安工作的路线、方针、政策。", "负责全区公安民警管理及培训工作。"],
                        structure="根据部门职责分工，本部门内设机构25个。"),
        tables=tables,
        explanations=sections,
        performance=[performance],
        glossary=[Term(term="基本支出", text="指为保障机构正常运转而发生的人员支出和公用支出。"),
                  Term(term="项目支出", text="指在基本支出之外所发生的支出。")],
    )
