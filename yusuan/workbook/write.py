"""Write the budget workbook a finance officer fills: empty (a template) or filled from a Budget.

Everything about where things go comes from layout.py, which the reader shares. The
workbook guides the officer: drop-down lists from the classification catalogs (kept on
a hidden 代码表 sheet and referenced by defined names), 元 number formats, running totals
as formulas, header rows locked (sheet protection without a password, data cells
unlocked) and frozen.
"""
from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..budget import SOURCES, Budget, Funding
from . import layout as L

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
TITLE_FONT = Font(bold=True, size=12)
TOTAL_FILL = PatternFill("solid", fgColor="FFF2CC")
UNLOCKED = Protection(locked=False)
WRAP = Alignment(wrap_text=True, vertical="top")


def code_label(code: str, name: str | None) -> str:
    """What a code cell shows: ``2040201 行政运行``; the reader keeps the first word."""
    return f"{code} {name}" if name else code


class _Writer:
    def __init__(self, budget: Budget | None, year: int, kind: str, catalog):
        from ..catalog import Catalog

        self.budget = budget
        self.year = year
        self.kind = kind
        self.catalog = catalog or Catalog.default()
        self.wb = Workbook()
        self.wb.remove(self.wb.active)

    # ------------------------------------------------------------------ cells
    def _name(self, kind: str, code: str) -> str | None:
        lookup = {"functional": self.catalog.functional, "dept": self.catalog.dept_economic, "gov": self.catalog.gov_economic,
                  "income": self.catalog.income}[kind]
        try:
            return lookup(code).name
        except Exception:  # an unknown code is written as it is; the reader will name it
            return None

    def put(self, ws: Worksheet, ref: str, value: object, kind: str = L.TEXT, *, unlocked: bool = True) -> None:
        cell = ws[ref]
        if value is None or value == "":
            cell.value = None
        elif kind in (L.AMOUNT, L.NUMBER):
            cell.value = _number(value)
        elif kind == L.BOOL:
            cell.value = L.YES if value else L.NO
        elif kind == L.INT:
            cell.value = int(value)
        else:
            cell.value = str(value)
            cell.data_type = "s"  # text that starts with "=" stays text, not a formula
        if kind == L.AMOUNT:
            cell.number_format = L.YUAN_FORMAT
        elif kind in (L.CODE, L.TEXT, L.CHOICE):
            cell.number_format = L.TEXT_FORMAT
        if kind == L.TEXT and isinstance(cell.value, str) and ("\n" in cell.value or len(cell.value) > 40):
            cell.alignment = WRAP
        if unlocked:
            cell.protection = UNLOCKED

    def header(self, ws: Worksheet, row: int, labels: list[str]) -> None:
        for col, label in enumerate(labels, 1):
            cell = ws.cell(row, col, label)
            cell.font, cell.fill = HEADER_FONT, HEADER_FILL

    def title(self, ws: Worksheet, text: str) -> None:
        ws.cell(L.TITLE_ROW, 1, text).font = TITLE_FONT

    def validate(self, ws: Worksheet, list_name: str | None, ref: str, kind: str) -> None:
        if not list_name:
            return
        # Codes may be typed without their name, so a value outside the list only warns.
        dv = DataValidation(type="list", formula1=f"={list_name}", allow_blank=True,
                            errorStyle="warning" if kind == L.CODE or list_name == L.LIST_PROJECT_IDS else "stop",
                            showErrorMessage=True, error="不在下拉列表中", errorTitle=ws.title)
        dv.add(ref)
        ws.add_data_validation(dv)

    def protect(self, ws: Worksheet, freeze: str) -> None:
        ws.freeze_panes = freeze
        p = ws.protection
        p.sheet = True  # no password: the header is protected from slips, not from the officer
        p.insertRows = p.deleteRows = p.formatColumns = p.formatRows = p.autoFilter = p.sort = False

    # ------------------------------------------------------------------ sheets
    def instructions(self) -> None:
        ws = self.wb.create_sheet(L.INSTRUCTIONS_SHEET)
        ws.column_dimensions["A"].width = 110
        lines = [
            f"{self.year}年部门（单位）预算填报工作簿 — yusuan",
            "",
            "填写顺序：单位信息 → 项目 → 支出明细 → 收入 →（有政府性基金、国有资本经营收入时）收入科目 → 绩效目标 → 上年数 → 政府采购 → 资产 → 说明文字 →（可选）名词解释。",
            "金额一律以「元」填写，最多两位小数；不要合并单元格，不要改工作表名称和表头（第2行）。",
            "支出明细每行一笔：功能分类（项，7位）、经济分类（款，5位）从下拉列表选择，也可只输入编码。",
            "基本支出填「基本支出类型」（人员经费/公用经费）并留空项目编号；项目支出填项目编号并留空基本支出类型。",
            "收入表右侧随支出明细自动合计，「差额」应为0；项目表显示每个项目的本年金额和上年结转。",
            "收入科目表：政府性基金预算、国有资本经营预算的本年收入按收入分类科目（10301、10306下的项或目，从下拉列表选择）逐行填写，"
            "每个来源的合计须等于支出明细中该来源的本年支出；一个项与它的目不要同时填。没有这两类收入则留空。",
            "项目表「需填报绩效目标」为「是」的项目，必须在绩效目标表有一块（以「项目编号」行开始）；为「否」的项目不得有。",
            "绩效目标的资金（元）分实施期与年度两列，年度列全部留空表示与实施期相同；指标行每行一个三级指标。",
            "表头已锁定（工作表保护，无密码）；可插入行。检查与生成：yusuan check budget.xlsx；yusuan build budget.xlsx -o 输出目录。",
            "错误会指出工作表和单元格，例如：支出明细!B17: unknown economic code 30299x。",
        ]
        for row, text in enumerate(lines, 1):
            ws.cell(row, 1, text).alignment = Alignment(wrap_text=True)
        ws["A1"].font = TITLE_FONT

    def codes(self) -> None:
        """The hidden 代码表: every drop-down list, each a column under a defined name."""
        ws = self.wb.create_sheet(L.CODES_SHEET)
        lists = {
            L.LIST_FUNCTIONAL: [code_label(e.code, e.name) for e in self.catalog.entries("functional") if e.level == "项"],
            L.LIST_ECONOMIC: [code_label(e.code, e.name) for e in self.catalog.entries("dept") if e.level == "款"],
            L.LIST_GOV_ECONOMIC: [code_label(e.code, e.name) for e in self.catalog.entries("gov") if e.level == "款"],
            L.LIST_INCOME: [code_label(e.code, e.name) for e in self.catalog.entries("income") if e.level in ("项", "目")],
            L.LIST_SOURCES: list(SOURCES),
            L.LIST_BASIC: ["人员经费", "公用经费"],
            L.LIST_YES_NO: [L.YES, L.NO],
            L.LIST_LINE_UNIT_KIND: ["行政", "事业"],
            L.LIST_UNIT_KIND: ["行政", "事业", "参公"],
            L.LIST_PROJECT_KIND: ["其他运转类", "特定目标类"],
        }
        for col, (name, values) in enumerate(lists.items(), 1):
            ws.cell(1, col, name).font = HEADER_FONT
            for row, value in enumerate(values, 2):
                ws.cell(row, col, value).data_type = "s"
            letter = get_column_letter(col)
            ref = f"{quote_sheetname(ws.title)}!${letter}$2:${letter}${len(values) + 1}"
            self.wb.defined_names[name] = DefinedName(name, attr_text=ref)
            ws.column_dimensions[letter].width = 30
        ws.sheet_state = "hidden"
        self.protect(ws, "A2")

    def table(self, sheet: L.TableSheet, rows: list[dict]) -> Worksheet:
        """A table sheet: title, header, the given records, then spare prepared rows."""
        ws = self.wb.create_sheet(sheet.name)
        self.title(ws, sheet.title)
        self.header(ws, L.HEADER_ROW, [c.header for c in sheet.columns])
        last = L.FIRST_ROW + len(rows) + L.SPARE_ROWS - 1
        for col, column in enumerate(sheet.columns, 1):
            letter = get_column_letter(col)
            ws.column_dimensions[letter].width = column.width
            if column.hint:
                ws.cell(L.HEADER_ROW, col).comment = _comment(column.hint)
            if column.kind == L.FORMULA:
                continue
            # Rows the officer adds beyond those prepared still take the column's format and are editable.
            dim = ws.column_dimensions[letter]
            dim.protection = UNLOCKED
            dim.number_format = L.YUAN_FORMAT if column.kind == L.AMOUNT else (L.TEXT_FORMAT if column.kind in (L.CODE, L.TEXT, L.CHOICE) else "General")
            self.validate(ws, column.choices, f"{letter}{L.FIRST_ROW}:{letter}{last}", column.kind)
            # Spare rows need no cells of their own: the column's style unlocks and formats them.
            for i, row in enumerate(rows):
                self.put(ws, f"{letter}{L.FIRST_ROW + i}", row.get(column.key), column.kind)
        self.protect(ws, f"A{L.FIRST_ROW}")
        return ws

    def lines(self) -> None:
        rows = []
        for line in self.budget.lines if self.budget else []:
            rows.append({
                "func": code_label(line.func, self._name("functional", line.func)),
                "econ": code_label(line.econ, self._name("dept", line.econ)),
                "source": line.source, "kind": line.kind, "project": line.project,
                "carryover": line.carryover, "unit_kind": line.unit_kind,
                "gov_econ": code_label(line.gov_econ, self._name("gov", line.gov_econ)) if line.gov_econ else None,
                "amount": line.amount,
            })
        ws = self.table(L.LINES, rows)
        amount = L.LINES.letter("amount")
        label_col = get_column_letter(L.LINES.columns.index(L.LINES.column("amount")))
        ws[f"{label_col}{L.TITLE_ROW}"] = "合计（元）"
        ws[f"{amount}{L.TITLE_ROW}"] = f"=SUM({amount}{L.FIRST_ROW}:{amount}{L.SUM_LAST_ROW})"
        ws[f"{amount}{L.TITLE_ROW}"].number_format = L.YUAN_FORMAT
        ws[f"{amount}{L.TITLE_ROW}"].fill = TOTAL_FILL

    def _sumifs(self, criteria: list[tuple[str, str]]) -> str:
        """SUMIFS over 支出明细's amounts: the running totals the officer sees while typing."""
        sheet = quote_sheetname(L.LINES.name)
        amount = L.LINES.letter("amount")
        parts = [f"{sheet}!${amount}${L.FIRST_ROW}:${amount}${L.SUM_LAST_ROW}"]
        for key, criterion in criteria:
            letter = L.LINES.letter(key)
            parts += [f"{sheet}!${letter}${L.FIRST_ROW}:${letter}${L.SUM_LAST_ROW}", criterion]
        return f"SUMIFS({','.join(parts)})"

    def projects(self) -> None:
        budget = self.budget
        order = {pid: i + 1 for i, pid in enumerate(budget.performance_order)} if budget and budget.performance_order else {}
        rows = [{"id": p.id, "name": p.name, "kind": p.kind, "needs_targets": p.performance is not None,
                 "performance_order": order.get(p.id)} for p in (budget.projects if budget else [])]
        ws = self.table(L.PROJECTS, rows)
        pid = L.PROJECTS.letter("id")
        last = L.FIRST_ROW + len(rows) + L.SPARE_ROWS - 1
        self.wb.defined_names[L.LIST_PROJECT_IDS] = DefinedName(
            L.LIST_PROJECT_IDS, attr_text=f"{quote_sheetname(ws.title)}!${pid}${L.FIRST_ROW}:${pid}${last}")
        for r in range(L.FIRST_ROW, last + 1):
            for key, carried in (("current", L.NO), ("carried", L.YES)):
                criterion = '"<>是"' if carried == L.NO else '"是"'
                ref = f"{L.PROJECTS.letter(key)}{r}"
                ws[ref] = f'=IF({pid}{r}="","",{self._sumifs([("project", f"{pid}{r}"), ("carryover", criterion)])})'
                ws[ref].number_format = L.YUAN_FORMAT

    def income(self) -> None:
        declared = self.budget.income if self.budget else None
        rows = [{"source": s, "amount": declared.get(s) if declared else None} for s in SOURCES]
        ws = self.wb.create_sheet(L.INCOME.name)
        self.title(ws, L.INCOME.title)
        self.header(ws, L.HEADER_ROW, [c.header for c in L.INCOME.columns])
        col = {c.key: L.INCOME.letter(c.key) for c in L.INCOME.columns}
        for i, row in enumerate(rows):
            r = L.FIRST_ROW + i
            self.put(ws, f"{col['source']}{r}", row["source"], L.CHOICE, unlocked=False)
            self.put(ws, f"{col['amount']}{r}", row["amount"], L.AMOUNT)
            ws[f"{col['lines']}{r}"] = "=" + self._sumifs([("source", f"{col['source']}{r}"), ("carryover", '"<>是"')])
            ws[f"{col['balance']}{r}"] = f"={col['amount']}{r}-{col['lines']}{r}"
            ws[f"{col['carried']}{r}"] = "=" + self._sumifs([("source", f"{col['source']}{r}"), ("carryover", '"是"')])
        total = L.FIRST_ROW + len(rows)
        ws[f"{col['source']}{total}"] = L.INCOME_TOTAL_LABEL
        for key in ("amount", "lines", "balance", "carried"):
            ws[f"{col[key]}{total}"] = f"=SUM({col[key]}{L.FIRST_ROW}:{col[key]}{total - 1})"
        for r in range(L.FIRST_ROW, total + 1):
            for key in ("amount", "lines", "balance", "carried"):
                ws[f"{col[key]}{r}"].number_format = L.YUAN_FORMAT
            if r == total:
                for c in range(1, len(L.INCOME.columns) + 1):
                    ws.cell(r, c).fill = TOTAL_FILL
        for c in L.INCOME.columns:
            ws.column_dimensions[L.INCOME.letter(c.key)].width = c.width
        self.protect(ws, f"A{L.FIRST_ROW}")

    def income_items(self) -> None:
        items = self.budget.income_items if self.budget else []
        rows = [{"code": code_label(item.code, self._name("income", item.code)), "amount": item.amount} for item in items]
        ws = self.table(L.INCOME_ITEMS, rows)
        code, source = L.INCOME_ITEMS.letter("code"), L.INCOME_ITEMS.letter("source")
        for r in range(L.FIRST_ROW, L.FIRST_ROW + len(rows) + L.SPARE_ROWS):
            shown = f'"{L.INCOME_ITEM_NO_SOURCE}"'
            for prefix, name in reversed(L.INCOME_ITEM_SOURCES.items()):
                shown = f'IF(LEFT({code}{r},{len(prefix)})="{prefix}","{name}",{shown})'
            ws[f"{source}{r}"] = f'=IF({code}{r}="","",{shown})'

    def form(self, sheet: L.FormSheet) -> None:
        ws = self.wb.create_sheet(sheet.name)
        self.title(ws, sheet.title)
        self.header(ws, L.HEADER_ROW, ["项目", "内容", "说明"])
        ws.column_dimensions["A"].width, ws.column_dimensions["B"].width, ws.column_dimensions["C"].width = 34, 70, 30
        r = L.FIRST_ROW
        for field in sheet.fields:
            value = self._value(field.key)
            values = (list(value) or [None]) if field.repeated else [value]
            for item in values:
                ws.cell(r, 1, field.label).font = HEADER_FONT
                self.put(ws, f"B{r}", item, field.kind)
                ws.cell(r, 3, field.hint or None)
                self.validate(ws, field.choices, f"B{r}", field.kind)
                r += 1
        if sheet is L.ASSETS:
            vehicles = self.budget.assets.vehicles if self.budget else {}
            for kind in list(L.VEHICLE_KINDS) + [k for k in vehicles if k not in L.VEHICLE_KINDS]:
                ws.cell(r, 1, L.VEHICLE_PREFIX + kind).font = HEADER_FONT
                self.put(ws, f"B{r}", vehicles.get(kind), L.INT)
                ws.cell(r, 3, "辆；留空表示不列出")
                r += 1
        if sheet is L.PROCUREMENT:
            ws.cell(r, 1, "合计").font = HEADER_FONT
            ws[f"B{r}"] = f"=SUM(B{L.FIRST_ROW}:B{r - 1})"
            ws[f"B{r}"].fill, ws[f"B{r}"].number_format = TOTAL_FILL, L.YUAN_FORMAT
        self.protect(ws, f"A{L.FIRST_ROW}")

    def _value(self, key: str) -> object:
        """The Budget's value at a dotted path, or the fresh template's default."""
        if self.budget is None:
            defaults = {"year": self.year, "unit.kind": self.kind, "texts.purchase_service_catalog": "无", "texts.other": "无",
                        "assets.as_of": f"{self.year - 1}年12月31日"}
            if key.startswith("profile.") and key.endswith(("duties", "internal_units")):
                return []
            return defaults.get(key)
        value: object = self.budget
        for part in key.split("."):
            value = getattr(value, part)
        return value

    def performance(self) -> None:
        ws = self.wb.create_sheet(L.PERFORMANCE_SHEET)
        self.title(ws, L.PERFORMANCE_TITLE)
        for letter, width in zip("ABCDEF", (24, 40, 40, 20, 24, 20)):
            ws.column_dimensions[letter].width = width
            ws.column_dimensions[letter].protection = UNLOCKED
        projects = [p for p in (self.budget.projects if self.budget else []) if p.performance is not None]
        r = L.HEADER_ROW + 1
        if not projects:
            r = self.block(ws, r, None, None)
        for project in projects:
            r = self.block(ws, r, project.id, project.performance) + 2
        ws.freeze_panes = "A2"  # column labels change per block; only the title stays

    def block(self, ws: Worksheet, r: int, project_id: str | None, perf) -> int:
        """One project's block; returns the row after it."""
        label = lambda row, text: setattr(ws.cell(row, 1, text), "font", HEADER_FONT)  # noqa: E731
        label(r, L.BLOCK_START)
        self.put(ws, f"B{r}", project_id, L.TEXT)
        ws.cell(r, 2).fill = HEADER_FILL
        ws[f"C{r}"] = f'=IFERROR(VLOOKUP(B{r},{quote_sheetname(L.PROJECTS.name)}!$A:$B,2,FALSE),"（项目表中没有此编号）")'
        self.validate(ws, L.LIST_PROJECT_IDS, f"B{r}", L.CODE)
        r += 1
        for field in L.PERFORMANCE_FIELDS:
            label(r, field.label)
            self.put(ws, f"B{r}", getattr(perf, field.key) if perf else None, field.kind)
            r += 1
        self.header(ws, r, list(L.FUNDING_HEADER))
        r += 1
        first = r
        annual: Funding | None = perf.funding_annual if perf else None
        for key, text in L.FUNDING_ROWS:
            label(r, text)
            self.put(ws, f"B{r}", getattr(perf.funding, key) if perf else None, L.AMOUNT)
            self.put(ws, f"C{r}", getattr(annual, key) if annual else None, L.AMOUNT)
            r += 1
        label(r, L.FUNDING_TOTAL)
        ws[f"B{r}"] = f"=SUM(B{first}:B{r - 1})"
        ws[f"C{r}"] = f'=IF(COUNT(C{first}:C{r - 1})=0,B{r},SUM(C{first}:C{r - 1}))'
        for ref in (f"B{r}", f"C{r}"):
            ws[ref].number_format, ws[ref].fill = L.YUAN_FORMAT, TOTAL_FILL
        r += 1
        for field in L.PERFORMANCE_TEXTS:
            label(r, field.label)
            self.put(ws, f"B{r}", getattr(perf, field.key) if perf else None, field.kind)
            r += 1
        self.header(ws, r, [c.header for c in L.INDICATOR_COLUMNS])
        r += 1
        indicators = list(perf.indicators) if perf else []
        for indicator in indicators or [None] * 8:
            for col, column in enumerate(L.INDICATOR_COLUMNS, 1):
                self.put(ws, f"{get_column_letter(col)}{r}", getattr(indicator, column.key) if indicator else None, column.kind)
            r += 1
        return r

    def glossary(self) -> None:
        terms = self.budget.glossary if self.budget and self.budget.glossary else []
        self.table(L.GLOSSARY, [{"term": t.term, "text": t.text} for t in terms])

    def build(self) -> bytes:
        self.instructions()
        self.form(L.UNIT)
        self.income()
        self.income_items()
        self.lines()
        self.projects()
        self.performance()
        for sheet in (L.PRIOR_YEAR, L.PROCUREMENT, L.ASSETS, L.TEXTS):
            self.form(sheet)
        self.glossary()
        self.codes()
        self.wb.active = 1  # open on 单位信息
        buffer = io.BytesIO()
        self.wb.save(buffer)
        return buffer.getvalue()


def _number(value: object) -> int | Decimal:
    """Integral amounts as int, others as Decimal (openpyxl writes its shortest exact text)."""
    amount = Decimal(value) if not isinstance(value, Decimal) else value
    return int(amount) if amount == amount.to_integral_value() else amount


def _comment(text: str):
    from openpyxl.comments import Comment

    return Comment(text, "yusuan")


def write_workbook(budget: Budget | None = None, *, year: int | None = None, kind: str | None = None, catalog=None) -> bytes:
    """The workbook as bytes: empty for ``year``/``kind``, or filled from ``budget``."""
    year = year or (budget.year if budget else 2024)
    kind = kind or (budget.unit.kind if budget else "行政")
    return _Writer(budget, year, kind, catalog).build()
