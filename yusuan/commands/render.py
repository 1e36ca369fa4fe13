"""`yusuan render REPORT.json -f html,pdf,… -o DIR`: publish a Report read from elsewhere
(a reader's output, an edited report.json) in the formats asked for."""
from __future__ import annotations

from pathlib import Path

import typer

DEFAULT_FORMATS = "html,pdf,xlsx,docx"


def load_report(path: Path):
    """The Report in ``path``; a broken file is an InputError naming the file and the place."""
    import json

    from pydantic import ValidationError

    from ..errors import InputError
    from ..report import Report

    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(path, None, f"cannot read the report ({exc.strerror})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(path, f"{exc.lineno}:{exc.colno}", f"not JSON: {exc.msg}") from None
    if not isinstance(data, dict) or not str(data.get("schema", "")).startswith("yusuan-report/"):
        found = data.get("schema") if isinstance(data, dict) else type(data).__name__
        raise InputError(path, "schema", f"not a yusuan report (schema {found!r}, expected yusuan-report/1)")
    try:
        return Report.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        place = ".".join(str(part) for part in error["loc"])
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise InputError(path, place, f"{error['msg']}{more}") from None


def register(app: typer.Typer) -> None:
    @app.command()
    def render(
        report_file: Path = typer.Argument(..., help="a Report in its JSON form (report.json)"),
        out: Path = typer.Option(Path("out"), "-o", "--out", help="output folder"),
        format: str = typer.Option(DEFAULT_FORMATS, "--format", "-f",
                                   help="comma-separated: html,pdf,xlsx,docx,json,text"),
    ) -> None:
        """Write a Report as HTML, PDF, XLSX, DOCX (report.html, report.pdf, …)."""
        from ..errors import InputError
        from ..render import write
        from ..render.pdf import FontMissing

        report = load_report(report_file)
        formats = [f.strip() for f in format.split(",") if f.strip()]
        try:
            paths = write(report, formats, out)
        except FontMissing as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from None
        except ValueError as exc:
            raise InputError(report_file, None, str(exc)) from None
        for path in paths:
            typer.echo(str(path))
