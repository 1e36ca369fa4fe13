"""Round trip: published(text_of(derive(budget, SHANXI)), DETECT) == derive(budget, SHANXI), on every cell and field."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from yusuan.derive import derive
from yusuan.read.published import read_text

from .conftest import cells
from .strategies import budgets
from tests.contexts import SHANXI, DETECT, text_of


def _sorted(section):
    return section.model_copy(update={"claims": sorted(section.claims, key=lambda c: (c.subject, c.text, c.value))})


def assert_same_tables(read, derived) -> int:
    """Every cell of every table (with its level and note) and every performance table; the cells compared."""
    compared = 0
    assert [t.id for t in read.tables] == [t.id for t in derived.tables]
    for table in derived.tables:
        got, want = cells(read, table.id), cells(derived, table.id)
        assert got == want, f"表{table.id}"
        assert [r.level for r in read.table(table.id).rows] == [r.level for r in table.rows], f"表{table.id} levels"
        assert read.table(table.id).note == table.note
        compared += sum(len(r) for r in want)
    assert read.performance == derived.performance
    return compared


def assert_same(read, derived) -> int:
    """Every cell of every table, every section (text and claims), performance table, asset and term."""
    compared = assert_same_tables(read, derived)
    # claims are read in the order the text states them; derive records some in another order
    assert [_sorted(s) for s in read.explanations] == [_sorted(s) for s in derived.explanations]
    for key in ("profile", "performance", "assets", "procurement", "other_notes", "glossary", "unit_name", "year"):
        assert getattr(read, key) == getattr(derived, key), key
    return compared


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(budgets())
def test_text_round_trip(budget):
    derived = derive(budget, SHANXI)
    result = read_text(text_of(derived), "rendered.txt", DETECT)
    assert [str(p) for p in result.problems] == []
    assert assert_same(result.report, derived) > 0


def test_round_trip_of_the_example_budget():
    from yusuan.inputs import read_budget

    from .conftest import EXAMPLE_BUDGET

    derived = derive(read_budget(EXAMPLE_BUDGET), SHANXI)
    result = read_text(text_of(derived), "<text>", DETECT)
    compared = assert_same(result.report, derived)
    print(f"\nround trip of the example: {compared} cells equal")
