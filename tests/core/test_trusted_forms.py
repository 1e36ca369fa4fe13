"""derive builds the project forms (PerformanceTable, its Funding and Indicators) without
pydantic's validation: what it makes must be what validation makes of the same values — texts
cleaned of what XML cannot hold, amounts through the amount check, every field in its place."""
from __future__ import annotations

from decimal import Decimal

import pytest

from yusuan.derive import derive
from yusuan.read.budget_yaml import read_budget
from yusuan.report import Funding, Indicator, PerformanceTable

from tests.contexts import SHANXI
from tests.core.test_derive_fast_path import SEED

DIRTY = "改造\x07面积"  # a control character: removed by validation, and by trusted() alike


def test_a_funding_is_what_validation_makes():
    values = dict(total=Decimal("2970000"), central=Decimal(0), provincial=None, local=Decimal("2970000.50"),
                  self_raised=Decimal(0), other=None)
    trusted, validated = Funding.trusted(**values), Funding(**values)
    assert trusted == validated and trusted.model_dump_json() == validated.model_dump_json()
    for bad in ("1e20", "NaN"):  # the amount check still applies, as in validation
        with pytest.raises(ValueError, match="amount"):
            Funding(**{**values, "other": Decimal(bad)})
        with pytest.raises(ValueError, match="amount"):
            Funding.trusted(**{**values, "other": Decimal(bad)})


def test_an_indicator_is_what_validation_makes():
    values = dict(level1="产出指标", level2="数量指标", level3=DIRTY, value="2761.43平方米", annual_level2="数量指标",
                  annual_level3=DIRTY, annual_value="＞96%")
    trusted, validated = Indicator.trusted(**values), Indicator(**values)
    assert trusted == validated and trusted.level3 == "改造面积"


def test_a_form_is_what_validation_makes():
    funding = Funding.trusted(Decimal(5), Decimal(5), Decimal(0), Decimal(0), Decimal(0), None)
    indicator = Indicator.trusted("产出指标", "数量指标", DIRTY, "1个", "数量指标", "", "1个")
    texts = dict(title="绩效目标表", project_name=DIRTY, department="013-公安局", implementing_unit="分局",
                 attribute="一次性项目", period="1年", overview="概况\n第二段", goal_annual=DIRTY, filled_at="2024年")
    trusted = PerformanceTable.trusted(year=2024, funding_implementation=funding, funding_annual=funding,
                                       indicators=[indicator], **texts)
    validated = PerformanceTable(year=2024, funding_implementation=funding, funding_annual=funding,
                                 indicators=[indicator], **texts)
    assert trusted == validated and trusted.model_dump_json() == validated.model_dump_json()
    assert list(trusted.__dict__) == list(PerformanceTable.model_fields)
    assert trusted.project_name == "改造面积" and trusted.overview == "概况\n第二段" and trusted.basis == ""
    with pytest.raises(TypeError):
        PerformanceTable.trusted(year=2024, funding_implementation=funding, funding_annual=funding, indicators=[],
                                 projectname="typo")


def test_the_seed_forms_load_back_the_same():
    report = derive(read_budget(SEED), SHANXI)
    assert report.performance
    for form in report.performance:
        assert PerformanceTable.model_validate_json(form.model_dump_json()) == form
        for funding in (form.funding_implementation, form.funding_annual):
            assert all(v is None or type(v) is Decimal for v in funding.__dict__.values())
