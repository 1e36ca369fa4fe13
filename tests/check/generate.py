"""Valid budgets at random, for the property tests and benchmarks/bench_check.py.

``generate_budget(rng)`` draws everything from one ``random.Random``, so Hypothesis can drive
it (``st.randoms()``) and the benchmark can make 1,000 reproducible ones. Amounts are exact
元 with cents; totals stay above 100万元 so that a 0.02 change of a share or growth rate is
beyond what rounding can explain.
"""
from __future__ import annotations

import random
from decimal import Decimal

from yusuan.budget import Budget

FUNCS = ["2010101", "2010301", "2040201", "2040202", "2040220", "2040250", "2080501", "2080505",
         "2101101", "2101102", "2210201", "2120501", "2130101"]
PERSONNEL = ["30101", "30102", "30103", "30107", "30108", "30110", "30113", "30199", "30302", "30305"]
PUBLIC = ["30201", "30202", "30205", "30206", "30211", "30213", "30216", "30217", "30231", "30299", "31002"]
PROJECT_ECON = ["30299", "31013", "30226", "31002", "30201", "30212"]
SOURCES = ["一般公共预算"] * 6 + ["政府性基金预算", "国有资本经营预算", "财政专户管理资金", "单位资金"]
INCOME_CODES = {"政府性基金预算": ["1030147", "103014801", "1030155", "1030199"], "国有资本经营预算": ["1030601", "1030602"]}
VEHICLE_KINDS = ["领导用车", "执法执勤用车", "特种专业技术用车", "其他公务用车"]


def _yuan(rng: random.Random, low: int, high: int) -> Decimal:
    """An exact amount in 元 between low and high, with cents."""
    return Decimal(rng.randint(low * 100, high * 100)) / 100


def generate_budget(rng: random.Random) -> Budget:
    funcs = rng.sample(FUNCS, rng.randint(2, 6))
    lines = []
    for _ in range(rng.randint(3, 12)):
        kind = rng.choice(["人员经费", "公用经费"])
        lines.append({
            "func": rng.choice(funcs), "econ": rng.choice(PERSONNEL if kind == "人员经费" else PUBLIC),
            "kind": kind, "amount": _yuan(rng, 50_000, 3_000_000),
            "source": rng.choice(SOURCES) if rng.random() < 0.3 else "一般公共预算",
            "carryover": rng.random() < 0.1,
        })
    # Every unit pays salaries and runs an office from its general budget: without them the
    # growth of 机关运行经费 or 一般公共预算 would be −100% whatever the change (see mutation.py).
    for kind, econ in (("人员经费", rng.choice(PERSONNEL)), ("公用经费", rng.choice(PUBLIC))):
        lines.append({"func": rng.choice(funcs), "econ": econ, "kind": kind, "amount": _yuan(rng, 50_000, 3_000_000)})
    projects = []
    for p in range(rng.randint(1, 5)):
        pid = f"P{p + 1}"
        project_lines = []
        for _ in range(rng.randint(1, 3)):
            project_lines.append({
                "func": rng.choice(funcs), "econ": rng.choice(PROJECT_ECON), "project": pid,
                "amount": _yuan(rng, 10_000, 5_000_000),
                "source": rng.choice(SOURCES) if rng.random() < 0.3 else "一般公共预算",
                "carryover": rng.random() < 0.25,
            })
        lines.extend(project_lines)
        current = sum((l["amount"] for l in project_lines if not l["carryover"]), Decimal(0))
        project = {"id": pid, "name": f"测试项目{p + 1}号", "kind": rng.choice(["其他运转类", "特定目标类"])}
        if current:
            project["performance"] = {
                "funding": {"local": current},
                "overview": f"为保障工作聘用{rng.randint(2, 40)}名人员。",
                "indicators": [
                    {"level1": "产出指标", "level2": "成本指标", "level3": "年度费用", "value": f"{current.normalize():f}元"},
                    {"level1": "满意度指标", "level2": "服务对象满意度指标", "level3": "满意度", "value": "≥95%"},
                ],
            }
        projects.append(project)
    # Income by 收入科目 (表7, 表9), mostly: split in two where there is a fund or state-capital budget.
    income_items = []
    for source, codes in INCOME_CODES.items():
        total = sum((l["amount"] for l in lines if l.get("source") == source and not l.get("carryover")), Decimal(0))
        if total and rng.random() < 0.8:
            first, second = rng.sample(codes, 2)
            part = (total * Decimal(rng.randint(1, 99)) / 100).quantize(Decimal("0.01"))
            income_items += [{"code": first, "amount": part}, {"code": second, "amount": total - part}]
    kinds = {k: rng.randint(0, 5) for k in rng.sample(VEHICLE_KINDS, 2)}
    data = {
        "year": 2024,
        "unit": {"name": "测试单位", "kind": "行政", "department": "测试部门", "department_code": "001", "region": "测试县(区)"},
        "profile": {"duties": ["负责测试工作。"], "structure": "内设机构2个。"},
        "lines": lines,
        "income_items": income_items,
        "projects": projects,
        "prior_year": {
            "total": _yuan(rng, 1_000_000, 40_000_000),
            "general_budget_current": _yuan(rng, 1_000_000, 30_000_000),
            "three_public": {"vehicle_purchase": _yuan(rng, 0, 300_000), "reception": _yuan(rng, 0, 50_000)},
            "operating_costs": _yuan(rng, 100_000, 3_000_000),
        },
        "procurement": {"goods": _yuan(rng, 0, 900_000), "works": _yuan(rng, 0, 900_000), "services": _yuan(rng, 0, 900_000)},
        "assets": {"as_of": "2023年12月31日", "vehicle_quota": sum(kinds.values()) + rng.randint(0, 3), "vehicles": kinds,
                   "building_area": rng.randint(100, 20_000), "equipment_over_50w": 2, "equipment_over_100w": 1},
        "texts": {"change_reason": "业务调整。", "three_public_reason": "车辆更新。", "vehicle_purchase_reason": "车辆更新。",
                  "vehicle_operation_reason": "车辆增加。", "reception_reason": "接待减少。", "abroad_reason": "无出国任务。",
                  "operating_costs_reason": "人员变化。"},
    }
    return Budget.model_validate(data)
