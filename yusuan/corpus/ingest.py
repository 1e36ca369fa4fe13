"""`yusuan ingest`: read and check every input into a corpus — in worker processes of this
machine (yusuan/batch.py run_all) or on a Dask cluster — one batch of inputs at a time.

The unit of work and of commitment is a batch: a worker reads and checks its inputs, writes the
rows as one part file per table, then the batch's commit (yusuan/corpus/store.py). Batches keep
the number of Parquet files a query opens small (one per table per batch, not per report) while
a kill loses at most the batches being worked on.
"""
from __future__ import annotations

import hashlib
import os
import sys
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from . import SCHEMA_VERSION
from ..inputs import file_sha256
from .store import Corpus

MAX_BATCH = 50  # inputs per batch at most: 10,000 reports make 200 part files per table


# -- what an input is ---------------------------------------------------------------------------

def reading_key(template: str | None, catalog_files: tuple[str, ...]) -> str:
    """What else than its bytes decides what an input gives: the layout asked for and the
    catalogs' contents (a budget laid out in another template is another report)."""
    catalogs = ",".join(file_sha256(Path(f)) for f in catalog_files)
    return f"schema={SCHEMA_VERSION};template={template or ''};catalogs={catalogs}"


def report_id(content_sha256: str, key: str) -> str:
    return hashlib.sha256(f"{content_sha256};{key}".encode()).hexdigest()


def batch_name(items: list[dict]) -> str:
    """A batch's name follows from its inputs: the same inputs batched the same way (a local run
    and a Dask run) give the same part files."""
    return hashlib.sha256("".join(item["report_id"] for item in items).encode()).hexdigest()[:20]


def input_kind(path: Path) -> str:
    from ..inputs import BUDGET_SUFFIXES, is_published

    suffix = path.suffix.lower()
    if suffix == ".json":
        return "report.json"
    if suffix in BUDGET_SUFFIXES or (suffix == ".xlsx" and not is_published(path)):
        return "budget"
    return "published"


# -- a worker: one batch ------------------------------------------------------------------------

@lru_cache(maxsize=8)
def _context(template: str | None, catalog_files: tuple[str, ...]):
    from ..context import Context

    return Context.create(template, catalog_files)


@lru_cache(maxsize=64)
def _rules(template_ref: str, year: int):
    from ..check.registry import rules_for
    from ..templates import load

    layout = load(template_ref, year)
    return layout, list(rules_for(layout))


def read_and_check(path: Path, kind: str, template: str | None, catalog_files: tuple[str, ...]):
    """(report, findings, the reader's notes, the budget or None) of one input, as `yusuan
    check` would make them: a budget is laid out in the layout of `build` unless --template
    names one, and kept (the unit's code, department and region that `yusuan serve` shows).
    Raises for a bad input (an InputError, a Refused document, an OSError)."""
    from ..check import check
    from ..commands.build import DEFAULT_TEMPLATE
    from ..inputs import load_report

    context = _context(template, catalog_files)
    if context.template_ref is None and kind == "budget":
        context = context.with_template(DEFAULT_TEMPLATE)
    budget = None
    if kind == "budget" and path.exists():  # as load_report reads a budget, the budget kept
        from ..derive import derive
        from ..inputs import read_budget

        budget = read_budget(path, context.catalog)
        report, notes = derive(budget, context), []
    else:
        report, notes = load_report(path, context)
    layout, rules = _rules(template or report.template, report.year)
    return report, check(report, rules, layout), notes, budget


def _unreadable(exc: BaseException) -> str:
    from ..errors import InputErrors

    if isinstance(exc, InputErrors):
        return "; ".join(exc.lines())
    return str(exc)


def ingest_one(item: dict, template: str | None, catalog_files: tuple[str, ...]):
    """The rows of one input (yusuan/corpus/extract.py), its entry in the batch's commit, and
    what its reports row holds beyond the entry (the report's and budget's JSON, the catalogs'
    digests). Never raises for a bad input: an unreadable one is a reports row saying why."""
    from ..batch import internal_error
    from .extract import Rows, report_rows

    start = time.perf_counter()
    path = Path(item["file"])
    rows = Rows(item["report_id"], item["file"])
    summary = {"template": None, "year": None, "unit_name": None}
    status, error = "ok", None
    stored: dict = {"catalogs": item.get("catalogs") or None}
    try:
        report, findings, notes, budget = read_and_check(path, item["input_kind"], template, catalog_files)
    except (ValueError, OSError) as exc:  # InputError(s), Refused, an unknown code met while deriving
        status, error = "unreadable", _unreadable(exc)
    except Exception as exc:  # a bug of ours on this file: said, and the others go on
        status, error = "failed", internal_error(exc)
    if status == "ok":
        report_rows(rows, report, findings, notes)
        severities = Counter(f.severity for f in findings)
        summary = {"template": report.template, "year": report.year, "unit_name": report.unit_name,
                   "tables": len(report.tables), "findings_error": severities.get("error", 0),
                   "findings_warning": severities.get("warning", 0), "findings_rounding": severities.get("rounding", 0)}
        stored["report_json"] = report.to_json()  # the report whole: `yusuan serve CORPUS` needs no source
        stored["budget_json"] = budget.model_dump_json() if budget is not None else None
    else:
        rows.add("problems", file=item["file"], kind=status, message=error)
    entry = outcome(item, status, error, rows, summary, time.perf_counter() - start)
    return rows, entry, stored


def outcome(item: dict, status: str, error: str | None, rows, summary: dict, seconds: float) -> dict:
    """The reports row of an input (also its entry in the batch's commit)."""
    return {
        "report_id": item["report_id"], "content_sha256": item["content_sha256"], "file": item["file"],
        "name": Path(item["file"]).name, "bytes": item["bytes"], "input_kind": item["input_kind"],
        "status": status, "error": error, "template": summary.get("template"), "year": summary.get("year"),
        "unit_name": summary.get("unit_name"), "tables": summary.get("tables", 0),
        "cells": rows.count("cells"), "claims": rows.count("claims"), "projects": rows.count("projects"),
        "findings_error": summary.get("findings_error", 0), "findings_warning": summary.get("findings_warning", 0),
        "findings_rounding": summary.get("findings_rounding", 0), "problems": rows.count("problems"),
        "seconds": round(seconds, 4),
    }


_DEATH_SIGNAL_SET = False


def die_with_parent(parent: int) -> None:
    """In a forked worker of a local ingest: end this process when the ingest's process ends.
    A worker left running after a kill of the ingest would commit its batch while the rerun
    redoes it (the same inputs twice); and batch.py's workers, holding both ends of their pipe,
    would wait for work forever. Linux's PR_SET_PDEATHSIG does it at once; elsewhere the parent
    is looked at before each input and before the commit."""
    global _DEATH_SIGNAL_SET
    if os.getpid() == parent:  # no fork (run_all runs the calls in this process): nothing to die with
        return
    if not _DEATH_SIGNAL_SET:
        _DEATH_SIGNAL_SET = True
        try:
            import ctypes
            import signal

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG = 1
        except (OSError, AttributeError):  # not Linux
            pass
    if os.getpid() != parent and os.getppid() != parent:  # it ended before the signal was asked for
        os._exit(1)


def ingest_batch(root: str, batch: str, items: list[dict], template: str | None,
                 catalog_files: tuple[str, ...], parent: int | None = None) -> list[dict]:
    """A worker's call: read and check ``items``, write their rows as the batch's part files and
    commit it; returns the batch's entries. Module-level and plain-data in, plain-data out, so
    that it runs in a forked worker or on a Dask worker alike. ``parent``: the pid of the process
    that forked this worker — the local ingest, or the Dask worker (limited_batch) — so that it
    dies with it (die_with_parent); None when it runs unforked."""
    tables: dict[str, list[dict]] = {}
    entries = []
    for item in items:
        if parent is not None:
            die_with_parent(parent)
        rows, entry, stored = ingest_one(item, template, catalog_files)
        for table, found in rows.tables.items():
            tables.setdefault(table, []).extend(found)
        tables.setdefault("reports", []).append({**entry, **stored})  # the JSON in the part, not in the commit
        entries.append(entry)
    if parent is not None:
        die_with_parent(parent)
    Corpus(Path(root)).write_batch(batch, tables, entries)
    return entries


def write_failed(corpus: Corpus, item: dict, message: str) -> dict:
    """An input whose worker died or ran out of time, even alone in its batch: its reports row
    and problem, committed by the parent so that the rerun does not try it again."""
    from .extract import Rows

    rows = Rows(item["report_id"], item["file"])
    rows.add("problems", file=item["file"], kind="failed", message=message)
    entry = outcome(item, "failed", message, rows, {}, 0.0)
    corpus.write_batch("failed-" + batch_name([item]), {"reports": [entry], **rows.tables}, [entry])
    return entry


# -- the plan -----------------------------------------------------------------------------------

@dataclass
class Plan:
    todo: list[dict] = field(default_factory=list)  # the inputs to ingest, in the order given
    skipped: int = 0  # already in the corpus
    duplicates: list[str] = field(default_factory=list)  # same content as another input of this run


def plan(corpus: Corpus, files: list[Path], template: str | None, catalog_files: tuple[str, ...]) -> Plan:
    key = reading_key(template, catalog_files)
    catalogs = ",".join(file_sha256(Path(f)) for f in catalog_files)
    done = corpus.done()
    result = Plan()
    seen: dict[str, str] = {}
    for path in files:
        try:
            content = file_sha256(path)
            size = path.stat().st_size
        except OSError as exc:  # unreadable file: it is still an input, and says so when ingested
            content, size = hashlib.sha256(f"unreadable:{path}".encode()).hexdigest(), 0
            print(f"warning: {path}: {exc.strerror or exc}", file=sys.stderr)
        identity = report_id(content, key)
        if identity in done:
            result.skipped += 1
            continue
        if identity in seen:
            result.duplicates.append(f"{path}: the same content as {seen[identity]}; ingested once")
            continue
        seen[identity] = str(path)
        result.todo.append({"file": str(path), "report_id": identity, "content_sha256": content, "bytes": size,
                            "input_kind": input_kind(path), "catalogs": catalogs})
    return result


def batches(items: list[dict], jobs: int, size: int | None) -> list[list[dict]]:
    """``items`` cut into batches: ``size`` each, or by default about four per worker (so that a
    slow batch at the end does not leave the other workers idle long) and at most MAX_BATCH."""
    if not items:
        return []
    if size is None:
        size = max(1, min(MAX_BATCH, -(-len(items) // (jobs * 4))))
    return [items[i:i + size] for i in range(0, len(items), size)]


# -- the runs -----------------------------------------------------------------------------------

def run_local(calls: list[tuple], jobs: int, finished) -> list[int]:
    """Each batch in a forked worker (run_all: memory and time limits, a dead worker replaced);
    returns the indexes of the batches that failed as a whole."""
    from ..batch import run_all

    failed: list[int] = []

    def done(count: int, index: int, result) -> None:
        if isinstance(result, tuple):  # ("failed", message): the worker died or ran out of time
            failed.append(index)
        finished(index, result)

    run_all(ingest_batch, calls, jobs, done, names=[f"batch {c[1]}" for c in calls],
            failed=lambda index, message: ("failed", message))
    return failed


def dask_client(scheduler: str | None, local_workers: int | None):
    """A Dask client: on the scheduler at ``scheduler`` (tcp://host:8786), or on a LocalCluster
    of ``local_workers`` worker processes of one thread each (reading a report holds the GIL)."""
    from distributed import Client, LocalCluster

    if scheduler:
        return Client(scheduler, timeout="60s")
    import logging

    cluster = LocalCluster(n_workers=local_workers, threads_per_worker=1, processes=True,
                           dashboard_address=None, silence_logs=logging.ERROR)
    return Client(cluster)


def worker_limits() -> dict[str, str]:
    """The per-file limits this ingest runs under (limits "worker_memory", "file_seconds"), as
    the environment variables that set them: sent with every Dask task, so that the cluster's
    workers apply the limits of the client that asked, whatever their own environment says."""
    from ..limits import env_name, limit

    return {env_name(name): str(limit(name)) for name in ("worker_memory", "file_seconds")}


def limited_batch(limits: dict[str, str], *call) -> list[dict] | tuple:
    """A Dask task: ``ingest_batch(*call)`` run as a local ingest runs it (batch.run_all) — in a
    child forked from the Dask worker, under the memory limit (RLIMIT_AS) and the time limit of
    ``limits``, dying with the worker. A batch over its time, or whose child died, is
    ``("failed", why)`` as in run_local, and its inputs are then run again one by one: one
    hostile input costs its own row, not the worker (which a nanny would restart, losing every
    task on it) nor the batch."""
    from ..batch import run_all

    # The modules a batch needs, imported once in the worker: its children are forked with them
    # rather than importing them again each.
    from . import extract  # noqa: F401
    from ..check import check  # noqa: F401
    from ..inputs import load_report  # noqa: F401
    from ..derive import derive  # noqa: F401

    import multiprocessing

    # A Dask nanny starts its worker as a daemonic process, and multiprocessing refuses children
    # to those (they could be orphaned). Ours cannot: it dies with the worker (PR_SET_PDEATHSIG,
    # die_with_parent) and run_all ends it at its deadline. The flag and the limits are set for
    # every task and not put back: tasks of other threads of the worker may be starting children.
    multiprocessing.current_process()._config["daemon"] = False
    os.environ.update(limits)  # read by run_all as it starts the child and times it
    import gc

    root, batch, items, template, catalog_files, _ = call
    # The worker's objects frozen while the child runs: the child's collections then leave the
    # inherited heap alone, rather than walking it (and copying each page they write a mark to):
    # without it a report took ≈1.7× as long in the child as in a local worker.
    gc.freeze()
    try:
        results = run_all(ingest_batch, [(root, batch, items, template, catalog_files, os.getpid())], 1,
                          lambda count, index, result: None, names=[f"batch {batch}"],
                          failed=lambda index, message: ("failed", message))
    finally:
        gc.unfreeze()  # the worker's own garbage is collected as before
    _learn(results[0], template, catalog_files)
    return results[0]


_LEARNT: set[tuple] = set()


def _learn(entries, template: str | None, catalog_files: tuple[str, ...]) -> None:
    """What a child made once and lost with it — the context, the layout and its rules for a
    year, the catalogs, the readers' first-use state, the Parquet writer — made in the Dask
    worker itself once its children have met them, so that the next children are forked with
    them (a local ingest's workers keep theirs across batches; without this every Dask batch
    paid ≈1 s again for its first input). The way to make all of it is to do the work once: an
    input of each (layout, year) that a child has just read and checked within the limits is read
    and checked again here, its result thrown away."""
    if not isinstance(entries, list):
        return
    import pyarrow.parquet  # noqa: F401

    for entry in entries:
        key = (template, catalog_files, entry.get("template"), entry.get("year"), entry.get("input_kind"))
        if entry.get("status") != "ok" or key in _LEARNT:
            continue
        _LEARNT.add(key)
        try:
            read_and_check(Path(entry["file"]), entry["input_kind"], template, catalog_files)
        except Exception:  # noqa: BLE001 — a warm-up only: the child has said how the input went
            pass


def run_dask(client, calls: list[tuple], finished) -> list[int]:
    """Each batch as a Dask task (limited_batch: under this ingest's per-file limits); the
    workers write their parts into the corpus, which they must see at the same path (a shared
    file system). A task lost with its worker is retried by Dask on another; a batch that still
    fails, or that ran over its time or lost its child, is returned, as in run_local."""
    import uuid

    from distributed import as_completed

    limits = worker_limits()
    # A key of this run's own for each batch, its name kept in it: a batch run again alone has
    # the name it had when it ran whole, and under a key that Dask still holds — the first run's,
    # its release not yet seen by the client, or another ingest's of the same inputs — Dask gives
    # back that task and its result rather than running the batch again.
    run = uuid.uuid4().hex[:8]
    futures = {}
    for index, call in enumerate(calls):
        future = client.submit(limited_batch, limits, *call, key=f"yusuan-ingest-{call[1]}-{run}", pure=False, retries=1)
        futures[future] = index
    failed: list[int] = []
    for future in as_completed(futures):
        index = futures[future]
        try:
            result = future.result()
        except Exception as exc:
            from ..batch import internal_error

            result = ("failed", f"on the Dask cluster: {internal_error(exc)}")
        if isinstance(result, tuple):
            failed.append(index)
        finished(index, result)
        future.release()
    return failed


@contextmanager
def _silent(total: int):
    yield lambda line, done=True: None


def ingest(corpus: Corpus, files: list[Path], *, template: str | None, catalog_files: tuple[str, ...],
           jobs: int, batch_size: int | None = None, client=None, progress=_silent, note=None,
           retry_failed: bool = False) -> dict:
    """Ingest ``files`` into ``corpus`` (locked by the caller); returns counts of what was done.
    ``client``: a Dask client (else this machine's workers); ``progress(total)``: a context
    giving ``say(line)`` for each input done (batch.progress); ``note(line)``: anything else.

    Locally, call it from a process that has not yet used Arrow or DuckDB (as `yusuan ingest`
    does, which touches them only after its workers are done): the workers are forked under a
    2 GB address-space limit (limits "worker_memory"), and those libraries' thread pools reserve
    more than that in the process they are forked from."""
    note = note or (lambda line: None)
    if retry_failed:
        forgotten = corpus.forget_failed()
        if forgotten:
            note(f"{forgotten} input(s) that failed before: tried again")
    removed = corpus.clean()
    if removed:
        note(f"removed {removed} files of batches an earlier ingest did not finish")
    work = plan(corpus, files, template, catalog_files)
    corpus.keep_catalogs(catalog_files)  # their contents, for a reading again of the corpus's inputs
    for line in work.duplicates:
        note(line)
    if work.skipped:
        note(f"{work.skipped} of {len(files)} inputs already in the corpus (same content, layout and catalogs): skipped")
    root = str(corpus.root.resolve())
    groups = batches(work.todo, jobs, batch_size)
    counts: Counter = Counter()
    finished_inputs = [0]

    parent = None if client is not None else os.getpid()

    def make_calls(groups: list[list[dict]]) -> list[tuple]:
        return [(root, batch_name(group), group, template, catalog_files, parent) for group in groups]

    def execute(calls: list[tuple], finished) -> list[int]:
        return run_dask(client, calls, finished) if client is not None else run_local(calls, jobs, finished)

    with progress(len(work.todo)) as say:
        def tell(entries: list[dict]) -> None:
            for entry in entries:
                finished_inputs[0] += 1
                counts[entry["status"]] += 1
                what = (f"{entry['cells']} cells, {entry['findings_error']} error finding(s)" if entry["status"] == "ok"
                        else f"{entry['status']}: {entry['error']}")
                say(f"[{finished_inputs[0]}/{len(work.todo)}] {entry['file']}: {what}")

        def finished(index: int, result) -> None:
            if not isinstance(result, tuple):  # a failed batch is said when its inputs are run again
                tell(result)

        failed = execute(make_calls(groups), finished)
        if failed:
            # A batch whose worker died (a crash, memory) or ran out of time: its inputs again one
            # by one, so that only the input that causes it is lost, and said.
            singles = [[item] for index in failed for item in groups[index]]
            say(f"note: {len(failed)} batch(es) failed as a whole; their {len(singles)} inputs again one by one", done=False)
            messages: dict[int, str] = {}

            def finished_single(index: int, result) -> None:
                if isinstance(result, tuple):
                    messages[index] = result[1]
                else:
                    tell(result)

            for index in execute(make_calls(singles), finished_single):
                tell([write_failed(corpus, singles[index][0], messages.get(index, "failed"))])
    corpus.clean()  # the parts of the batches that failed as a whole
    corpus.build_database()
    return {"ingested": finished_inputs[0], "skipped": work.skipped, "duplicates": len(work.duplicates),
            "batches": len(groups), **counts}
