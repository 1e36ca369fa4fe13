from __future__ import annotations

import csv
import io
import json
import zipfile
from decimal import Decimal

import pytest

from yusuan.budget import Budget
from yusuan.render.datapackage import render_datapackage
from tests.contexts import rendering

from .fixtures import small_report


@pytest.fixture(scope="module")
def budget():
    return Budget.model_validate({
        "year": 2024,
        "unit": {"name": "长治市公安局屯留分局", "code": "013001"},
        "lines": [
            {"func": "2040201", "econ": "30101", "amount": "7647600.13", "kind": "人员经费"},
            {"func": "2040201", "econ": "30201", "amount": "620000", "kind": "公用经费"},
            {"func": "2040202", "econ": "30226", "amount": "2390000", "project": "p1"},
            {"func": "2040220", "econ": "30299", "amount": "184100.01", "project": "p2", "carryover": True},
        ],
        "projects": [{"id": "p1", "name": "禁毒社工2024年度服务费"}, {"id": "p2", "name": "执法办案经费"}],
        "prior_year": {"total": "1", "general_budget_current": "1"},
        "assets": {"as_of": "2023年12月31日"},
    })


@pytest.fixture(scope="module")
def package(budget):
    archive = zipfile.ZipFile(io.BytesIO(render_datapackage(rendering(small_report(), budget))))
    return json.loads(archive.read("datapackage.json")), archive.read("line-items.csv").decode("utf-8")


def test_csv_holds_every_line_exactly(budget, package):
    _, text = package
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [Decimal(r["amount"]) for r in rows] == [line.amount for line in budget.lines]
    assert rows[0]["func_class"] == "204" and rows[0]["func_kuan"] == "20402" and rows[0]["func_name"] == "行政运行"
    assert rows[0]["econ_name"] == "基本工资" and rows[0]["gov_econ"] == "50101"
    assert rows[2]["project_name"] == "禁毒社工2024年度服务费" and rows[2]["expenditure"] == "项目支出"
    assert rows[3]["carryover"] == "上年结转"


def test_descriptor_fields_and_model_refer_to_the_csv(package):
    descriptor, text = package
    header = text.splitlines()[0].split(",")
    fields = descriptor["resources"][0]["schema"]["fields"]
    assert [f["name"] for f in fields] == header
    measure = descriptor["model"]["measures"]["amount"]
    assert measure == {**measure, "source": "amount", "currency": "CNY", "factor": 1, "phase": "approved"}
    for dimension in descriptor["model"]["dimensions"].values():
        for attribute in dimension["attributes"].values():
            assert attribute["source"] in header
            if "parent" in attribute:
                assert attribute["parent"] in dimension["attributes"]
        assert set(dimension["primaryKey"]) <= set(dimension["attributes"])
    functional = descriptor["model"]["dimensions"]["functional-classification"]["attributes"]
    assert functional["xiang"]["parent"] == "kuan" and functional["kuan"]["parent"] == "class"


def test_same_budget_same_bytes(budget):
    assert render_datapackage(rendering(small_report(), budget)) == render_datapackage(rendering(small_report(), budget))


def test_needs_a_budget():
    with pytest.raises(ValueError, match="line items"):
        render_datapackage(rendering(small_report(), None))


def test_frictionless_validates_the_resource(package, tmp_path):
    frictionless = pytest.importorskip("frictionless")
    descriptor, text = package
    (tmp_path / "line-items.csv").write_text(text, encoding="utf-8")
    resource = dict(descriptor["resources"][0])
    report = frictionless.Resource(resource, basepath=str(tmp_path)).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
