"""Generated budgets: many units, several years each, valid by construction (`yusuan synth`).

For tests, benchmarks and demos that need more than the one seed budget. A generated unit is a
county bureau (本级, a 行政 or 参公 unit) or one of its affiliated 事业单位, with what such
budgets hold: staff whose salaries, social insurance and housing fund make up the 人员经费;
an office's 公用经费 (机关运行经费, with the 三公 items where the unit has cars or receives
guests); projects with their performance targets; money carried over from last year's
projects; some 单位资金 and, for a few bureaus, 政府性基金 with its income by 收入科目.

Valid by construction: every code is one of the catalog of each year generated (and of the
default catalog `build` reads with), a project's funding by level is its lines' sum, the
income by 收入科目 is its source's lines, the vehicles add up — so that `yusuan build` accepts
each file and `yusuan check` finds no error (tests/scale/ holds the proof).

Years: a unit's years are one series. Year N's ``prior_year`` is computed from year N−1's
lines with the definitions the explanations use (上年收支总计 = all lines; 一般公共预算当年支出;
the 三公 items of fiscal current-year lines; 机关运行经费 = fiscal basic 公用经费), so a report
and last year's report agree (`check --previous`); the first year's is made up near its own.

Reproducible: unit k of seed S is drawn from its own ``random.Random`` seeded by (S, its
department, its place in it), so it is the same whether 10 or 10,000 units are asked for.
Money is exact Decimal 元 throughout; a random draw is an integer number of 元 (or of 分)
turned into a Decimal, never a float.
"""
from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from .budget import FISCAL_SOURCES
from .money import ZERO, to_wan

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Sector:
    """A kind of county bureau: its 功能分类 款, the 项 its affiliated 事业单位 run under, what
    its projects are about, and what its affiliates are called."""

    bureau: str  # 公安局
    kuan: str  # 20402: its 行政运行 (01), 一般行政管理事务 (02), 事业运行 (50, where the catalog has it), 其他 (99)
    affiliate_item: str  # the 项 an affiliated 事业单位's basic expenditure stands under
    affiliates: tuple[str, ...]  # names of affiliated 事业单位
    topics: tuple[str, ...]  # project subjects
    duties: tuple[str, ...]
    fund: bool = False  # has 政府性基金 projects (国有土地使用权出让收入安排的支出)
    # The kind of its cars: one of the kinds both Shanxi's and Shanghai's reports list by name
    # (their 其他公务用车 / 其他用车 differ), so that the vehicles add up in either layout.
    vehicles: str = "特种专业技术用车"


SECTORS = (
    Sector("公安局", "20402", "2040250", ("交通警察大队", "看守所后勤服务中心"),
           ("执法办案", "业务装备购置", "派出所基础设施维修", "视频监控系统运维", "辅警保障"),
           ("负责全区社会治安管理工作。", "负责刑事案件侦查工作。", "负责道路交通安全管理工作。"), vehicles="执法执勤用车"),
    Sector("教育局", "20501", "2050202", ("第一小学", "第二小学", "实验幼儿园"),
           ("学生资助", "校舍维修改造", "教师培训", "教育信息化建设", "课后服务"),
           ("负责全区教育事业发展规划。", "负责义务教育均衡发展工作。", "负责教师队伍建设。")),
    Sector("财政局", "20106", "2010650", ("国库集中支付中心", "财政投资评审中心"),
           ("预算管理一体化系统运维", "财政票据印制", "投资评审", "资产清查"),
           ("负责全区财政收支管理。", "负责编制年度预决算草案。", "负责政府采购监督管理。"), vehicles="机要通信用车"),
    Sector("卫生健康局", "21001", "2100302", ("乡镇卫生院", "疾病预防控制中心"),
           ("基本公共卫生服务", "家庭医生签约服务", "卫生应急物资储备", "健康教育"),
           ("负责全区卫生健康事业发展。", "负责疾病预防控制工作。", "负责医疗机构监督管理。"), vehicles="应急保障用车"),
    Sector("民政局", "20802", "2080299", ("社会福利中心", "殡葬服务中心"),
           ("困难群众救助", "养老服务补贴", "社区治理", "婚姻登记服务"),
           ("负责全区社会救助工作。", "负责养老服务体系建设。", "负责社区建设和基层治理。")),
    Sector("农业农村局", "21301", "2130199", ("农业技术推广中心", "动物疫病预防控制中心"),
           ("高标准农田建设", "农技推广", "动物防疫", "农村人居环境整治"),
           ("负责全区农业农村发展规划。", "负责农产品质量安全监管。", "负责农业技术推广工作。")),
    Sector("交通运输局", "21401", "2140199", ("公路管理段", "运输服务中心"),
           ("农村公路养护", "客运站运营补助", "道路安全隐患整治"),
           ("负责全区公路建设和养护。", "负责道路运输管理工作。")),
    Sector("自然资源局", "22001", "2200150", ("不动产登记中心", "土地储备中心"),
           ("国土空间规划编制", "不动产登记系统运维", "耕地保护", "征地拆迁补偿"),
           ("负责全区自然资源调查监测。", "负责国土空间用途管制。", "负责不动产统一登记。"), fund=True),
    Sector("人力资源和社会保障局", "20801", "2080150", ("就业服务中心", "劳动保障监察大队"),
           ("就业创业补贴", "职业技能培训", "劳动监察执法"),
           ("负责全区就业创业工作。", "负责社会保险政策实施。", "负责劳动关系协调。")),
    Sector("司法局", "20406", "2040650", ("公证处", "法律援助中心"),
           ("人民调解", "法律援助", "社区矫正", "普法宣传"),
           ("负责全区法治宣传教育。", "负责人民调解和社区矫正工作。"), vehicles="执法执勤用车"),
    Sector("市场监督管理局", "20138", "2013850", ("食品药品检验检测中心", "消费者权益保护中心"),
           ("食品安全抽检", "特种设备安全监察", "计量检定", "市场主体登记"),
           ("负责全区市场综合监督管理。", "负责食品安全监督管理。"), vehicles="执法执勤用车"),
    Sector("住房和城乡建设局", "21201", "2120199", ("城市管理服务中心", "建设工程质量监督站"),
           ("城市道路维护", "老旧小区改造", "市政设施维修", "燃气管网安全检查"),
           ("负责全区住房和城乡建设管理。", "负责市政公用设施建设。"), fund=True),
    Sector("审计局", "20108", "2010850", ("审计服务中心",),
           ("审计项目经费", "审计信息化建设"),
           ("负责全区审计监督工作。", "负责经济责任审计。")),
    Sector("统计局", "20105", "2010550", ("普查中心",),
           ("经济普查", "统计调查", "统计执法检查"),
           ("负责全区统计调查和统计分析。",)),
    Sector("应急管理局", "22401", "2240150", ("应急救援中心",),
           ("应急物资储备", "安全生产执法", "防汛抗旱"),
           ("负责全区应急管理工作。", "负责安全生产综合监督管理。"), vehicles="应急保障用车"),
)

REGIONS = ("屯留区", "潞州区", "上党区", "潞城区", "襄垣县", "平顺县", "黎城县", "壶关县", "长子县", "武乡县",
           "沁县", "沁源县", "阳城县", "陵川县", "泽州县", "高平市", "沁水县", "榆社县", "左权县", "和顺县",
           "昔阳县", "寿阳县", "太谷区", "祁县", "平遥县", "灵石县", "介休市", "孝义市", "汾阳市", "文水县")

# 人员经费 of a 行政 unit, by 部门经济分类 款: (code, per mille of the unit's salary bill, 功能分类 slot).
# Slots: "own" the unit's 行政运行/事业运行 项; the others fixed 项 of social insurance and housing.
PERSONNEL = (("30101", 230, "own"), ("30102", 300, "own"), ("30103", 60, "own"), ("30108", 120, "pension"),
             ("30109", 50, "annuity"), ("30110", 75, "medical"), ("30112", 10, "own"), ("30113", 110, "housing"),
             ("30199", 15, "own"))
# A 事业单位 pays 绩效工资 rather than 奖金 and most of the 津贴.
PERSONNEL_SHIYE = (("30101", 230, "own"), ("30102", 90, "own"), ("30107", 270, "own"), ("30108", 120, "pension"),
                   ("30109", 50, "annuity"), ("30110", 75, "medical"), ("30112", 10, "own"), ("30113", 110, "housing"),
                   ("30199", 15, "own"))
# 公用经费: (code, per mille of the office budget). 公务接待 and 公务用车运行维护 are drawn apart (三公).
PUBLIC = (("30201", 180), ("30202", 40), ("30205", 30), ("30206", 90), ("30207", 40), ("30208", 70), ("30209", 80),
          ("30211", 60), ("30213", 90), ("30215", 20), ("30216", 30), ("30228", 80), ("30229", 60), ("30239", 60),
          ("30299", 70))
PROJECT_ECON = ("30299", "30226", "30227", "30218", "30213", "31002", "31003", "31007", "31006", "30211")
FUND_ITEM = "2120803"  # 城市建设支出 (国有土地使用权出让收入安排的支出)
FUND_INCOME = ("103014801", "103014802", "1030147")  # 土地出让价款收入, 补缴的土地价款, 国有土地收益基金收入


def yuan(rng: random.Random, low: int, high: int, cents: bool = False) -> Decimal:
    """An exact amount in 元 between low and high (whole 元, or with 分)."""
    if cents:
        return Decimal(rng.randint(low * 100, high * 100)) * CENT
    return Decimal(rng.randint(low, high))


def scaled(amount: Decimal, per_mille: int) -> Decimal:
    """``amount`` × per_mille / 1000, to the 元 (budgets are planned in whole 元 or hundreds)."""
    return (amount * per_mille / 1000).quantize(Decimal(1))


def grown(rng: random.Random, amount: Decimal, low: int, high: int) -> Decimal:
    """``amount`` changed by a whole per mille drawn between low and high (−50 … +80: −5% … +8%)."""
    return scaled(amount, 1000 + rng.randint(low, high))


@dataclass
class UnitPlan:
    """What stays of a unit from year to year: who it is, its size, its standing projects."""

    name: str
    code: str
    kind: str  # 行政 | 参公 | 事业
    department: str
    department_code: str
    region: str
    sector: Sector
    staff: int
    retirees: int
    per_head: Decimal  # 人员经费 per person and year, 元
    office_per_head: Decimal  # 公用经费 per person and year, 元
    cars: int
    reception: Decimal  # 公务接待费 a year, 元
    abroad: Decimal  # 因公出国（境）费 a year, 元
    unit_funds: int  # per mille of basic expenditure paid from 单位资金 (事业收入)
    standing: list[tuple[str, Decimal, str, str]]  # recurring projects: topic, amount, func, econ
    building_area: int
    internal_units: list[str]
    # What its projects' names start with after the year: an affiliate's own name, so that the
    # units of one department never share a project name (the tables tell projects by name).
    prefix: str = ""

    def standing_topics(self) -> list[str]:
        return [topic for topic, *_ in self.standing] or [self.sector.topics[0]]


def _items(sector: Sector, kind: str) -> dict[str, str]:
    """The 功能分类 项 of each slot for a unit of this kind."""
    own = sector.affiliate_item if kind == "事业" else sector.kuan + "01"
    return {"own": own, "pension": "2080505", "annuity": "2080506", "housing": "2210201",
            "medical": "2101102" if kind == "事业" else "2101101",
            "retired": "2080502" if kind == "事业" else "2080501"}


def plan_unit(rng: random.Random, region: str, sector: Sector, department_code: str, index: int) -> UnitPlan:
    """Unit ``index`` of a department (0: the bureau itself, 本级; then its 事业单位)."""
    bureau = f"{region}{sector.bureau}"
    if index == 0:
        name, kind = bureau, rng.choice(("行政", "行政", "行政", "参公"))
        staff = rng.randint(20, 180)
    else:
        name, kind = f"{region}{sector.affiliates[(index - 1) % len(sector.affiliates)]}", "事业"
        if index > len(sector.affiliates):
            name += f"（{index}）"
        staff = rng.randint(8, 120)
    items = _items(sector, kind)
    standing = []
    # Projects sized on the unit's basic expenditure (a county unit's projects are a quarter to
    # a half of its budget): each standing one 4–15% of it, to the 千元.
    basic = (Decimal(rng.randint(95, 160) * 1000) + Decimal(20_000)) * staff
    for topic in rng.sample(sector.topics, min(len(sector.topics), rng.randint(1, 3))):
        amount = Decimal(max(5, int(basic * rng.randint(40, 150) / 1000 // 1000)) * 1000)
        standing.append((topic, amount, rng.choice((sector.kuan + "02", sector.kuan + "99", items["own"])),
                         rng.choice(PROJECT_ECON)))
    internal = [f"{part}" for part in rng.sample(("办公室", "财务股", "人事股", "政策法规股", "综合业务股", "监督检查股",
                                                  "信息中心", "后勤保障股"), rng.randint(2, 6))]
    return UnitPlan(
        name=name, code=f"{department_code}{index + 1:03d}", kind=kind, department=bureau, department_code=department_code,
        region=region, sector=sector, staff=staff, retirees=rng.randint(0, staff // 3),
        per_head=Decimal(rng.randint(95, 160) * 1000), office_per_head=Decimal(rng.randint(12, 30) * 1000),
        cars=rng.choice((0, 1, 2, 3, 5, 8)) if index == 0 else rng.choice((0, 0, 1, 2)),
        reception=Decimal(rng.choice((0, 5_000, 10_000, 20_000, 30_000))),
        abroad=Decimal(rng.choice((0,) * 19 + (60_000,))),
        unit_funds=rng.choice((0, 0, 50, 120, 250)) if kind == "事业" else 0,
        standing=standing, building_area=staff * rng.randint(12, 30), internal_units=internal,
        prefix=name.removeprefix(region) if index else "",
    )


def _basic_lines(rng: random.Random, plan: UnitPlan) -> list[dict]:
    """人员经费 and 公用经费 of one year, each line on its 功能分类 项."""
    items = _items(plan.sector, plan.kind)
    bill = plan.per_head * plan.staff
    lines = []
    for econ, share, slot in (PERSONNEL_SHIYE if plan.kind == "事业" else PERSONNEL):
        amount = scaled(bill, share + rng.randint(-share // 10, share // 10))
        if amount:
            lines.append({"func": items[slot], "econ": econ, "kind": "人员经费", "amount": amount})
    if plan.retirees:
        lines.append({"func": items["retired"], "econ": "30302", "kind": "人员经费",
                      "amount": Decimal(plan.retirees * rng.randint(30, 60) * 100)})
    office = plan.office_per_head * plan.staff
    for econ, share in PUBLIC:
        if rng.random() < 0.85:
            lines.append({"func": items["own"], "econ": econ, "kind": "公用经费", "amount": scaled(office, share)})
    if plan.cars:  # 公务用车运行维护费: a car costs 1.5–3万元 a year to run
        lines.append({"func": items["own"], "econ": "30231", "kind": "公用经费", "amount": Decimal(plan.cars * rng.randint(150, 300) * 100)})
    if plan.reception:
        lines.append({"func": items["own"], "econ": "30217", "kind": "公用经费", "amount": plan.reception})
    if plan.abroad:
        lines.append({"func": items["own"], "econ": "30212", "kind": "公用经费", "amount": plan.abroad})
    if plan.unit_funds:  # part of a 事业单位's basic expenditure paid from its own income (单位资金)
        for line in lines:
            if line["econ"] in ("30201", "30213", "30299", "30102"):
                line["source"] = "单位资金"
    return lines


INDICATORS = (
    ("产出指标", "数量指标", "{topic}覆盖人次", "≥{n}人次"),
    ("产出指标", "质量指标", "{topic}验收合格率", "100%"),
    ("产出指标", "时效指标", "{topic}完成及时性", "及时"),
    ("效益指标", "社会效益指标", "{topic}服务水平", "明显提升"),
    ("效益指标", "可持续影响指标", "长效机制健全性", "健全"),
    ("满意度指标", "服务对象满意度指标", "服务对象满意度", "≥{satisfaction}%"),
)


def _performance(rng: random.Random, plan: UnitPlan, topic: str, year: int, amount: Decimal, kind: str) -> dict:
    """The 项目支出绩效目标表 of a project whose current-year lines sum to ``amount``."""
    if kind == "特定目标类" and rng.random() < 0.4:  # part of it a transfer from above
        upper = scaled(amount, rng.randint(200, 800))
        funding = {"provincial" if rng.random() < 0.6 else "central": upper, "local": amount - upper}
    else:
        funding = {"local": amount}
    indicators = [{"level1": l1, "level2": l2, "level3": l3.format(topic=topic),
                   "value": v.format(n=rng.randint(1, 200) * 50, satisfaction=rng.choice((90, 95, 98)))}
                  for l1, l2, l3, v in INDICATORS]
    # The cost indicator states the funding, rounded to 万元 as the forms print it.
    indicators.insert(3, {"level1": "产出指标", "level2": "成本指标", "level3": f"{topic}成本",
                          "value": f"≤{to_wan(amount)}万元" if to_wan(amount) * 10_000 >= amount else f"{to_wan(amount)}万元"})
    return {
        "attribute": "经常性项目" if kind == "其他运转类" else "一次性项目（1年结束）",
        "funding": funding,
        "overview": f"{year}年度{plan.name}{topic}工作所需经费。",
        "basis": f"{plan.region}人民政府关于{topic}工作的实施意见",
        "necessity": f"保障{topic}工作正常开展。",
        "measures": "单位内部控制制度",
        "plan": f"{year}年1月至12月",
        "goal": f"按期完成{year}年度{topic}工作任务。",
        "indicators": indicators,
        "filled_at": f"{year - 1}{rng.randint(11, 12):02d}{rng.randint(10, 28):02d}{rng.randint(8, 17):02d}{rng.randint(0, 59):02d}00",
    }


def _year(rng: random.Random, plan: UnitPlan, year: int, previous: dict | None) -> dict:
    """One year's budget of ``plan`` as YAML-ready data; ``previous`` is last year's, or None."""
    sector, items = plan.sector, _items(plan.sector, plan.kind)
    lines = _basic_lines(rng, plan)
    projects: list[dict] = []
    project_lines: list[dict] = []

    def add_project(topic: str, amount: Decimal, func: str, econ: str, kind: str, source: str = "一般公共预算") -> None:
        pid = f"P{len(projects) + 1:02d}"
        parts = [amount] if amount < 200_000 or rng.random() < 0.6 else [scaled(amount, 600), amount - scaled(amount, 600)]
        econs = [econ, rng.choice(PROJECT_ECON)]
        for part, e in zip(parts, econs):
            project_lines.append({"func": func, "econ": e, "project": pid, "amount": part, **({"source": source} if source != "一般公共预算" else {})})
        projects.append({"id": pid, "name": f"{year}年{plan.prefix}{topic}经费", "kind": kind,
                         "performance": _performance(rng, plan, topic, year, amount, kind)})

    for topic, amount, func, econ in plan.standing:
        add_project(topic, amount, func, econ, "其他运转类")
    basic = sum((l["amount"] for l in lines), ZERO)
    for topic in rng.sample(sector.topics, rng.randint(0, min(3, len(sector.topics)))):
        add_project(f"{topic}专项", Decimal(max(5, int(basic * rng.randint(20, 100) / 1000 // 1000)) * 1000), rng.choice((sector.kuan + "02", sector.kuan + "99")),
                    rng.choice(PROJECT_ECON), "特定目标类")
    if plan.cars and rng.random() < 0.25:  # a car bought this year: 公务用车购置费 (三公)
        add_project("公务用车购置", Decimal(rng.randint(12, 25) * 10_000), sector.kuan + "02", "31013", "特定目标类")
    if sector.fund and rng.random() < 0.6:
        add_project("土地出让收入安排城市建设", Decimal(rng.randint(50, 2000) * 1000), FUND_ITEM, "31006", "特定目标类", "政府性基金预算")
    if plan.kind == "事业" and rng.random() < 0.3:  # a service paid from 财政专户管理资金 (fees the treasury keeps)
        add_project("收费服务", Decimal(rng.randint(5, 80) * 1000), items["own"], "30226", "其他运转类", "财政专户管理资金")

    # Money carried over from last year's projects (上年结转), under last year's names.
    if previous is not None:
        last = [p for p in previous["projects"] if p["id"].startswith("P")]
        carried = rng.sample(last, min(len(last), rng.choice((0, 1, 1, 2, 3))))
    else:
        carried = [{"name": f"{year - 1}年{plan.prefix}{rng.choice(sector.topics)}经费"} for _ in range(rng.choice((0, 1, 2)))]
    for i, old in enumerate(carried):
        cid = f"C{i + 1:02d}"
        if previous is not None:
            source = next(l for l in previous["lines"] if l.get("project") == old["id"])
            func, econ, src = source["func"], source["econ"], source.get("source", "一般公共预算")
            amount = scaled(sum((l["amount"] for l in previous["lines"] if l.get("project") == old["id"]), ZERO), rng.randint(100, 400))
        else:
            func, econ, src, amount = sector.kuan + "02", rng.choice(PROJECT_ECON), "一般公共预算", Decimal(rng.randint(20, 600) * 1000)
        if amount:
            project_lines.append({"func": func, "econ": econ, "project": cid, "carryover": True, "amount": amount,
                                  **({"source": src} if src != "一般公共预算" else {})})
            projects.append({"id": cid, "name": old["name"], "kind": "特定目标类"})
    if rng.random() < 0.15:  # basic expenditure left over from last year
        lines.append({"func": items["own"], "econ": "30299", "kind": "公用经费", "carryover": True,
                      "amount": Decimal(rng.randint(10, 300) * 100)})
    lines += project_lines
    seen: dict[str, int] = {}
    for project in projects:  # two carried-over projects of one subject: the tables list each by name
        seen[project["name"]] = seen.get(project["name"], 0) + 1
        if seen[project["name"]] > 1:
            project["name"] += f"（{seen[project['name']]}）"

    income_items = []
    fund = sum((l["amount"] for l in lines if l.get("source") == "政府性基金预算" and not l.get("carryover")), ZERO)
    if fund:
        first, second = rng.sample(FUND_INCOME, 2)
        part = scaled(fund, rng.randint(300, 900))
        income_items = [{"code": first, "amount": part}, {"code": second, "amount": fund - part}]
        income_items = [item for item in income_items if item["amount"]]

    current = [l for l in lines if not l.get("carryover")]
    goods = sum((l["amount"] for l in current if l["econ"].startswith("310") and l["econ"] != "31006"), ZERO)
    works = sum((l["amount"] for l in current if l["econ"] == "31006"), ZERO)
    services = sum((l["amount"] for l in current if l["econ"] in ("30227", "30226") and "project" in l), ZERO)
    figures = prior_figures(lines)
    if previous is not None:
        prior = prior_figures(previous["lines"])
    else:  # the year before the first: near this year's
        prior = {
            "total": grown(rng, figures["total"], -80, 60),
            "general_budget_current": grown(rng, figures["general_budget_current"], -80, 60),
            "three_public": {key: grown(rng, value, -100, 50) if value else Decimal(0) for key, value in figures["three_public"].items()},
            "operating_costs": grown(rng, figures["operating_costs"], -60, 60),
        }
    direction = "增加" if figures["total"] >= prior["total"] else "减少"
    vehicles = {plan.sector.vehicles: plan.cars} if plan.cars else {}
    return {
        "schema": "yusuan-budget/1",
        "year": year,
        "unit": {"name": plan.name, "code": plan.code, "kind": plan.kind, "department": plan.department,
                 "department_code": plan.department_code, "region": plan.region},
        "profile": {
            "duties": list(sector.duties) if plan.kind != "事业" else [f"承担{sector.bureau}委托的{t}工作。" for t in plan.standing_topics()],
            "structure": f"根据职责分工，本单位内设机构{len(plan.internal_units)}个，包括{'、'.join(plan.internal_units)}。",
            "internal_unit_count": len(plan.internal_units),
            "internal_units": list(plan.internal_units),
        },
        "income": {source: sum((l["amount"] for l in current if l.get("source", "一般公共预算") == source), ZERO)
                   for source in ("一般公共预算", "政府性基金预算", "国有资本经营预算", "财政专户管理资金", "单位资金")
                   if any(l.get("source", "一般公共预算") == source for l in current)},
        "income_items": income_items,
        "lines": lines,
        "projects": projects,
        "prior_year": prior,
        "procurement": {"goods": goods, "works": works, "services": services},
        "assets": {"as_of": f"{year - 1}年12月31日", "vehicle_quota": plan.cars + rng.randint(0, 2), "vehicles": vehicles,
                   "building_area": plan.building_area, "equipment_over_50w": 1 if plan.sector.bureau == "公安局" else 0,
                   "equipment_over_100w": 0},
        "texts": {
            "change_reason": f"人员经费调整及项目支出{direction}",  # §一 goes on after it with ；
            "three_public_reason": "严格落实过紧日子要求，压减一般性支出。",
            "vehicle_purchase_reason": "按规定更新公务用车。",
            "vehicle_operation_reason": "公务用车数量变化。",
            "reception_reason": "公务接待任务变化。",
            "abroad_reason": "因公出国（境）任务变化。",
            "operating_costs_reason": "人员及办公运转需求变化。",
        },
    }


def prior_figures(lines: list[dict]) -> dict:
    """What next year's budget states as this year's (``prior_year``), from this year's lines,
    with the definitions of the explanations (yusuan/templates/*/prose.py)."""
    def fiscal_current(line: dict) -> bool:
        return line.get("source", "一般公共预算") in FISCAL_SOURCES and not line.get("carryover")

    def econ_sum(code: str) -> Decimal:
        return sum((l["amount"] for l in lines if fiscal_current(l) and l["econ"] == code), ZERO)

    return {
        "total": sum((l["amount"] for l in lines), ZERO),
        "general_budget_current": sum((l["amount"] for l in lines if l.get("source", "一般公共预算") == "一般公共预算"
                                       and not l.get("carryover")), ZERO),
        "three_public": {"abroad": econ_sum("30212"), "reception": econ_sum("30217"),
                         "vehicle_purchase": econ_sum("31013"), "vehicle_operation": econ_sum("30231")},
        "operating_costs": sum((l["amount"] for l in lines if fiscal_current(l) and l.get("kind") == "公用经费"), ZERO),
    }


def evolve(rng: random.Random, plan: UnitPlan) -> None:
    """A year on: staff and pay change a little, standing projects grow or shrink."""
    plan.staff = max(3, plan.staff + rng.randint(-plan.staff // 20 - 1, plan.staff // 15 + 1))
    plan.per_head = grown(rng, plan.per_head, 0, 60)
    plan.office_per_head = grown(rng, plan.office_per_head, -50, 50)
    plan.retirees = max(0, plan.retirees + rng.randint(-1, 2))
    plan.standing = [(topic, grown(rng, amount, -100, 150), func, econ) for topic, amount, func, econ in plan.standing]
    if plan.cars and rng.random() < 0.1:
        plan.cars -= 1


@dataclass(frozen=True)
class Generated:
    """One unit's series: its plan's identity and its budget of each year (YAML-ready data)."""

    code: str
    name: str
    kind: str
    department: str
    department_code: str
    budgets: dict[int, dict]


def units(count: int, seed: int, years: list[int]) -> Iterator[Generated]:
    """``count`` units, department by department (a bureau, then its affiliated 事业单位)."""
    made = 0
    department = 0
    while made < count:
        drng = random.Random(f"{seed}:department:{department}")
        sector = SECTORS[drng.randrange(len(SECTORS))]
        region = REGIONS[(department // len(SECTORS)) % len(REGIONS)]
        if department >= len(SECTORS) * len(REGIONS):  # more departments than county bureaus: name the round
            region = f"{region}{department // (len(SECTORS) * len(REGIONS)) + 1}"
        size = 1 + drng.choice((0, 0, 1, 1, 2, 3))
        code = f"{department + 1:04d}"
        for index in range(size):
            if made >= count:
                return
            rng = random.Random(f"{seed}:unit:{department}:{index}")
            plan = plan_unit(rng, region, sector, code, index)
            budgets: dict[int, dict] = {}
            previous = None
            for n, year in enumerate(years):
                if n:
                    evolve(rng, plan)
                previous = budgets[year] = _year(rng, plan, year, previous)
            yield Generated(plan.code, plan.name, plan.kind, plan.department, plan.department_code, budgets)
            made += 1
        department += 1


# --- YAML out ---------------------------------------------------------------------------------------
# Written by hand rather than by a YAML library: amounts must be plain numbers with their cents
# (the loader reads `1234.50` exactly, and a quoted or float-formatted amount would not be one),
# codes quoted so they keep their digits, and the lines one flow mapping each as the seed writes
# them; and 30,000 files are written in seconds. Strings are JSON-quoted: a JSON string is a
# valid YAML double-quoted scalar, so no text can break the file.

def _scalar(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        # Cents always shown (`1234.50`); finer amounts in full, never rounded away.
        return f"{value:.2f}" if value == value.quantize(CENT) else format(value.normalize(), "f")
    if isinstance(value, int):
        return str(value)
    if value is None:
        return "null"
    text = str(value)
    if _PLAIN.isdisjoint(text):  # nothing to escape (most names and codes): quoted as is, 4× faster than json
        return f'"{text}"'
    return json.dumps(text, ensure_ascii=False)


# What a double-quoted scalar must escape: the quote, the backslash, control characters.
_PLAIN = frozenset('"\\' + "".join(map(chr, range(32))) + "\x7f\u2028\u2029\x85")


def _flow(mapping: dict) -> str:
    return "{" + ", ".join(f"{key}: {_scalar(value)}" for key, value in mapping.items()) + "}"


def _block(value: object, indent: int, out: list[str]) -> None:
    pad = " " * indent
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, dict) and item:
                if all(not isinstance(v, (dict, list)) for v in item.values()) and len(item) <= 6:
                    out.append(f"{pad}{key}: {_flow(item)}")
                else:
                    out.append(f"{pad}{key}:")
                    _block(item, indent + 2, out)
            elif isinstance(item, list) and item:
                out.append(f"{pad}{key}:")
                _block(item, indent + 2, out)
            elif isinstance(item, (dict, list)):
                out.append(f"{pad}{key}: {'{}' if isinstance(item, dict) else '[]'}")
            else:
                out.append(f"{pad}{key}: {_scalar(item)}")
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict) and all(not isinstance(v, (dict, list)) for v in item.values()):
                out.append(f"{pad}- {_flow(item)}")
            elif isinstance(item, dict):
                inner: list[str] = []
                _block(item, indent + 2, inner)
                inner[0] = f"{pad}- {inner[0][indent + 2:]}"
                out.extend(inner)
            else:
                out.append(f"{pad}- {_scalar(item)}")


def to_yaml(data: dict, comment: str = "") -> str:
    out = [f"# {line}" for line in comment.splitlines()]
    _block(data, 0, out)
    return "\n".join(out) + "\n"


def write(out: Path, count: int, seed: int, years: list[int]) -> tuple[int, int]:
    """Write ``count`` units into OUT/<unit code>/<unit code>-<year>.yaml and OUT/units.csv;
    (files written, bytes written)."""
    import csv

    out.mkdir(parents=True, exist_ok=True)
    files = size = 0
    with open(out / "units.csv", "w", encoding="utf-8", newline="") as index:
        table = csv.writer(index)
        table.writerow(["code", "name", "kind", "department", "department_code", "years", "path"])
        for unit in units(count, seed, years):
            folder = out / unit.code
            folder.mkdir(exist_ok=True)
            for year, data in unit.budgets.items():
                text = to_yaml(data, f"Generated by `yusuan synth --seed {seed}`: {unit.name} {year}年 (not a real budget).")
                raw = text.encode("utf-8")
                (folder / f"{unit.code}-{year}.yaml").write_bytes(raw)
                files += 1
                size += len(raw)
            table.writerow([unit.code, unit.name, unit.kind, unit.department, unit.department_code,
                            " ".join(map(str, unit.budgets)), unit.code])
    return files, size
