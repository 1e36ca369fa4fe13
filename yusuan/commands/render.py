"""`yusuan render REPORT.json -f html,pdf,… -o DIR`: publish a Report read from elsewhere
(a reader's output, an edited report.json) in the formats asked for."""
from __future__ import annotations

from pathlib import Path

import typer

DEFAULT_FORMATS = "html,pdf,xlsx,docx"


def register(app: typer.Typer) -> None:
    @app.command()
    def render(
        report_file: Path = typer.Argument(..., help="a Report in its JSON form (report.json)"),
        out: Path = typer.Option(Path("out"), "-o", "--out", help="output folder"),
        format: str = typer.Option(DEFAULT_FORMATS, "--format", "-f",
                                   help="comma-separated: html,pdf,xlsx,docx,json,text"),
        template: str = typer.Option(None, "--template", "-t", help="the layout (default: the one the report names)"),
        catalog: list[Path] = typer.Option([], "--catalog", help="a catalog CSV that extends or overrides the built-in one"),
    ) -> None:
        """Write a Report as HTML, PDF, XLSX, DOCX (report.html, report.pdf, …)."""
        from ..errors import InputError
        from ..inputs import load_report_json
        from . import make_context
        from ..render import write
        from ..render.pdf import FontMissing

        report = load_report_json(report_file, template)
        formats = [f.strip() for f in format.split(",") if f.strip()]
        try:
            paths = write(make_context(template, catalog).rendering(report), formats, out)
        except FontMissing as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from None
        except ValueError as exc:
            raise InputError(report_file, None, str(exc)) from None
        for path in paths:
            typer.echo(str(path))
