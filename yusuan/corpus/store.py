"""The corpus folder: part files, batch commits, the lock, and the DuckDB database over them.

Nothing here holds a corpus in memory: a batch's rows are written as they are made, and what
is done is read back from the small commit files alone (not from Parquet), so that the ingest's
parent process never starts Arrow's threads before it forks its workers.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from . import SCHEMA_VERSION
from .schema import TABLES

DATABASE = "corpus.duckdb"
MARK = "corpus.json"


class CorpusError(Exception):
    pass


def _atomic(path: Path, write) -> None:
    """``write(temporary path)``, then rename it to ``path``: a reader, or the next run after a
    kill, sees the whole file or none (the name is unique per process, so two writers of the
    same part — a batch redone after a lost worker — never mix their bytes)."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(temporary)
        os.replace(temporary, path)
    finally:
        if temporary.exists():
            temporary.unlink()


class Corpus:
    def __init__(self, root: Path):
        self.root = Path(root)

    # -- the folder ---------------------------------------------------------------------------

    @property
    def batches(self) -> Path:
        return self.root / "batches"

    def part(self, table: str, batch: str) -> Path:
        return self.root / "parts" / table / f"{batch}.parquet"

    def create(self) -> None:
        """Make the folder, or check that an existing one is a corpus of this schema (a rerun
        into a folder of something else must not write into it)."""
        mark = self.root / MARK
        if mark.exists():
            try:
                version = json.loads(mark.read_text(encoding="utf-8")).get("schema")
            except (OSError, ValueError, AttributeError):
                version = None
            if version != SCHEMA_VERSION:
                raise CorpusError(f"{self.root}: a corpus of schema {version!r}, this yusuan writes {SCHEMA_VERSION}: "
                                  "ingest into a new folder")
        elif self.root.exists() and any(self.root.iterdir()):
            raise CorpusError(f"{self.root}: not a corpus (no {MARK}) and not empty: give a new or empty folder")
        for table in TABLES:
            (self.root / "parts" / table).mkdir(parents=True, exist_ok=True)
        self.batches.mkdir(parents=True, exist_ok=True)
        if not mark.exists():
            text = json.dumps({"schema": SCHEMA_VERSION, "tables": list(TABLES)}, indent=1) + "\n"
            _atomic(mark, lambda p: p.write_text(text, encoding="utf-8"))

    def lock(self):
        """An exclusive lock on the corpus for one ingest (a second one waits). A POSIX record
        lock (lockf), which forked workers do not inherit: it dies with this process, and the
        workers of a killed ingest die with it (``die_with_parent``) before they commit."""
        import fcntl

        handle = open(self.root / ".lock", "a")
        try:
            fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            print(f"note: another ingest is writing {self.root}; waiting for it to end", file=sys.stderr, flush=True)
            fcntl.lockf(handle, fcntl.LOCK_EX)
        return handle

    def keep_catalogs(self, catalog_files) -> list[str]:
        """A copy of each catalog file an ingest reads with, as catalogs/<sha256>.csv (its digest
        is in the reports rows' ``catalogs`` column): the corpus says what it was read with, and
        an input read again (`yusuan serve` of an input with no stored JSON) is read with it."""
        import hashlib

        digests = []
        for name in catalog_files:
            data = Path(name).read_bytes()
            digest = hashlib.sha256(data).hexdigest()
            target = self.catalog(digest)
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                _atomic(target, lambda p: p.write_bytes(data))
            digests.append(digest)
        return digests

    def catalog(self, digest: str) -> Path:
        return self.root / "catalogs" / f"{digest}.csv"

    # -- batches ------------------------------------------------------------------------------

    def committed(self) -> dict[str, dict]:
        """batch name → its commit (the inputs of the batch and their outcomes)."""
        found = {}
        for path in sorted(self.batches.glob("*.json")):
            try:
                found[path.stem] = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):  # cannot happen through _atomic; a hand-damaged one is not a commit
                print(f"warning: {path}: not a readable commit; its batch is not counted", file=sys.stderr)
        return found

    def done(self) -> dict[str, dict]:
        """report id → its outcome, over every committed batch."""
        return {entry["report_id"]: entry for commit in self.committed().values() for entry in commit["inputs"]}

    def forget_failed(self) -> int:
        """Uncommit the batches whose every input failed (a worker that died, a time limit), so
        that the next ingest tries them again; their parts go with the next ``clean``. An input
        that failed inside a batch of good ones (a bug of ours on it) stays: redoing it would
        ingest its neighbours twice. Returns how many inputs are forgotten. Only under the lock."""
        forgotten = 0
        for name, commit in self.committed().items():
            inputs = commit.get("inputs", [])
            if inputs and all(entry.get("status") == "failed" for entry in inputs):
                (self.batches / f"{name}.json").unlink()
                forgotten += len(inputs)
        return forgotten

    def clean(self) -> int:
        """Remove what a killed ingest left: temporary files, parts of batches never committed,
        and a batch committed twice over (every input of it also in an earlier commit: a batch
        of a cluster's worker that finished after its client was gone and the rerun had redone
        it). Returns how many files were removed. Only under the lock."""
        removed = 0
        seen: dict[str, str] = {}
        commits = sorted(self.batches.glob("*.json"), key=lambda p: (p.stat().st_mtime_ns, p.name))
        for path in commits:
            try:
                ids = [entry["report_id"] for entry in json.loads(path.read_text(encoding="utf-8"))["inputs"]]
            except (OSError, ValueError, KeyError, TypeError):
                continue
            if ids and all(i in seen for i in ids):
                path.unlink()
                removed += 1
                continue
            twice = [i for i in ids if i in seen]
            if twice:
                print(f"warning: {path.name} holds {len(twice)} report(s) also in {seen[twice[0]]}: "
                      "queries count them twice", file=sys.stderr)
            seen.update({i: path.name for i in ids})
        committed = set(self.committed())
        for folder in [self.batches] + [self.root / "parts" / table for table in TABLES]:
            for path in folder.iterdir():
                stale = path.name.endswith(".tmp") or (path.suffix == ".parquet" and path.stem not in committed)
                if stale:
                    path.unlink()
                    removed += 1
        return removed

    def write_batch(self, batch: str, tables: dict[str, list[dict]], inputs: list[dict]) -> None:
        """The rows of one batch, a part file per table (empty ones too: each table's view then
        has a file of its schema from every batch), then its commit."""
        import pyarrow.parquet as pq

        from .schema import arrow_table

        for table in TABLES:
            data = arrow_table(table, tables.get(table, []))
            _atomic(self.part(table, batch), lambda p: pq.write_table(data, p, compression="zstd"))
        text = json.dumps({"batch": batch, "inputs": inputs}, ensure_ascii=False, indent=1) + "\n"
        _atomic(self.batches / f"{batch}.json", lambda p: p.write_text(text, encoding="utf-8"))

    # -- the database -------------------------------------------------------------------------

    def build_database(self) -> Path:
        """corpus.duckdb: a view per table over the committed parts, by paths relative to the
        corpus (the folder can be moved; `yusuan query` and ``connect`` set DuckDB's
        file_search_path to it). Written to a temporary file and renamed, so a query running
        meanwhile keeps the previous one."""
        import duckdb

        from .schema import arrow_table

        batches = sorted(self.committed())
        target = self.root / DATABASE

        def write(path: Path) -> None:
            connection = duckdb.connect(str(path))
            try:
                connection.execute(f"SET file_search_path = {_quote(str(self.root.resolve()))}")
                for table in TABLES:
                    files = [f"parts/{table}/{batch}.parquet" for batch in batches]
                    if files:
                        listed = ", ".join(_quote(f) for f in files)
                        # by name: the parts of a corpus made before a column was added lack it (NULL)
                        connection.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet([{listed}], "
                                           "union_by_name = true)")
                    else:  # no batch yet: an empty table of the schema, so that queries still bind
                        empty = arrow_table(table, [])
                        connection.register("empty_rows", empty)
                        connection.execute(f"CREATE TABLE {table} AS SELECT * FROM empty_rows")
                        connection.unregister("empty_rows")
            finally:
                connection.close()

        _atomic(target, write)
        return target

    def connect(self):
        """A read-only DuckDB connection on the corpus (its database built first if missing)."""
        import duckdb

        if not (self.root / MARK).exists():
            raise CorpusError(f"{self.root}: not a corpus (no {MARK}; `yusuan ingest INPUTS --out {self.root}` makes one)")
        if not (self.root / DATABASE).exists():
            self.build_database()
        connection = duckdb.connect(str(self.root / DATABASE), read_only=True)
        connection.execute(f"SET file_search_path = {_quote(str(self.root.resolve()))}")
        return connection


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
