"""Reading a 部门决算 as Shanghai prints it: tables found by their titles, the 说明 as claims.

The layout has no captions (公开表1 …) and its titles carry no year, so the line reader of
captioned layouts does not apply: ``read_document`` is called after detection
(yusuan/read/published.py) and does it all.

- The year and the department come from the cover (中共上海市普陀区委社会工作部2024年度 / 部门决算).
- The tables are found and read by yusuan/read/titled.py (a table starts at a line that is
  exactly one of the template's titles — the 目录 numbers its entries, 一、收入支出决算总表 — and
  runs to the next title or part heading); what this layout prints its own way is handled here:
  科目编码 in one column (2013901), two code columns in the 基本支出 table, the 合计 label of the
  基金/国资 tables inside a header row, the 类 a 收支总表 row names (一、一般公共服务支出 → 201).
- 第三部分 is cut into its numbered sections; every figure with a unit becomes a Claim, its
  subject from the words before it (docs/claims.md, "Shanghai 部门决算"), and a comparison — 决算数小于全年
  预算数的主要原因：…, 增加…万元 … 主要原因：… — is kept on the claim it is about
  (``relation``, ``reason``).
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from ...money import within_limits
from ...read.published import ReadResult
from ...read.published_lines import NUMERALS, Line, Problem
from ...read.titled import locate, read_table, squeeze
from ...report import Claim, Profile, Report, Section, Table, Term
from .. import TableSpec, Template

if TYPE_CHECKING:
    from ...catalog import Catalog
    from ...context import Context

COVER = re.compile(r"^\s*(\S*?)\s*(\d{4})年度\s*(?:部门决算)?\s*$")
PART = re.compile(r"^\s*第([一二三四])部分\s*(.*?)\s*$")
HEADING = re.compile(rf"^([{NUMERALS}]+)、(.+?)\s*$")
CODE = re.compile(r"^\d{3}(?:\d{2}){0,3}$")
NUMBERING = re.compile(rf"^\s*(?:[{NUMERALS}]+、|（[{NUMERALS}]+）|\d+(?:、|[.．](?!\d)))")  # 1、 1. — not 100.00%
SENTENCE_END = re.compile(r"[。；：！？]$")


def read_document(lines: list[Line], name: str, context: "Context") -> ReadResult:
    problems: list[Problem] = []
    year, unit_name = _cover(lines)
    if year is None:
        return ReadResult(None, [Problem("no year found on the cover (like 2024年度 部门决算)")], context.template_ref)
    template = context.template(year)
    parts = _parts(lines)
    # 第二部分's heading is printed in the 目录 only (the tables' page says "<unit>2024年度部门决算表"):
    # the tables are looked for everywhere, each ending at the next title or part heading.
    tables, found = _tables(lines, template, unit_name, context.catalog, problems)
    for spec in template.tables:
        if spec.id not in found:
            problems.append(Problem(f"{spec.title} is missing", table=spec.id))
    report = Report(template=template.id, year=year, unit_name=unit_name, tables=tables,
                    profile=_profile(parts.get("一", [])),
                    explanations=read_explanations(parts.get("三", []), tables),
                    glossary=_glossary(parts.get("四", [])))
    for number, what in (("一", "第一部分 概况"), ("三", "第三部分 情况说明"), ("四", "第四部分 名词解释")):
        if number not in parts:
            problems.append(Problem(f"{what} is missing"))
    return ReadResult(report, problems, template.id, [template.table(t).title for t in found])


# --- the document's frame -------------------------------------------------------------------


def _cover(lines: list[Line]) -> tuple[int | None, str]:
    """The year and the department's name: the cover reads "<unit><year>年度" (then 部门决算)."""
    for line in lines[:12]:
        match = COVER.match(line.text.replace("部门决算", "")) if "年度" in line.text else None
        if match:
            return int(match.group(2)), match.group(1)
    for line in lines:  # no cover: the first "<year>年度" of the text
        match = re.search(r"(\d{4})年度", line.text)
        if match:
            return int(match.group(1)), ""
    return None, ""


def _parts(lines: list[Line]) -> dict[str, list[Line]]:
    """The lines of each part (第一部分 … 第四部分) after the 目录: a part heading that comes
    again (the 目录 lists them first) starts its part anew."""
    parts: dict[str, list[Line]] = {}
    current: str | None = None
    for line in lines:
        match = PART.match(line.text)
        if match:
            current = match.group(1)
            parts[current] = []
            continue
        if current is not None:
            parts[current].append(line)
    return parts


# --- tables ---------------------------------------------------------------------------------


def _tables(lines: list[Line], template: Template, unit_name: str, catalog: "Catalog",
            problems: list[Problem]) -> tuple[list[Table], list[str]]:
    """The tables, found and read by yusuan/read/titled.py, then what this layout prints its
    own way: codes in one column, and a total label in a header row."""
    parts = tuple(line.text for line in lines if PART.match(line.text))
    found, _ = locate(lines, template.tables, stops=parts)
    tables: list[Table] = []
    for titled in found:
        titled.body = [_total_out_of_header(titled.spec, line) for line in titled.body]
        table, met = read_table(titled)
        problems += met
        tables.append(_coded(titled.spec, table.model_copy(update={"unit_name": unit_name}), catalog))
    order = {spec.id: i for i, spec in enumerate(template.tables)}
    tables.sort(key=lambda t: order[t.id])
    return tables, [t.id for t in tables]


def _total_out_of_header(spec: TableSpec, line: Line) -> Line:
    """The 基金/国资 tables print their 合计 label in the header row holding 本年支出's
    sub-headers (合计 | | | | 合计 | 基本支出 | 项目支出 |): the label starts the (empty) total
    row and the rest is header, so the line is given to the table reader as that row alone."""
    fields = line.text.split(" ")
    total = squeeze(spec.rows.total)
    headers = {squeeze(c.text) for c in spec.header_cells()}
    if (len(fields) == len(spec.columns) and spec.label_columns and squeeze(fields[0]) == total
            and len([f for f in fields if f.strip()]) > 1 and all(squeeze(f) in headers for f in fields[1:] if f.strip())):
        return Line(" ".join([fields[0]] + [""] * (len(fields) - 1)), line.no, line.page)
    return line


def _coded(spec: TableSpec, table: Table, catalog: "Catalog") -> Table:
    """Each row's code and level from the code printed in one column (科目编码 2013901; two code
    columns in the 基本支出 table, one a side), a label over merged code and name cells moved to
    the name column it spans to (as the split-code tables have it)."""
    keys = [c.key for c in spec.columns]
    rows = []
    for row in table.rows:
        labels = dict(row.labels)
        for key in ("code", "p_code", "c_code"):
            name = keys[keys.index(key) + 1] if key in keys and keys.index(key) + 1 < len(keys) else None
            text = squeeze(labels.get(key, ""))
            if text and not CODE.match(text) and name and not labels.get(name) and not spec.column(name).is_amount:
                labels[name] = labels.pop(key)
        code, level = _code_and_level(spec, labels, catalog)
        level = 0 if row.level == 0 else level
        rows.append(row.model_copy(update={"labels": labels, "code": code, "level": level}))
    return table.model_copy(update={"rows": rows})


def _code_and_level(spec: TableSpec, labels: dict[str, str], catalog: "Catalog") -> tuple[str | None, int]:
    """A row's classification code and depth (0 total, 1 类, 2 款, 3 项): the printed code, or —
    in a 收支总表, whose 类 rows are named only (一、一般公共服务支出) — the 类 the name is."""
    dimension = spec.rows.dimension
    if dimension.startswith("summary"):
        name = NUMBERING.sub("", labels.get("exp_item", ""))
        if name:
            found = [e for e in catalog.functional_classes() if e.name == name]
            if found:
                return found[0].code, 1
        income = labels.get("income_item", "")
        return None, 1 if NUMBERING.match(income) or NUMBERING.match(labels.get("exp_item", "")) else 0
    for key in ("code", "p_code", "c_code"):
        code = "".join(labels.get(key, "").split())
        if CODE.match(code):
            return code, (len(code) - 1) // 2
    return None, 0


# --- 第一部分, 第四部分 ---------------------------------------------------------------------


def _profile(lines: list[Line]) -> Profile:
    duties: list[str] = []
    structure: list[str] = []
    current = None
    for line in lines:
        if re.search(r"(?:部门决算表|决算表|决算总表)$", line.text.strip()):
            break  # 第一部分 ends where the tables begin (第二部分 has no heading of its own there)
        heading = HEADING.match(line.text.strip())
        if heading and len(line.text.strip()) < 40:
            current = "duties" if "职能" in heading.group(2) or "职责" in heading.group(2) else "structure"
            continue
        if current == "duties":
            duties.append(line.text.strip())
        elif current == "structure":
            structure.append(line.text.strip())
    return Profile(duties=duties, structure="\n".join(structure))


def _glossary(lines: list[Line]) -> list[Term]:
    terms = []
    for text in _paragraphs(lines):
        match = re.match(rf"^[{NUMERALS}]+、(.+?)[：:](.*)$", text)
        if match:
            terms.append(Term(term=match.group(1), text=match.group(2)))
    return terms


def _paragraphs(lines: list[Line]) -> list[str]:
    """Paragraphs of prose: the PDF reader joins a paragraph's wrapped lines on a page
    (yusuan/read/pdf.py); one broken across a page is joined here — a line that does not end a
    sentence, followed on the next page by one that does not start a numbered item."""
    out: list[str] = []
    previous: Line | None = None
    for line in lines:
        text = line.text.strip()
        if not text:
            continue
        if (out and previous is not None and previous.page != line.page and not SENTENCE_END.search(out[-1])
                and not NUMBERING.match(text) and not HEADING.match(text)):
            out[-1] += text
        else:
            out.append(text)
        previous = line
    return out


# --- 第三部分: sections and their claims -----------------------------------------------------


FIGURE = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*(万元|%|％|个|辆|台（套）|分|家)")
BOILERPLATE = re.compile(r"单价\s*\d+\s*万元（含）以上")
COMPARISON = re.compile(r"决算数(?:与)?(?:(年初|全年)?预算数?)?(大于|小于|等于|持平)(?:(年初|全年)?预算数)?(?:持平)?"
                        r"(?:的主要原因(?:是|为)?[：:]?(.*?)(?:。|$))?")
CHANGE_REASON = re.compile(r"主要原因(?:是|为)?[：:]?(.*?)(?:。|$)")
INCOME_SOURCES = ("财政拨款收入", "上级补助收入", "事业收入", "经营收入", "附属单位上缴收入", "其他收入")
SPENDING = {"基本支出": "basic", "项目支出": "project", "经营支出": "operating", "上缴上级支出": "remit",
            "对附属单位补助支出": "subsidiary"}
VEHICLES = ("部级领导干部用车", "主要领导干部用车", "机要通信用车", "应急保障用车", "执法执勤用车", "特种专业技术用车",
            "离退休干部用车", "其他用车")


def read_explanations(lines: list[Line], tables: list[Table]) -> list[Section]:
    """The numbered sections of 第三部分 (一、… 十一、), their text and claims."""
    sections: list[tuple[str, str, list[str]]] = []
    for text in _paragraphs(lines):
        heading = HEADING.match(text)
        if heading and len(text) <= 40 and not FIGURE.search(text):
            sections.append((heading.group(1), heading.group(2), []))
        elif sections:
            sections[-1][2].append(text)
        elif text != "说明":  # the part heading's wrapped last word
            sections.append(("", "", [text]))
    items = _items(tables)
    return [Section(number=number, title=title, text="\n".join(paragraphs),
                    claims=list(_claims(number, paragraphs, items)))
            for number, title, paragraphs in sections if number]


def _items(tables: list[Table]) -> dict[str, dict[tuple[str, ...], str]]:
    """Per fund (general, fund, soe): the (类, 款, 项) names of the rows of its table → the 项 code,
    so that 一般公共服务支出（类）社会工作事务（款）行政运行（项） is 2013901."""
    out: dict[str, dict[tuple[str, ...], str]] = {}
    for table_id, fund in (("5", "general"), ("8", "fund"), ("9", "soe")):
        table = next((t for t in tables if t.id == table_id), None)
        names: dict[str, str] = {}
        paths: dict[tuple[str, ...], str] = {}
        for row in table.rows if table else []:
            if row.code and row.code.isdigit():
                names[row.code] = "".join(row.label("name").split())
        for code in names:
            path = tuple(names.get(code[:width], "") for width in range(3, len(code) + 1, 2))
            paths[path] = code
        out[fund] = paths
    return out


def _fund_of(number: str) -> str:
    return {"八": "fund", "九": "soe", "七": "three_public"}.get(number, "general")


def _claims(number: str, paragraphs: list[str], items: dict[str, dict[tuple[str, ...], str]]) -> Iterator[Claim]:
    fund = _fund_of(number)
    for paragraph in paragraphs:
        prefix = fund
        item = re.match(r"^\d+[、.．](.+?（项）)", paragraph)
        if item:
            path = tuple(re.findall(r"([^（）]+?)（[类款项]）", item.group(1)))
            code = items.get(fund, {}).get(path)
            prefix = f"{fund}.item.{code or '·'.join(path)}"
        classes = {path[0]: code for path, code in items.get("general", {}).items() if len(path) == 1}
        yield from _paragraph_claims(number, paragraph, prefix, classes)


def _paragraph_claims(number: str, paragraph: str, prefix: str, classes: dict[str, str]) -> Iterator[Claim]:
    claims: list[Claim] = []
    last_amount: Claim | None = None  # what a following 占 / 增加 / 增长 is about
    final: Claim | None = None
    boiler = [m.span() for m in BOILERPLATE.finditer(paragraph)]
    for match in FIGURE.finditer(paragraph):
        if any(a <= match.start() < b for a, b in boiler):
            continue
        value_text, unit = match.group(1), match.group(2).replace("％", "%")
        try:
            value = Decimal(value_text.replace(",", ""))
        except InvalidOperation:
            continue
        if not within_limits(value):  # no amount (20 digits in a mangled text): text, not a claim
            continue
        start = max(paragraph.rfind(p, 0, match.start()) for p in "，。；：、")
        clause = paragraph[start + 1:match.start()]
        sentence = paragraph[max(paragraph.rfind(p, 0, match.start()) for p in "。；") + 1:match.start()]
        subject, relation = _subject(number, prefix, clause, sentence, unit, last_amount, classes)
        text = paragraph[start + 1:match.end()].strip()
        if relation in ("减少", "下降"):
            value = -value
        claim = Claim(subject=subject, value=value, unit=unit, text=text, relation=relation if relation else "")
        if relation in ("增加", "减少"):
            claim = _with_reason(claim, paragraph[match.end():], CHANGE_REASON)
        if subject.endswith(".final"):
            final = claim
        if unit == "万元" and not subject.endswith((".change",)):
            last_amount = claim
        claims.append(claim)
    if final is not None:
        comparison = COMPARISON.search(paragraph)
        if comparison:
            verb = comparison.group(2)
            base = comparison.group(1) or comparison.group(3) or ""
            index = claims.index(final)
            reason = comparison.group(4)
            claims[index] = final.model_copy(update={
                "relation": f"{'持平' if verb == '等于' else verb}{base}",
                "reason": None if reason is None else reason.strip()})
    yield from claims


def _with_reason(claim: Claim, rest: str, pattern: re.Pattern) -> Claim:
    """The reason that follows a change in its paragraph (主要原因：…。), None when none is given."""
    match = pattern.search(rest)
    return claim.model_copy(update={"reason": match.group(1).strip() if match else None})


def _subject(number: str, prefix: str, clause: str, sentence: str, unit: str, last: Claim | None,
             classes: dict[str, str]) -> tuple[str, str]:
    """The subject of a figure from the words before it (docs/claims.md), and the comparison
    word it is stated with (增加/减少/增长/下降), if any."""
    c = "".join(clause.split())
    s = "".join(sentence.split())
    base = last.subject if last is not None else prefix
    change = re.search(r"(增加|减少)$", c)
    if change and unit == "万元":
        return f"{base}.change", change.group(1)
    growth = re.search(r"(增长|下降)$", c)
    if growth and unit == "%":
        return f"{base.removesuffix('.change')}.growth", growth.group(1)
    if unit == "%" and c.startswith("占"):
        if "本年支出合计" in c:
            return f"{prefix}.share.expenditure", ""
        if last is not None:
            return _share_of(last.subject), ""
        return f"{prefix}.share", ""
    if unit == "%" and c.startswith("完成"):
        return (f"{prefix}.completion_full" if "全年" in c else f"{prefix}.completion"), ""
    if unit == "万元":
        for words, key in (("年初预算为", "budget"), ("全年预算为", "budget_full"), ("支出决算为", "final")):
            if c.endswith(words):
                return f"{prefix}.{key}", ""
        if number == "一" and "收入支出总计" in c:
            return "final.total", ""
        if number == "四" and "收入支出总计" in c:
            return "fiscal.total", ""
        if number == "二":
            if "本年收入合计" in c:
                return "income.total", ""
            for source in INCOME_SOURCES:
                if c.endswith(source):
                    return f"income.source.{source}", ""
        if number == "三":
            if "本年支出合计" in c:
                return "expenditure.total", ""
            for words, key in SPENDING.items():
                if c.endswith(words):
                    return f"expenditure.{key}", ""
        if number == "五":
            if c.endswith("（类）"):
                name = c[:-3]
                return f"general.class.{classes.get(name, name)}", ""
            if c.endswith("一般公共预算财政拨款支出"):
                return "general.total", ""
        if number == "六":
            for words, key in (("基本支出", "basic"), ("人员经费", "personnel"), ("公用经费", "public")):
                if c.endswith(words):
                    return f"general.{key}", ""
        if number == "十":
            return _performance(s, "amount"), ""
        if number == "十一":
            return _other(c, s), ""
    if unit == "个" and number == "十":
        return _performance(s, "count"), ""
    if unit == "分":
        return "performance.self.score", ""
    if unit in ("辆", "台（套）"):
        if "共有车辆" in c:
            return "assets.vehicle_count", ""
        for kind in VEHICLES:
            if c.endswith(kind):
                return f"assets.vehicles.{kind}", ""
        if unit == "台（套）":
            return "assets.equipment_over_100w", ""
    return f"figure.{number}", ""


def _share_of(subject: str) -> str:
    """占 after an amount: its share (income.source.X → income.share.X, expenditure.basic →
    expenditure.share.basic, general.class.X → general.share.X)."""
    head, _, tail = subject.rpartition(".")
    if head.endswith((".source", ".class")):
        return f"{head.rsplit('.', 1)[0]}.share.{tail}"
    return f"{head}.share.{tail}"


def _performance(sentence: str, what: str) -> str:
    stages = (("编报绩效目标", "targets"), ("绩效跟踪评价", "monitoring"), ("绩效自评", "self"))
    stage = next((key for words, key in stages if words in sentence), "other")
    for grade in ("不合格", "合格", "良", "优"):
        if f"“{grade}”" in sentence:
            return f"performance.self.grade.{grade}"
    if "发现问题" in sentence:
        return "performance.self.problems"
    return f"performance.{stage}.{what}"


def _other(clause: str, sentence: str) -> str:
    if clause.startswith("机关运行经费"):
        return "operating_costs"
    for words, key in (("货物采购金额", "goods"), ("工程采购金额", "works"), ("服务采购金额", "services")):
        if clause.endswith(words):
            return f"procurement.{key}"
    if "政府采购金额" in clause:
        return "procurement.total"
    if "面向中小企业预留" in clause:
        return "procurement.sme_reserved"
    if "面向小微企业预留" in clause:
        return "procurement.small_reserved"
    if "其他政府采购项目" in sentence and "中小企业供应商" in sentence:
        return "procurement.other.sme_awarded"
    if "由中小企业供应商" in sentence:
        return "procurement.sme_awarded"
    if "由小微企业供应商" in sentence:
        return "procurement.small_awarded"
    return "figure.十一"


__all__ = ["read_document", "read_explanations"]
