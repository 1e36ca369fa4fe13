"""The workbook read back with openpyxl: validations, 元 formats, running totals, locked headers."""
from __future__ import annotations

from openpyxl import load_workbook

from yusuan.catalog import Catalog
from yusuan.workbook import layout as L

from .helpers import fund_budget, small_budget, workbook_file


def _validations(ws) -> dict[str, str]:
    """formula1 → the ranges it applies to."""
    return {dv.formula1: str(dv.sqref) for dv in ws.data_validations.dataValidation}


def test_sheets_in_order_with_hidden_code_lists(tmp_path):
    wb = load_workbook(workbook_file(tmp_path, small_budget()))
    assert wb.sheetnames == [L.INSTRUCTIONS_SHEET, "单位信息", "收入", "收入科目", "支出明细", "项目", "绩效目标",
                             "上年数", "政府采购", "资产", "说明文字", "名词解释", L.CODES_SHEET]
    assert wb[L.CODES_SHEET].sheet_state == "hidden"
    catalog = Catalog.default()
    items = [e for e in catalog.entries("functional") if e.level == "项"]
    name = wb.defined_names[L.LIST_FUNCTIONAL]
    (sheet, ref), = name.destinations
    assert sheet == L.CODES_SHEET and ref == f"$A$2:$A${len(items) + 1}"
    assert wb[sheet]["A2"].value == f"{items[0].code} {items[0].name}"
    assert wb.defined_names[L.LIST_PROJECT_IDS].attr_text.startswith("'项目'!$A$3:$A$")


def test_drop_downs_on_the_line_items(tmp_path):
    wb = load_workbook(workbook_file(tmp_path, small_budget()))
    dvs = _validations(wb["支出明细"])
    assert dvs[f"={L.LIST_FUNCTIONAL}"].startswith("A3:A")
    assert dvs[f"={L.LIST_ECONOMIC}"].startswith("B3:B")
    assert dvs[f"={L.LIST_SOURCES}"].startswith("C3:C")
    assert dvs[f"={L.LIST_BASIC}"].startswith("D3:D")
    assert dvs[f"={L.LIST_PROJECT_IDS}"].startswith("E3:E")
    assert dvs[f"={L.LIST_YES_NO}"].startswith("F3:F")
    assert f"={L.LIST_PROJECT_KIND}" in _validations(wb["项目"])
    assert f"={L.LIST_UNIT_KIND}" in _validations(wb["单位信息"])


def test_cells_are_written_with_names_formats_and_values(tmp_path):
    wb = load_workbook(workbook_file(tmp_path, small_budget()))
    ws = wb["支出明细"]
    assert [c.value for c in ws[2]] == [c.header for c in L.LINES.columns]
    assert ws["A3"].value == "2040201 行政运行" and ws["B3"].value.startswith("30101 ")
    assert ws["I3"].value == 1000000 and ws["I3"].number_format == "#,##0.00"
    assert ws["F7"].value == "是" and ws["G5"].value == "事业" and ws["E6"].value == "P1"
    assert ws.column_dimensions["I"].number_format == "#,##0.00"  # rows the officer adds, too
    assert wb["上年数"]["B3"].value == 1000000 and wb["上年数"]["B3"].number_format == "#,##0.00"


def test_income_items_sheet(tmp_path):
    wb = load_workbook(workbook_file(tmp_path, fund_budget()))
    ws = wb["收入科目"]
    assert [c.value for c in ws[2]] == ["收入科目编码", "金额（元）", "资金来源"]
    # codes shown with their names, as on 支出明细; amounts in 元; text cells stay text
    assert [ws[f"A{r}"].value for r in (3, 4, 5)] == ["103014801 土地出让价款收入", "1030147 国有土地收益基金收入", "1030601 利润收入"]
    assert ws["A3"].number_format == "@" and ws.column_dimensions["A"].number_format == "@"
    assert ws["B3"].value == 3000000 and ws["B3"].number_format == "#,##0.00"
    assert ws.column_dimensions["B"].number_format == "#,##0.00"
    assert ws["A6"].value is None  # no more items
    # the drop-down: the income catalog's 项 and 目 (not its 类 and 款), a warning only so a typed code is kept
    dv, = ws.data_validations.dataValidation
    assert dv.formula1 == f"={L.LIST_INCOME}" and str(dv.sqref).startswith("A3:A") and dv.errorStyle == "warning"
    (sheet, ref), = wb.defined_names[L.LIST_INCOME].destinations
    column = ref.split("$")[1]
    listed = [wb[sheet][f"{column}{r}"].value for r in range(2, wb[sheet].max_row + 1) if wb[sheet][f"{column}{r}"].value]
    entries = [e for e in Catalog.default().entries("income") if e.level in ("项", "目")]
    assert listed == [f"{e.code} {e.name}" for e in entries] and "103014801 土地出让价款收入" in listed
    assert not any(value.split()[0] in ("103", "10301", "10306") for value in listed)
    # 资金来源 follows the code as the officer types it; locked like every formula, data unlocked
    assert ws["C3"].value.startswith('=IF(A3="","",IF(LEFT(A3,5)="10301","政府性基金预算",')
    assert "国有资本经营预算" in ws["C503"].value
    assert ws.protection.sheet and ws["C3"].protection.locked and not ws["A3"].protection.locked and not ws["B3"].protection.locked
    assert ws.freeze_panes == "A3"


def test_empty_template_has_an_empty_income_items_sheet(tmp_path):
    from yusuan.workbook.write import write_workbook

    path = tmp_path / "t.xlsx"
    path.write_bytes(write_workbook(year=2025, kind="行政"))
    ws = load_workbook(path)["收入科目"]
    assert [c.value for c in ws[2]] == ["收入科目编码", "金额（元）", "资金来源"] and ws["A3"].value is None
    assert f"={L.LIST_INCOME}" in _validations(ws)


def test_instructions_describe_the_income_items_sheet(tmp_path):
    ws = load_workbook(workbook_file(tmp_path, small_budget()))[L.INSTRUCTIONS_SHEET]
    text = "\n".join(str(c.value) for c in ws["A"] if c.value)
    assert "收入科目表" in text and "→ 收入 →（有政府性基金、国有资本经营收入时）收入科目 →" in text


def test_running_totals_are_formulas(tmp_path):
    wb = load_workbook(workbook_file(tmp_path, small_budget()))
    assert wb["支出明细"]["I1"].value == "=SUM(I3:I20000)"
    income = wb["收入"]
    assert income["A3"].value == "一般公共预算"
    assert income["C3"].value == "=SUMIFS('支出明细'!$I$3:$I$20000,'支出明细'!$C$3:$C$20000,A3,'支出明细'!$F$3:$F$20000,\"<>是\")"
    assert income["D3"].value == "=B3-C3"
    assert income["A8"].value == "合计" and income["B8"].value == "=SUM(B3:B7)"
    assert wb["项目"]["F3"].value.startswith('=IF(A3="","",SUMIFS(')
    assert wb["绩效目标"]["C3"].value.startswith("=IFERROR(VLOOKUP(B3,")


def test_headers_locked_data_unlocked_panes_frozen(tmp_path):
    wb = load_workbook(workbook_file(tmp_path, small_budget()))
    ws = wb["支出明细"]
    assert ws.protection.sheet and not ws.protection.insertRows
    assert ws["A2"].protection.locked and not ws["A3"].protection.locked
    assert not ws.column_dimensions["A"].protection.locked
    assert ws.freeze_panes == "A3"
    form = wb["单位信息"]
    assert form.protection.sheet and form["A4"].protection.locked and not form["B4"].protection.locked


def test_empty_template_for_a_year_and_kind(tmp_path):
    from yusuan.workbook.write import write_workbook

    path = tmp_path / "t.xlsx"
    path.write_bytes(write_workbook(year=2025, kind="事业"))
    ws = load_workbook(path)["单位信息"]
    values = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(3, ws.max_row + 1)}
    assert values["预算年度"] == 2025 and values["单位类型"] == "事业"
