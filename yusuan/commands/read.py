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

from ..batch import DEFAULT_JOBS, claim_folders, folder_names, internal_error, list_found, progress, run_all
from . import make_context

INDEX_FIELDS = ("file", "folder", "status", "unit", "year", "tables", "sections", "performance_tables",
                "problems", "total_wan_yuan", "first_problem")


def read_one(path: Path, context):
    """The ReadResult of any input: a published report is read, a budget derived, a report.json loaded."""
    from ..inputs import BUDGET_SUFFIXES, is_published, load_report
    from ..read.published import ReadResult, published

    if path.exists() and not is_published(path):
        if context.template_ref is None and path.suffix.lower() != ".json":
            from .build import DEFAULT_TEMPLATE

            context = context.with_template(DEFAULT_TEMPLATE)
        report = load_report(path, context)[0]
        return ReadResult(report, template=report.template), "a budget or a report.json, not a published report: its Report is written as is"
    return published(path, context), None


def _total(report, template: str | None = None) -> str:
    """The one figure that sizes a budget (the template's ``headline`` cell: 收入总计), in its table's
    unit; ``template``: the layout the user named (--template), else the report's own (built in)."""
    from ..templates import load

    headline = load(template or report.template, report.year).data.get("headline")
    table = report.table(str(headline["table"])) if headline else None
    row = next((r for r in table.rows if r.label(headline["label_column"]).strip() == headline["label"]), None) if table else None
    value = row.value(headline["column"]) if row else None
    return "" if value is None else f"{value:.2f}"


def write_problems(result, source: Path, folder: Path) -> Path | None:
    """folder/problems.json for a document read in part or not at all: its status, the problems
    (each with its page and line), and for a refused one the template it resembles and the
    titles found — a refused file is still data. None (and nothing written) when read whole."""
    import json

    from ..render import atomic_write

    if not result.problems and result.report is not None:
        return None
    refused = result.report is None
    data = {"input": str(source), "status": STATUS[result.exit_code],
            ("resembles" if refused else "template"): result.template,
            **({"titles": list(result.tables_found)} if refused else {}),
            "problems": [{"message": p.message, "page": p.page, "line": p.line, "table": p.table, "row": p.row}
                         for p in result.problems]}
    path = folder / "problems.json"
    atomic_write(path, (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
    return path


def read_into(path: Path, name: str, out: Path, formats: list[str], template: str | None,
              catalog_files: tuple[str, ...]) -> tuple[dict, int]:
    """Read one input of a batch into out/name/: (its index row, its exit code). Never raises
    for a bad input, so one file cannot stop the others (it runs in a worker process)."""
    from ..context import Context
    from ..errors import InputError, InputErrors
    from ..render import write

    row = dict.fromkeys(INDEX_FIELDS, "")
    row.update(file=str(path), folder=name)
    try:
        context = Context.create(template, catalog_files)
        result, _ = read_one(path, context)
        problems = [str(p) for p in result.problems]
        report = result.report
        if report is not None:
            write(context.rendering(report), formats, out / name)
            row.update(unit=report.unit_name, year=report.year, tables=len(report.tables),
                       sections=len(report.explanations), performance_tables=len(report.performance),
                       total_wan_yuan=_total(report, template))
        write_problems(result, path, out / name)
        code = result.exit_code
    except InputErrors as exc:
        problems, code = exc.lines(), 2
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
        template: str = typer.Option(None, "--template", "-t", help="the layout (default: detected from each document)"),
        catalog: list[Path] = typer.Option([], "--catalog", help="a catalog CSV that extends or overrides the built-in one"),
        follow_symlinks: bool = typer.Option(False, "--follow-symlinks", help="in a folder, follow links leading outside it"),
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
        files = expand_inputs(inputs, out=out, follow_symlinks=follow_symlinks)
        least = list_found(files)  # broken links and loops: listed, and the exit at least 2
        context = make_context(template, catalog)
        if len(files) == 1 and not inputs[0].is_dir():
            result, note = read_one(files[0], context)
            if note:
                typer.echo(f"{files[0]}: {note}", err=True)
            for problem in result.problems:
                typer.echo(f"{files[0]}: {problem}", err=True)
            problems_file = write_problems(result, files[0], out)
            if result.report is None:
                if problems_file:
                    typer.echo(str(problems_file))
                raise typer.Exit(2)
            for path in write(context.rendering(result.report), formats, out):
                typer.echo(str(path))
            if problems_file:
                typer.echo(str(problems_file))
            report = result.report
            typer.echo(f"read {len(report.tables)} tables, {len(report.explanations)} sections, "
                       f"{len(report.performance)} performance tables; {len(result.problems)} problems", err=True)
            raise typer.Exit(result.exit_code)

        if not files:
            raise InputError(inputs[0], None, "no report or budget found (.pdf .txt .xlsx .yaml .json)")
        names = folder_names(files, out, reserved=("index.csv",))  # distinct, and not another input's folder in OUT
        claim_folders(files, out, names)
        with progress(len(files), "reading") as say:
            def gave_up(i: int, message: str) -> tuple[dict, int]:  # over its time or memory: its line, and on
                say(f"  error: {files[i]}: {message}", done=False)
                row = dict.fromkeys(INDEX_FIELDS, "")
                row.update(file=str(files[i]), folder=names[i], status=STATUS[2], problems=1, first_problem=message)
                return row, 2

            def report_progress(count: int, i: int, result: tuple[dict, int]) -> None:
                row = result[0]
                say(f"[{count}/{len(files)}] {files[i]}: {row['status']}"
                    + (f" ({row['problems']} problems)" if row["problems"] else ""))

            results = run_all(read_into, [(path, name, out, formats, template, context.catalog_files) for path, name in zip(files, names)],
                              jobs, report_progress, names=files, failed=gave_up)
        rows = [row for row, _ in results]
        worst = max([least] + [code for _, code in results])
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
