"""`yusuan read REPORT -o DIR`: a published report (text, PDF, or its tables' workbook) back into
report.json and report.txt. A budget (yaml/xlsx) or a report.json is accepted as well and
written out the same way, so that one command turns any input into the Report's files."""
from __future__ import annotations

from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    @app.command()
    def read(
        report_file: Path = typer.Argument(..., help="a published report: .txt (text extracted from its PDF), .pdf, "
                                                     ".xlsx (its tables); or a budget (.yaml/.xlsx), a report.json"),
        out: Path = typer.Option(Path("out"), "-o", "--out", help="output folder"),
        format: str = typer.Option("json,text", "--format", "-f", help="comma-separated formats to write"),
    ) -> None:
        """Read a published report into data. Exit 0: read whole; 1: read in part (problems listed); 2: nothing readable."""
        from ..errors import InputError
        from ..inputs import is_published, load_report
        from ..read.published import ReadResult, published
        from ..render import write

        if report_file.exists() and not is_published(report_file):
            typer.echo(f"{report_file}: a budget or a report.json, not a published report: its Report is written as is",
                       err=True)
            report = load_report(report_file)[0]
            result = ReadResult(report, template=report.template)
        else:
            result = published(report_file)
        for problem in result.problems:
            typer.echo(f"{report_file}: {problem}", err=True)
        if result.report is None:
            raise typer.Exit(2)
        formats = [f.strip() for f in format.split(",") if f.strip()]
        try:
            paths = write(result.report, formats, out)
        except ValueError as exc:
            raise InputError(report_file, None, str(exc)) from None
        for path in paths:
            typer.echo(str(path))
        tables = len(result.report.tables)
        typer.echo(f"read {tables} tables, {len(result.report.explanations)} sections, "
                   f"{len(result.report.performance)} performance tables; {len(result.problems)} problems", err=True)
        raise typer.Exit(result.exit_code)
