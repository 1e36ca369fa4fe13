"""Every rule of every built-in template is named by a test (as beancount names each check by its
test): a rule no test names is a rule nobody has seen fire. Rules written by hand are named by
their id in a test's source; the rules generated from a layout are named here, each id built
from the template's tables — and each must have something to check."""
from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from yusuan.check.registry import rules_for
from yusuan.templates import builtin, load

TESTS = Path(__file__).resolve().parents[1]
GENERATED = re.compile(r"^T(?P<table>[^.]+)\.(?:columns|rollup)$|^X\.T(?P<a>[^=]+)=T(?P<b>.+)$")


@cache
def sources() -> str:
    """Every test's source but this file's (naming an id here would name it for every test)."""
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(TESTS.rglob("*.py")) if p.resolve() != Path(__file__).resolve())


def rules(origin: str) -> list[tuple[str, str]]:
    return [(template_id, r.id) for template_id in builtin() for r in rules_for(load(template_id, 2024)) if (r.origin == "generated") == (origin == "generated")]


@pytest.mark.parametrize("template_id, rule_id", rules("written"))
def test_a_written_rule_is_named_by_a_test(template_id, rule_id):
    assert f'"{rule_id}"' in sources() or f"'{rule_id}'" in sources(), \
        f"{rule_id} ({template_id}) is named by no test under tests/: give it a small input and the findings expected"


@pytest.mark.parametrize("template_id", list(builtin()))
def test_generated_rules_are_named_from_the_layout(template_id):
    """T<id>.columns where a column sums others, T<id>.rollup where rows roll up, X.T<a>=T<b> where
    two tables select the same lines: the ids are the template's tables', and each rule applies."""
    template = load(template_id, 2024)
    generated = [r for r in rules_for(template) if r.origin == "generated"]
    for r in generated:
        match = GENERATED.match(r.id)
        assert match, f"{r.id}: not a generated id"
        tables = [t for t in (match["table"], match["a"], match["b"]) if t]
        assert all(template.has_table(t) for t in tables), f"{r.id} names a table {template_id} does not have"
        assert r.description and r.identity, r.id
    columns = {f"T{spec.id}.columns" for spec in template.tables if spec.column_sums()}
    assert columns <= {r.id for r in generated}, "a table whose columns add up has no .columns rule"
