"""Acceptance: on the seed, `check` lists every real inconsistency (tests/check/seed_findings.yaml)
and nothing else — read from the published text, and derived from the example budget."""
from __future__ import annotations

from pathlib import Path

import yaml

from yusuan.check import check

EXPECTED = yaml.safe_load((Path(__file__).parent / "seed_findings.yaml").read_text(encoding="utf-8"))["findings"]
PLACE = ("table", "row", "column", "section", "project")


def key(entry: dict) -> tuple:
    return (entry["rule"], entry["severity"], *(entry.get(k) for k in PLACE), entry["expected"], entry["found"])


def keys(findings) -> list[tuple]:
    return sorted(key({"rule": f.rule, "severity": f.severity, **f.location._asdict(), "expected": f.expected, "found": f.found})
                  for f in findings)


def test_the_published_seed_has_exactly_the_findings_we_listed(published_seed):
    found = keys(check(published_seed))
    expected = sorted(key(e) for e in EXPECTED)
    missing = [k for k in expected if k not in found]
    extra = [k for k in found if k not in expected]
    assert not missing and not extra, f"missing: {missing}\nnot listed: {extra}"


def test_the_known_contradictions_are_errors_with_their_arithmetic(published_seed):
    findings = check(published_seed)
    errors = {(f.rule, f.found): f for f in findings if f.severity == "error"}
    assert errors[("N.sums", "2978.45")].arithmetic.startswith("performance.其他运转类.amount 2107.95 + performance.特定目标类.amount 870.54 = 2978.49")
    assert errors[("N.amounts", "2978.45")].expected == "2978.49"
    assert errors[("N.performance", "0")].expected == "13"
    cost = errors[("P.cost", "6,498,600元")]
    assert cost.location.project == "渔泽、上村、高头寺派出所基础设施升级改造费" and "297.00万元" in cost.arithmetic
    assert not [f for f in findings if "could not be applied" in f.message]


def test_rounding_gaps_of_the_seed_are_rounding_not_errors(published_seed):
    rounding = [f for f in check(published_seed) if f.severity == "rounding"]
    table2 = next(f for f in rounding if f.rule == "T2.rollup" and f.location.column == "carryover")
    assert (table2.expected, table2.found) == ("602.77", "602.76")
    assert "35.82 + 2040202 548.54 + 2040220 18.41 = 602.77" in table2.arithmetic


def test_the_derived_seed_keeps_only_the_performance_tables_contradictions(derived_seed):
    """derive computes every figure of the prose, so only what the budget copies from the seed's
    performance-target tables (their indicators and 项目概况) remains."""
    findings = check(derived_seed)
    assert sorted((f.rule, f.severity) for f in findings if f.severity != "rounding") == [
        ("P.cost", "error"), ("P.cost", "error"), ("P.cost", "warning"), ("P.count", "warning"), ("P.overview", "warning"),
        ("R.punctuation", "warning")]  # the budget's change_reason ends in 。 and §一 joins two sentences with ；, as the seed does
    # The published seed's rounding findings are the derived seed's: the tables are the same.
    published_rounding = sorted(key(e) for e in EXPECTED if e["severity"] == "rounding")
    assert keys(f for f in findings if f.severity == "rounding") == published_rounding
