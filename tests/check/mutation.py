"""Mutation testing of the checker: change one cell or one figure of the prose, and some rule
must notice — its findings differ from those of the unchanged report.

Used by test_properties.py and benchmarks; mutations are made in place and undone, and each
mutated report is checked rule by rule only until one rule notices (that is all "caught" needs).
"""
from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from yusuan.check import support
from yusuan.check.registry import rules_for
from yusuan.report import Report
from yusuan.templates import load

COUNT_UNITS = {"个", "辆", "台（套）", "平方米", "人"}
# A change figure (X.change) has no second statement but its growth rate g = c / (v − c), printed to
# 0.01%; moving c by d moves g by d·v / (v − c)², so the rate resolves c only to a window that
# widens as the prior year v − c grows and the value v shrinks (a fall of 90% from 2,762万元 to
# 289万元 leaves a window of 2.6万元). A change is moved by at least 1.00万元, and by enough to move
# its rate by two steps (0.02%) where the window is wider: less is not a slip any rule could see.
CHANGE_DELTA = Decimal("1.00")
RATE_STEP = Decimal("0.0001")


def change_delta(value: Decimal, change: Decimal) -> Decimal:
    prior = value - change
    needed = 2 * RATE_STEP * prior * prior / value
    return max(CHANGE_DELTA, needed.quantize(Decimal("0.01"), rounding="ROUND_CEILING"))


def baseline(report: Report) -> dict[str, frozenset]:
    template = load(report.template, report.year)
    support.begin_run()
    try:
        return {r.id: frozenset(r(report, template)) for r in rules_for(template)}
    finally:
        support.end_run()


def caught_by(report: Report, before: dict[str, frozenset]) -> str | None:
    """The id of the first rule whose findings changed, or None."""
    template = load(report.template, report.year)
    for r in rules_for(template):
        support.begin_run()  # fresh per rule: the report changed since the last run
        try:
            if frozenset(r(report, template)) != before[r.id]:
                return r.id
        finally:
            support.end_run()
    return None


def cells(report: Report) -> Iterator[tuple[int, int, str]]:
    """(table index, row index, column key) of every amount cell, empty ones included."""
    template = load(report.template, report.year)
    for t, table in enumerate(report.tables):
        keys = [c.key for c in template.table(table.id).amount_columns]
        for r, _ in enumerate(table.rows):
            for key in keys:
                yield t, r, key


def uncaught_cells(report: Report, delta: Decimal = Decimal("0.02")) -> list[str]:
    """Every amount cell, empty ones too, moved by ``delta`` in a 万元 table and by 100 × ``delta``
    in a 元 table (0.02 万元 / 2 元, as issue 11 words it); the cells no rule notices."""
    before = baseline(report)
    missed = []
    for t, r, key in cells(report):
        table = report.tables[t]
        row = table.rows[r]
        old = row.values.get(key, None)
        had = key in row.values
        row.values[key] = (old or Decimal(0)) + (delta * 100 if table.unit == "元" else delta)
        try:
            if caught_by(report, before) is None:
                missed.append(f"表{table.id} row {r} ({row.code or next(iter(row.labels.values()), '')}) {key}")
        finally:
            if had:
                row.values[key] = old
            else:
                del row.values[key]
    return missed


def uncaught_claims(report: Report) -> list[str]:
    before = baseline(report)
    missed = []
    subjects = {c.subject for s in report.explanations for c in s.claims}
    values = {c.subject: c.value for s in report.explanations for c in s.claims}
    for section in report.explanations:
        for claim in section.claims:
            old = claim.value
            if claim.unit in COUNT_UNITS:
                claim.value = old + 1
            elif claim.subject.endswith(".change") and f"{claim.subject.removesuffix('.change')}.growth" in subjects:
                if values.get(claim.subject.removesuffix(".change")) == 0:
                    continue  # from nothing the rate is −100% whatever the change: nothing can tell
                claim.value = old + change_delta(values[claim.subject.removesuffix(".change")], old)
            else:
                claim.value = old + Decimal("0.02")
            try:
                if caught_by(report, before) is None:
                    missed.append(f"{section.number} {claim.subject}")
            finally:
                claim.value = old
    return missed
