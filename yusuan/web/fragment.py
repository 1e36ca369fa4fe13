"""The official layout inside a portal page: yusuan.render.html's document, its body kept and its
stylesheet scoped under ``.report`` so that the report's ``body``/``h1``/``p`` rules style the
report and not the portal around it."""
from __future__ import annotations

import json
import re
from functools import cache
from urllib.parse import quote

from markupsafe import escape

from ..render.html import render_html_text, stylesheet

_SECTION = re.compile(r'(<section class="table[^"]*" id="table-([0-9A-Za-z_-]+)">)')


def scope_css(css: str, scope: str = ".report") -> str:
    """Every selector of ``css`` prefixed with ``scope`` (``body`` becomes the scope itself);
    @media blocks are scoped inside, @page and other at-rules are left as they are."""
    out, i = [], 0
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    while i < len(css):
        open_at = css.find("{", i)
        if open_at < 0:
            out.append(css[i:])
            break
        head = css[i:open_at].strip()
        depth, j = 1, open_at + 1
        while j < len(css) and depth:
            depth += {"{": 1, "}": -1}.get(css[j], 0)
            j += 1
        body = css[open_at + 1:j - 1]
        if head.startswith("@media"):
            out.append(f"{head} {{\n{scope_css(body, scope)}}}\n")
        elif head.startswith("@"):
            out.append(f"{head} {{{body}}}\n")
        else:
            selectors = []
            for selector in head.split(","):
                selector = selector.strip()
                selectors.append(scope if selector == "body" else f"{scope} {selector}")
            out.append(f"{', '.join(selectors)} {{{body}}}\n")
        i = j
    return "".join(out)


@cache
def report_css() -> str:
    return scope_css(stylesheet())


def report_fragment(report, template, csv_url, xlsx_url=None) -> str:
    """The report's body as HTML (escaped by the renderer's Jinja), with a CSV link (and an XLSX
    one when ``xlsx_url`` is given) over each official table; ``csv_url(table_id)`` gives the link."""
    html = render_html_text(report, template, css="")
    body = html[html.index("<body>") + len("<body>"): html.rindex("</body>")]

    def tools(match: re.Match) -> str:
        table_id = match.group(2)
        if table_id.startswith("perf-"):
            return match.group(1)
        xlsx = f' <a class="xlsx" download href="{xlsx_url(table_id)}">下载 XLSX</a>' if xlsx_url else ""
        return (f'{match.group(1)}\n<p class="table-tools"><a class="csv" download href="{csv_url(table_id)}">'
                f'下载 CSV</a>{xlsx}</p>')

    return _SECTION.sub(tools, body)


# Where the stored fragment's links begin: the page puts its own URL there. A "<" of the report's
# text is always escaped by the renderer, so this marker can only be ours.
BASE = "<yusuan-base>"


def stored_fragment(report, template) -> str:
    """The fragment as stored when the report is published, its links relative to ``BASE``."""
    return report_fragment(report, template, lambda t: f"{BASE}/table/{quote(t, safe='')}.csv",
                           lambda t: f"{BASE}/table/{quote(t, safe='')}.xlsx")


def place(stored: str, base: str) -> str:
    """A stored fragment with its links under ``base`` (the unit page's URL)."""
    return stored.replace(BASE, str(escape(base)))


def stored_parts(report, template, anchors: list[str], charts: list) -> str:
    """What the unit page shows besides the report's HTML, as JSON stored with the report when it
    is published: its charts, what it gives the charts across years, the cell anchor of each
    finding (``anchors``, in the findings' order) and its table ids. The page then needs no
    parsed report (parsing one is most of the time of a first visit)."""
    from . import views

    return json.dumps({"charts": [c.to_data() for c in charts],
                       "years": views.year_items(report, template),
                       "anchors": anchors,
                       "tables": [t.id for t in report.tables]}, ensure_ascii=False)
