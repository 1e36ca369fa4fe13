"""The Report: what is published, whatever produced it (derive, or a reader of a PDF).

Every value is what the report *displays*: table cells in the table's unit (万元 with two
decimals in the seed's template), performance-target funding in 元. The Report knows
nothing of where it came from, so the same rules (check/) and renderers (render/) serve
a generated draft and a PDF found online.

Its JSON form (``Report.to_json`` / ``Report.from_json``) is the interchange format,
versioned by ``schema``; see docs/report-format.md.
"""
from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo, model_validator

from . import xmltext
from .defaults import empty_dict, empty_list
from .money import parse_amount

SCHEMA = "yusuan-report/1"


def _amount(value: object) -> object:
    """Every amount of a Report through money.parse_amount, as the budget's: a report.json with
    "1e10000000" is refused at load with its place, not rendered as ten million digits.
    A value may be negative (a change), and written as Python writes a Decimal (1E+2)."""
    if value is None or isinstance(value, Decimal) and value.is_finite() and value.copy_abs() < 10**12:
        return value  # what derive computes: checked cheaply
    if isinstance(value, float):  # a JSON number read by pydantic itself: its shortest exact text
        value = repr(value)
    if isinstance(value, str) and _PLAIN_SMALL.fullmatch(value):
        return Decimal(value)  # what a report.json holds: what parse_amount would give, decided by one regex
    return parse_amount(value, allow_negative=True, scientific=True)


# Plain digits under 10¹² with at most 10 decimals (as pydantic writes a Decimal): a subset of what
# money.parse_amount accepts, and within every limit it checks, so its Decimal is made directly.
_PLAIN_SMALL = re.compile(r"-?(?:0|[1-9][0-9]{0,11})(?:\.[0-9]{1,10})?")


Amount = Annotated[Decimal, BeforeValidator(_amount)]


# A JSON text can carry a character XML cannot hold only escaped — \u0000–\u001f, \b, \f, a
# surrogate \ud800–\udfff, \ufffe, \uffff — or as U+FFFE/U+FFFF itself (a raw control character
# is not JSON; a lone surrogate is not UTF-8). A report.json with none of these has no text to
# clean, and its models skip Model._xml_text: that validator was 60 % of loading a report. What
# only looks like one (an escaped backslash before "u0001") takes the full way.
_MAYBE_NOT_XML = re.compile(r"\\(?:u(?:00[01][0-9a-fA-F]|[dD][89a-fA-F][0-9a-fA-F]{2}|[fF]{3}[eEfF])|[bf])|[\ufffe\uffff]")
_ESCAPE = re.compile(r"\\[ubf]")  # a literal first character: searched as fast as str.find
_CLEAN_TEXT = {"yusuan": "every text XML can hold"}  # the validation context that says so


def json_context(text: str | bytes) -> dict | None:
    """The validation context for the models of ``text`` (a report.json): whether its texts can
    be taken as they are. Bytes are decoded by pydantic itself: no shortcut for them."""
    if not isinstance(text, str):
        return None
    # Quick searches first: a JSON text with no such escape at all (ours, written with ensure_ascii
    # off) is told in ~35 µs a 100 kB report; the whole pattern over it takes ~1 ms.
    if _ESCAPE.search(text) or "\ufffe" in text or "\uffff" in text:
        return None if _MAYBE_NOT_XML.search(text) else _CLEAN_TEXT
    return _CLEAN_TEXT


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="after")
    def _xml_text(self, info: ValidationInfo) -> "Model":
        # A control character (debris of a PDF's text, or typed into a report.json) would stop
        # the XLSX and DOCX renderers: removed here (xmltext). Once per model over its fields,
        # not a validator called for each field (a report has ~1,500 rows of five fields); a
        # field with nothing to remove is kept as pydantic made it (its own copy).
        if info.context is _CLEAN_TEXT:
            return self
        fields = self.__dict__
        for name, value in list(fields.items()):
            if isinstance(value, (str, list, dict)) and not xmltext.is_clean(value):
                fields[name] = xmltext.walk(value, xmltext.clean)
        return self


_new = object.__new__
_set = object.__setattr__


def _trusted(cls: type, fields: dict) -> "Model":
    """A model of ``fields``, exactly its fields' final values in their order, made without
    validation: what ``model_construct`` does, less its per-field lookups (a report derives ~170
    rows and ~100 claims). Only for values derive makes (see Row.trusted, Claim.trusted)."""
    model = _new(cls)
    _set(model, "__dict__", fields)
    _set(model, "__pydantic_fields_set__", set(fields))
    _set(model, "__pydantic_extra__", None)
    _set(model, "__pydantic_private__", None)
    return model


# A field left out of the JSON (and of model_dump) where it is None: decided by pydantic's serializer
# per field, not by a model serializer that takes the whole dict back into Python per row.
def _is_none(value: object) -> bool:
    return value is None


def _unwritten_if_none():
    return Field(None, exclude_if=_is_none)

Box = tuple[float, float, float, float]  # x0, top, x1, bottom: PDF points from the page's top-left corner (MediaBox)


class Span(Model):
    """One printed line of a section or a project form, on its page, so that a quoted sentence
    can be found on the page: a section's line says which characters of the section's text
    (whitespace left out) it prints, ``start``/``end`` (None where it could not be matched); a
    form's line, whose fields are printed in no one text, its own ``text`` (whitespace left out)."""

    page: int
    box: Box
    start: int | None = _unwritten_if_none()
    end: int | None = _unwritten_if_none()
    text: str | None = _unwritten_if_none()


class Place(Model):
    """Where something was read from: the page (a PDF's page number, or a workbook's "sheet 表3
    row 7") and the line of the extracted text. Derived reports have none.

    Read from a PDF, a place also knows where it is drawn (yusuan/read/boxes.py): ``box`` on
    ``page`` (a row's grid row, a table's caption, a section's heading, a form's title), for a
    row ``cells`` — the box of each amount cell by column key — and for a section or a project
    form ``spans``, its printed lines page by page. None (and not written) where unknown."""

    page: int | str | None = None
    line: int | None = None
    box: Box | None = _unwritten_if_none()
    cells: dict[str, Box] | None = _unwritten_if_none()
    spans: list[Span] | None = _unwritten_if_none()

    def __str__(self) -> str:
        if isinstance(self.page, str):
            return self.page
        return " ".join(p for p in (f"p.{self.page}" if self.page else "", f"l.{self.line}" if self.line else "") if p)


class Placed(Model):
    """A part of a report that remembers its place; the place is not part of what it says, so two
    reports equal in content are equal wherever they were read from, and a report.json carries
    a place only where there is one."""

    place: Place | None = _unwritten_if_none()

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        mine = {k: v for k, v in self.__dict__.items() if k != "place"}
        theirs = {k: v for k, v in other.__dict__.items() if k != "place"}
        return mine == theirs


class Row(Placed):
    """One table row. ``labels`` hold text columns (code, name, …), ``values`` amount columns,
    both keyed by the template's column keys; a missing or None value is an empty cell."""

    labels: dict[str, str] = Field(default_factory=empty_dict)
    values: dict[str, Amount | None] = Field(default_factory=empty_dict)
    level: int = 0  # hierarchy depth: 0 total, 1 类, 2 款, 3 项 (projects: 0 dept, 1 unit, 2 project)
    code: str | None = None  # classification code or project id, when the row has one

    @classmethod
    def trusted(cls, labels: dict[str, str] | None = None, values: dict[str, Decimal | None] | None = None,
                level: int = 0, code: str | None = None) -> "Row":
        """A row derive makes, without pydantic's validation: its ``values`` are exact Decimals
        (money.to_unit) or None, its labels texts; each dict copied, as validation would. The
        labels are still cleaned as the model validator would (a name from a --catalog CSV is not
        checked for control characters); a reader's row (read/) and a report.json go through
        full validation. tests/core/test_derive_fast_path.py compares both ways."""
        labels = {} if labels is None else dict(labels)
        if not xmltext.is_clean(labels):
            labels = xmltext.walk(labels, xmltext.clean)
        if code is not None and not code.isprintable():
            code = xmltext.clean(code)
        return _trusted(cls, {"place": None, "labels": labels, "values": {} if values is None else dict(values),
                              "level": level, "code": code})

    def value(self, key: str) -> Decimal | None:
        return self.values.get(key)

    def label(self, key: str) -> str:
        return self.labels.get(key, "")


class Table(Placed):
    id: str  # template table id: "1" … "13"
    caption: str  # 预算公开表1
    title: str  # 2024年预算收支总表
    unit_name: str = ""  # 长治市公安局屯留分局 (printed as 单位名称：…)
    unit: str = "万元"
    rows: list[Row] = Field(default_factory=empty_list)
    note: str | None = None  # 注：本表无数据

    @classmethod
    def trusted(cls, id: str, caption: str, title: str, unit_name: str, unit: str, rows: list[Row],
                note: str | None = None) -> "Table":
        """A table derive makes of its trusted rows (Row.trusted), without validation: validating a
        Table runs each row's model validator again. Texts cleaned as the model validator would."""
        return _trusted(cls, {"place": None, "id": xmltext.clean(id), "caption": xmltext.clean(caption),
                              "title": xmltext.clean(title), "unit_name": xmltext.clean(unit_name),
                              "unit": xmltext.clean(unit), "rows": list(rows),
                              "note": None if note is None else xmltext.clean(note)})

    def row(self, code: str) -> Row | None:
        return next((r for r in self.rows if r.code == code), None)

    def column(self, key: str) -> list[Decimal | None]:
        return [r.values.get(key) for r in self.rows]


class Claim(Model):
    """A figure stated in the prose, with what it is about, so a checker can recompute it.

    ``subject`` is a key of the claim vocabulary (see yusuan/templates/shanxi_2024/prose.py, CLAIM_SUBJECTS):
    e.g. ``income.total``, ``income.total.change``, ``income.total.growth``,
    ``income.share.一般公共预算``, ``general.class.204``.
    """

    subject: str
    value: Amount
    unit: str  # 万元, %, 个, 辆, 平方米, 台（套）, 人
    text: str = ""  # the words of the report that state it
    # A comparison the text makes with this figure (a 决算 against its 预算, a change against last
    # year): the wording it uses — 大于 / 小于 / 持平 / 增加 / 减少 — and the reason it gives
    # (None: no reason given; "": one announced, 主要原因是, and left empty). docs/claims.md.
    relation: str = ""
    reason: str | None = None

    @classmethod
    def trusted(cls, subject: str, value: Decimal, unit: str, text: str = "") -> "Claim":
        """A claim the prose writes (templates' prose.py), without pydantic's validation: ``value``
        through the same amount check (an exact Decimal the prose computed passes at once; a count
        becomes its Decimal), the texts cleaned as the model validator would; a reader's claim and a report.json go through full validation."""
        return _trusted(cls, {"subject": xmltext.clean(subject), "value": _amount(value), "unit": xmltext.clean(unit),
                              "text": xmltext.clean(text), "relation": "", "reason": None})


class Section(Placed):
    number: str  # 一 … 十二
    title: str  # 单位预算收支数据变动情况及原因
    text: str  # paragraphs separated by "\n"
    claims: list[Claim] = Field(default_factory=empty_list)

    @classmethod
    def trusted(cls, number: str, title: str, text: str, claims: list[Claim]) -> "Section":
        """A section the prose writes with its trusted claims (Claim.trusted), without validation
        (which would run each claim's model validator again); texts cleaned as it would."""
        return _trusted(cls, {"place": None, "number": xmltext.clean(number), "title": xmltext.clean(title),
                              "text": xmltext.clean(text), "claims": list(claims)})


class Funding(Model):
    """Project funding by level, in 元 (None: the cell is empty)."""

    total: Amount | None = None
    central: Amount | None = None  # 中央财政资金
    provincial: Amount | None = None  # 省级财政资金
    local: Amount | None = None  # 市县（区）财政资金
    self_raised: Amount | None = None  # 单位自筹
    other: Amount | None = None  # 其他资金

    @classmethod
    def trusted(cls, total, central, provincial, local, self_raised, other) -> "Funding":
        """A project's funding derive copies from its budget, without validation: each amount
        through the same amount check (a budget's Decimal passes at once), None kept."""
        return _trusted(cls, {key: None if value is None else _amount(value) for key, value in (
            ("total", total), ("central", central), ("provincial", provincial), ("local", local),
            ("self_raised", self_raised), ("other", other))})


class Indicator(Model):
    """A row of the indicator tree, for the 实施期 column and the 年度 column."""

    level1: str  # 产出指标 / 效益指标 / 满意度指标
    level2: str  # 数量指标 …
    level3: str = ""  # 改造面积
    value: str = ""  # 2761.43平方米, ＞96%, 及时
    annual_level2: str = ""
    annual_level3: str = ""
    annual_value: str = ""

    @classmethod
    def trusted(cls, level1: str, level2: str, level3: str, value: str, annual_level2: str, annual_level3: str,
                annual_value: str) -> "Indicator":
        """An indicator derive copies from its budget, without validation; texts cleaned as the
        model validator would."""
        return _trusted(cls, {"level1": xmltext.clean(level1), "level2": xmltext.clean(level2), "level3": xmltext.clean(level3),
                              "value": xmltext.clean(value), "annual_level2": xmltext.clean(annual_level2),
                              "annual_level3": xmltext.clean(annual_level3), "annual_value": xmltext.clean(annual_value)})


class PerformanceTable(Placed):
    """项目支出绩效目标表."""

    title: str = ""  # 屯留区县(区)级预算部门（单位）项目支出绩效目标表
    year: int
    project_name: str
    department: str  # 主管部门及代码: 013-长治市公安局屯留分局
    implementing_unit: str
    attribute: str  # 项目属性
    period: str  # 项目期
    funding_implementation: Funding
    funding_annual: Funding
    overview: str = ""  # 项目概况
    basis: str = ""  # 立项依据
    necessity: str = ""  # 项目设立必要性
    measures: str = ""  # 保证项目实施的制度、措施
    plan: str = ""  # 项目实施计划
    goal_implementation: str = ""  # 总体目标, 实施期
    goal_annual: str = ""  # 总体目标, 年度
    indicators: list[Indicator] = Field(default_factory=empty_list)
    filled_at: str = ""  # 填报日期

    @classmethod
    def trusted(cls, year: int, funding_implementation: Funding, funding_annual: Funding,
                indicators: list[Indicator], **texts: str) -> "PerformanceTable":
        """A project form derive makes of a budget's project (its Funding and Indicators trusted
        too), without validation, which would run the model validator of every indicator again;
        ``texts`` are its text fields (title, project_name … filled_at), each cleaned as the model
        validator would, "" where not given."""
        unknown = set(texts) - _PERFORMANCE_TEXTS
        if unknown:
            raise TypeError(f"PerformanceTable has no text field {', '.join(sorted(unknown))}")
        fields = {"place": None, "year": year, "funding_implementation": funding_implementation,
                  "funding_annual": funding_annual, "indicators": list(indicators)}
        return _trusted(cls, {key: fields[key] if key in fields else xmltext.clean(texts.get(key, ""))
                              for key in cls.model_fields})


_PERFORMANCE_TEXTS = {key for key, info in PerformanceTable.model_fields.items() if info.annotation is str}

class ProjectNote(Model):
    """A page explaining one project in prose (Shanghai's 项目经费情况说明): its seven printed
    headings 一、项目概述 … 七、绩效目标 as text, and the 万元 figure of 六、年度预算安排 when it
    opens with one (None when it is a sentence without a figure)."""

    title: str  # 科技创新专项经费情况说明, as printed
    project: str  # 科技创新专项
    amount: Amount | None = None  # 万元, as printed in 六、年度预算安排
    purpose: str = ""  # 一、项目概述
    basis: str = ""  # 二、立项依据
    subject: str = ""  # 三、实施主体
    plan: str = ""  # 四、实施方案
    period: str = ""  # 五、实施周期
    budget: str = ""  # 六、年度预算安排
    targets: str = ""  # 七、绩效目标


class Profile(Model):
    duties: list[str] = Field(default_factory=empty_list)
    structure: str = ""
    internal_unit_count: int | None = None
    internal_units: list[str] = Field(default_factory=empty_list)


class Assets(Model):
    as_of: str = ""  # 2023年12月31日
    vehicle_quota: int | None = None  # 编制
    vehicle_count: int | None = None  # 实有
    vehicles: dict[str, int] = Field(default_factory=empty_dict)  # kind -> count, official order
    building_area: Amount | None = None  # 平方米
    equipment_over_50w: int | None = None
    equipment_over_100w: int | None = None


class Procurement(Model):
    """政府采购 in 万元, as displayed."""

    total: Amount | None = None
    goods: Amount | None = None
    works: Amount | None = None
    services: Amount | None = None


class Term(Model):
    term: str
    text: str


class Report(Model):
    schema_: str = Field(SCHEMA, alias="schema")
    template: str = "shanxi-2024"
    source: str = ""  # the file it was read from (a published report), for the places of its parts
    year: int
    unit_name: str
    profile: Profile = Field(default_factory=Profile)
    tables: list[Table] = Field(default_factory=empty_list)
    explanations: list[Section] = Field(default_factory=empty_list)
    performance: list[PerformanceTable] = Field(default_factory=empty_list)
    projects: list[ProjectNote] = Field(default_factory=empty_list)  # 项目经费情况说明 pages
    assets: Assets = Field(default_factory=Assets)
    procurement: Procurement = Field(default_factory=Procurement)
    other_notes: dict[str, str] = Field(default_factory=empty_dict)  # 政府购买服务指导性目录, 其他
    glossary: list[Term] = Field(default_factory=empty_list)

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    def table(self, table_id: str) -> Table | None:
        return next((t for t in self.tables if t.id == table_id), None)

    def section(self, number: str) -> Section | None:
        return next((s for s in self.explanations if s.number == number), None)

    def to_json(self) -> str:
        return self.model_dump_json(by_alias=True, indent=1)

    @classmethod
    def from_json(cls, text: str) -> "Report":
        return cls.model_validate_json(text, context=json_context(text))

    @classmethod
    def load(cls, path: str | Path) -> "Report":
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        if not str(data.get("schema", "")).startswith("yusuan-report/"):
            raise ValueError(f"{path}: not a yusuan report (schema {data.get('schema')!r})")
        return cls.model_validate(data)
