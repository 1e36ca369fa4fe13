"""Hypothesis strategies: small budgets over codes that exist in yusuan/catalog.

Line items draw from a few functional 项 and economic 款 codes (basic and project ones, with
their 政府经济分类 mapping known for 行政 units), any source, current or carried over; projects
get random names, funding and indicators. Names avoid spaces, as the official forms do.
"""
from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st

from yusuan.budget import SOURCES, Budget

FUNC = ("2040201", "2040202", "2040220", "2080505", "2101101", "2210201", "2010301")
PERSONNEL = ("30101", "30102", "30107", "30108", "30113")
PUBLIC = ("30201", "30211", "30231", "30217", "30299")
PROJECT_ECON = ("30299", "31002", "31013", "30226")
# 收入科目 for 预算公开表7 (政府性基金) and 部门公开表9 (国有资本经营): no code is another's prefix.
INCOME_CODES = {"政府性基金预算": ("1030147", "103014801", "103014802", "1030155", "1030199"),
                "国有资本经营预算": ("1030601", "1030602", "1030698")}
LEVEL2 = (("产出指标", "数量指标"), ("产出指标", "质量指标"), ("产出指标", "成本指标"), ("效益指标", "社会效益指标"),
          ("效益指标", "可持续影响指标"), ("满意度指标", "服务对象满意度指标"))

cjk = st.text(alphabet="预算项目经费保障运行维护设备购置人员工资改造工程服务管理", min_size=2, max_size=14)
yuan = st.integers(min_value=1, max_value=50_000_000).map(lambda cents: Decimal(cents) / 100)


@st.composite
def line(draw, project_ids: list[str]):
    basic = not project_ids or draw(st.booleans())
    common = {"func": draw(st.sampled_from(FUNC)), "amount": draw(yuan), "source": draw(st.sampled_from(SOURCES)),
              "carryover": draw(st.booleans())}
    if basic:
        kind = draw(st.sampled_from(("人员经费", "公用经费")))
        return {**common, "kind": kind, "econ": draw(st.sampled_from(PERSONNEL if kind == "人员经费" else PUBLIC)),
                "carryover": False}
    return {**common, "project": draw(st.sampled_from(project_ids)), "econ": draw(st.sampled_from(PROJECT_ECON))}


@st.composite
def indicator(draw):
    level1, level2 = draw(st.sampled_from(LEVEL2))
    name = draw(cjk)
    value = draw(st.sampled_from(("100%", "及时", "≥96%", "12人", "30万元", "完善")))
    return {"level1": level1, "level2": level2, "level3": name, "value": value}


@st.composite
def income_items(draw, lines: list[dict]) -> list[dict]:
    """Income by 收入科目 for some of the sources that have it, adding up to their current-year lines."""
    items = []
    for source, codes in INCOME_CODES.items():
        total = sum((Decimal(str(l["amount"])) for l in lines if l["source"] == source and not l["carryover"]), Decimal(0))
        if not total or not draw(st.booleans()):
            continue
        chosen = draw(st.lists(st.sampled_from(codes), min_size=1, max_size=2 if total >= Decimal("0.02") else 1, unique=True))
        if len(chosen) == 1:
            items.append({"code": chosen[0], "amount": total})
        else:
            first = Decimal(draw(st.integers(1, int(total * 100) - 1))) / 100
            items += [{"code": chosen[0], "amount": first}, {"code": chosen[1], "amount": total - first}]
    return items


@st.composite
def budgets(draw) -> Budget:
    n_projects = draw(st.integers(0, 3))
    names = draw(st.lists(cjk, min_size=n_projects, max_size=n_projects, unique=True))
    project_ids = [f"P{i}" for i in range(n_projects)]
    lines = draw(st.lists(line(project_ids), min_size=1, max_size=12))
    projects = []
    for pid, name in zip(project_ids, names):
        current = sum((Decimal(str(l["amount"])) for l in lines if l.get("project") == pid and not l["carryover"]), Decimal(0))
        performance = None
        if current and draw(st.booleans()):
            indicators = sorted(draw(st.lists(indicator(), min_size=1, max_size=5)), key=lambda i: ("产出指标", "效益指标", "满意度指标").index(i["level1"]))
            performance = {"funding": {"local": current}, "overview": draw(cjk), "basis": draw(cjk), "necessity": draw(cjk),
                           "measures": draw(cjk), "plan": "全年", "goal": draw(cjk), "indicators": indicators,
                           "filled_at": "20240125171451"}
        projects.append({"id": pid, "name": name + pid, "kind": draw(st.sampled_from(("其他运转类", "特定目标类"))),
                         "performance": performance})
    data = {
        "year": 2024,
        "profile": {"duties": draw(st.lists(cjk.map(lambda t: t + "。"), min_size=1, max_size=3)),
                    "structure": "本部门内设机构2个，包括办公室、财务股。", "internal_unit_count": 2,
                    "internal_units": ["办公室", "财务股"]},
        "unit": {"name": "测试局", "kind": "行政", "department": "测试局", "department_code": "001", "region": "测试县(区)"},
        "lines": lines,
        "income_items": draw(income_items(lines)),
        "projects": projects,
        "prior_year": {"total": draw(yuan), "general_budget_current": draw(yuan), "operating_costs": draw(yuan),
                       "three_public": {"vehicle_purchase": draw(st.sampled_from((0, 100000)))}},
        "procurement": {"goods": draw(yuan), "works": 0, "services": draw(yuan)},
        "assets": {"as_of": "2023年12月31日", "vehicle_quota": draw(st.integers(0, 30)),
                   "vehicles": {"执法执勤用车": draw(st.integers(0, 20)), "特种专业技术用车": draw(st.integers(0, 5))},
                   "building_area": draw(st.integers(0, 20000)), "equipment_over_50w": draw(st.integers(0, 3))},
        "texts": {"change_reason": "人员增加。", "three_public_reason": "更新车辆", "operating_costs_reason": "增人"},
    }
    return Budget.model_validate(data)
