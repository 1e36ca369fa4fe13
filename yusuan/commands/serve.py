"""`yusuan serve [DIR|CORPUS…] [--db URL] [--workers N]`: the public portal over a database of
reports (docs/portal.md).

With folders or files, what they hold is published into the database first, one report per
unit and year (a folder's budget.yaml is preferred to the budget.xlsx written from it; the other
is skipped and said); with a corpus made by `yusuan ingest`, the reports it read, from the JSON
it keeps of each (no source file needed; a corpus made before it kept them is read again from
its sources). A report already published from the same bytes is left as it is, so serving the
same folder again starts at once (yusuan/store/sources.py).
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

import typer

MAX_DEFAULT_WORKERS = 4  # each worker holds its own caches (~100–200 MB); more rarely pays on a small machine


def default_workers() -> int:
    """One server process per core this process may run on, at most MAX_DEFAULT_WORKERS: a page
    costs a few milliseconds of Python, and one process serves one request at a time."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_DEFAULT_WORKERS))


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve_command(
        inputs: Optional[list[Path]] = typer.Argument(None, help="folders, files or corpora (made by `yusuan ingest`) "
                                                                 "to publish before serving"),
        db: Optional[str] = typer.Option(None, "--db", help="database URL or SQLite file (default $DATABASE_URL, "
                                                           "else yusuan-portal.db here, created on first start)"),
        host: str = typer.Option("127.0.0.1", "--host"),
        port: int = typer.Option(8000, "--port", min=1, max=65535),
        workers: Optional[int] = typer.Option(None, "--workers", min=1, max=64,
                                              help="server processes (default: one per core, at most 4)"),
        template: Optional[str] = typer.Option(None, "--template", "-t", help="the layout of budgets in INPUTS"),
    ) -> None:
        """Serve the portal: browse, search, compare, chart and download every report; JSON API under /api/."""
        import uvicorn

        from ..store.db import open_store, resolve_url
        from ..store.sources import publish_sources

        missing = [str(p) for p in inputs or [] if not p.exists()]
        if missing:
            typer.echo(f"error: no such file or folder: {', '.join(missing)}", err=True)
            raise typer.Exit(2)
        url = resolve_url(db)
        engine, sessions = open_store(url)  # migrated here, once, before any worker starts
        if inputs:
            outcome = publish_sources(sessions, list(inputs), template, echo=lambda line: typer.echo(line, err=True))
            counts = outcome.counts
            typer.echo(f"{counts['published']} published, {counts['unchanged']} unchanged since last time, "
                       f"{counts['same unit and year']} skipped as another form of a report published, "
                       f"{counts['unreadable']} unreadable", err=True)
        engine.dispose()
        workers = workers or default_workers()
        typer.echo(f"yusuan portal on http://{host}:{port}/ (API: http://{host}:{port}/api/docs), "
                   f"{workers} worker process{'es' if workers > 1 else ''}", err=True)
        if workers == 1:
            from ..web.app import create_app

            uvicorn.run(create_app(url, migrate=False), host=host, port=port, log_level="warning")
        else:  # uvicorn starts each worker by importing the app's factory by name
            os.environ["YUSUAN_PORTAL_DB"] = url
            uvicorn.run("yusuan.web.app:portal_app", factory=True, workers=workers, host=host, port=port,
                        log_level="warning", http="yusuan.web.serving:NoDelayHTTPProtocol")
