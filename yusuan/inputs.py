"""Open whatever the user points the CLI at: a budget (yaml/xlsx), a report.json, a published report."""
from __future__ import annotations

import hashlib
from pathlib import Path

from typing import TYPE_CHECKING

from .errors import InputError, Refused

if TYPE_CHECKING:  # the Budget model (pydantic, ~90 ms to import) only where a budget is read
    from .budget import Budget

BUDGET_SUFFIXES = (".yaml", ".yml")
PUBLISHED_SUFFIXES = (".txt", ".pdf")
ANY_SUFFIXES = BUDGET_SUFFIXES + PUBLISHED_SUFFIXES + (".xlsx", ".json")


def file_sha256(path: Path) -> str:
    """An input's content hash (how the corpus and the portal know a file they have read)."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


class Inputs(list):
    """The files to work on (a list of Paths), with what a folder held that is not among them:
    ``problems`` — broken links and link loops, a line each, naming the link — and ``skipped``
    — links leading outside their folder, not followed without --follow-symlinks."""

    def __init__(self, files=(), problems=(), skipped=()):
        super().__init__(files)
        self.problems: list[str] = list(problems)
        self.skipped: list[str] = list(skipped)


def expand_inputs(paths: list[Path], suffixes: tuple[str, ...] = ANY_SUFFIXES, *, out: Path | None = None,
                  follow_symlinks: bool = False) -> Inputs:
    """The files to work on: each path as given, a folder as the files under it with one of
    ``suffixes`` (sorted, sub-folders included; hidden files and Excel's ~$ lock files left out).

    Nothing under ``out`` is taken from a folder: an output folder inside the input folder would
    otherwise be read again by the next run (2 inputs, then 6, then 14).

    Links inside a folder: one leading outside it is not followed unless ``follow_symlinks`` (a
    folder from elsewhere — a zip unpacked, an upload — must not make us read /etc or a home
    folder), and is listed in ``skipped``; a broken link or a loop is listed in ``problems``,
    never dropped in silence. A link to a folder inside the same folder is not walked: its files
    are found at their own place. A path named on the command line is taken as the user gave it."""
    skip = out.resolve() if out is not None else None
    found = Inputs()
    for path in paths:
        if path.is_dir():
            files: list[Path] = []
            _walk(path, suffixes, skip, follow_symlinks, files, found)
            found += sorted(files)
        else:
            found.append(path)
    return found


def _walk(root: Path, suffixes: tuple[str, ...], skip: Path | None, follow: bool, files: list[Path], found: Inputs) -> None:
    import errno
    import os

    base = root.resolve()
    walked = {base}
    folders = [root]
    while folders:
        folder = folders.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError as exc:
            found.problems.append(f"{folder}: cannot list this folder ({exc.strerror})")
            continue
        for entry in entries:
            if entry.name.startswith((".", "~$")):
                continue
            path = Path(entry.path)
            target = path
            if entry.is_symlink():
                named = path.suffix.lower() in suffixes or not path.suffix  # ours, or perhaps a folder
                try:
                    target = path.resolve(strict=True)
                except FileNotFoundError:
                    if named:
                        found.problems.append(f"{path}: broken link (to {os.readlink(path)}, which does not exist)")
                    continue
                except (RuntimeError, OSError) as exc:  # 3.11 says a loop with RuntimeError, later ones with ELOOP
                    if named:
                        found.problems.append(f"{path}: link loop" if isinstance(exc, RuntimeError) or getattr(exc, "errno", None) == errno.ELOOP
                                              else f"{path}: cannot follow this link ({exc})")
                    continue
                is_dir = target.is_dir()
                if is_dir and folder.resolve().is_relative_to(target):  # walking it would never end
                    found.problems.append(f"{path}: link loop (to {target}, a folder it is in)")
                    continue
                if not target.is_relative_to(base):
                    if not follow:
                        if is_dir or path.suffix.lower() in suffixes:
                            found.skipped.append(f"{path}: a link leading outside {root} (to {target}), not followed "
                                                 "(--follow-symlinks follows it)")
                        continue
                elif is_dir:
                    continue  # inside the folder: walked at its own place
                if is_dir and target in walked:
                    continue  # reached by another link already
            elif entry.is_dir(follow_symlinks=False):
                is_dir = True
            elif entry.is_file(follow_symlinks=False):
                is_dir = False
            else:
                continue  # a socket, a fifo: not a file to read
            if skip is not None and target.resolve().is_relative_to(skip):
                continue
            if is_dir:
                walked.add(target.resolve())
                folders.append(path)
            elif path.suffix.lower() in suffixes:
                files.append(path)


def read_budget(path: str | Path, catalog=None) -> Budget:
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        from .read.budget_yaml import read_budget as read_yaml

        return read_yaml(path, catalog)
    if suffix == ".xlsx":
        from .workbook.read import read_workbook

        return read_workbook(path, catalog)
    raise InputError(path, None, "a budget is a .yaml or .xlsx file")


def is_budget_workbook(path: str | Path) -> bool:
    """A workbook from `yusuan workbook` (a budget), as against a published report's tables."""
    from .workbook.layout import LINES, UNIT

    from .limits import check_zip

    try:
        check_zip(path)  # before openpyxl reads the shared strings whole; the budget reader says why
        import openpyxl

        names = openpyxl.load_workbook(str(path), read_only=True).sheetnames
    except Exception:  # a damaged file: let the budget reader say what is wrong with it
        return True
    return UNIT.name in names or LINES.name in names


def is_published(path: str | Path) -> bool:
    """A published report (text, PDF, or a workbook of its tables) rather than a budget or a report.json."""
    suffix = Path(path).suffix.lower()
    return suffix in PUBLISHED_SUFFIXES or (suffix == ".xlsx" and not is_budget_workbook(path))


def load_report_json(path: Path, template: str | None = None):
    """The Report in ``path``; a broken file is an InputError naming the file and the place.
    ``template``: the layout the user named (--template), else the report's own must be built in."""
    import json
    from decimal import Decimal

    from pydantic import ValidationError

    from .limits import env_name, limit
    from .report import Report, json_context

    try:
        size = path.stat().st_size
        if size > limit("json_bytes"):  # refused before it is read: the limit is there to spare the memory
            raise InputError(path, None, f"{size:,} bytes: larger than a report.json may be ({limit('json_bytes'):,}; "
                                         f"{env_name('json_bytes')} raises the limit)")
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(path, None, f"cannot read the report ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise InputError(path, None, "not UTF-8 text") from None
    try:
        # Numbers as Decimal, exactly (never through float); the Report's amounts then go through
        # money.parse_amount, which refuses 1e10000000 with its place.
        data = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise InputError(path, f"{exc.lineno}:{exc.colno}", f"not JSON: {exc.msg}") from None
    except RecursionError:
        raise InputError(path, None, "not a report: JSON nested too deeply") from None
    except ValueError as exc:  # an integer of more than 4,300 digits
        raise InputError(path, None, f"not a report: {exc}") from None
    if not isinstance(data, dict) or not str(data.get("schema", "")).startswith("yusuan-report/"):
        found = data.get("schema") if isinstance(data, dict) else type(data).__name__
        raise InputError(path, "schema", f"not a yusuan report (schema {found!r}, expected yusuan-report/1)")
    try:
        report = Report.model_validate(data, context=json_context(text))
    except ValidationError as exc:
        error = exc.errors()[0]
        place = ".".join(str(part) for part in error["loc"])
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise InputError(path, place, f"{error['msg']}{more}") from None
    if template is None:
        _built_in(report.template, path)
    _tables_known(report, template or report.template, path)
    return report


def _tables_known(report, template: str, path: Path) -> None:
    """Each table of the report is one of its template's: the renderers lay a table out by its
    template's spec (a table the template lacks was a KeyError out of `read` and `render`)."""
    from .templates import load

    layout = load(template, report.year)
    for i, table in enumerate(report.tables):
        if not layout.has_table(table.id):
            raise InputError(path, f"tables.{i}.id", f"table {table.id!r} is not one of the template {layout.id}'s "
                                                     f"({', '.join(layout.table_ids)})")


def _built_in(template: str, path: Path) -> None:
    """A template a report.json names is looked up among the built-in ones only: any other ref is
    taken as a folder, whose rules and prose are Python that `check` and `read` run — a document
    must not choose code to run (a folder of uploads holding evil/rules.py and a report.json
    naming "evil"). The user names another layout with --template."""
    from .templates import builtin

    if template not in builtin():
        raise InputError(path, "template", f"names the template {template!r}, which is not built in "
                                           f"({', '.join(builtin())}): name its folder with --template")


def load_report(path: Path, context):
    """The Report behind any input, and notes on how it was read (the reader's problems):
    a budget (yaml/xlsx) is derived (in the context's template), a report.json loaded, a
    published report read (its template detected unless the context names one)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.exists():
        raise InputError(path, None, "no such file")
    if is_published(path):
        from .read.published import published  # lazily: the PDF stack is heavy

        result = published(path, context)
        notes = [str(p) for p in result.problems]
        if result.report is None:
            raise Refused(path, "no report could be read: " + ("; ".join(notes[:3]) or "nothing recognised"),
                          result.template, result.tables_found)
        return result.report, notes
    if suffix in BUDGET_SUFFIXES or suffix == ".xlsx":
        from .derive import derive

        if context.template_ref is None:
            raise InputError(path, None, "a budget has no layout of its own: name one with --template (see `yusuan templates`)")
        return derive(read_budget(path, context.catalog), context), []
    if suffix == ".json":
        return load_report_json(path, context.template_ref), []
    raise InputError(path, None, "expected a budget (.yaml/.xlsx), a report.json, or a published report (.txt/.pdf/.xlsx)")
