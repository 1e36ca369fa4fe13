"""Generated units for the scale tests: budgets as yusuan.synth makes them, validated."""
from __future__ import annotations

from yusuan.budget import Budget, code_errors, consistency_errors
from yusuan.catalog import Catalog
from yusuan.synth import units


def generated(count: int, seed: int, years: list[int]) -> list[dict[int, Budget]]:
    """``count`` units, each {year: Budget}; every budget passes the loader's own checks."""
    out = []
    for unit in units(count, seed, years):
        series = {}
        for year, data in unit.budgets.items():
            budget = Budget.model_validate(data)
            assert consistency_errors(budget) == [] and code_errors(budget, Catalog.for_year(year)) == []
            series[year] = budget
        out.append(series)
    return out
