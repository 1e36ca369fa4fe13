"""The corpus at scale (yusuan/corpus/): `yusuan synth` of N units, `yusuan ingest` of their
budgets on this machine's worker processes and on a Dask LocalCluster, each's time and peak
memory (the whole process tree, sampled), the corpus on disk, and DuckDB aggregations over all
of it (ms). With --pdfs K: K generated budgets rendered to PDF and read back, reports per
minute locally and on Dask. With --serve: instead of the Dask run, `yusuan serve CORPUS`'s
publishing of the corpus into a new SQLite portal, from the reports it keeps whole and, the
same corpus as one made before it kept them, from its source files. Prints figures; asserts
only that the two runs give one corpus, and the two servings one portal.

    python benchmarks/bench_ingest.py                 # 1,000 units (one year each)
    python benchmarks/bench_ingest.py 10000           # 10,000
    python benchmarks/bench_ingest.py 1000 --years 2023-2025 --workers 2 --pdfs 40 --keep /tmp/bench
    python benchmarks/bench_ingest.py 100 --years 2023-2025 --serve
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from yusuan.corpus.store import Corpus  # noqa: E402

QUERIES = {
    "expenditure by 类, all reports": (
        "SELECT row_code, sum(value) FROM cells WHERE table_id = '3' AND row_level = 1 AND column_key = 'total' "
        "GROUP BY row_code"),
    "by 类 and year, 基本/项目": (
        "SELECT r.year, c.row_code, c.column_key, sum(c.value) FROM cells c JOIN reports r USING (report_id) "
        "WHERE c.table_id = '3' AND c.row_level = 1 GROUP BY ALL"),
    "count of cells": "SELECT count(*) FROM cells",
    "findings by rule and severity": "SELECT rule, severity, count(*) FROM findings GROUP BY ALL",
}


def yusuan(*args) -> list[str]:
    return [sys.executable, "-m", "yusuan.cli", *map(str, args)]


def measured(command: list[str]) -> tuple[float, float, float, str]:
    """(seconds, peak MB of the process tree's summed RSS, peak MB of its largest process,
    stderr) of ``command``, the tree sampled every 0.1 s (workers are children, Dask's too)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak_total = peak_one = 0
    stderr: list[str] = []
    reader = threading.Thread(target=lambda: stderr.extend(process.stderr), daemon=True)
    reader.start()
    root = psutil.Process(process.pid)
    while process.poll() is None:
        try:
            tree = [root] + root.children(recursive=True)
            sizes = []
            for p in tree:
                try:
                    sizes.append(p.memory_info().rss)
                except psutil.Error:
                    pass
            peak_total, peak_one = max(peak_total, sum(sizes)), max(peak_one, max(sizes, default=0))
        except psutil.Error:
            pass
        time.sleep(0.1)
    seconds = time.perf_counter() - start
    reader.join(5)
    text = "".join(stderr)
    if process.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} exited {process.returncode}:\n{text[-3000:]}")
    return seconds, peak_total / 2**20, peak_one / 2**20, text


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def query_times(corpus: Path, repeat: int = 5) -> dict[str, tuple[float, object]]:
    """Median ms of each query (a fresh read-only connection, as `yusuan query` opens one), and
    its first row."""
    out = {}
    for name, sql in QUERIES.items():
        times = []
        for _ in range(repeat):
            with Corpus(corpus).connect() as connection:
                start = time.perf_counter()
                rows = connection.execute(sql).fetchall()
                times.append(1000 * (time.perf_counter() - start))
        out[name] = (statistics.median(times), len(rows))
    return out


def summary(corpus: Path) -> tuple:
    with Corpus(corpus).connect() as connection:
        return connection.execute("SELECT count(*), sum(cells), sum(claims), sum(findings_error), "
                                  "count(*) FILTER (status <> 'ok') FROM reports").fetchone()


def contents_equal(a: Path, b: Path) -> bool:
    """The two corpora hold the same rows (the measure `seconds` aside), compared in DuckDB."""
    import duckdb

    from yusuan.corpus.schema import COLUMNS

    connection = duckdb.connect()
    for table, columns in COLUMNS.items():
        listed = ", ".join(name for name, _ in columns if name != "seconds")
        sides = [f"SELECT {listed} FROM read_parquet('{corpus}/parts/{table}/*.parquet')" for corpus in (a, b)]
        differ = connection.execute(f"SELECT count(*) FROM (({sides[0]} EXCEPT ALL {sides[1]}) UNION ALL "
                                    f"({sides[1]} EXCEPT ALL {sides[0]}))").fetchone()[0]
        if differ:
            print(f"  {table}: {differ} rows differ")
            return False
    return True


def ingest_runs(label: str, inputs: list[Path], work: Path, workers: int, count: int) -> None:
    local, dask = work / f"{label}-local", work / f"{label}-dask"
    runs = {}
    for name, corpus, how in (("local", local, ["--jobs", workers]), ("Dask", dask, ["--dask-local", workers])):
        load = os.getloadavg()[0]
        seconds, total, one, _ = measured(yusuan("ingest", *inputs, "--out", corpus, *how))
        runs[name] = (seconds, total, one)
        with Corpus(corpus).connect() as connection:  # the inputs' own time in the workers, start-up and batching aside
            inside = connection.execute("SELECT sum(seconds) FROM reports").fetchone()[0] or 0.0
        print(f"  ingest, {name:5} ({workers} workers): {seconds:7.1f} s = {1000 * seconds / count:6.1f} ms a report, "
              f"{60 * count / seconds:8.0f} reports/min; peak memory {total:6.0f} MB (all processes), "
              f"{one:5.0f} MB (largest); Σ per input in the workers {inside:6.1f} s; load average before {load:.1f}")
    rerun, _, _, _ = measured(yusuan("ingest", *inputs, "--out", local, "--jobs", workers))
    print(f"  rerun, nothing to do: {rerun:.1f} s")
    reports, cells, claims, errors, bad = summary(local)
    print(f"  corpus: {reports} reports ({bad} not read), {cells:,} cells, {claims:,} claims, {errors} error findings; "
          f"{folder_size(local) / 1e6:.1f} MB on disk ({folder_size(local) / reports / 1e3:.1f} kB a report), "
          f"{len(list((local / 'batches').iterdir()))} batches")
    same = contents_equal(local, dask)
    print(f"  local and Dask corpora equal: {same}; Dask/local time: {runs['Dask'][0] / runs['local'][0]:.2f}")
    if not same:
        raise SystemExit("the Dask corpus differs from the local one")
    for name, (ms, rows) in query_times(local).items():
        print(f"  DuckDB, {name}: {ms:.1f} ms ({rows} rows)")


SERVE = """
import sys, time
from pathlib import Path
from yusuan.store.db import open_store
from yusuan.store.sources import publish_sources
engine, sessions = open_store("sqlite:///" + sys.argv[2])
start = time.perf_counter()
outcome = publish_sources(sessions, [Path(sys.argv[1])], echo=lambda line: None)
print(f"{time.perf_counter() - start:.2f} {outcome.counts['published']}", file=sys.stderr)
"""


def portal_reports(db: Path) -> list[tuple]:
    import sqlite3

    connection = sqlite3.connect(db)
    try:
        return connection.execute("SELECT u.key, r.year, r.digest, r.errors, r.warnings FROM reports r "
                                  "JOIN units u ON u.id = r.unit_id ORDER BY 1, 2").fetchall()
    finally:
        connection.close()


def serve_runs(corpus: Path, work: Path) -> None:
    """`yusuan serve CORPUS`'s publishing (yusuan/store/sources.py), each in a process of its own
    into a new portal database: from the reports the corpus keeps whole, and from the source
    files (the same corpus with the reports parts as an earlier yusuan wrote them)."""
    import pyarrow.parquet as pq

    old = work / "corpus-as-before"
    shutil.rmtree(old, ignore_errors=True)
    shutil.copytree(corpus, old)
    for part in (old / "parts" / "reports").glob("*.parquet"):
        table = pq.read_table(part)
        pq.write_table(table.drop_columns(["catalogs", "report_json", "budget_json"]), part, compression="zstd")
    Corpus(old).build_database()
    found = {}
    for name, folder in (("from the source files (a corpus made before)", old),
                         ("from the stored report JSON", corpus)):
        db = work / f"portal-{folder.name}.db"
        db.unlink(missing_ok=True)
        seconds, total, _, stderr = measured([sys.executable, "-c", SERVE, folder, db])
        inside, published = stderr.split()[-2:]
        found[name] = portal_reports(db)
        print(f"  serve CORPUS, {name}: {float(inside):6.1f} s for {published} reports "
              f"({1000 * float(inside) / max(1, int(published)):5.0f} ms a report; the process {seconds:.1f} s, "
              f"peak {total:.0f} MB)")
    first, second = found.values()
    print(f"  the two portals hold the same reports (digest, findings): {first == second}")
    if first != second:
        raise SystemExit("serving from the stored JSON gives another portal than serving from the sources")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("units", nargs="?", type=int, default=1000)
    parser.add_argument("--years", default="2024", help="years per unit (2024: one report a unit)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes, locally and on Dask")
    parser.add_argument("--pdfs", type=int, default=0, help="also K budgets rendered to PDF and ingested")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    parser.add_argument("--serve", action="store_true", help="measure `yusuan serve CORPUS` (instead of the Dask run)")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        synth = work / f"synth-{args.units}"
        if not synth.exists():
            seconds, total, _, _ = measured(yusuan("synth", "--units", args.units, "--seed", 0, "--years", args.years,
                                                   "-o", synth))
            print(f"synth {args.units:,} units ({args.years}): {seconds:.1f} s, peak {total:.0f} MB")
        files = sorted(synth.glob("*/*.yaml"))
        print(f"{len(files):,} budgets ({sum(f.stat().st_size for f in files) / 1e6:.1f} MB), "
              f"{psutil.cpu_count()} cores:")
        if args.serve:
            corpus = work / f"budgets-{args.units}-local"
            if not corpus.exists():
                seconds, _, _, _ = measured(yusuan("ingest", synth, "--out", corpus, "--jobs", args.workers))
                print(f"  ingest ({args.workers} workers): {seconds:.1f} s; corpus {folder_size(corpus) / 1e6:.1f} MB")
            serve_runs(corpus, work)
        else:
            ingest_runs(f"budgets-{args.units}", [synth], work, args.workers, len(files))
        if args.pdfs:
            pdfs = work / f"pdfs-{args.pdfs}"
            if not pdfs.exists():
                pdfs.mkdir()
                start = time.perf_counter()
                for path in files[:args.pdfs]:
                    subprocess.run(yusuan("build", path, "--format", "pdf", "-o", work / "built" / path.stem),
                                   check=True, capture_output=True, cwd=ROOT)
                    shutil.copy(work / "built" / path.stem / "report.pdf", pdfs / f"{path.stem}.pdf")
                print(f"rendered {args.pdfs} PDFs in {time.perf_counter() - start:.1f} s")
            print(f"{args.pdfs} generated PDFs, read back ({folder_size(pdfs) / 1e6:.1f} MB):")
            ingest_runs(f"pdfs-{args.pdfs}", [pdfs], work, args.workers, args.pdfs)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
