"""`yusuan workbook -o budget.xlsx`: the workbook a finance officer fills (empty, or from a budget).

(`yusuan template` is the same command under its first name, kept so that scripts keep working;
"template" now means a report layout: `yusuan templates`.)"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

KINDS = ("行政", "事业", "参公")


def register(app: typer.Typer) -> None:
    @app.command("workbook")
    @app.command("template", hidden=True)
    def workbook(
        out: Path = typer.Option(Path("budget.xlsx"), "-o", "--out", help="the workbook to write (.xlsx)"),
        year: Optional[int] = typer.Option(None, "--year", help="budget year (default: the budget's, else 2024)"),
        kind: Optional[str] = typer.Option(None, "--kind", help="unit kind: 行政 | 事业 | 参公"),
        source: Optional[Path] = typer.Option(None, "--from", help="fill the workbook from this budget (.yaml or .xlsx)"),
        catalog: list[Path] = typer.Option([], "--catalog", help="a catalog CSV that extends or overrides the built-in one"),
    ) -> None:
        """Write the budget workbook: sheets, drop-down lists, 元 formats, running totals."""
        from ..catalog import Catalog, CatalogError
        from ..errors import InputError
        from ..inputs import read_budget
        from ..render import atomic_write
        from ..workbook.write import write_workbook

        if kind is not None and kind not in KINDS:
            raise InputError("--kind", None, f"unit kind {kind!r}: expected one of {' | '.join(KINDS)}")
        if out.suffix.lower() != ".xlsx":
            raise InputError(out, None, "the workbook is written as .xlsx")
        try:
            codes = Catalog.load(catalog) if catalog else None
        except CatalogError as exc:
            raise InputError(", ".join(map(str, catalog)), None, str(exc)) from None
        budget = read_budget(source, codes) if source else None
        if budget is not None and (year is not None or kind is not None):
            # the officer starts next year's workbook from this year's figures
            update_unit = budget.unit.model_copy(update={"kind": kind}) if kind else budget.unit
            budget = budget.model_copy(update={"year": year or budget.year, "unit": update_unit})
        atomic_write(out, write_workbook(budget, year=year, kind=kind, catalog=codes))
        typer.echo(str(out))
