"""Corpora made by the `yusuan ingest` command, and their contents for comparison."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from yusuan.corpus.schema import TABLES

ROOT = Path(__file__).resolve().parents[2]
SEED_TEXT = ROOT / "tests" / "data" / "tunliu-police-2024.txt"
# What differs between two runs of the same inputs and is not their content: the time taken.
MEASURES = {"reports": ("seconds",)}


def yusuan(*args, check: bool = True, env_extra: dict | None = None, **options) -> subprocess.CompletedProcess:
    """The yusuan command, as a user runs it (its own process: forked workers, signals, exit codes);
    ``env_extra``: more environment variables (a PYTHONPATH given there replaces ours)."""
    result = subprocess.run([sys.executable, "-m", "yusuan.cli", *map(str, args)], capture_output=True, text=True,
                            cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT), **(env_extra or {})}, **options)
    if check:
        assert result.returncode == 0, result.stderr[-3000:]
    return result


def ingest_command(inputs, out: Path, *more) -> list[str]:
    return ["-m", "yusuan.cli", "ingest", *map(str, inputs), "--out", str(out), *map(str, more)]


def contents(corpus: Path) -> dict[str, list[tuple]]:
    """Every table of the corpus as its sorted rows (the measures left out): two corpora are the
    same data whatever batches, workers or runs wrote them."""
    from yusuan.corpus.store import Corpus

    with Corpus(corpus).connect() as connection:
        found = {}
        for table in TABLES:
            columns = [row[0] for row in connection.execute(f"DESCRIBE {table}").fetchall()
                       if row[0] not in MEASURES.get(table, ())]
            listed = ", ".join(f'"{c}"' for c in columns)
            found[table] = connection.execute(f"SELECT {listed} FROM {table} ORDER BY ALL").fetchall()
    return found
