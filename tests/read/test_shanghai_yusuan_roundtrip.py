"""Round trip of the Shanghai 预算 layouts, as properties over generated budgets:
read(render(derive(budget))) equals derive(budget) on every cell (labels, amounts, codes, levels,
notes), every claim and every section's text — through our text rendering and through our PDF
(tables in 元: eight-digit figures and more must fit their columns)."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yusuan.context import Context
from yusuan.derive import derive
from yusuan.read import published
from yusuan.read.published import read_text
from yusuan.render import renderers
from yusuan.render.text import render_text

from .strategies import budgets
from tests.contexts import DETECT

CONTEXTS = {t: Context.create(t) for t in ("shanghai-yusuan-danwei", "shanghai-yusuan-bumen")}
SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def assert_same(read, derived) -> int:
    """Every cell, note, claim, section text and project page; the cells compared."""
    compared = 0
    assert [t.id for t in read.tables] == [t.id for t in derived.tables]
    for a, b in zip(derived.tables, read.tables):
        assert (a.title, a.unit, a.note) == (b.title, b.unit, b.note), a.title
        assert [(r.labels, r.values, r.code, r.level) for r in b.rows] == [(r.labels, r.values, r.code, r.level) for r in a.rows], a.title
        compared += sum(len(r.labels) + len(r.values) for r in a.rows)
    assert [(c.subject, c.value, c.unit, c.relation) for s in read.explanations for c in s.claims] == \
        [(c.subject, c.value, c.unit, c.relation) for s in derived.explanations for c in s.claims]
    assert [(s.number, s.text) for s in read.explanations] == [(s.number, s.text) for s in derived.explanations]
    assert read.projects == derived.projects
    return compared


@settings(max_examples=15, **SETTINGS)
@given(budgets(), st.sampled_from(sorted(CONTEXTS)))
def test_text_round_trip(budget, template):
    context = CONTEXTS[template]
    derived = derive(budget, context)
    result = read_text(render_text(derived, context.template(derived.year)), "rendered.txt", DETECT)
    assert [str(p) for p in result.problems] == [] and result.template == template
    assert assert_same(result.report, derived) > 0


@settings(max_examples=6, **SETTINGS)
@given(budget=budgets(), template=st.sampled_from(sorted(CONTEXTS)))
def test_pdf_round_trip(budget, template, tmp_path):
    if "pdf" not in renderers():
        pytest.skip("no PDF renderer installed")
    context = CONTEXTS[template]
    derived = derive(budget, context)
    path = tmp_path / "generated.pdf"
    path.write_bytes(renderers()["pdf"].render(context.rendering(derived, budget)))
    result = published(path, DETECT)
    assert [str(p) for p in result.problems] == [] and result.template == template
    assert assert_same(result.report, derived) > 0
