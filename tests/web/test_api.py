"""The JSON API: filters, paging, exact amounts as strings, 404s as JSON; schemathesis."""
from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.web.conftest import GENERATED_KEY, SEED_KEY


def test_units_filter_and_page(client):
    every = client.get("/api/units").json()
    assert every["total"] == 3
    page = client.get("/api/units", params={"per_page": 1, "page": 2}).json()
    assert len(page["items"]) == 1 and page["total"] == 3
    tested = client.get("/api/units", params={"department": "测试部门", "year": 2023}).json()
    assert [u["key"] for u in tested["items"]] == [GENERATED_KEY]
    assert [r["year"] for r in tested["items"][0]["reports"]] == [2023, 2024]
    assert client.get("/api/units", params={"per_page": 0}).status_code == 422


def test_report_tables_findings(client):
    base = f"/api/units/{quote(SEED_KEY)}/2024"
    summary = client.get(base).json()
    assert summary["headline"] == "6640.71" and summary["errors"] == 2
    tables = client.get(f"{base}/tables").json()
    assert [t["id"] for t in tables] == [str(i) for i in range(1, 14)]
    table1 = client.get(f"{base}/tables/1").json()
    total = next(r for r in table1["rows"] if r["labels"].get("income_item") == "收入总计")
    assert total["values"]["income_amount"] == "6640.71"
    findings = client.get(f"{base}/findings", params={"severity": "error"}).json()
    assert findings["total"] == 2 and findings["counts"]["error"] == 2
    assert client.get(f"{base}/report").json()["schema"] == "yusuan-report/1"
    assert client.get(f"/api/units/{quote(SEED_KEY)}/1999").status_code == 404
    assert client.get(f"{base}/tables/99").json() == {"detail": "no table 99"}


def test_cells_across_reports(client):
    cells = client.get("/api/cells", params={"code": "2040201", "table": "3", "column": "total", "unit": SEED_KEY}).json()
    assert cells["total"] == 1
    assert {"unit_key": SEED_KEY, "value": "2292.95"}.items() <= cells["items"][0].items()


def test_years_regions_departments_charts(client):
    assert {y["year"] for y in client.get("/api/years").json()} == {2023, 2024}
    assert any(r["value"] == "屯留区县(区)" for r in client.get("/api/regions").json())
    assert any(d["value"] == "测试部门" for d in client.get("/api/departments").json())
    charts = client.get(f"/api/units/{quote(SEED_KEY)}/2024/charts").json()
    assert [c["name"] for c in charts] == ["function", "basic-project", "economic", "three-public", "operating"]


def test_openapi_document_and_page(client):
    spec = client.get("/api/openapi.json").json()
    assert "/api/units" in spec["paths"] and "/api/search" in spec["paths"]
    assert all(path.startswith("/api/") for path in spec["paths"])
    assert "/api/units/{key}/{year}/findings" in client.get("/api/docs").text


def test_schemathesis_finds_no_server_error(store_url):
    """Every API operation with generated inputs: never a 5xx, responses as documented."""
    schemathesis = pytest.importorskip("schemathesis")
    from hypothesis import HealthCheck, given, settings

    from yusuan.web.app import create_app

    schema = schemathesis.openapi.from_asgi("/api/openapi.json", create_app(store_url))
    checks = [schemathesis.checks.not_a_server_error]
    failures = []
    for operation in schema.get_all_operations():
        op = operation.ok()

        @settings(max_examples=6, deadline=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        @given(case=op.as_strategy())
        def run(case):
            response = case.call()
            case.validate_response(response, checks=checks)

        try:
            run()
        except Exception as exc:  # noqa: BLE001 — collected, to report every operation that fails
            failures.append(f"{op.label}: {type(exc).__name__}: {str(exc)[:300]}")
    assert not failures, "\n".join(failures)
