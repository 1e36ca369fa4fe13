"""`yusuan query CORPUS "SQL" [-f csv|json|table]`: SQL over a corpus (DuckDB, read-only).

The tables: reports, cells, claims, projects, indicators, project_notes, findings, problems
(docs/scale.md lists their columns). Amounts come out exact: DECIMAL in DuckDB, their digits as
written in CSV and the table, strings in JSON (a JSON number is a float to most readers).
"""
from __future__ import annotations

import csv
import io
import json
import unicodedata
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Optional

import typer


class Format(str, Enum):
    csv = "csv"
    json = "json"
    table = "table"


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")  # never 1E+2
    return str(value)


def _json(value):
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, (bytes, bytearray)):
        return value.hex()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)  # dates, lists and maps as DuckDB prints them


def _width(text: str) -> int:
    # a Chinese character takes two columns of a terminal
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def as_csv(columns: list[str], rows: list[tuple]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([[_text(v) for v in row] for row in rows])
    return buffer.getvalue()


def as_json(columns: list[str], rows: list[tuple]) -> str:
    return json.dumps([{c: _json(v) for c, v in zip(columns, row)} for row in rows], ensure_ascii=False, indent=1) + "\n"


def as_table(columns: list[str], rows: list[tuple]) -> str:
    cells = [[_text(v) for v in row] for row in rows]
    widths = [max([_width(c)] + [_width(r[i]) for r in cells]) for i, c in enumerate(columns)]
    numeric = [bool(rows) and all(isinstance(r[i], (int, float, Decimal)) or r[i] is None for r in rows)
               for i in range(len(columns))]

    def line(values: list[str]) -> str:
        padded = []
        for i, value in enumerate(values):
            space = " " * (widths[i] - _width(value))
            padded.append(space + value if numeric[i] else value + space)
        return "  ".join(padded).rstrip()

    out = [line(columns), "  ".join("-" * w for w in widths)] + [line(r) for r in cells]
    return "\n".join(out) + f"\n({len(rows)} row{'s' if len(rows) != 1 else ''})\n"


def register(app: typer.Typer) -> None:
    @app.command("query")
    def query_command(
        corpus: Path = typer.Argument(..., help="a corpus folder made by `yusuan ingest`"),
        sql: str = typer.Argument(..., help="the SQL (DuckDB); tables: reports, cells, claims, projects, indicators, "
                                            "project_notes, findings, problems"),
        format: Format = typer.Option(Format.table, "--format", "-f", help="csv, json or table"),
        output: Optional[Path] = typer.Option(None, "--output", "-o", help="write to this file (atomically)"),
    ) -> None:
        """Run SQL over a corpus (read-only) and print the result."""
        import duckdb

        from ..corpus.store import Corpus, CorpusError
        from ..errors import InputError

        try:
            connection = Corpus(corpus).connect()
        except CorpusError as exc:
            raise InputError(str(corpus), None, str(exc).removeprefix(f"{corpus}: ")) from None
        try:
            result = connection.execute(sql)
            columns = [d[0] for d in result.description] if result.description else []
            rows = result.fetchall() if columns else []
        except duckdb.Error as exc:
            typer.echo(f"error: {str(exc).strip()}", err=True)
            raise typer.Exit(2)
        finally:
            connection.close()
        text = {Format.csv: as_csv, Format.json: as_json, Format.table: as_table}[format](columns, rows)
        if output is not None:
            from ..render import atomic_write

            atomic_write(output, text.encode("utf-8"))
        else:
            typer.echo(text, nl=False)
