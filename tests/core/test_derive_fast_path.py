"""derive builds its rows and tables and the prose its claims and sections without pydantic's
validation (Row.trusted, Table.trusted, Claim.trusted, Section.trusted): what it builds must be what validation would have made. A derived Report equals
the Report its JSON loads to with full validation, serializes to the same JSON, and every amount
in it is a Decimal (an int would compare equal and still be written differently)."""
from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

import pytest

from yusuan.context import Context
from yusuan.derive import derive
from yusuan.read.budget_yaml import read_budget
from yusuan.report import Claim, Report, Row, Section, Table

from tests.check.generate import generate_budget
from tests.contexts import SHANXI

SEED = Path(__file__).parent.parent.parent / "examples" / "tunliu-police-2024" / "budget.yaml"


def _same_as_validated(report: Report) -> None:
    text = report.model_dump_json()
    loaded = Report.model_validate_json(text)
    assert loaded == report
    assert loaded.model_dump_json() == text
    assert loaded.to_json() == report.to_json()
    for table in report.tables:
        assert all(type(getattr(table, k)) is str for k in ("id", "caption", "title", "unit_name", "unit"))
        assert table.note is None or type(table.note) is str
        for row in table.rows:
            assert type(row) is Row and type(row.level) is int
            assert all(type(k) is str and type(v) is str for k, v in row.labels.items())
            assert all(v is None or type(v) is Decimal for v in row.values.values())
            assert row.code is None or type(row.code) is str
            assert row.model_dump() == Row.model_validate(row.model_dump()).model_dump()
    for section in report.explanations:
        assert all(type(getattr(section, k)) is str for k in ("number", "title", "text"))
        for claim in section.claims:
            assert type(claim) is Claim and type(claim.value) is Decimal
            assert claim == Claim.model_validate(claim.model_dump())


def test_the_seed():
    _same_as_validated(derive(read_budget(SEED), SHANXI))


@pytest.mark.parametrize("seed", range(12))
def test_generated_budgets(seed: int):
    _same_as_validated(derive(generate_budget(random.Random(seed)), SHANXI))


@pytest.mark.parametrize("template", ["shanghai-yusuan-danwei", "shanghai-yusuan-bumen"])
def test_the_shanghai_layouts(template: str):
    context = Context.create(template)
    for seed in range(3):
        _same_as_validated(derive(generate_budget(random.Random(seed)), context))


def test_a_catalog_name_with_a_control_character_is_cleaned_as_validation_would():
    labels = {"name": "一般\x07公共服务", "code": "201"}
    assert Row.trusted(labels=labels, values={"a": Decimal("1.00")}, level=1, code="2\x0101") == \
        Row(labels=labels, values={"a": Decimal("1.00")}, level=1, code="2\x0101")
    assert Claim.trusted("income.total", Decimal("3.10"), "万元", "3.1\x0b0") == \
        Claim(subject="income.total", value=Decimal("3.10"), unit="万元", text="3.1\x0b0")
    assert Table.trusted("1", "表\x01", "t", "单位", "万元", [Row.trusted(labels)], "注\x02") == \
        Table(id="1", caption="表\x01", title="t", unit_name="单位", unit="万元", rows=[Row(labels=labels)], note="注\x02")
    assert Section.trusted("一", "标\x03题", "正文\x04", []) == Section(number="一", title="标\x03题", text="正文\x04")
    assert Claim.trusted("assets.vehicles", 3, "辆", "3").value.__class__ is Decimal


def test_trusted_rows_do_not_share_their_dicts():
    labels, values = {"name": "合计"}, {"a": None}
    first, second = Row.trusted(labels, values), Row.trusted(labels, values)
    first.labels["name"] = "x"
    first.values["a"] = Decimal("1")
    assert second.labels == {"name": "合计"} and second.values == {"a": None} and labels == {"name": "合计"}
