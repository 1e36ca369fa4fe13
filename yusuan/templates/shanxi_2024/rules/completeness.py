"""Completeness against the disclosure rules for departmental budgets (财政部《地方预决算公开操作规程》,
财预〔2016〕143号, and the province's 2024 template): the required tables are present, an empty
table says so, 三公 is explained item by item with changes and reasons, and 机关运行经费, 政府采购,
国有资产占有使用, 绩效目标 and 名词解释 are disclosed. A missing item names its rule.
"""
from __future__ import annotations

import re

from ....report import Report, Section
from ....check import Finding, Location, rule
from .prose import first
from ....check.support import is_empty, memo


def _section(report: Report, *keywords: str) -> Section | None:
    """The first section whose title holds one of ``keywords``."""
    for section in report.explanations:
        title = section.title
        for k in keywords:
            if k in title:
                return section
    return None


@rule("C.profile", "第一部分 概况 states the unit's duties and its structure (职责, 机构设置), and the internal units listed add up to the number stated.",
      identity="profile.duties non-empty; profile.structure non-empty; internal_unit_count = Σ internal_units (\"N个…\" counts N)")
def profile(report: Report) -> list[Finding]:
    out = []
    if not report.profile.duties:
        out.append(Finding("C.profile", "error", Location(section="第一部分", quote="本单位职责"), "the unit's duties are not stated", "职责", "none"))
    if not report.profile.structure and not report.profile.internal_units:
        out.append(Finding("C.profile", "error", Location(section="第一部分", quote="机构设置情况"), "the unit's structure is not stated", "机构设置", "none"))
    stated, units = report.profile.internal_unit_count, report.profile.internal_units
    if stated is not None and units:
        # "11个派出所" stands for eleven units.
        counted = sum(int(m.group(1)) if (m := re.match(r"^(\d+)个", u.strip())) else 1 for u in units)
        if counted != stated:
            out.append(Finding("C.profile", "error", Location(section="第一部分", quote=f"内设机构{stated}个"),
                               "the internal units listed do not add up to the number stated", str(stated), str(counted),
                               f"{len(units)} named ({'、'.join(units)}) = {counted}"))
    return out


REQUIRED_SECTIONS = (
    (("收支", "变动"), "收支变动情况"), (("收入预算",), "收入预算情况"), (("支出预算",), "支出预算情况"),
    (("财政拨款收支",), "财政拨款收支预算总体情况"), (("一般公共预算支出",), "一般公共预算支出情况"),
    (("基本支出",), "一般公共预算基本支出情况"),
)


@rule("C.sections", "第三部分 explains the budget as the template requires: 收支变动, 收入, 支出, 财政拨款, 一般公共预算 and its 基本支出.",
      identity="a section titled like each of: " + "、".join(name for _, name in REQUIRED_SECTIONS))
def sections(report: Report) -> list[Finding]:
    out = []
    titles = [s.title for s in report.explanations]
    for keywords, name in REQUIRED_SECTIONS:
        if not any(all(k in title for k in keywords) for title in titles):
            out.append(Finding("C.sections", "error", Location(section="第三部分", quote=name), f"no section explains {name}", name, "absent"))
    return out


ITEMS = (("abroad", "因公出国（境）费", ("因公出国",)), ("reception", "公务接待费", ("公务接待",)),
         ("vehicle_purchase", "公务用车购置费", ("公务用车购置费",)), ("vehicle_operation", "公务用车运行维护费", ("公务用车运行",)))


def _sentence_with(text: str, words: tuple[str, ...]) -> str:
    for sentence in _sentences(text):
        if any(w in sentence for w in words):
            return sentence
    return ""


def _sentences(text: str) -> list[str]:
    """The text without blanks, split at ；;。 — once per text and check run (each 三公 item asks)."""
    return memo(("three-public.sentences", text), _split_sentences, text)


def _split_sentences(text: str) -> list[str]:
    return re.split(r"[；;。]", "".join(text.split()))


@rule("C.three-public", "“三公”经费 is explained item by item: each item's amount and change, and the reason of every change.",
      identity="three_public.<item> and three_public.<item>.change stated for 因公出国（境）费, 公务接待费, 公务用车购置费, 公务用车运行维护费; a change ≠ 0 comes with 原因")
def three_public(report: Report) -> list[Finding]:
    section = _section(report, "三公")
    if section is None:
        return [Finding("C.three-public", "error", Location(section="第三部分", quote="“三公”经费"), "“三公”经费 is not explained", "a section", "absent")]
    out = []
    for key, label, words in (("total", "“三公”经费", ("三公",)),) + ITEMS:
        amount, change = first(report, f"three_public.{key}"), first(report, f"three_public.{key}.change")
        if amount is None or change is None:
            missing = "amount" if amount is None else "change"
            out.append(Finding("C.three-public", "error", Location(section=section.number, quote=label), f"{label}: its {missing} is not stated",
                               f"{label} and its change", "absent"))
            continue
        if change[1].value != 0:
            sentence = change[1].text if "原因" in (change[1].text or "") else _sentence_with(section.text, words)
            if "原因" not in sentence and "原因" not in (change[1].text or ""):
                out.append(Finding("C.three-public", "error", Location(section=section.number, quote=sentence or label),
                                   f"{label} changes by {change[1].value}万元 without a reason", "原因", "none"))
    return out


def _disclosed(rule_id: str, report: Report, keywords: tuple[str, ...], name: str, subjects: tuple[str, ...]) -> list[Finding]:
    section = _section(report, *keywords)
    if section is None:
        return [Finding(rule_id, "error", Location(section="第三部分", quote=name), f"{name} is not disclosed", "a section", "absent")]
    return [Finding(rule_id, "error", Location(section=section.number, quote=name), f"{name}: {subject} is not stated", subject, "absent")
            for subject in subjects if first(report, subject) is None]


@rule("C.operating-costs", "机关运行经费 is disclosed with its amount and change.",
      identity="a 机关运行经费 section stating operating_costs and operating_costs.change")
def operating_costs(report: Report) -> list[Finding]:
    return _disclosed("C.operating-costs", report, ("机关运行经费",), "机关运行经费", ("operating_costs", "operating_costs.change"))


@rule("C.procurement", "政府采购 is disclosed: the total and goods, works and services.",
      identity="a 政府采购 section stating procurement.total, .goods, .works, .services")
def procurement(report: Report) -> list[Finding]:
    return _disclosed("C.procurement", report, ("政府采购",), "政府采购",
                      ("procurement.total", "procurement.goods", "procurement.works", "procurement.services"))


@rule("C.assets", "国有资产占有使用 is disclosed: vehicles, office space and equipment over 50万元.",
      identity="a 国有资产 section stating assets.vehicle_count, assets.building_area, assets.equipment_over_50w")
def assets(report: Report) -> list[Finding]:
    return _disclosed("C.assets", report, ("国有资产",), "国有资产占有使用情况",
                      ("assets.vehicle_count", "assets.building_area", "assets.equipment_over_50w"))


@rule("C.performance", "绩效目标 are disclosed: the section states the projects under 绩效目标管理, and project targets are published when there are projects.",
      identity="a 绩效 section stating performance.projects.count and .amount; T12 has projects ⇒ at least one 项目支出绩效目标表 (warning)")
def performance(report: Report) -> list[Finding]:
    out = _disclosed("C.performance", report, ("绩效",), "绩效目标", ("performance.projects.count", "performance.projects.amount"))
    t12 = report.table("12")
    if t12 is not None and not is_empty(t12) and not report.performance:
        out.append(Finding("C.performance", "warning", Location(table="12"), "there are projects but no 项目支出绩效目标表 is published",
                           "at least one", "0"))
    return out


@rule("C.glossary", "第四部分 名词解释 is present.", identity="glossary non-empty")
def glossary(report: Report) -> list[Finding]:
    if report.glossary:
        return []
    return [Finding("C.glossary", "error", Location(section="第四部分", quote="名词解释"), "名词解释 is missing", "名词解释", "absent")]
