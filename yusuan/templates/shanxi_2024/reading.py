"""The prose of a published report: 第一部分 (duties, structure), 第三部分 (numbered sections
with the figures they state, as claims — docs/claims.md), 国有资产, 其他说明, 第四部分 名词解释.

Extracted text wraps paragraphs at the page width, so lines are joined back into paragraphs:
a line continues the previous one unless the previous ended a sentence or was a heading, or
the line starts a numbered item or is indented.
"""
from __future__ import annotations

import re
from decimal import Decimal

from ...catalog import Catalog
from ...money import within_limits
from ...report import Assets, Claim, Procurement, Profile, Report, Section, Term
from ...read.published_lines import NUMERALS, Line, Problem
from ...read.published_tables import chinese_index, place_of

HEADING = re.compile(rf"^([{NUMERALS}]+)、(.+?)\s*$")
SUBHEADING = re.compile(rf"^(?:（[{NUMERALS}]+）|\d+、)[^，。；]*$")
N = r"(\d[\d,]*(?:\.\d+)?)"  # a figure as printed: 6,640.71 · 0 · 16.71
VEHICLE_KINDS = ("领导用车", "机要通信用车", "应急保障用车", "执法执勤用车", "特种专业技术用车", "事业单位业务用车", "其他公务用车")


def paragraphs(lines: list[Line]) -> list[str]:
    result: list[str] = []
    for line in lines:
        text = line.text.rstrip()
        if not text.strip():
            continue
        # two or more leading spaces indent a paragraph; one is a page break's artefact
        starts = text[:2].isspace() or re.match(rf"^(?:\d+、|（[{NUMERALS}]+）)", text)
        if result and not starts and not re.search(r"[。；：]$", result[-1]) and not SUBHEADING.match(result[-1].strip()):
            result[-1] += text.strip()
        else:
            result.append(text)
    return result


def _number(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


# --- 第一部分 ----------------------------------------------------------------------------

def read_profile(report: Report, lines: list[Line], problems: list[Problem]) -> Report:
    duties: list[str] = []
    structure: list[str] = []
    where = None
    for line in lines:
        text = line.text.strip()
        if not text:
            continue
        if re.match(r"^一、本单位职责", text) or re.match(r"^一、\S*职责", text):
            where = "duties"
        elif re.match(r"^二、机构设置", text):
            where = "structure"
        elif where == "duties":
            match = re.match(r"^(\d+)、(.*)$", text)
            if match:
                duties.append(match.group(2))
            elif duties:
                duties[-1] += text
        elif where == "structure":
            structure.append(text)
    text = "".join(structure)
    count = re.search(r"内设机构\s*(\d+)\s*个", text)
    named = re.search(r"包括(.+?)。?$", text)
    if not duties and lines:
        problems.append(Problem("第一部分: no numbered duties found", lines[0].no, lines[0].page))
    profile = Profile(duties=duties, structure=text, internal_unit_count=int(count.group(1)) if count else None,
                      internal_units=[u for u in re.split(r"[、，,]", named.group(1).rstrip("。")) if u] if named else [])
    return report.model_copy(update={"profile": profile})


# --- 第三部分 ----------------------------------------------------------------------------

def read_explanations(report: Report, lines: list[Line], catalog: Catalog, problems: list[Problem]) -> Report:
    """Numbered sections in order (一、 … 十二、); each heading must be the next number."""
    sections: list[tuple[str, str, list[Line], Line]] = []
    expected = 1
    for line in lines:
        match = HEADING.match(line.text.strip())
        if match and chinese_index(match.group(1)) == expected and len(match.group(2)) <= 30:
            sections.append((match.group(1), match.group(2), [], line))
            expected += 1
        elif sections:
            sections[-1][2].append(line)
    if not sections and lines:
        problems.append(Problem("第三部分: no numbered section found", lines[0].no, lines[0].page))
    result, update = [], {}
    for number, title, body, heading in sections:
        text = "\n".join(paragraphs(body))
        flat = re.sub(r"\s", "", text)
        claims = [Claim(subject=s, value=v, unit=u, text=t) for _, s, v, u, t in sorted(section_claims(number, flat, catalog), key=lambda c: c[0])
                  if within_limits(v)]  # no amount (20 digits in a mangled text): text, not a claim
        result.append(Section(number=number, title=title, text=text, claims=claims, place=place_of(heading)))
        if number == "十一":
            update["assets"] = _assets(flat, claims)
        if number == "九":
            update["procurement"] = _procurement(claims)
        if number == "十二":
            update["other_notes"] = _other_notes(text)
    return report.model_copy(update={"explanations": result, **update})


def _find(pattern: str, text: str, subject: str, unit: str, group: int = 1, start: int = 0, end: int | None = None,
          sign: int = 1, sign_group: int | None = None):
    """(position, subject, value, unit, text) for every match of ``pattern`` in text[start:end]."""
    found = []
    for match in re.finditer(pattern, text[start:end]):
        figure = match.group(group)
        value = _number(figure)
        if sign_group and match.group(sign_group) in ("减少", "下降"):
            value = -value
        found.append((start + match.start(group), subject, value * sign, unit, figure))
    return found


def _change(text: str, subject: str, start: int = 0, end: int | None = None, growth: bool = True):
    found = _find(rf"(增加|减少)\s*{N}万元", text, f"{subject}.change", "万元", 2, start, end, sign_group=1)
    if growth:
        found += _find(rf"(增长|下降){N}%", text, f"{subject}.growth", "%", 2, start, end, sign_group=1)
    return found


def section_claims(number: str, t: str, catalog: Catalog) -> list:
    """The claims of section ``number`` in its (whitespace-free) text, with their positions."""
    c: list = []
    if number == "一":
        split = t.find("支出总计")
        split = len(t) if split < 0 else split
        c += _find(rf"收入总计{N}万元", t, "income.total", "万元", end=split)
        c += _find(rf"本年收入{N}万元", t, "income.current", "万元", end=split)
        c += _find(rf"上年结转{N}万元", t, "income.carryover", "万元", end=split)
        c += _change(t, "income.total", end=split)
        c += _find(rf"支出总计{N}万元", t, "expenditure.total", "万元", start=split)
        c += _find(rf"本年预算安排{N}万元", t, "expenditure.current", "万元", start=split)
        c += _find(rf"上年结转{N}万元", t, "expenditure.carryover", "万元", start=split)
        c += _change(t, "expenditure.total", start=split)
    elif number == "二":
        c += _find(rf"预算收入{N}万元", t, "income.total", "万元")
        for source, name in (("一般公共预算", "一般公共预算拨款收入"), ("政府性基金预算", "政府性基金预算拨款收入"),
                             ("国有资本经营预算", "国有资本经营预算拨款收入"), ("财政专户管理资金", "财政专户管理资金收入"),
                             ("单位资金", "(?<!；)单位资金|；单位资金")):
            c += _find(rf"(?:{name}){N}万元", t, f"income.source.{source}", "万元")
            c += _find(rf"(?:{name}){N}万元，占{N}%", t, f"income.share.{source}", "%", 2)
        c += _find(rf"上年结转{N}万元", t, "income.carryover", "万元")
        c += _find(rf"上年结转{N}万元，占{N}%", t, "income.share.上年结转", "%", 2)
    elif number == "三":
        c += _find(rf"支出预算{N}万元", t, "expenditure.total", "万元")
        for key, name in (("basic", "基本支出"), ("project", "项目支出")):
            c += _find(rf"{name}{N}万元", t, f"expenditure.{key}", "万元")
            c += _find(rf"{name}{N}万元，占{N}%", t, f"expenditure.share.{key}", "%", 2)
    elif number == "四":
        c += _find(rf"收支总预算{N}万元", t, "fiscal.total", "万元")
        for source in ("一般公共预算", "政府性基金预算", "国有资本经营预算"):
            c += _find(rf"{source}拨款{N}万元", t, f"fiscal.source.{source}", "万元")
        c += _find(rf"当年拨款收入{N}万元", t, "fiscal.current", "万元")
        c += _find(rf"上年结转收入{N}万元", t, "fiscal.carryover", "万元")
        start = t.find("支出包括")
        if start >= 0:
            for match in re.finditer(rf"([^、：；，。\d]+?){N}万元", t[start + 5:]):
                code = _class_code(catalog, match.group(1))
                if code:
                    c.append((start + 5 + match.start(2), f"fiscal.class.{code}", _number(match.group(2)), "万元", match.group(2)))
    elif number == "五":
        c += _find(rf"一般公共预算当年支出{N}万元", t, "general.current", "万元")
        c += _change(t, "general.current", end=t.find("（二）") if "（二）" in t else None)
        start = t.find("主要用于")
        if start >= 0:
            for match in re.finditer(rf"([^、：；，。\d]+?){N}万元，占{N}%", t[start:]):
                code = _class_code(catalog, match.group(1))
                if code:
                    c.append((start + match.start(2), f"general.class.{code}", _number(match.group(2)), "万元", match.group(2)))
                    c.append((start + match.start(3), f"general.share.{code}", _number(match.group(3)), "%", match.group(3)))
    elif number == "六":
        c += _find(rf"基本支出{N}万元", t, "general.basic", "万元")
        c += _find(rf"人员经费{N}万元", t, "general.personnel", "万元")
        c += _find(rf"公用经费{N}万元", t, "general.public", "万元")
    elif number == "七":
        head_end = t.find("其中：")
        head_end = len(t) if head_end < 0 else head_end
        c += _find(rf"“三公”经费预算{N}万元", t, "three_public.total", "万元", end=head_end)
        c += _change(t, "three_public.total", end=head_end, growth=False)
        for match in re.finditer(r"与上年预算数相同", t[:head_end]):
            c.append((match.start(), "three_public.total.change", Decimal(0), "万元", ""))
        for key, label in (("abroad", "因公出国（境）费"), ("reception", "公务接待费"),
                           ("vehicle_operation", "公务用车运行维护费"), ("vehicle_purchase", "公务用车购置费")):
            for match in re.finditer(rf"{re.escape(label)}{N}万元，(与上年预算数相同|与上年相比预算数(增加|减少){N}万元)", t[head_end:]):
                at = head_end + match.start()
                c.append((at + match.start(1) - match.start(), f"three_public.{key}", _number(match.group(1)), "万元", match.group(1)))
                if match.group(3):
                    value = _number(match.group(4)) * (-1 if match.group(3) == "减少" else 1)
                    c.append((head_end + match.start(4), f"three_public.{key}.change", value, "万元", match.group(4)))
                else:
                    c.append((head_end + match.start(2), f"three_public.{key}.change", Decimal(0), "万元", ""))
    elif number == "八":
        c += _find(rf"机关运行经费\S*?预算{N}万元", t, "operating_costs", "万元")
        c += _change(t, "operating_costs")
    elif number == "九":
        c += _find(rf"预算总额{N}万元", t, "procurement.total", "万元")
        for key, name in (("goods", "货物"), ("works", "工程"), ("services", "服务")):
            c += _find(rf"{name}预算{N}万元", t, f"procurement.{key}", "万元")
    elif number == "十":
        published = t.find("公开项目绩效目标")
        published = len(t) if published < 0 else published
        c += _find(rf"整体绩效目标{N}个", t, "performance.overall.count", "个")
        c += _find(rf"涉及资金{N}万元", t, "performance.overall.amount", "万元")
        c += _find(rf"二级项目{N}个", t, "performance.projects.count", "个")
        c += _find(rf"共计金额{N}万元", t, "performance.projects.amount", "万元")
        c += _find(rf"公开项目绩效目标{N}个", t, "performance.published.count", "个")
        c += _find(rf"公开项目绩效目标{N}个，涉及项目金额{N}万元", t, "performance.published.amount", "万元", 2)
        c += _find(rf"项目支出总额的{N}%", t, "performance.published.share", "%")
        for kind in ("其他运转类", "特定目标类"):
            c += _find(rf"{kind}项目{N}个", t, f"performance.{kind}.count", "个", end=published)
            c += _find(rf"{kind}项目{N}个，涉及金额{N}万元", t, f"performance.{kind}.amount", "万元", 2, end=published)
            c += _find(rf"{kind}项目{N}个", t, f"performance.published.{kind}.count", "个", start=published)
            c += _find(rf"{kind}项目{N}个，涉及项目金额{N}万元", t, f"performance.published.{kind}.amount", "万元", 2, start=published)
    elif number == "十一":
        c += _find(rf"公务用车编制{N}辆", t, "assets.vehicle_quota", "辆")
        c += _find(rf"实有{N}辆", t, "assets.vehicle_count", "辆")
        for kind in (*VEHICLE_KINDS, *{m for m in re.findall(r"[，：]([^，：；。\d]{2,12}用车)\d", t) if m not in VEHICLE_KINDS}):
            c += _find(rf"(?<=[，：]){kind}{N}辆", t, f"assets.vehicles.{kind}", "辆")
        c += _find(rf"建筑总面积{N}平方米", t, "assets.building_area", "平方米")
        c += _find(rf"50万元（原值）以上的通用设备{N}台（套）", t, "assets.equipment_over_50w", "台（套）")
        c += _find(rf"100万元（原值）以上的通用设备{N}台（套）", t, "assets.equipment_over_100w", "台（套）")
    return c


def _class_code(catalog: Catalog, name: str) -> str | None:
    found = [e for e in catalog.by_name("functional", name) if e.level == "类"]
    return found[0].code if found else None


def _assets(flat: str, claims: list[Claim]) -> Assets:
    by = {c.subject: c.value for c in claims}
    as_of = re.search(r"截至(\d{4}年\d{1,2}月\d{1,2}日)", flat)
    count = lambda key: int(by[key]) if key in by else None  # noqa: E731
    return Assets(
        as_of=as_of.group(1) if as_of else "",
        vehicle_quota=count("assets.vehicle_quota"),
        vehicle_count=count("assets.vehicle_count"),
        vehicles={c.subject.removeprefix("assets.vehicles."): int(c.value) for c in claims if c.subject.startswith("assets.vehicles.")},
        building_area=by.get("assets.building_area"),
        equipment_over_50w=count("assets.equipment_over_50w"),
        equipment_over_100w=count("assets.equipment_over_100w"),
    )


def _procurement(claims: list[Claim]) -> Procurement:
    by = {c.subject.removeprefix("procurement."): c.value for c in claims if c.subject.startswith("procurement.")}
    return Procurement(**by)


def _other_notes(text: str) -> dict[str, str]:
    notes: dict[str, str] = {}
    key = None
    for paragraph in text.split("\n"):
        match = re.match(rf"^\s*（[{NUMERALS}]+）(.+?)\s*$", paragraph)
        if match:
            key = match.group(1)
            notes[key] = ""
        elif key is not None:
            notes[key] = (notes[key] + "\n" if notes[key] else "") + paragraph.strip()
    return notes


# --- 第四部分 ----------------------------------------------------------------------------

def read_glossary(report: Report, lines: list[Line], problems: list[Problem]) -> Report:
    items: list[str] = []
    for line in lines:
        text = line.text.strip()
        if not text:
            continue
        match = HEADING.match(text) if "、" in text[:4] else None
        if match and chinese_index(match.group(1)) == len(items) + 1:
            items.append(match.group(2))
        elif items:
            items[-1] += text
    terms = []
    for item in items:
        head = item[:24]
        if "：" in head:
            term, _, text = item.partition("：")
        else:  # 九、一般公共预算是指以税收为主体的…
            match = re.match(r"^(.+?)(是指|是对|是|指)(.*)$", item)
            term, text = (match.group(1), match.group(2) + match.group(3)) if match else (item, "")
        terms.append(Term(term=term.strip(), text=text.strip()))
    return report.model_copy(update={"glossary": terms})
