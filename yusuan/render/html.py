"""HTML: one self-contained file (CSS inlined), laid out like the printed report, A4 when printed.

Jinja2 autoescapes every text; the blocks come from layout.document, so this module only
decides markup (rowspan/colspan for the template's merged headers, <thead> so that browsers
repeat the header on every printed page).
"""
from __future__ import annotations

from functools import cache
from importlib import resources

import jinja2
from markupsafe import Markup

from ..report import Report
from . import layout, register

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..templates import Template
    from . import Rendering


def _span(cell: layout.Cell) -> Markup:
    attrs = ""
    if cell.colspan > 1:
        attrs += f' colspan="{cell.colspan}"'
    if cell.rowspan > 1:
        attrs += f' rowspan="{cell.rowspan}"'
    return Markup(attrs)


def _class(cell: layout.Cell) -> Markup:
    if cell.strong:
        return Markup(' class="strong"')
    if cell.align == "right":
        return Markup(' class="num"')
    if cell.align == "center":
        return Markup(' class="center"')
    return Markup("")


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("yusuan.render", "page"),
        autoescape=True,
        trim_blocks=False,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.globals.update(span=_span, cls=_class, total_width=lambda grid: sum(grid.widths) or 1)
    return env


@cache
def stylesheet() -> str:
    return resources.files("yusuan.render").joinpath("page/report.css").read_text(encoding="utf-8")


def render_html_text(report: Report, template: "Template", css: str | None = None) -> str:
    page = _environment().get_template("report.html.j2")
    return page.render(
        title=layout.document_title(report, template),
        css=Markup(stylesheet() if css is None else css),
        blocks=layout.document(report, template),
    )


@register("html", "report.html")
def render_html(rendering: "Rendering") -> bytes:
    return render_html_text(rendering.report, rendering.template).encode("utf-8")
