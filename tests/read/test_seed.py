"""Acceptance: the seed's text reads to its tables, prose and performance tables, cell for cell."""
from __future__ import annotations

from decimal import Decimal

import yaml

from yusuan.derive import derive
from yusuan.inputs import read_budget

from .conftest import EXAMPLE_BUDGET, EXPECTED_PROSE, EXPECTED_TABLES, cells
from tests.contexts import SHANXI


def test_seed_tables_equal_the_expected_fixture_cell_for_cell(seed_result):
    expected = yaml.safe_load(EXPECTED_TABLES.read_text(encoding="utf-8"))["tables"]
    report = seed_result.report
    compared = 0
    for table_id, table in expected.items():
        got = cells(report, table_id)
        assert len(got) == len(table["rows"]), f"表{table_id}: {len(got)} rows, expected {len(table['rows'])}"
        for i, (row, want) in enumerate(zip(got, table["rows"])):
            assert row == [str(c) for c in want], f"表{table_id} row {i + 1}"
            compared += len(want)
        assert report.table(table_id).note == table["note"]
        assert report.table(table_id).title == table["title"]
        assert report.table(table_id).unit_name == "长治市公安局屯留分局"
    print(f"\ncompared {compared} cells in {len(expected)} tables")
    assert compared > 900


def test_seed_reads_whole(seed_result):
    assert seed_result.report is not None
    assert seed_result.template == "shanxi-2024"
    assert [str(p) for p in seed_result.problems] == []
    assert seed_result.exit_code == 0
    report = seed_result.report
    assert (report.year, report.unit_name) == (2024, "长治市公安局屯留分局")


def test_seed_prose_sections_and_figures(seed_result):
    expected = yaml.safe_load(EXPECTED_PROSE.read_text(encoding="utf-8"))
    report = seed_result.report
    assert report.profile.duties == expected["part1"]["duties"]
    assert report.profile.structure == expected["part1"]["structure"]
    assert report.profile.internal_unit_count == 25
    assert report.profile.internal_units[:3] == ["政治处", "指挥中心", "网安大队"]
    assert len(report.profile.internal_units) == 15
    figures = 0
    assert [s.number for s in report.explanations] == [s["number"] for s in expected["part3"]]
    for section, want in zip(report.explanations, expected["part3"]):
        assert section.title == want["title"]
        assert section.text.replace(" ", "") == want["text"].replace(" ", ""), section.number
        stated = [c.text + ("%" if c.unit == "%" else "") for c in section.claims if c.text]
        assert stated == [str(f) for f in want.get("figures", [])], section.number
        figures += len(stated)
    assert [(t.term, t.text) for t in report.glossary] == [(t["term"], t["text"]) for t in expected["part4"]]
    print(f"\ncompared {figures} figures in {len(report.explanations)} sections")


def test_seed_claims_carry_signed_values_and_units(seed_result):
    claims = {c.subject: c for s in seed_result.report.explanations for c in s.claims}
    assert claims["income.total"].value == claims["expenditure.total"].value == Decimal("6640.71")
    assert (claims["income.total.growth"].value, claims["income.total.growth"].unit) == (Decimal("16.71"), "%")
    assert claims["three_public.vehicle_purchase.change"].value == Decimal("52.59")
    assert claims["three_public.abroad.change"].value == 0
    assert claims["fiscal.class.204"].value == Decimal("6043.76")
    assert claims["general.share.221"].value == Decimal("3.26")
    assert (claims["performance.projects.count"].value, claims["performance.projects.count"].unit) == (13, "个")
    assets = seed_result.report.assets
    assert (assets.vehicle_quota, assets.vehicle_count, assets.vehicles["执法执勤用车"], assets.building_area) == (24, 24, 21, 9226)
    assert seed_result.report.procurement.goods == Decimal("229.59")
    assert seed_result.report.other_notes == {"政府购买服务指导性目录": "无", "其他": "无"}


def test_seed_performance_tables_equal_those_derived_from_the_example_budget(seed_result):
    derived = derive(read_budget(EXAMPLE_BUDGET), SHANXI).performance
    got = seed_result.report.performance
    assert [p.project_name for p in got] == [p.project_name for p in derived]
    fields, clipped = 0, []
    for read, want in zip(got, derived):
        a, b = read.model_dump(), want.model_dump()
        ia, ib = a.pop("indicators"), b.pop("indicators")
        for key in b:
            fields += 1
            if a[key] != b[key] and isinstance(a[key], str) and len(a[key]) > 20 and b[key].startswith(a[key]):
                clipped.append((want.project_name, key))  # the PDF cut the cell off: the seed has no more
                continue
            assert a[key] == b[key], f"{want.project_name}: {key}"
        assert len(ia) == len(ib), want.project_name
        for x, y in zip(ia, ib):
            assert x == y, want.project_name
            fields += len(y)
    print(f"\ncompared {fields} fields in {len(derived)} performance tables ({len(clipped)} clipped by the PDF: {clipped})")
    assert len(clipped) <= 2
