"""`yusuan templates`: the layouts yusuan knows, with what each covers."""
from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    @app.command("templates")
    def templates(
        year: int = typer.Option(2024, "--year", help="the year whose titles are shown"),
        verbose: bool = typer.Option(False, "--tables", help="list every table of each template"),
    ) -> None:
        """List the report layouts (templates): id, kind, level, tables, own rules."""
        from ..check.registry import rules_for
        from ..templates import builtin, load

        for template_id, folder in builtin().items():
            template = load(template_id, year)
            rules = rules_for(template)
            own = sum(1 for r in rules if r.origin == "template")
            ids = {str(path): known for known, path in builtin().items()}
            parent = f", extends {ids.get(template.lineage[1], template.lineage[1])}" if len(template.lineage) > 1 else ""
            typer.echo(f"{template.id}\t{template.name} — {template.kind}, {template.level}; {len(template.tables)} tables, "
                       f"{len(rules)} rules ({own} of its own){parent}; yusuan/templates/{folder.name}/")
            if verbose:
                for spec in template.tables:
                    typer.echo(f"    {spec.id}\t{spec.name} ({spec.unit}; rows: {spec.rows.dimension})")
