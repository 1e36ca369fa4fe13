"""What `yusuan serve DIR…` publishes before serving: the inputs of folders and files, or the
reports of a corpus made by `yusuan ingest` — one report per unit and year.

- A folder often holds one report in several forms (the seed: budget.yaml and the budget.xlsx
  written from it). Inputs are taken in order of preference — a budget's YAML, then report.json,
  then a workbook, then a published text or PDF — and an input whose unit and year an earlier
  one of the same run already gave is skipped, naming the one kept.
- A corpus (a folder with corpus.json) lists the inputs it read, each with its sha256. Those it
  read without problem are published from the report the corpus keeps whole (its reports
  table's ``report_json``, and ``budget_json`` for a budget): no source file is read, nor needed.
  A corpus made before it kept them (no such column) is published from where the ingest found
  its inputs, in the layout it found; one moved or changed since (the sha256 differs) is
  skipped and said.
- A report already published from the same bytes (reports.source_sha256) is left as it is,
  without reading the file again: serving the same folder or corpus again starts at once.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

PREFERENCE = {".yaml": 0, ".yml": 0, ".json": 1, ".xlsx": 2, ".txt": 3, ".pdf": 4}
CHATTY = 50  # up to this many inputs, a line for each; beyond, a line every PROGRESS
PROGRESS = 100


@dataclass(frozen=True)
class Source:
    path: Path
    template: str | None
    sha256: str | None = None  # known from a corpus; else computed when published
    stored: Path | None = None  # a corpus's reports part holding this input's report whole
    report_id: str | None = None  # its row there
    origin: str | None = None  # budget | report | published, as the corpus read it


ORIGINS = {"budget": "budget", "report.json": "report", "published": "published"}


def _has_json(part: Path) -> bool:
    import pyarrow.parquet as pq

    try:
        return "report_json" in pq.read_schema(part).names
    except (OSError, ValueError):  # a part gone or damaged: the input is looked for as before
        return False


@lru_cache(maxsize=4)
def _stored_part(part: str) -> dict[str, tuple[str | None, str | None]]:
    """report id → (report JSON, budget JSON) of one reports part (a batch: ≤ 50 reports). The
    corpus's inputs are published in file order, which is the order they were batched in, so a
    few parts in memory make each read once."""
    import pyarrow.parquet as pq

    table = pq.read_table(part, columns=["report_id", "report_json", "budget_json"])
    return dict(zip(table.column("report_id").to_pylist(),
                    zip(table.column("report_json").to_pylist(), table.column("budget_json").to_pylist())))


def stored_read(source: Source):
    """The Read of an input from the report its corpus keeps (no file read); None if the row
    holds none."""
    from ..budget import Budget
    from ..report import Report
    from .ingest import Read

    report_json, budget_json = _stored_part(str(source.stored)).get(source.report_id, (None, None))
    if report_json is None:
        return None
    budget = Budget.model_validate_json(budget_json) if budget_json else None
    return Read(source.path, Report.from_json(report_json), budget, source.sha256, source.origin)


def is_corpus(path: Path) -> bool:
    from ..corpus.store import MARK

    return path.is_dir() and (path / MARK).is_file()


def corpus_sources(root: Path, notes: list[str]) -> list[Source]:
    """The inputs a corpus read and checked without problem: each from the report the corpus
    keeps whole, or — a corpus made before it kept them — where the input is now. The corpus
    keeps each input's path as its ingest was given it (relative to where it ran), so a relative
    path is looked for from here, beside the corpus and inside it; the sha256 decides."""
    from ..corpus.store import Corpus
    from .ingest import file_sha256

    corpus = Corpus(root)
    sources, unreadable, kept = [], 0, {}
    located: dict[str, tuple[dict, Path | None]] = {}  # by report id, as Corpus.done
    for batch, commit in corpus.committed().items():
        part = corpus.part("reports", batch)
        kept[batch] = _has_json(part)
        for entry in commit.get("inputs", []):
            located[entry["report_id"]] = (entry, part if kept[batch] else None)
    if located and not any(kept.values()):
        notes.append(f"{root}: a corpus made before it kept each report whole: its inputs are read again from "
                     "where it found them (`yusuan ingest` into a new folder keeps them)")
    for entry, part in sorted(located.values(), key=lambda e: e[0].get("file") or ""):
        if entry.get("status") != "ok":
            unreadable += 1
            continue
        given = Path(entry["file"])
        if part is not None:
            sources.append(Source(given, entry.get("template"), entry["content_sha256"], part, entry["report_id"],
                                  ORIGINS.get(entry.get("input_kind"))))
            continue
        places = [given] if given.is_absolute() else [Path.cwd() / given, root.parent / given, root / given]
        found = None
        for place in places:
            try:
                if place.is_file() and file_sha256(place) == entry["content_sha256"]:
                    found = place
                    break
            except OSError:
                continue
        if found is None:
            notes.append(f"skipped {given}: not where {root} read it, or changed since (its sha256 differs)")
            continue
        sources.append(Source(found, entry.get("template"), entry["content_sha256"]))
    if unreadable:
        notes.append(f"{root}: {unreadable} input(s) the ingest could not read are not served "
                     f"(`yusuan query {root} \"SELECT file, error FROM reports WHERE status <> 'ok'\"`)")
    return sources


def plan(paths: list[Path], template: str | None, notes: list[str]) -> list[Source]:
    """The inputs of ``paths`` (corpora, folders, files), the preferred form of a report first."""
    from ..inputs import expand_inputs

    sources: list[Source] = []
    for path in paths:
        if is_corpus(path):
            sources += corpus_sources(path, notes)
            continue
        found = expand_inputs([path])
        notes += [f"skipped {line}" for line in found.skipped + found.problems]
        sources += [Source(p, template) for p in found]
    return sorted(sources, key=lambda s: PREFERENCE.get(s.path.suffix.lower(), 9))  # stable: order kept within a rank


@dataclass
class Outcome:
    counts: Counter
    notes: list[str]


def _already(session: Session, sha256: str) -> tuple[str, int] | None:
    """(unit, year) of the report published from these bytes, if one is."""
    from .models import ReportRow, Unit

    found = session.execute(select(Unit.code, Unit.name, ReportRow.year).join(ReportRow, ReportRow.unit_id == Unit.id)
                            .where(ReportRow.source_sha256 == sha256)).first()
    return (found.code or found.name, found.year) if found else None


def publish_sources(sessions: sessionmaker, paths: list[Path], template: str | None = None,
                    echo: Callable[[str], None] = print) -> Outcome:
    """Publish what ``paths`` hold, one report per unit and year (module docstring). Bad inputs
    are one line each and do not stop the others."""
    from ..errors import InputError, InputErrors
    from .ingest import file_sha256, read_file, store_read

    notes: list[str] = []
    sources = plan(paths, template, notes)
    counts: Counter = Counter()
    kept: dict[tuple[str, int], Path] = {}
    chatty = len(sources) <= CHATTY
    for n, source in enumerate(sources, 1):
        try:
            sha256 = source.sha256 or file_sha256(source.path)
            with sessions() as session:
                before = _already(session, sha256)
            if before is not None:  # published from these very bytes: left as it is, not read again
                if before in kept:
                    counts["same unit and year"] += 1
                    echo(f"skipped {source.path}: the same unit and year ({before[1]}) as {kept[before]}, published instead")
                else:
                    kept[before] = source.path
                    counts["unchanged"] += 1
                continue
            read = (stored_read(source) if source.stored is not None else None) or read_file(source.path, source.template)
        except InputErrors as exc:
            counts["unreadable"] += 1
            echo(f"skipped: {exc.lines()[0]}")
            continue
        except (InputError, OSError) as exc:
            counts["unreadable"] += 1
            echo(f"skipped: {str(exc).splitlines()[0]}")
            continue
        unit_year = read.unit_year
        if unit_year in kept:
            counts["same unit and year"] += 1
            echo(f"skipped {source.path}: the same unit and year ({unit_year[1]}) as {kept[unit_year]}, published instead")
            continue
        kept[unit_year] = source.path
        with sessions.begin() as session:
            done = store_read(session, read)
        counts["published"] += 1
        if chatty:
            echo(f"published {source.path} as /unit/{done.unit_key}/{done.year}")
        elif n % PROGRESS == 0:
            echo(f"{n}/{len(sources)} inputs: {counts['published']} published, {counts['unchanged']} unchanged")
    for note in notes:
        echo(note)
    return Outcome(counts, notes)
