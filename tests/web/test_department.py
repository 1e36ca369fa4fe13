"""The department page: its units' reports consolidated, each unit linked, and per table the sum of
the units' cells (rows matched by code and labels), downloadable as shown."""
from __future__ import annotations

import csv
import io
from decimal import Decimal
from urllib.parse import quote

from tests.web.conftest import GENERATED_KEY, HOSTILE_KEY, HOSTILE_NAME
from tests.web.test_sheets import assert_same

DEPT = "/department/" + quote("测试部门")


def _cells(client, key: str, table: str) -> dict[tuple[str, str], Decimal]:
    data = client.get(f"/api/units/{key}/2024/tables/{table}").json()
    cells = {}
    for row in data["rows"]:
        name = (row["code"] or "") + "|" + " ".join(v for v in row["labels"].values() if v)
        for column, value in row["values"].items():
            if value is not None:
                cells[(name, column)] = cells.get((name, column), Decimal(0)) + Decimal(value)
    return cells


def test_department_page_links_its_units_and_sums_their_headlines(client):
    page = client.get(f"{DEPT}/2024")
    assert page.status_code == 200
    html = page.text
    assert f'href="/unit/{GENERATED_KEY}/2024"' in html and f'href="/unit/{HOSTILE_KEY}/2024"' in html
    assert HOSTILE_NAME not in html and "&lt;script&gt;" in html  # escaped
    units = client.get("/api/units", params={"department": "测试部门", "year": 2024}).json()["items"]
    heads = [Decimal(r["headline"]) for u in units for r in u["reports"] if r["year"] == 2024 and r["headline"]]
    assert len(heads) == 2 and f"{sum(heads):.2f}" in html.split('id="department-total"')[1][:60]
    assert client.get(DEPT, follow_redirects=False).headers["location"] == f"{DEPT}/2024"
    assert client.get(f"{DEPT}/2023").text.count("/unit/") >= 1
    for bad in ("/department/nothing/2024", f"{DEPT}/1999", f"{DEPT}/abc", f"{DEPT}/2024/table/99.csv"):
        assert client.get(bad).status_code == 404, bad


def test_department_tables_are_the_sums_of_the_units_cells(client):
    for table in ("1", "3", "5", "6"):
        a, b = _cells(client, GENERATED_KEY, table), _cells(client, HOSTILE_KEY, table)
        expected = {k: a.get(k, Decimal(0)) + b.get(k, Decimal(0)) for k in set(a) | set(b)}
        text = client.get(f"{DEPT}/2024/table/{table}.csv").content
        rows = list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))
        assert rows[2][0] == "单位名称：测试部门"
        shown = {f"{v:.2f}" for v in expected.values()}
        printed = {c for r in rows[3:] for c in r if c}
        assert shown <= printed, (table, shown - printed)
        assert_same(text, client.get(f"{DEPT}/2024/table/{table}.xlsx").content)


def test_unit_and_home_pages_link_the_department(client):
    assert f'href="{DEPT}/2024"' in client.get(f"/unit/{GENERATED_KEY}/2024").text
    assert f'href="{DEPT}"' in client.get("/", params={"department": "测试部门"}).text


def test_department_api_is_the_page_as_data(client):
    data = client.get("/api/departments/" + quote("测试部门") + "/2024").json()
    assert {u["key"] for u in data["units"]} == {GENERATED_KEY, HOSTILE_KEY}
    assert data["template"] == "shanxi-2024" and not data["left_out"]
    total = sum(Decimal(u["headline"]) for u in data["units"])
    assert Decimal(data["headline_sums"][data["units"][0]["headline_unit"]]) == total
    csv_rows = list(csv.reader(io.StringIO(client.get(f"{DEPT}/2024/table/3.csv").content.decode("utf-8-sig"))))
    table3 = next(t for t in data["tables"] if t["id"] == "3")
    assert csv_rows[3:] == table3["displayed"]
    assert client.get("/api/departments/nothing/2024").status_code == 404
    assert client.get("/api/departments/x/99999").status_code == 422
