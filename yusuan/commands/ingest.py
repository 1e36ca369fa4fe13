"""`yusuan ingest INPUTS… --out CORPUS`: every report of files and folders read and checked into a
corpus of Parquet tables with a DuckDB database over them (yusuan/corpus/, docs/scale.md).

Resumable: a rerun skips the inputs already in the corpus (by content hash), and a kill loses
only the batches being worked on. `--scheduler tcp://…` or `--dask-local N` runs it on Dask.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Optional

import typer

from ..batch import DEFAULT_JOBS


def register(app: typer.Typer) -> None:
    @app.command("ingest")
    def ingest_command(
        inputs: list[Path] = typer.Argument(..., help="budgets (.yaml/.xlsx), report.json files, published reports "
                                                       "(.txt/.pdf/.xlsx), or folders of them"),
        out: Path = typer.Option(..., "--out", "-o", help="the corpus folder (made, or added to)"),
        template: Optional[str] = typer.Option(None, "--template", "-t", help="the layout (default: detected from a "
                                               "published report, named by a report.json, shanxi-2024 for a budget)"),
        catalog: list[Path] = typer.Option([], "--catalog", help="a catalog CSV that extends or overrides the built-in one"),
        jobs: int = typer.Option(DEFAULT_JOBS, "--jobs", "-j", min=1, help="worker processes on this machine (default: one per core)"),
        batch_size: Optional[int] = typer.Option(None, "--batch-size", min=1, help="inputs per batch (default: about four "
                                                 "batches per worker, at most 50)"),
        scheduler: Optional[str] = typer.Option(None, "--scheduler", help="run on the Dask cluster of this scheduler "
                                                "(tcp://host:8786); its workers must see INPUTS and --out at the same paths"),
        dask_local: Optional[int] = typer.Option(None, "--dask-local", min=1, help="run on a Dask LocalCluster of N worker processes"),
        follow_symlinks: bool = typer.Option(False, "--follow-symlinks", help="in a folder, follow links leading outside it"),
        retry_failed: bool = typer.Option(False, "--retry-failed", help="try again the inputs whose worker died or ran "
                                          "out of time in an earlier ingest (unreadable ones are never tried again)"),
    ) -> None:
        """Read and check every input into Parquet tables (reports, cells, claims, projects,
        indicators, findings, problems) and a DuckDB database over them; `yusuan query` asks it.

        Exit code 0 when every input was read, 1 when some could not be (they are in the
        corpus's reports and problems tables), 2 for a bad command or corpus folder."""
        from ..batch import list_found, progress
        from ..errors import InputError
        from ..inputs import expand_inputs
        from ..corpus.ingest import dask_client, ingest
        from ..corpus.store import Corpus, CorpusError
        from . import make_context

        if scheduler and dask_local:
            typer.echo("error: give --scheduler or --dask-local, not both", err=True)
            raise typer.Exit(2)
        context = make_context(template, catalog)  # a bad --template or --catalog fails here, before any worker
        files = expand_inputs(inputs, out=out, follow_symlinks=follow_symlinks)
        least = list_found(files)
        if not files:
            typer.echo(f"error: no budget or report found in {', '.join(map(str, inputs))}", err=True)
            raise typer.Exit(2)
        corpus = Corpus(out)
        try:
            corpus.create()
        except CorpusError as exc:
            raise InputError(str(out), None, str(exc).removeprefix(f"{out}: ")) from None
        start = time.perf_counter()
        client = dask_client(scheduler, dask_local) if (scheduler or dask_local) else None
        if client is not None:  # batches sized on the cluster's workers, as on this machine's
            jobs = dask_local or max(1, len(client.scheduler_info().get("workers", {})))
        try:
            with corpus.lock():
                counts = ingest(corpus, list(files), template=template, catalog_files=context.catalog_files, jobs=jobs,
                                batch_size=batch_size, client=client, retry_failed=retry_failed,
                                progress=lambda total: progress(total, "ingesting"),
                                note=lambda line: typer.echo(f"note: {line}", err=True))
        finally:
            if client is not None:
                cluster = client.cluster if not scheduler else None
                client.close()
                if cluster is not None:
                    cluster.close()
        with corpus.connect() as connection:
            reports, cells = connection.execute("SELECT count(*), coalesce(sum(cells), 0) FROM reports").fetchone()
        where = f"on Dask ({scheduler or f'{dask_local} local workers'})" if client is not None else f"with {jobs} worker(s)"
        typer.echo(f"ingested {counts['ingested']} inputs {where} in {time.perf_counter() - start:.1f} s: "
                   f"{counts.get('ok', 0)} read, {counts.get('unreadable', 0)} unreadable, {counts.get('failed', 0)} failed; "
                   f"{counts['skipped']} already there. {out}: {reports} reports, {cells} cells "
                   f"(`yusuan query {out} \"SELECT …\"`)", err=True)
        bad = counts.get("unreadable", 0) + counts.get("failed", 0)
        raise typer.Exit(max(least, 1 if bad else 0))
