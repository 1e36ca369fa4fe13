"""`yusuan publish REPORT… --db URL`: read, check and store reports for the portal (`yusuan serve`).

Each input — a budget (laid out in shanxi-2024 unless --template), a report.json, or a published
PDF/text (read on the way in) — is checked and stored with its findings, replacing that unit's
report of the same year. Of inputs giving the same unit and year in one run, one is published (a
budget's YAML first, then report.json, workbook, text, PDF) and the others said skipped. A bad
input is one line (exit 2); the others are still published.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from . import make_context


def register(app: typer.Typer) -> None:
    @app.command("publish")
    def publish_command(
        inputs: list[Path] = typer.Argument(..., help="budgets (.yaml/.xlsx), report.json files, published .pdf/.txt, or folders of them"),
        db: Optional[str] = typer.Option(None, "--db", help="database URL (postgresql://…, sqlite:///…) or a SQLite file; "
                                                           "default $DATABASE_URL, else yusuan-portal.db here"),
        template: Optional[str] = typer.Option(None, "--template", "-t", help="the layout (default: shanxi-2024 for a budget, "
                                                                              "detected for a published report)"),
        catalog: list[Path] = typer.Option([], "--catalog", help="a catalog CSV that extends or overrides the built-in one"),
    ) -> None:
        """Publish reports to the portal's database: each read, checked and stored with its findings."""
        from ..errors import InputError, InputErrors
        from ..inputs import expand_inputs
        from ..store.db import open_store
        from ..store.ingest import read_file, store_read
        from ..store.sources import PREFERENCE

        context = make_context(template, catalog)  # a bad --template fails before any work
        files = expand_inputs(inputs)
        if not files:
            typer.echo(f"error: no budget or report found in {', '.join(map(str, inputs))}", err=True)
            raise typer.Exit(2)
        _, sessions = open_store(db)
        failed = 0
        # One report per unit and year from this run, as `serve DIR` does: a folder's budget.yaml,
        # not then the budget.xlsx written from it, which would replace it.
        kept: dict = {}
        for path in sorted(files, key=lambda f: PREFERENCE.get(f.suffix.lower(), 9)):
            try:
                read = read_file(path, template, context.catalog_files)
                if read.unit_year in kept:
                    typer.echo(f"skipped {path}: the same unit and year ({read.unit_year[1]}) as "
                               f"{kept[read.unit_year]}, published instead", err=True)
                    continue
                kept[read.unit_year] = path
                with sessions.begin() as session:
                    done = store_read(session, read)
            except InputErrors as exc:
                failed += 1
                typer.echo(f"error: {exc.lines()[0]}", err=True)
                continue
            except (InputError, OSError) as exc:
                failed += 1
                typer.echo(f"error: {exc}", err=True)
                continue
            counts = ", ".join(f"{done.counts.get(s, 0)} {s}" for s in ("error", "warning", "rounding"))
            typer.echo(f"published {path} as /unit/{done.unit_key}/{done.year} ({counts})")
        if failed:
            raise typer.Exit(2)
