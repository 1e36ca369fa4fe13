"""Reading a Shanghai 预算 (部门 or 单位) document whole: its tables by their titles
(yusuan/read/titled.py), its parts by their printed headings, the figures of 编制说明 and
其他相关情况说明 as claims (docs/claims.md), the 项目经费情况说明 pages as ProjectNotes.

The body prints headings without the 目录's numbers: "{unit}主要职能", "{unit}机构设置",
"名词解释", "{year}年单位预算编制说明" (部门: 部门预算编制说明), the tables, "其他相关情况说明"
(its sections numbered 一、 …), then one page a project headed "{project}经费情况说明" (or
"{project}项目经费情况说明"). Our own text rendering prints the same headings.
"""
from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal
from typing import TYPE_CHECKING

from ...money import within_limits
from ...read.published import ReadResult
from ...read.published_lines import Line, Problem
from ...read.titled import PAGE_NUMBER, locate, read_table, rejoin, squeeze
from ...report import Claim, Profile, ProjectNote, Report, Row, Section, Table, Term

if TYPE_CHECKING:
    from ...context import Context

NUMERALS = "一二三四五六七八九十"
YEAR_TITLE = re.compile(r"^(\d{4})年\S*(?:预算总表|预算表|预算编制说明)$")
EXPLAINED = re.compile(r"^\d{4}年(?:单位|部门)预算编制说明$")
OTHER = "其他相关情况说明"
PROJECT = re.compile(r"^(.{2,80}?)(?:项目)?经费情况说明$")
SECTION = re.compile(rf"^([{NUMERALS}]+)、(.+)$")
PROJECT_PARTS = {"项目概述": "purpose", "立项依据": "basis", "实施主体": "subject", "实施方案": "plan",
                 "实施周期": "period", "年度预算安排": "budget", "绩效目标": "targets"}
# A figure of the prose: the number as printed and its unit. 万 alone is a project page's.
FIGURE = re.compile(r"(\d[\d,]*(?:\.\d+)?)(万元|%|个|辆|台（套）|家)")
# Not a figure of the report: the threshold of the equipment count.
THRESHOLD = re.compile(r"单价\s*100\s*万元")
CLAUSE_BREAK = re.compile(r"[，。；：、,;:]")
# A 项 named with its code's parts, as 司法局 prints its list: …（204类）…（06款）…（01项）.
CODED_ITEM = re.compile(r"[（(](\d{3})类[）)].*[（(](\d{2})款[）)].*[（(](\d{2})项[）)]$")
VEHICLES = ("部级领导干部用车", "主要领导干部用车", "机要通信用车", "应急保障用车", "执法执勤用车",
            "特种专业技术用车", "离退休干部用车", "其他用车")


def read_document(lines: list[Line], name: str, context: "Context") -> ReadResult:
    years = Counter(int(m.group(1)) for l in lines if (m := YEAR_TITLE.match(squeeze(l.text))))
    if not years:
        return ReadResult(None, [Problem("no title with a year (like 2025年部门收入预算总表) found")], context.template_ref)
    year = years.most_common(1)[0][0]
    template = context.template(year)
    problems: list[Problem] = []
    found, rest = locate(lines, template.tables, (OTHER, f"{year}年单位预算编制说明", f"{year}年部门预算编制说明"))
    tables: list[Table] = []
    for table_found in found:
        table, met = read_table(table_found)
        if template.table(table.id).rows.dimension == "single" and not table.rows:
            table.rows = [Row()]  # a one-row table (三公) whose row prints nothing still has it
        tables.append(table)
        problems += met
    order = {spec.id: i for i, spec in enumerate(template.tables)}
    if [t.id for t in tables] != sorted((t.id for t in tables), key=order.get):
        problems.append(Problem("the tables are out of order; they are kept in the template's order"))
        tables.sort(key=lambda t: order[t.id])
    for spec in template.tables:
        if not any(t.id == spec.id for t in tables):
            problems.append(Problem(f"{spec.title} is missing", table=spec.id))
    if not tables:
        return ReadResult(None, problems, template.id, [])
    units = Counter(t.unit_name for t in tables if t.unit_name)
    unit_name = units.most_common(1)[0][0] if units else _cover_unit(lines)
    parts = _parts(rest, unit_name)
    report = Report(template=template.id, year=year, unit_name=unit_name, tables=tables)
    duties = [l.text.strip() for l in rejoin(parts.get("profile", []))]
    structure = "\n".join(l.text.strip() for l in rejoin(parts.get("structure", [])))
    count = re.search(r"设(\d+)个内设机构", structure)
    report.profile = Profile(duties=duties, structure=structure,
                             internal_unit_count=int(count.group(1)) if count else None)
    report.glossary = _glossary(parts.get("glossary", []))
    sections = []
    if "explanations" in parts:
        text_lines = rejoin(parts["explanations"])
        section = Section(number="", title="", text="\n".join(l.text for l in text_lines))
        section.claims = claims(section.text, "", tables)
        sections.append(section)
    sections += _other_sections(parts.get("other", []), tables)
    report.explanations = sections
    report.projects = _projects(parts.get("projects", []))
    for what, heading in (("profile", "主要职能"), ("explanations", "预算编制说明"), ("other", OTHER)):
        if what not in parts:
            problems.append(Problem(f"the part {heading} is missing"))
    # No 项目经费情况说明 page is not a problem of reading: a 部门 prints pages only for the projects
    # it chooses to explain, and one without such projects prints none.
    return ReadResult(report, problems, template.id, [t.title for t in tables])


def _cover_unit(lines: list[Line]) -> str:
    for line in lines[:10]:
        m = re.match(r"^\s*(?:预算单位|预算主管部门)\s*[:：]\s*(\S+)", line.text)
        if m:
            return m.group(1)
    return ""


def _parts(lines: list[Line], unit_name: str) -> dict[str, list[Line]]:
    """The lines outside the tables by the part they stand in, found by the body's headings."""
    parts: dict[str, list[Line]] = {}
    current: str | None = None
    for line in lines:
        text = squeeze(line.text)
        if not text or PAGE_NUMBER.match(text):
            continue  # a page's number (-14-) is not part of the prose it stands under
        if text in ("目录", "目 录"):
            current = None
            continue
        project = PROJECT.match(text)
        if text.endswith("主要职能") and not SECTION.match(text) and "…" not in text:
            current = "profile"
        elif text.endswith("机构设置") and not SECTION.match(text) and "…" not in text:
            current = "structure"
        elif text == "名词解释":
            current = "glossary"
        elif EXPLAINED.match(text):
            current = "explanations"
        elif text == OTHER:
            current = "other"
        elif project and current in ("other", "projects") and not SECTION.match(text):
            current = "projects"
            parts.setdefault(current, []).append(line)  # the page's title names the project
        elif current is not None:
            parts.setdefault(current, []).append(line)
        continue
    return parts


def _glossary(lines: list[Line]) -> list[Term]:
    terms = []
    for line in rejoin(lines):
        m = re.match(rf"^\s*（[{NUMERALS}]+）\s*(.+?)[：:](.*)$", line.text)
        if m:
            terms.append(Term(term=m.group(1).strip(), text=m.group(2).strip()))
        elif terms:
            terms[-1] = Term(term=terms[-1].term, text=terms[-1].text + line.text.strip())
    return terms


def _other_sections(lines: list[Line], tables: list[Table]) -> list[Section]:
    sections: list[Section] = []
    body: list[Line] = []

    def close() -> None:
        if sections:
            text = "\n".join(l.text for l in rejoin(body))
            sections[-1].text = text
            sections[-1].claims = claims(text, sections[-1].number, tables)

    for line in lines:
        m = SECTION.match(line.text.strip())
        if m and len(m.group(2)) <= 40 and "。" not in m.group(2):
            close()
            sections.append(Section(number=m.group(1), title=m.group(2).strip(), text=""))
            body = []
        else:
            body.append(line)
    close()
    return sections


def _projects(lines: list[Line]) -> list[ProjectNote]:
    notes: list[ProjectNote] = []
    fields: dict[str, list[str]] = {}
    key: str | None = None

    def close() -> None:
        if notes:
            note = notes[-1]
            # a field's printed lines kept apart, the ones a page wrapped joined back
            values = {k: "\n".join(l.text for l in rejoin(v)) for k, v in fields.items()}
            budget = values.get("budget", "")
            amount = re.match(r"^\s*(?:\d{4}年度项目总预算)?\s*(\d[\d,]*(?:\.\d+)?)\s*万", budget)
            figure = Decimal(amount.group(1).replace(",", "")) if amount else None
            # model_copy does not validate: a figure that is no amount is left out here, or the
            # report.json written would be refused when read back
            notes[-1] = note.model_copy(update={**values, "amount": figure if figure is not None and within_limits(figure) else None})

    for line in lines:
        text = line.text.strip()
        m = SECTION.match(text)
        project = PROJECT.match(squeeze(text))
        if m and m.group(2).strip() in PROJECT_PARTS:
            key = PROJECT_PARTS[m.group(2).strip()]
            fields[key] = []
        elif project and key in (None, "targets"):
            close()
            title = squeeze(text)
            notes.append(ProjectNote(title=title, project=project.group(1)))
            fields, key = {}, None
        elif key is not None:
            fields[key].append(line)
    close()
    return notes


# --- claims ----------------------------------------------------------------------------------

def _clause(text: str, start: int, figure: int, end: int) -> str:
    """The printed clause that ends with a figure: from the last break (，。；：、) or the previous
    figure, whichever is later; an item's number (1.) is not part of it."""
    clause = text[start:figure]
    cut = max((m.end() for m in CLAUSE_BREAK.finditer(clause)), default=0)
    return re.sub(r"^\s*\d+[.．]\s*", "", clause[cut:]) + text[figure:end]


def _item_code(names: list[str], tables: list[Table]) -> str | None:
    """The 功能 code of the 类-款-项 the prose names (“一般公共服务支出-…-行政运行”), found among the
    functional tables' rows by name under name."""
    wanted = [squeeze(n) for n in names]
    for table in tables:
        rows = [r for r in table.rows if r.code and len(r.code) in (3, 5, 7)]
        by_code = {r.code: squeeze(r.label("name")) for r in rows}
        for row in rows:
            if len(row.code) == 2 * len(wanted) + 1 and all(
                    by_code.get(row.code[: 3 + 2 * i]) == wanted[i] for i in range(len(wanted))):
                return row.code
    return None


def _subject(before: str, unit: str, after: str, context: dict, tables: list[Table]) -> str:
    """What a figure is about, from the words before it in its sentence (and, for 家, after it)."""
    b = squeeze(before)
    if unit == "家":
        kind = re.match(r"(参公事业单位|事业单位|机关|行政单位)", after)
        return f"units.{kind.group(1) if kind else '?'}"
    if unit == "个":
        if b.endswith("预算单位") or re.search(r"本部门$", b):
            return "performance.units.count"
        return "performance.projects.count"
    if unit == "辆" or unit == "台（套）":
        prefix = "assets.purchase" if context.get("purchase") else "assets"
        if unit == "台（套）":
            return f"{prefix}.equipment_over_100w"
        for kind in VEHICLES:
            if b.endswith(kind):
                return f"{prefix}.vehicles.{kind}"
        return f"{prefix}.vehicle_count"
    change = re.search(r"比\d{4}年预算(?:执行数)?(增加|减少)$", b)
    if change:
        # a % after 比…增加 is the rate of the change (司法局: 比2025年预算执行数增加0.97%)
        return f"{context.get('last', 'unknown')}.{'growth' if unit == '%' else 'change'}"
    coded = CODED_ITEM.search(b)
    if coded:  # 公共安全支出（204类）司法（06款）行政运行（01项）: the code printed by its parts
        context["item"] = f"fiscal.item.{''.join(coded.groups())}"
        return context["item"]
    if "item" in context and re.search(r"\d{4}年(?:当年)?预算执行数为$", b):
        return f"{context['item']}.prior"  # last year's figure of the item just named
    if "item" in context and re.search(r"\d{4}年预算安排$", b):
        return f"{context['item']}.planned"  # the item's figure stated again
    quoted = re.search(r"“([^”]+)”(?:科目)?$", b)
    if quoted:
        names = [n for n in re.split(r"[-－—]|（[类款项]\)?）?|\([类款项]\)", quoted.group(1)) if n and n not in "）)"]
        names = [re.sub(r"[（(][类款项][）)]$", "", n) for n in names]
        code = _item_code(names, tables)
        return f"fiscal.item.{code or '-'.join(names)}"
    table = (
        (r"“三公”经费预算数为$", "three_public.total"),
        (r"因公出国（境）费$", "three_public.abroad"),
        (r"公务用车购置及运行费$", "three_public.vehicles"),
        (r"公务用车购置费$", "three_public.vehicle_purchase"),
        (r"公务用车运行(?:维护)?费$", "three_public.vehicle_operation"),
        (r"公务接待费$", "three_public.reception"),
        (r"机关运行经费预算为$", "operating_costs"),
        (r"预留给小型和微型企业的政府采购项目预算为$", "procurement.sme.small_micro"),
        (r"预留政府采购项目预算金额$", "procurement.sme"),
        (r"政府采购货物预算$", "procurement.goods"),
        (r"政府采购工程预算$", "procurement.works"),
        (r"政府采购服务预算$", "procurement.services"),
        (r"政府采购预算$", "procurement.total"),
        (r"涉及项目预算资金$", "performance.projects.amount"),
        (r"一般公共预算拨款支出预算$", "fiscal.source.一般公共预算"),
        (r"政府性基金(?:预算)?拨款支出预算$", "fiscal.source.政府性基金预算"),
        (r"国有资本经营预算拨款支出预算$", "fiscal.source.国有资本经营预算"),
        (r"财政拨款支出预算$", "fiscal.total"),
        (r"支出预算$", "expenditure.total"),
        (r"财政拨款收入$", "income.source.财政拨款收入"),
        (r"事业单位经营收入$", "income.source.事业单位经营收入"),
        (r"事业收入$", "income.source.事业收入"),
        (r"其他收入$", "income.source.其他收入"),
        (r"收入预算$", "income.total"),
    )
    for pattern, subject in table:
        if re.search(pattern, b):
            return subject
    return "unknown"


def claims(text: str, section: str, tables: list[Table]) -> list[Claim]:
    """Every figure of a section's text as a claim, in order; "比/与上年预算持平" as a change of 0
    of the figure before it. The subject comes from the words before the figure (docs/claims.md)."""
    found: list[Claim] = []
    for paragraph in text.split("\n"):
        context: dict = {}
        position = 0
        events = [(m.start(), m.end(), m) for m in FIGURE.finditer(paragraph)]
        events += [(m.start(), m.end(), None) for m in re.finditer(r"[比与]\d{4}年预算(?:执行数)?持平", paragraph)]
        for start, end, match in sorted(events, key=lambda e: e[0]):
            if start < position:
                continue
            sentence_start = max((m.end() for m in re.finditer(r"[。；]", paragraph[:start])), default=0)
            if "购置车辆" in paragraph[sentence_start:start] or "预算安排购置" in paragraph[sentence_start:start]:
                context["purchase"] = True
            elif context.get("purchase") and re.search(r"共有车辆", paragraph[sentence_start:start]):
                context["purchase"] = False
            if match is None:  # 持平: the figure before it is unchanged
                if "last" in context:
                    found.append(Claim(subject=f"{context['last']}.change", value=Decimal(0), unit="万元",
                                       text=paragraph[start:end], relation="持平"))
                position = end
                continue
            if THRESHOLD.match(paragraph[max(0, start - 4):end].lstrip("，、；")) or \
                    THRESHOLD.search(paragraph[max(0, start - 4):end]):
                position = end  # 单价100万元（含）以上: a threshold, not a figure
                continue
            before = paragraph[sentence_start:start]
            clause_before = paragraph[position:start]
            cut = max((m.end() for m in CLAUSE_BREAK.finditer(clause_before)), default=0)
            words = clause_before[cut:]
            subject = _subject(words if words.strip() else before, match.group(2), paragraph[end:end + 8], context, tables)
            value = Decimal(match.group(1).replace(",", ""))
            if not within_limits(value):  # no amount (20 digits in a mangled text): text, not a claim
                position = end
                continue
            relation = ""
            if subject.endswith((".change", ".growth")):
                relation = "减少" if "减少" in words else "增加"
                if relation == "减少":
                    value = -value
            elif not subject.endswith((".prior", ".planned")):
                # an item's restated figures leave the change that follows to the item itself
                context["last"] = subject
            found.append(Claim(subject=subject, value=value, unit=match.group(2),
                               text=_clause(paragraph, position, start, end), relation=relation))
            position = end
    return found
