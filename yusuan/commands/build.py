"""`yusuan build BUDGET -o DIR`: the complete disclosure of a budget, in the formats asked for."""
from __future__ import annotations

from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    @app.command()
    def build(
        budget_file: Path = typer.Argument(..., help="budget.yaml or budget.xlsx"),
        out: Path = typer.Option(Path("out"), "-o", "--out", help="output folder"),
        format: str = typer.Option("json,text", "--format", "-f", help="comma-separated: json,text,html,pdf,xlsx,docx,datapackage"),
        catalog: list[Path] = typer.Option([], "--catalog", help="a catalog CSV that extends or overrides the built-in one"),
    ) -> None:
        """Derive the Report of a budget and write it (report.json, report.txt, …)."""
        from ..catalog import Catalog, CatalogError
        from ..derive import derive
        from ..errors import InputError
        from ..inputs import read_budget
        from ..render import write

        try:
            codes = Catalog.load(catalog) if catalog else None
        except CatalogError as exc:
            raise InputError(", ".join(map(str, catalog)), None, str(exc)) from None
        budget = read_budget(budget_file, codes)
        try:
            report = derive(budget, catalog=codes)
        except CatalogError as exc:
            raise InputError(budget_file, None, str(exc)) from None
        formats = [f.strip() for f in format.split(",") if f.strip()]
        try:
            paths = write(report, formats, out, budget)
        except ValueError as exc:
            raise InputError(budget_file, None, str(exc)) from None
        for path in paths:
            typer.echo(str(path))
