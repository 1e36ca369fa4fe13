"""The Shanghai ground truth (tests/data/shanghai/expected/*.yaml) checked against itself.

The fixtures were typed from three real reports (a 部门预算, a 单位预算 and a 部门决算), so
this test does not read them with yusuan: it catches typing mistakes.  Every row has one
cell per column; every amount is written as printed; in every table the total row is the sum
of the 类 rows (exactly in 元 tables, within the rounding of the displayed cells in 万元
tables), every 类/款 is the sum of its children, and 合计 columns are the sum of their
parts.  Where poppler's ``pdftotext`` is installed, the amounts of each table are exactly
the amounts printed on its pages, and each prose quote is found in the report.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

DATA = Path(__file__).resolve().parents[1] / "data" / "shanghai"
FIXTURES = sorted((DATA / "expected").glob("*.yaml"))

#: labels of the row that totals a table (or one side of it); 总计 is not one, because
#: in a 决算 it adds the carried-over balances to the 本年 total
TOTAL_LABELS = {"合计", "收入总计", "支出总计", "本年收入合计", "本年支出合计", "人员经费合计", "公用经费合计"}
#: amount columns that hold the sum of the amount columns after them in their group
ROW_TOTAL_COLUMNS = {"合计", "本年收入合计", "本年支出合计"}
#: the 三公 tables: 合计 is 因公出国 + 接待 + 小计 and 小计 is 购置 + 运行, so the
#: parts of 小计 must not be counted twice, and 机关运行经费 is no part of 三公
SANGONG_PARTS_OF_SUBTOTAL = {"购置费", "运行费", "公务用车购置费", "公务用车运行维护费"}
SANGONG_OUTSIDE = {"机关运行经费预算数"}
ORDINAL = re.compile(r"^[一二三四五六七八九十]+、")
SUB_ITEM = re.compile(r"^\d+[.、]")
AMOUNT = {"元": re.compile(r"^\d{1,3}(,\d{3})*\.\d{2}$"), "万元": re.compile(r"^\d{1,3}(,\d{3})*\.\d{2}$")}


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def is_code_column(name: str) -> bool:
    return name in ("类", "款", "项") or name.endswith("科目编码")


def is_name_column(name: str) -> bool:
    return name == "项目" or name.endswith("科目名称")


def is_label_column(name: str) -> bool:
    return is_code_column(name) or is_name_column(name)


def groups(columns: list[str]) -> list[tuple[list[int], list[int]]]:
    """(label column indexes, amount column indexes) per side of the table: a two-sided
    table (收入 | 支出, or the two halves of the 决算 基本支出 table) has two groups."""
    out: list[tuple[list[int], list[int]]] = []
    for i, name in enumerate(columns):
        if is_label_column(name):
            if not out or out[-1][1]:
                out.append(([], []))
            out[-1][0].append(i)
        else:
            if not out:
                out.append(([], []))
            out[-1][1].append(i)
    return out


def money(cell: str) -> Decimal:
    # an empty cell is printed for a zero; amounts never go through float
    return Decimal(cell.replace(",", "")) if cell else Decimal(0)


def tolerance(unit: str, parts: int) -> Decimal:
    """万元 cells are each rounded half-up from exact 元, so a sum of n displayed cells may
    differ from the displayed total by up to 0.005·(n+1); 元 cells are exact."""
    return Decimal(0) if unit == "元" else Decimal("0.005") * (parts + 1)


def row_code(row: list[str], labels: list[int], columns: list[str]) -> str:
    return "".join(row[i] for i in labels if is_code_column(columns[i]))


def row_name(row: list[str], labels: list[int], columns: list[str]) -> str:
    names = [row[i] for i in labels if is_name_column(columns[i])]
    return names[0].strip() if names else ""


def sum_problems(table: dict) -> list[str]:
    """Every identity the printed table must satisfy, as messages for the ones it does not."""
    columns, rows, unit = table["columns"], table["rows"], table["unit"]
    title = table["title"]
    problems: list[str] = []

    def expect(total: str, parts: list[str], what: str) -> None:
        diff = money(total) - sum((money(p) for p in parts), Decimal(0))
        if abs(diff) > tolerance(unit, len(parts)):
            problems.append(f"{title}: {what}: {total or '(empty)'} ≠ {' + '.join(p or '0' for p in parts)} (off by {diff})")

    for labels, amounts in groups(columns):
        if not amounts or not labels:
            continue
        named = [(row_code(r, labels, columns), row_name(r, labels, columns), r) for r in rows]
        named = [x for x in named if x[0] or x[1] or any(x[2][j] for j in amounts)]
        has_codes = any(code for code, _, _ in named)
        total_at = next((k for k, (code, name, _) in enumerate(named) if not code and name in TOTAL_LABELS), None)
        if total_at is None:
            problems.append(f"{title}: no total row in columns {[columns[i] for i in labels]}")
            continue
        total_row = named[total_at][2]
        if has_codes:
            members = [r for code, _, r in named if len(code) == 3]
            by_code = {code: r for code, _, r in named if code}
            for code, parent in by_code.items():
                children = [r for c, r in by_code.items() if len(c) == len(code) + 2 and c.startswith(code)]
                if children:
                    for j in amounts:
                        expect(parent[j], [r[j] for r in children], f"{code} {columns[j]} = sum of its children")
        else:
            # the numbered items before the total (一、… 二、…); a 决算's 年初结转 lines after
            # the total are numbered again and are not part of it
            members = [r for _, name, r in named[:total_at] if ORDINAL.match(name)]
            # 一、财政拨款收入 = 1. 一般公共预算资金 + 2. 政府性基金 + 3. 国有资本经营预算
            for k, (_, name, r) in enumerate(named[:total_at]):
                if ORDINAL.match(name):
                    subs = []
                    for _, sub_name, s in named[k + 1:total_at]:
                        if not SUB_ITEM.match(sub_name):
                            break
                        subs.append(s)
                    if subs:
                        for j in amounts:
                            expect(r[j], [s[j] for s in subs], f"{name} {columns[j]} = sum of its items")
        for j in amounts:
            expect(total_row[j], [r[j] for r in members], f"{named[total_at][1]} {columns[j]} = sum of the 类 rows")
        # a 决算's 总计 = 本年 total + the balance lines between them (使用非财政拨款结余,
        # 年初结转和结余 …; their numbered sub-lines are already inside those)
        grand_at = next((k for k in range(total_at + 1, len(named)) if named[k][1] == "总计"), None)
        if grand_at is not None:
            between = [r for _, name, r in named[total_at + 1:grand_at] if not ORDINAL.match(name)]
            for j in amounts:
                expect(named[grand_at][2][j], [total_row[j]] + [r[j] for r in between], f"总计 {columns[j]}")

        # row identities: 合计 = the other amount columns of the group
        first = columns[amounts[0]]
        if first in ROW_TOTAL_COLUMNS and len(amounts) > 1:
            names = [columns[j] for j in amounts]
            if "小计" in names:
                sub = amounts[names.index("小计")]
                parts = [j for j in amounts[1:] if columns[j] not in SANGONG_PARTS_OF_SUBTOTAL | SANGONG_OUTSIDE]
                sub_parts = [j for j in amounts if columns[j] in SANGONG_PARTS_OF_SUBTOTAL]
            else:
                sub, parts, sub_parts = None, amounts[1:], []
            for _, name, r in named:
                expect(r[amounts[0]], [r[j] for j in parts], f"row {name or '?'}: {first} = {'+'.join(columns[j] for j in parts)}")
                if sub is not None:
                    expect(r[sub], [r[j] for j in sub_parts], f"row {name or '?'}: 小计 = its parts")
    # the single-row 三公 预算 table has no label column: its one row is checked by name
    if all(not is_label_column(c) for c in columns) and "合计" in columns and "小计" in columns:
        for r in rows:
            ix = {c: k for k, c in enumerate(columns)}
            parts = [c for c in columns[1:] if c not in SANGONG_PARTS_OF_SUBTOTAL | SANGONG_OUTSIDE]
            expect(r[ix["合计"]], [r[ix[c]] for c in parts], "合计 = " + " + ".join(parts))
            expect(r[ix["小计"]], [r[ix[c]] for c in columns if c in SANGONG_PARTS_OF_SUBTOTAL], "小计 = its parts")
    return problems


@pytest.fixture(scope="module", params=FIXTURES, ids=[p.stem for p in FIXTURES])
def fixture(request) -> dict:
    data = load(request.param)
    data["_path"] = request.param
    return data


def test_there_are_three_fixtures():
    assert {p.stem for p in FIXTURES} == {
        "putuo-zhengfuban-2025-bumen-yusuan",
        "putuo-zhengfuban-2025-danwei-yusuan",
        "putuo-shehuigongzuobu-2024-juesuan",
    }


def test_header(fixture):
    assert fixture["source"] == fixture["_path"].stem + ".pdf"
    assert (DATA / fixture["source"]).is_file()
    assert fixture["kind"] in ("预算", "决算")
    assert fixture["level"] in ("部门", "单位")
    assert isinstance(fixture["year"], int) and 2023 <= fixture["year"] <= 2026
    assert fixture["unit_name"]
    assert len(fixture["tables"]) == 9


def test_cells(fixture):
    """Each row has one string cell per column; amounts are printed amounts; and the count."""
    cells = 0
    for table in fixture["tables"]:
        columns = table["columns"]
        assert table["unit"] in ("元", "万元"), table["title"]
        assert table["pages"] == sorted(table["pages"]) and table["pages"][0] >= 1
        if "column_paths" in table:
            assert len(table["column_paths"]) == len(columns)
            assert [p.rsplit("/", 1)[-1] for p in table["column_paths"]] == columns, table["title"]
        pattern = AMOUNT[table["unit"]]
        for row in table["rows"]:
            assert len(row) == len(columns), (table["title"], row)
            assert all(isinstance(c, str) for c in row), (table["title"], row)
            assert any(row), (table["title"], "an empty row is padding, not a row")
            for name, cell in zip(columns, row):
                if is_label_column(name):
                    assert cell == cell.strip() and "\n" not in cell, (table["title"], row)
                    if is_code_column(name) and cell:
                        assert cell.isdigit(), (table["title"], row)
                elif cell:
                    assert pattern.match(cell), (table["title"], name, cell)
            cells += len(row)
    print(f"\n{fixture['source']}: {len(fixture['tables'])} tables, {cells} cells, "
          f"{len(fixture['prose'])} prose figures, {len(fixture['projects'])} project pages")
    assert cells > 500


def test_sums(fixture):
    problems = [p for table in fixture["tables"] for p in sum_problems(table)]
    assert not problems, "\n".join(problems)


def test_sum_check_catches_a_typo(fixture):
    """The sum check is not vacuous: one amount off by a cent in a 元 table, or by 1.00 in a
    万元 table, is caught.  (A last-digit slip in a 万元 cell hides inside the rounding
    tolerance; the comparison with the printed page below catches those.)"""
    for table in fixture["tables"]:
        for r, row in enumerate(table["rows"]):
            for c, cell in enumerate(row):
                # 机关运行经费 stands alone in its table: no sum involves it (the comparison
                # with the printed page covers it)
                if cell and not is_label_column(table["columns"][c]) and table["columns"][c] not in SANGONG_OUTSIDE:
                    step = Decimal("0.01") if table["unit"] == "元" else Decimal("1.00")
                    changed = [list(x) for x in table["rows"]]
                    changed[r][c] = f"{money(cell) + step:,.2f}"
                    assert sum_problems({**table, "rows": changed}), (table["title"], row, c)


def test_prose(fixture):
    units = {"万元", "%", "个", "辆", "台（套）", "家", "分"}
    for item in fixture["prose"]:
        quote, value, unit = item["quote"], item["value"], item["unit"]
        assert unit in units, item
        Decimal(value)  # a plain number, no commas
        compact = re.sub(r"\s", "", quote).replace(",", "")
        assert compact.endswith(value + unit), item


def test_projects(fixture):
    for project in fixture["projects"]:
        for key in ("project", "amount", "purpose", "basis", "targets"):
            assert key in project, (project.get("project"), key)
        assert project["title"] == project["project"] + "项目经费情况说明"
        if project["amount"]:
            money(project["amount"])


# ------------------------------------------------------------------ against the PDF text
needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


def page_text(pdf: Path, first: int, last: int) -> str:
    return subprocess.run(["pdftotext", "-layout", "-f", str(first), "-l", str(last), str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout


@needs_pdftotext
def test_amounts_are_those_on_the_pages(fixture):
    """The multiset of amounts typed for a table is the multiset printed on its pages (each
    table of these reports has its pages to itself): nothing dropped, doubled or mistyped."""
    pdf = DATA / fixture["source"]
    for table in fixture["tables"]:
        text = page_text(pdf, table["pages"][0], table["pages"][-1])
        printed = Counter(re.findall(r"(?<![\d.,])\d{1,3}(?:,\d{3})*\.\d{2}(?![\d])", text))
        typed = Counter(c for row in table["rows"] for name, c in zip(table["columns"], row)
                        if c and not is_label_column(name))
        assert typed == printed, (table["title"], typed - printed, printed - typed)
        squashed = re.sub(r"\s", "", text)
        assert re.sub(r"\s", "", table["title"]) in squashed
        for line in (table.get("note") or "").splitlines():
            assert re.sub(r"\s", "", line) in squashed, (table["title"], line)


@needs_pdftotext
def test_quotes_are_in_the_report(fixture):
    pdf = DATA / fixture["source"]
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    squashed = re.sub(r"\s", "", text)
    for item in fixture["prose"]:
        assert re.sub(r"\s", "", item["quote"]) in squashed, item
    for project in fixture["projects"]:
        for key in ("title", "purpose", "basis", "targets"):
            assert re.sub(r"\s", "", project[key]) in squashed, (project["project"], key)
