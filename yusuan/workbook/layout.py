"""The budget workbook's sheets and columns, declared once: the writer draws them, the reader finds them.

Every sheet is one of three shapes:

- a *table* sheet (支出明细, 项目, 收入, 收入科目, 名词解释): a title row, one header row, then one
  record per row; the reader finds each column by its header text, so columns may be
  moved but not renamed or deleted;
- a *form* sheet (单位信息, 上年数, 政府采购, 资产, 说明文字): label in column A, value in
  column B, hint in column C; the reader finds each field by its label;
- the 绩效目标 sheet: one block per project, each a small form plus the funding rows
  and the indicator tree (see ``PERFORMANCE_*`` below).

``key`` is the field of the Budget model the cell fills (a dotted path for forms), so
the reader's errors can be mapped back from the model's paths to cells.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..budget import INCOME_SOURCES, SOURCES

# Cell kinds: how a value is written and read back.
TEXT, CODE, AMOUNT, NUMBER, INT, BOOL, CHOICE, FORMULA = "text", "code", "amount", "number", "int", "bool", "choice", "formula"

YUAN_FORMAT = "#,##0.00"  # amounts in 元 with 分
TEXT_FORMAT = "@"  # codes stay text: 013 keeps its zero, 2040201 is not a number

TITLE_ROW, HEADER_ROW, FIRST_ROW = 1, 2, 3
# Rows prepared (validations, unlocked cells, formulas) beyond the data already written.
SPARE_ROWS = 500
SUM_LAST_ROW = 20000  # running totals sum this far, so rows the officer inserts are counted


@dataclass(frozen=True)
class Column:
    key: str  # the model field; for FORMULA columns a name only
    header: str
    kind: str = TEXT
    required: bool = False  # the reader refuses the sheet when this column is missing
    choices: str | None = None  # defined name of a drop-down list on the 代码表 sheet
    width: int = 14
    hint: str = ""


@dataclass(frozen=True)
class TableSheet:
    name: str
    title: str
    columns: tuple[Column, ...]
    record_key: str = ""  # the column a rule about a whole row points at (else column A)

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    def letter(self, key: str) -> str:
        from openpyxl.utils import get_column_letter

        return get_column_letter(self.columns.index(self.column(key)) + 1)


@dataclass(frozen=True)
class Field:
    key: str  # dotted path into the Budget: "unit.name"; a list field repeats its label
    label: str
    kind: str = TEXT
    required: bool = False
    choices: str | None = None
    hint: str = ""
    repeated: bool = False  # one row per list element, all with this label


@dataclass(frozen=True)
class FormSheet:
    name: str
    title: str
    fields: tuple[Field, ...]


# --- drop-down lists on the hidden 代码表 sheet: defined name → header -------------------
LIST_FUNCTIONAL = "功能分类科目"
LIST_ECONOMIC = "经济分类科目"
LIST_GOV_ECONOMIC = "政府经济分类科目"
LIST_INCOME = "收入分类科目"  # the 项 and 目 of the income catalog (10301 政府性基金, 10306 国有资本经营)
LIST_SOURCES = "资金来源"
LIST_BASIC = "基本支出类型"
LIST_YES_NO = "是否"
LIST_LINE_UNIT_KIND = "单位性质"
LIST_UNIT_KIND = "单位类型"
LIST_PROJECT_KIND = "项目类型"
LIST_PROJECT_IDS = "项目编号列表"  # a range on the 项目 sheet, not on 代码表
CODES_SHEET = "代码表"
INSTRUCTIONS_SHEET = "说明"

YES, NO = "是", "否"

LINES = TableSheet(
    "支出明细",
    "支出明细：每行一笔支出，金额单位：元。科目从下拉列表选择（也可只填编码）。",
    (
        Column("func", "功能分类科目编码", CODE, True, LIST_FUNCTIONAL, 30, "支出功能分类 项（7位）"),
        Column("econ", "经济分类科目编码", CODE, True, LIST_ECONOMIC, 26, "部门预算支出经济分类 款（5位）"),
        Column("source", "资金来源", CHOICE, True, LIST_SOURCES, 16),
        Column("kind", "基本支出类型", CHOICE, True, LIST_BASIC, 14, "基本支出填 人员经费/公用经费；项目支出留空"),
        Column("project", "项目编号", TEXT, True, LIST_PROJECT_IDS, 12, "项目支出填项目编号；基本支出留空"),
        Column("carryover", "是否上年结转", BOOL, True, LIST_YES_NO, 12),
        Column("unit_kind", "单位性质", CHOICE, False, LIST_LINE_UNIT_KIND, 10, "仅当与单位不同时填写"),
        Column("gov_econ", "政府经济科目", CODE, False, LIST_GOV_ECONOMIC, 24, "仅当不按对应关系时填写"),
        Column("amount", "金额（元）", AMOUNT, True, None, 18),
    ),
    record_key="kind",  # "basic or project": the 基本支出类型 / 项目编号 pair
)

PROJECTS = TableSheet(
    "项目",
    "项目：每行一个项目，顺序即报告项目表中的顺序。",
    (
        Column("id", "项目编号", TEXT, True, None, 12),
        Column("name", "项目名称", TEXT, True, None, 48),
        Column("kind", "项目类型", CHOICE, True, LIST_PROJECT_KIND, 14),
        Column("needs_targets", "需填报绩效目标", BOOL, True, LIST_YES_NO, 16, "是：绩效目标表必须有本项目的一块"),
        Column("performance_order", "绩效目标表序号", INT, False, None, 16, "绩效目标表的顺序与本表不同时填写"),
        Column("current", "本年金额（元）", FORMULA, width=18),
        Column("carried", "上年结转（元）", FORMULA, width=18),
    ),
)

INCOME = TableSheet(
    "收入",
    "收入：本年收入按资金来源填写（元）；右侧随支出明细自动合计，差额应为0。",
    (
        Column("source", "资金来源", CHOICE, True, None, 18),
        Column("amount", "本年收入（元）", AMOUNT, True, None, 18),
        Column("lines", "支出明细本年合计（元）", FORMULA, width=22),
        Column("balance", "差额（元）", FORMULA, width=16),
        Column("carried", "上年结转（元）", FORMULA, width=16),
    ),
)
INCOME_TOTAL_LABEL = "合计"

# Optional: a workbook without this sheet (written before it existed) reads with no income_items.
INCOME_ITEMS = TableSheet(
    "收入科目",
    "收入科目：政府性基金预算、国有资本经营预算的本年收入按收入分类科目（项或目）填写（元），"
    "每个资金来源的合计应等于支出明细中该来源的本年支出（见收入表）；没有这两类收入则留空。",
    (
        Column("code", "收入科目编码", CODE, True, LIST_INCOME, 40, "收入分类 项（7位）或 目（9位），10301 或 10306 下；项与其目不要同时填"),
        Column("amount", "金额（元）", AMOUNT, True, None, 18),
        Column("source", "资金来源", FORMULA, width=22),
    ),
)
INCOME_ITEM_SOURCES = INCOME_SOURCES  # 款 → source: what the 资金来源 formula shows
INCOME_ITEM_NO_SOURCE = "（不在10301、10306下）"

GLOSSARY = TableSheet(
    "名词解释",
    "名词解释（可选）：留空则使用模板的标准名词解释。",
    (
        Column("term", "名词", TEXT, True, None, 24),
        Column("text", "解释", TEXT, True, None, 90),
    ),
)

UNIT = FormSheet(
    "单位信息",
    "单位信息：单位概况、职责与机构设置。",
    (
        Field("year", "预算年度", INT, True),
        Field("unit.name", "单位名称", TEXT, True),
        Field("unit.code", "单位编码", TEXT),
        Field("unit.kind", "单位类型", CHOICE, True, LIST_UNIT_KIND, "行政 / 事业 / 参公"),
        Field("unit.department", "主管部门", TEXT),
        Field("unit.department_code", "主管部门编码", TEXT),
        Field("unit.region", "地区", TEXT, hint="绩效目标表表头，如 屯留区县(区)"),
        Field("profile.structure", "机构设置情况", TEXT),
        Field("profile.internal_unit_count", "内设机构数", INT),
        Field("profile.duties", "职责", TEXT, repeated=True, hint="每行一条，可插入行"),
        Field("profile.internal_units", "内设机构", TEXT, repeated=True, hint="每行一个，可插入行"),
    ),
)

PRIOR_YEAR = FormSheet(
    "上年数",
    "上年数（元）：说明中与上年比较所用的数字。",
    (
        Field("prior_year.total", "上年收支总计", AMOUNT, True),
        Field("prior_year.general_budget_current", "上年一般公共预算当年支出", AMOUNT, True),
        Field("prior_year.operating_costs", "上年机关运行经费", AMOUNT, True),
        Field("prior_year.three_public.abroad", "上年因公出国（境）费", AMOUNT, True),
        Field("prior_year.three_public.reception", "上年公务接待费", AMOUNT, True),
        Field("prior_year.three_public.vehicle_purchase", "上年公务用车购置费", AMOUNT, True),
        Field("prior_year.three_public.vehicle_operation", "上年公务用车运行维护费", AMOUNT, True),
    ),
)

PROCUREMENT = FormSheet(
    "政府采购",
    "政府采购预算（元）。",
    (
        Field("procurement.goods", "货物类", AMOUNT, True),
        Field("procurement.works", "工程类", AMOUNT, True),
        Field("procurement.services", "服务类", AMOUNT, True),
    ),
)

VEHICLE_KINDS = ("领导用车", "机要通信用车", "应急保障用车", "执法执勤用车", "特种专业技术用车", "事业单位业务用车", "其他公务用车")
VEHICLE_PREFIX = "实有车辆："  # a 资产 row "实有车辆：执法执勤用车" fills assets.vehicles[执法执勤用车]

ASSETS = FormSheet(
    "资产",
    "国有资产占有使用：车辆留空表示不列出该类。",
    (
        Field("assets.as_of", "截至日期", TEXT, True, hint="如 2023年12月31日"),
        Field("assets.vehicle_quota", "车辆编制数", INT, True),
        Field("assets.building_area", "办公用房建筑总面积（平方米）", NUMBER, True),
        Field("assets.equipment_over_50w", "单位价值50万元以上通用设备（台套）", INT, True),
        Field("assets.equipment_over_100w", "单位价值100万元以上专用设备（台套）", INT, True),
    ),
)

TEXTS = FormSheet(
    "说明文字",
    "说明文字：只有人能写的说明。",
    (
        Field("texts.change_reason", "收支变动原因", TEXT, True),
        Field("texts.three_public_reason", "三公经费变动原因", TEXT, True),
        Field("texts.vehicle_purchase_reason", "公务用车购置费变动原因", TEXT, True),
        Field("texts.vehicle_operation_reason", "公务用车运行维护费变动原因", TEXT, True),
        Field("texts.reception_reason", "公务接待费变动原因", TEXT, True),
        Field("texts.abroad_reason", "因公出国（境）费变动原因", TEXT, True),
        Field("texts.operating_costs_reason", "机关运行经费变动原因", TEXT, True),
        Field("texts.purchase_service_catalog", "政府购买服务指导性目录", TEXT, True),
        Field("texts.other", "其他需要说明的事项", TEXT, True),
    ),
)

FORMS = (UNIT, PRIOR_YEAR, PROCUREMENT, ASSETS, TEXTS)

# --- 绩效目标: one block per project -----------------------------------------------------
PERFORMANCE_SHEET = "绩效目标"
PERFORMANCE_TITLE = "绩效目标：每个需填报绩效目标的项目一块，以「项目编号」行开始；年度列留空表示与实施期相同。"
BLOCK_START = "项目编号"  # column A of a block's first row; the id in column B
PERFORMANCE_FIELDS = (
    Field("department", "主管部门及代码", TEXT, hint="留空：主管部门编码-主管部门"),
    Field("implementing_unit", "实施单位", TEXT, hint="留空：本单位"),
    Field("attribute", "项目属性", TEXT),
    Field("period", "项目期", TEXT),
)
FUNDING_HEADER = ("项目资金（元）", "实施期", "年度")
FUNDING_ROWS = (
    ("central", "中央财政资金"),
    ("provincial", "省级财政资金"),
    ("local", "市县（区）财政资金"),
    ("self_raised", "单位自筹"),
    ("other", "其他资金"),
)
FUNDING_TOTAL = "资金合计"
PERFORMANCE_TEXTS = (
    Field("overview", "项目概况"),
    Field("basis", "立项依据"),
    Field("necessity", "项目设立必要性"),
    Field("measures", "保证项目实施的制度、措施"),
    Field("plan", "项目实施计划"),
    Field("goal", "总体目标（实施期）"),
    Field("goal_annual", "总体目标（年度）", hint="留空：与实施期相同"),
    Field("filled_at", "填报日期"),
)
INDICATOR_COLUMNS = (
    Column("level1", "一级指标", TEXT, True, None, 14),
    Column("level2", "二级指标", TEXT, True, None, 18),
    Column("level3", "三级指标", TEXT),
    Column("value", "指标值", TEXT),
    Column("annual_level3", "年度三级指标", TEXT, hint="留空：与实施期相同"),
    Column("annual_value", "年度指标值", TEXT, hint="留空：与实施期相同"),
)

# Sheets the reader requires, in the workbook's order (收入科目 and 名词解释 are optional).
REQUIRED_SHEETS = (UNIT.name, INCOME.name, LINES.name, PROJECTS.name, PERFORMANCE_SHEET,
                   PRIOR_YEAR.name, PROCUREMENT.name, ASSETS.name, TEXTS.name)
SOURCE_ORDER = SOURCES
