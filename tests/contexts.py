"""The contexts the tests work in, made once, as a command makes its own (docs/architecture.md)."""
from __future__ import annotations

from yusuan.context import Context
from yusuan.templates import load

SHANXI = Context.create("shanxi-2024")  # the seed's layout: what `build` uses by default
DETECT = Context.create(None)  # a reader's context: the template is detected from the document


def rendering(report, budget=None):
    return SHANXI.rendering(report, budget)


def text_of(report) -> str:
    from yusuan.render.text import render_text

    return render_text(report, load(report.template, report.year))
