"""`yusuan read REPORT -o DIR`: a published report (text, PDF, or its tables' workbook) back into
report.json and report.txt. A budget (yaml/xlsx) or a report.json is accepted as well and
written out the same way, so that one command turns any input into the Report's files.

Several inputs, or a folder (a journalist's folder of PDFs): each is read into DIR/<its name>/,
in worker processes (one per core: reading a PDF is CPU-bound), an unreadable one does not stop
the others, and DIR/index.csv lists them all — file, status, unit, year, what was read, the
total — in the order given, to open in a spreadsheet.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

import typer

from ..batch import DEFAULT_JOBS, internal_error, progress, run_all

INDEX_FIELDS = ("file", "folder", "status", "unit", "year", "tables", "sections", "performance_tables",
                "problems", "total_wan_yuan", "first_problem")


def read_one(path: Path):
    """The ReadResult of any input: a published report is read, a budget derived, a report.json loaded."""
    from ..inputs import is_published, load_report
    from ..read.published import ReadResult, published

    if path.exists() and not is_published(path):
        report = load_report(path)[0]
        return ReadResult(report, template=report.template), "a budget or a report.json, not a published report: its Report is written as is"
    return published(path), None


def _total(report) -> str:
    """收入总计 of 预算公开表1 (万元), the one figure that sizes a budget."""
    table = report.table("1")
    row = next((r for r in table.rows if r.label("income_item").strip() == "收入总计"), None) if table else None
    value = row.value("income_amount") if row else None
    return "" if value is None else f"{value:.2f}"


def _folder_names(files: list[Path]) -> list[str]:
    """A folder name per input: its stem, numbered where two inputs share one."""
    names, seen = [], {}
    for path in files:
        stem = path.stem
        seen[stem] = seen.get(stem, 0) + 1
        names.append(stem if seen[stem] == 1 else f"{stem}-{seen[stem]}")
    return names


def read_into(path: Path, name: str, out: Path, formats: list[str]) -> tuple[dict, int]:
    """Read one input of a batch into out/name/: (its index row, its exit code). Never raises
    for a bad input, so one file cannot stop the others (it runs in a worker process)."""
    from ..errors import InputError, InputErrors
    from ..render import write

    row = dict.fromkeys(INDEX_FIELDS, "")
    row.update(file=str(path), folder=name)
    try:
        result, _ = read_one(path)
        problems = [str(p) for p in result.problems]
        report = result.report
        if report is not None:
            write(report, formats, out / name)
            row.update(unit=report.unit_name, year=report.year, tables=len(report.tables),
                       sections=len(report.explanations), performance_tables=len(report.performance),
                       total_wan_yuan=_total(report))
        code = result.exit_code
    except InputErrors as exc:
        problems, code = [str(e) for e in exc.errors], 2
    except (InputError, OSError, ValueError) as exc:
        problems, code = [str(exc)], 2
    except Exception as exc:  # a bug of ours on this file: say so, and go on with the others
        problems, code = [internal_error(exc)], 2
    row.update(status=STATUS[code], problems=len(problems),
               first_problem=problems[0].removeprefix(f"{path}: ") if problems else "")
    return row, code


STATUS = ("read whole", "read in part", "unreadable")


def register(app: typer.Typer) -> None:
    @app.command()
    def read(
        inputs: list[Path] = typer.Argument(..., help="a published report: .txt (text extracted from its PDF), .pdf, "
                                                      ".xlsx (its tables); or a budget (.yaml/.xlsx), a report.json; "
                                                      "several, or a folder, to read each into OUT/<name>/"),
        out: Path = typer.Option(Path("out"), "-o", "--out", help="output folder"),
        format: str = typer.Option("json,text", "--format", "-f", help="comma-separated formats to write"),
        jobs: int = typer.Option(DEFAULT_JOBS, "--jobs", "-j", min=1,
                                 help="with several inputs: how many to read at once (default: one per core)"),
    ) -> None:
        """Read a published report into data. Exit 0: read whole; 1: read in part (problems listed); 2: nothing readable."""
        from ..errors import InputError
        from ..inputs import expand_inputs
        from ..render import atomic_write, check_formats, csvsafe, write

        formats = [f.strip() for f in format.split(",") if f.strip()]
        try:  # before reading anything: a typo should not cost a folder's worth of PDF reading
            check_formats(formats)
        except ValueError as exc:
            raise InputError(inputs[0], None, str(exc)) from None
        files = expand_inputs(inputs)
        if len(files) == 1 and not inputs[0].is_dir():
            result, note = read_one(files[0])
            if note:
                typer.echo(f"{files[0]}: {note}", err=True)
            for problem in result.problems:
                typer.echo(f"{files[0]}: {problem}", err=True)
            if result.report is None:
                raise typer.Exit(2)
            for path in write(result.report, formats, out):
                typer.echo(str(path))
            report = result.report
            typer.echo(f"read {len(report.tables)} tables, {len(report.explanations)} sections, "
                       f"{len(report.performance)} performance tables; {len(result.problems)} problems", err=True)
            raise typer.Exit(result.exit_code)

        if not files:
            raise InputError(inputs[0], None, "no report or budget found (.pdf .txt .xlsx .yaml .json)")
        with progress(len(files), "reading") as say:
            def report_progress(count: int, i: int, result: tuple[dict, int]) -> None:
                row = result[0]
                say(f"[{count}/{len(files)}] {files[i]}: {row['status']}"
                    + (f" ({row['problems']} problems)" if row["problems"] else ""))

            results = run_all(read_into, [(path, name, out, formats) for path, name in zip(files, _folder_names(files))],
                              jobs, report_progress)
        rows = [row for row, _ in results]
        worst = max(code for _, code in results)
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=INDEX_FIELDS, lineterminator="\n")
        writer.writeheader()
        # a unit name or a problem quoting a cell may start with "=": written as text (csvsafe)
        writer.writerows({key: csvsafe.cell(value) for key, value in row.items()} for row in rows)
        index = out / "index.csv"
        atomic_write(index, buffer.getvalue().encode("utf-8-sig"))  # with a BOM, so Excel opens the Chinese right
        counts = {s: sum(r["status"] == s for r in rows) for s in STATUS}
        typer.echo(str(index))
        typer.echo(f"read {len(rows)}: " + ", ".join(f"{n} {s}" for s, n in counts.items()), err=True)
        raise typer.Exit(worst)
