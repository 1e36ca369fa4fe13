"""PDF through typst: A4, CJK font embedded, page numbers, headers repeated across pages.

Chosen by measurement (benchmarks/bench_render.py): typst lays out the seed's report in a
fraction of WeasyPrint's time. The look lives in page/report.typ; the content arrives
as JSON from layout.document, so no text is ever spliced into typst markup (nothing to escape).
"""
from __future__ import annotations

import dataclasses
import json
import os
from decimal import Decimal
from functools import cache
from importlib import resources
from pathlib import Path

import typst

from ..report import Report
from . import layout, register, reproducible

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..templates import Template
    from . import Rendering

# Serif first (the published reports are set in 宋体); Sans as fallback for missing glyphs.
FONTS = ("Noto Serif CJK SC", "Noto Sans CJK SC", "Source Han Serif SC", "Source Han Sans SC")
# Where Debian (fonts-noto-cjk), Fedora and macOS Homebrew put the Noto CJK files; more can
# be named in YUSUAN_FONT_PATH (os.pathsep-separated).
FONT_DIRS = ("/usr/share/fonts/opentype/noto", "/usr/share/fonts/noto-cjk", "/usr/share/fonts/google-noto-cjk",
             "/opt/homebrew/share/fonts", "/usr/local/share/fonts")


class FontMissing(RuntimeError):
    """No CJK font: typst would draw every Chinese character as an empty box."""


@cache
def font_paths() -> tuple[str, ...]:
    extra = [p for p in os.environ.get("YUSUAN_FONT_PATH", "").split(os.pathsep) if p]
    return tuple(p for p in (*extra, *FONT_DIRS) if Path(p).is_dir())


@cache
def cjk_font_files() -> tuple[str, ...]:
    found = []
    for directory in font_paths():
        for path in Path(directory).rglob("*"):
            name = path.name.lower()
            if ("cjk" in name or "sourcehan" in name) and path.suffix.lower() in (".ttc", ".otf", ".ttf"):
                found.append(str(path))
    return tuple(found)


def _plain(value):
    """Blocks → JSON-ready values: dataclasses to dicts, Decimal to its exact string."""
    if dataclasses.is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    return value


def _date(report: Report) -> dict:
    """The document date typst writes into the PDF (else the clock: two builds would differ)."""
    when = reproducible.build_time(report.year)
    return {"year": when.year, "month": when.month, "day": when.day, "hour": when.hour, "minute": when.minute,
            "second": when.second}


def typst_data(report: Report, template: "Template") -> str:
    return json.dumps(
        {"date": _date(report), "title": layout.document_title(report, template), "fonts": list(FONTS), "blocks": _plain(layout.document(report, template))},
        ensure_ascii=False,
    )


@cache
def _template() -> bytes:
    return resources.files("yusuan.render").joinpath("page/report.typ").read_bytes()


def render_pdf_bytes(report: Report, template: "Template") -> bytes:
    if not cjk_font_files():
        raise FontMissing(
            "no CJK font found for the PDF (install Debian's fonts-noto-cjk, or name a folder holding "
            f"Noto CJK fonts in YUSUAN_FONT_PATH; searched {', '.join(FONT_DIRS)})"
        )
    return _compiler().compile(input=_template(), format="pdf", sys_inputs={"data": typst_data(report, template)})


@cache
def _compiler() -> typst.Compiler:
    # One compiler per process keeps the fonts loaded between reports (a batch of units
    # renders each in layout time only). Only the CJK font folders, not every system font:
    # scanning all fonts costs more than the layout.
    return typst.Compiler(font_paths=list(font_paths()), ignore_system_fonts=True)


@register("pdf", "report.pdf")
def render_pdf(rendering: "Rendering") -> bytes:
    return render_pdf_bytes(rendering.report, rendering.template)
