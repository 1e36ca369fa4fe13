"""`yusuan serve [DIR] [--db URL]`: the public portal over a database of reports (docs/portal.md).

With a folder, everything in it (budgets, report.json files, published reports) is published
into the database first, so `yusuan serve examples/` shows the seed at once.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve_command(
        inputs: Optional[list[Path]] = typer.Argument(None, help="folders or files to publish before serving"),
        db: Optional[str] = typer.Option(None, "--db", help="database URL or SQLite file (default $DATABASE_URL, "
                                                           "else yusuan-portal.db here, created on first start)"),
        host: str = typer.Option("127.0.0.1", "--host"),
        port: int = typer.Option(8000, "--port", min=1, max=65535),
        template: Optional[str] = typer.Option(None, "--template", "-t", help="the layout of budgets in INPUTS"),
    ) -> None:
        """Serve the portal: browse, search, compare, chart and download every report; JSON API under /api/."""
        import uvicorn

        from ..errors import InputError, InputErrors
        from ..inputs import expand_inputs
        from ..store.db import open_store
        from ..store.ingest import publish_file
        from ..web.app import create_app

        if inputs:
            _, sessions = open_store(db)
            for path in expand_inputs(inputs):
                try:
                    with sessions.begin() as session:
                        done = publish_file(session, path, template)
                    typer.echo(f"published {path} as /unit/{done.unit_key}/{done.year}", err=True)
                except (InputError, InputErrors, OSError) as exc:
                    typer.echo(f"skipped: {str(exc).splitlines()[0]}", err=True)
        application = create_app(db)
        typer.echo(f"yusuan portal on http://{host}:{port}/ (API: http://{host}:{port}/api/docs)", err=True)
        uvicorn.run(application, host=host, port=port, log_level="warning")
