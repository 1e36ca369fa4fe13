"""`yusuan diff A B`: every changed cell of two reports (two years of a unit, or two units).

Exit codes as diff(1): 0 no difference, 1 differences, 2 an input could not be read.
"""
from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from . import make_context


class Format(str, Enum):
    text = "text"
    json = "json"
    html = "html"


def load_any(path: Path, template: str | None, catalog: list[Path]):
    """The Report of any input `check` takes, in the same layout it would choose (a budget:
    --template, else build's default; a published report: detected; a report.json: its own)."""
    from ..inputs import BUDGET_SUFFIXES, is_published, load_report
    from .build import DEFAULT_TEMPLATE

    context = make_context(template, catalog)
    if template is None and path.suffix.lower() in BUDGET_SUFFIXES + (".xlsx",) and path.exists() and not is_published(path):
        context = context.with_template(DEFAULT_TEMPLATE)
    report, _ = load_report(path, context)
    return report


def register(app: typer.Typer) -> None:
    @app.command()
    def diff(
        a: Path = typer.Argument(..., help="the first report: budget .yaml/.xlsx, report.json, published .pdf/.txt/.xlsx"),
        b: Path = typer.Argument(..., help="the second report (any of the same)"),
        format: Format = typer.Option(Format.text, "--format", "-f", help="text, json or html"),
        template: Optional[str] = typer.Option(None, "--template", "-t", help="the layout of budgets (default shanxi-2024) or of published reports (default: detected)"),
        catalog: list[Path] = typer.Option([], "--catalog", help="a catalog CSV that extends or overrides the built-in one"),
        output: Optional[Path] = typer.Option(None, "--output", "-o", help="write to this file (atomically)"),
    ) -> None:
        """Every changed cell of two reports with both values, the change and the percentage; rows of one only."""
        from ..diff import as_html, as_json, as_text, diff_reports

        result = diff_reports(load_any(a, template, catalog), load_any(b, template, catalog), str(a), str(b))
        out = {Format.text: as_text, Format.json: as_json, Format.html: as_html}[format](result)
        if output is not None:
            from ..render import atomic_write

            atomic_write(output, out.encode("utf-8"))
        else:
            typer.echo(out, nl=False)
        raise typer.Exit(0 if result.empty else 1)
