"""The portal's pages through FastAPI's TestClient, on SQLite and PostgreSQL."""
from __future__ import annotations

import csv
import io
import json
import re
from urllib.parse import quote

from tests.web.conftest import GENERATED_KEY, HOSTILE_KEY, HOSTILE_NAME, SEED_KEY

SEED_PAGE = f"/unit/{quote(SEED_KEY)}/2024"


def test_home_lists_years_regions_units_and_totals(client):
    page = client.get("/")
    assert page.status_code == 200
    html = page.text
    for text in ("2024年", "2023年", "屯留区县(区)", "测试县(区)", SEED_KEY, "测试单位甲", "6640.71"):
        assert text in html
    filtered = client.get("/", params={"department": "测试部门"}).text
    assert "测试单位甲" in filtered and SEED_KEY not in filtered.split("<h2>单位")[1]


def test_search_finds_the_seed_by_two_characters(client):
    html = client.get("/search", params={"q": "屯留"}).text
    assert "找到" in html and SEED_PAGE in html


def test_search_by_code_classification_project_and_prose(client):
    for query, kind in (("2040201", "code"), ("行政运行", "code"), ("204", "code"), ("政府采购", "prose")):
        hits = client.get("/api/search", params={"q": query, "kind": kind}).json()
        assert hits["total"] >= 1, query
        assert any(h["unit_key"] == SEED_KEY for h in hits["items"]), query
    projects = client.get("/api/search", params={"q": "测试项目", "kind": "project"}).json()
    assert {h["unit_key"] for h in projects["items"]} >= {GENERATED_KEY}
    # n-grams find candidates; the text must hold the words contiguously
    assert client.get("/api/search", params={"q": "屯留安局"}).json()["total"] == 0


def test_unit_page_shows_the_report_as_the_official_layout(client):
    page = client.get(SEED_PAGE)
    assert page.status_code == 200
    html = page.text
    assert '<section class="table' in html and 'id="table-1"' in html
    table1 = html[html.index('id="table-1"'):html.index('id="table-2"')]
    assert "收入总计" in table1 and "6640.71" in table1
    assert 'id="findings-badge"' in html and "2 错误" in html  # the seed's two errors (DISCREPANCIES.md)
    assert re.search(r'href="#cell-\d+-\d+-\d+"', html)  # findings link to their cells
    for fmt in ("pdf", "xlsx", "docx", "json", "datapackage"):
        assert f"{SEED_PAGE}/download/{fmt}" in html
    assert "/static/plotly.min.js" in html and "cdn" not in html.lower()


def test_unit_without_year_redirects_to_its_latest_report(client):
    response = client.get(f"/unit/{GENERATED_KEY}", follow_redirects=False)
    assert response.status_code == 307 and response.headers["location"] == f"/unit/{GENERATED_KEY}/2024"


def test_unknown_pages_are_404_pages_without_a_trace(client):
    for url in ("/nope", f"/unit/{GENERATED_KEY}/1999", "/unit/nobody/2024", f"/unit/{GENERATED_KEY}/abc",
                f"{SEED_PAGE}/table/99.csv", f"{SEED_PAGE}/download/exe", "/compare?a=x/1&b=y/2", "/compare?a=x&b=y"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "text/html" in response.headers["content-type"]
        assert "Traceback" not in response.text and "<h1 class=\"error-status\">404</h1>" in response.text
    assert client.get("/?page=0").status_code == 400


def test_a_year_of_digits_int_cannot_read_is_a_404_not_a_500(client):
    """¹ and ２０２４ are digits to str.isdigit, not to int (nor 5,000 digits): each route taking a
    year in its path says there is no such year (was: ValueError, a 500)."""
    for year in ("¹", "²⁰²⁴", "①", "9" * 5000):
        for url in (f"/unit/{GENERATED_KEY}/{quote(year)}", f"/unit/{GENERATED_KEY}/{quote(year)}/versions",
                    f"/department/{quote('测试部门')}/{quote(year)}"):
            response = client.get(url)
            assert response.status_code == 404, (url[:60], response.status_code)
            assert "Traceback" not in response.text
        api = client.get("/api/compare", params={"a": f"{GENERATED_KEY}/{year}", "b": f"{GENERATED_KEY}/2024"})
        assert api.status_code in (404, 422), year[:8]  # 422: longer than an API key and year may be


def test_a_unit_named_as_markup_is_inert(client):
    html = client.get(f"/unit/{HOSTILE_KEY}/2024").text
    assert HOSTILE_NAME not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    for page in (client.get("/").text, client.get("/search", params={"q": "script"}).text):
        assert HOSTILE_NAME not in page
    assert client.get("/api/search", params={"q": "alert"}).json()["items"][0]["unit_name"] == HOSTILE_NAME


def test_table_csv_is_the_table_as_shown(client):
    text = client.get(f"{SEED_PAGE}/table/3.csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["预算公开表3"] and rows[1] == ["2024年预算支出总表"]
    assert ["合计", "", "6640.71", "3095.27", "3545.44"] in rows
    assert ["2040201", "行政运行", "2292.95", "2292.95", ""] in rows
    displayed = client.get(f"/api/units/{quote(SEED_KEY)}/2024/tables/3").json()["displayed"]
    assert rows[3:] == displayed


def test_downloads(client):
    report = client.get(f"{SEED_PAGE}/download/json")
    assert report.status_code == 200 and json.loads(report.content)["unit_name"] == SEED_KEY
    xlsx = client.get(f"{SEED_PAGE}/download/xlsx")
    assert xlsx.content[:2] == b"PK" and "attachment" in xlsx.headers["content-disposition"]
    chart = client.get(f"{SEED_PAGE}/chart/function.csv").content.decode("utf-8-sig")
    assert "204,公共安全支出,6043.76" in chart


def test_compare_two_years_cell_by_cell(client):
    page = client.get("/compare", params={"a": f"{GENERATED_KEY}/2023", "b": f"{GENERATED_KEY}/2024"})
    assert page.status_code == 200
    assert "增减%" in page.text and "测试单位甲 2023年" in page.text
    data = client.get("/api/compare", params={"a": f"{GENERATED_KEY}/2023", "b": f"{GENERATED_KEY}/2024",
                                              "changed": True, "per_page": 2000}).json()
    assert data["total"] > 0
    from decimal import Decimal

    for cell in data["items"]:
        a, b = Decimal(cell["a"] or 0), Decimal(cell["b"] or 0)
        assert Decimal(cell["change"]) == b - a
        if cell["percent"] is not None:
            assert abs(Decimal(cell["percent"]) - (b - a) * 100 / a) <= Decimal("0.005")


def test_plotly_is_served_by_us(client):
    js = client.get("/static/plotly.min.js")
    assert js.status_code == 200 and b"plotly" in js.content[:2000].lower()
