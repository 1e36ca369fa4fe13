"""`yusuan build BUDGET -o DIR`: the complete disclosure of a budget, in the formats asked for.

Several budgets, or a folder of them (a finance bureau building its units' reports): each into
DIR/<its name>/, in worker processes; a budget with errors is listed with them and does not stop
the others; nothing is written for it.
"""
from __future__ import annotations

import functools
from collections import Counter
from pathlib import Path

import typer

from ..batch import DEFAULT_JOBS, claim_folders, folder_name, folder_names, internal_error, list_found, progress, run_all
from ..inputs import BUDGET_SUFFIXES
from . import make_context


DEFAULT_TEMPLATE = "shanxi-2024"  # what `build` lays a budget out in unless --template says otherwise


def build_one(budget_file: Path, out: Path, formats: list[str], context: "Context") -> list[Path]:
    """Read, derive and write one budget; raises InputError(s) naming the place of what is wrong."""
    from ..render import write_together

    return write_together(_rendered(budget_file, formats, context), out)


def _rendered(budget_file: Path, formats: list[str], context: "Context") -> list[tuple[str, bytes]]:
    """The files of one budget's disclosure (name, bytes); raises InputError(s) as build_one."""
    from ..catalog import CatalogError
    from ..derive import derive
    from ..errors import InputError
    from ..inputs import read_budget
    from ..render import rendered

    budget = read_budget(budget_file, context.catalog)
    try:
        report = derive(budget, context)
    except (CatalogError, ValueError) as exc:  # an unknown code; a layout that no budget fills
        raise InputError(budget_file, None, str(exc)) from None
    try:
        return rendered(context.rendering(report, budget), formats)
    except ValueError as exc:
        raise InputError(budget_file, None, str(exc)) from None


def stage_in_batch(budget_file: Path, out: Path, formats: list[str], template: str,
                   catalog_files: tuple[str, ...]) -> "Staged | list[str]":
    """The work of one budget of a group (run_all's ``group``): read, derived, rendered, and its
    files written under temporary names in OUT/<name>/ (render/staging.py), not yet synced nor
    moved into place — ``settle_group`` does both for the whole group; its errors as lines
    instead. Never raises."""
    from ..render.staging import stage

    staged, errors = _attempt(budget_file, lambda: stage(_rendered(budget_file, formats, _context(template, catalog_files)),
                                                         out, fsync=False))
    return staged if errors is None else errors


def settle_group(results: list) -> list[list[str]]:
    """A group's staged budgets made durable at once (one sync of the filesystem), then each
    moved into place: [] for each built, its error lines for each not (nothing of it written)."""
    from ..render.staging import Staged, sync_together

    staged = [result for result in results if isinstance(result, Staged)]
    try:
        sync_together(staged)
    except OSError as exc:
        for each in staged:
            each.discard()
        return [[str(exc)] if isinstance(result, Staged) else result for result in results]
    settled = []
    for result in results:
        if isinstance(result, Staged):
            try:
                result.move_into_place()
                result = []
            except OSError as exc:
                result = [str(exc)]
        settled.append(result)
    return settled


def _attempt(budget_file: Path, action):
    """(what ``action()`` returned, None); or (None, what went wrong as lines) — a bug of ours on
    one budget is said, and the others go on."""
    from ..errors import InputError, InputErrors

    try:
        return action(), None
    except InputErrors as exc:
        return None, exc.lines()
    except (InputError, OSError, ValueError) as exc:
        return None, [str(exc)]
    except Exception as exc:  # a bug of ours on this budget: say so, and go on with the others
        return None, [f"{budget_file}: {internal_error(exc)}"]


@functools.cache
def _context(template: str, catalog_files: tuple[str, ...]) -> "Context":
    """A worker's context, made once per worker (it receives plain arguments): the template and
    the catalog files loaded for its first budget only."""
    from ..context import Context

    return Context.create(template, catalog_files)


def _load_for_workers(formats: list[str], context: "Context") -> None:
    """Import here, before the workers are forked, the modules each of them needs to build a
    budget (reader, derive, the template's prose, the renderers): they share them, instead of
    each importing them (and building the budget's models) again. Nothing of an input is read here."""
    from ..derive import derive  # noqa: F401
    from ..read import budget_yaml  # noqa: F401
    from ..render import _renderers
    from ..render import staging  # noqa: F401

    _renderers(formats)
    context.template(2024).module("prose")  # the year make_context loaded the template for


# How many budgets a worker builds per message: enough that the sync and the messages are shared
# (one syncfs for 16 units instead of 32 fsyncs), few enough that each worker gets several groups.
GROUP = 16


def register(app: typer.Typer) -> None:
    @app.command()
    def build(
        budget_files: list[Path] = typer.Argument(..., help="budget.yaml or budget.xlsx; several, or a folder, to build each into OUT/<name>/"),
        out: Path = typer.Option(Path("out"), "-o", "--out", help="output folder"),
        format: str = typer.Option("json,text", "--format", "-f", help="comma-separated: json,text,html,pdf,xlsx,docx,datapackage"),
        catalog: list[Path] = typer.Option([], "--catalog", help="a catalog CSV that extends or overrides the built-in one"),
        template: str = typer.Option(DEFAULT_TEMPLATE, "--template", "-t", help="the layout: a template id (`yusuan templates`) or a template folder"),
        jobs: int = typer.Option(DEFAULT_JOBS, "--jobs", "-j", min=1,
                                 help="with several budgets: how many to build at once (default: one per core)"),
        follow_symlinks: bool = typer.Option(False, "--follow-symlinks", help="in a folder, follow links leading outside it"),
    ) -> None:
        """Derive the Report of a budget and write it (report.json, report.txt, …)."""
        from ..errors import InputError
        from ..inputs import expand_inputs
        from ..render import check_formats

        formats = [f.strip() for f in format.split(",") if f.strip()]
        files = expand_inputs(budget_files, BUDGET_SUFFIXES + (".xlsx",), out=out, follow_symlinks=follow_symlinks)
        least = list_found(files)  # broken links and loops: listed, and the exit at least 2
        context = make_context(template, catalog)
        if len(files) == 1 and not budget_files[0].is_dir():
            for path in build_one(files[0], out, formats, context):
                typer.echo(str(path))
            return
        try:
            check_formats(formats)
        except ValueError as exc:
            raise InputError(budget_files[0], None, str(exc)) from None
        if not files:
            raise InputError(budget_files[0], None, "no budget found (.yaml .yml .xlsx)")
        # a name from folder_name never leaves OUT ("...yaml" would write into OUT/..); compared without case
        names = [folder_name(path) for path in files]
        counts = Counter(n.casefold() for n in names)  # counted once: a count per name was quadratic in a batch
        clashes = sorted({n for n in names if counts[n.casefold()] > 1})
        if clashes:  # two budgets would write one folder: say so rather than number them silently
            raise InputError(budget_files[0], None, f"several budgets are named {'、'.join(clashes)}: "
                                                    "give each unit's budget its own file name")
        names = folder_names(files, out)  # as above, unless OUT/<name> holds another input's outputs
        claim_folders(files, out, names)

        with progress(len(files), "building") as say:
            def report_progress(count: int, i: int, errors: list[str]) -> None:
                for error in errors:
                    say(f"  error: {error}", done=False)
                say(f"[{count}/{len(files)}] {files[i]}: " + ("built" if not errors else f"not built ({len(errors)} errors)"))

            def abandoned(indices: list[int], pid: int) -> None:  # a worker ended over its time, or dead
                from ..render.staging import remove_leftovers

                for i in indices:
                    remove_leftovers(out / names[i], pid)

            _load_for_workers(formats, context)
            results = run_all(stage_in_batch, [(path, out / name, formats, template, context.catalog_files) for path, name in zip(files, names)], jobs,
                              report_progress, names=files, failed=lambda i, message: [f"{files[i]}: {message}"],
                              group=max(1, min(GROUP, len(files) // (4 * jobs))), settle=settle_group, abandoned=abandoned)
        failed = sum(1 for errors in results if errors)
        typer.echo(f"built {len(files) - failed} of {len(files)} into {out}/<name>/"
                   + (f"; {failed} with errors, nothing written for them" if failed else ""), err=True)
        raise typer.Exit(2 if failed else least)
