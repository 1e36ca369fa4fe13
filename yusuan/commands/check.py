"""`yusuan check INPUT`: the findings of every rule on a budget, a report.json or a published report.

Exit codes: 0 no error finding, 1 error findings, 2 the input could not be read. Warnings and
rounding findings are listed but do not fail the check.
"""
from __future__ import annotations

import json
from collections import Counter
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from ..errors import InputError, InputErrors, Refused
from . import make_context
from ..batch import DEFAULT_JOBS, internal_error, list_found, progress, run_all


class Format(str, Enum):
    text = "text"
    json = "json"
    html = "html"


def as_text(findings, notes: list[str], source: str) -> str:
    from ..check import SEVERITIES, grouped

    counts = Counter(f.severity for f in findings)
    lines = [f"{source}: " + ", ".join(f"{counts.get(s, 0)} {s}" for s in SEVERITIES)]
    told = grouped(findings)  # one wrong cell: one entry, the errors it causes under it
    for severity in SEVERITIES:
        group = [f for f in told if f.severity == severity]
        if group:
            lines.append(f"{severity} ({counts[severity]}):")
            lines.extend(f"  {f.line()}" for f in group)
    lines.extend(f"note: {n}" for n in notes)
    return "\n".join(lines) + "\n"


def as_json(findings, notes: list[str], source: str) -> str:
    return layered(json_data(findings, notes, source)) + "\n"


def json_data(findings, notes: list[str], source: str) -> dict:
    """One input's findings as data: its counts by severity, then the findings flat, as a program
    wants them — the errors one wrong cell causes each name it as ``suspect``."""
    from ..check import SEVERITIES, copied, grouped

    counts = Counter(f.severity for f in findings)
    flat = [copied(member, suspect=g.suspect, consequences=()) for g in grouped(findings) for member in (g, *g.consequences)]
    return {"input": source, "counts": {s: counts.get(s, 0) for s in SEVERITIES},
            "findings": [f.to_dict() for f in flat], "notes": notes}


_ONE_LINE = json.JSONEncoder(ensure_ascii=False).encode  # the C encoder: json.dumps with an indent is pure Python


def layered(value, depth: int = 0) -> str:
    """JSON laid out as ``json.dumps(value, indent=1, ensure_ascii=False)`` lays it out, but each
    finding on one line: readable, one finding to a line for grep, and encoded in C — with the
    indent, encoding a folder's findings cost more than checking them."""
    if isinstance(value, dict) and value:
        inner = "\n" + " " * (depth + 1)
        items = (inner + _ONE_LINE(key) + ": " + (_one_per_line(item, depth + 1) if key == "findings" else layered(item, depth + 1))
                 for key, item in value.items())
        return "{" + ",".join(items) + "\n" + " " * depth + "}"
    if isinstance(value, (list, tuple)) and value:
        inner = "\n" + " " * (depth + 1)
        return "[" + ",".join(inner + layered(item, depth + 1) for item in value) + "\n" + " " * depth + "]"
    return _ONE_LINE(value)


def _one_per_line(findings, depth: int) -> str:
    if not isinstance(findings, list) or not findings:
        return layered(findings, depth)
    inner = "\n" + " " * (depth + 1)
    return "[" + ",".join(inner + _ONE_LINE(f) for f in findings) + "\n" + " " * depth + "]"


STYLE = """<style>
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; width: 100%; margin-bottom: 2em; font-size: 14px; }
th, td { border: 1px solid #bbb; padding: 4px 6px; text-align: left; vertical-align: top; }
th { background: #f0f0f0; } .error h2, .error h3 { color: #b00020; } .warning h2, .warning h3 { color: #a86b00; }
.rounding h2, .rounding h3 { color: #555; } code { font-size: 13px; }
</style>"""

# The findings of one input, grouped by severity under headings of level ``h``.
FINDINGS = """{% macro findings_block(findings, notes, counts, severities, h) %}
{% for s in severities %}{% set group = findings | selectattr("severity", "equalto", s) | list %}{% if group %}
<section class="{{ s }}"><h{{ h }}>{{ s }} ({{ group | length }})</h{{ h }}>
<table><tr><th>rule</th><th>where</th><th>finding</th><th>expected</th><th>found</th><th>arithmetic</th></tr>
{% for f in group %}<tr><td><code>{{ f.rule }}</code></td><td>{{ f.location }}</td><td>{{ f.message }}</td><td>{{ f.expected }}</td><td>{{ f.found }}</td><td>{{ f.arithmetic }}</td></tr>
{% endfor %}</table></section>{% endif %}{% endfor %}
{% if notes %}<h{{ h }}>notes from the reader</h{{ h }}><ul>{% for n in notes %}<li>{{ n }}</li>{% endfor %}</ul>{% endif %}
{% endmacro %}"""

PAGE = FINDINGS + """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>yusuan check — {{ source }}</title>""" + STYLE + """</head><body>
<h1>yusuan check</h1>
<p>{{ source }} — {% for s in severities %}{{ counts.get(s, 0) }} {{ s }}{% if not loop.last %}, {% endif %}{% endfor %}</p>
{{ findings_block(findings, notes, counts, severities, 2) }}
</body></html>
"""

MANY_PAGE = FINDINGS + """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>yusuan check — {{ entries | length }} inputs</title>""" + STYLE + """</head><body>
<h1>yusuan check</h1>
<p>{{ summary }}</p>
<table><tr><th>input</th>{% for s in severities %}<th>{{ s }}</th>{% endfor %}</tr>
{% for e in entries %}<tr><td><a href="#input-{{ loop.index }}">{{ e.source }}</a></td>{% if e.error %}<td colspan="{{ severities | length }}">unreadable</td>{% else %}{% for s in severities %}<td>{{ e.counts.get(s, 0) }}</td>{% endfor %}{% endif %}</tr>
{% endfor %}</table>
{% for e in entries %}<article id="input-{{ loop.index }}"><h2>{{ e.source }}</h2>
{% if e.error %}<p class="error">unreadable: {{ e.error }}</p>{% else %}{{ findings_block(e.findings, e.notes, e.counts, severities, 3) }}{% endif %}
</article>{% endfor %}
</body></html>
"""


def as_html(findings, notes: list[str], source: str) -> str:
    from jinja2 import Environment

    from ..check import SEVERITIES

    template = Environment(autoescape=True).from_string(PAGE)
    return template.render(findings=findings, notes=notes, source=source, severities=SEVERITIES,
                           counts=Counter(f.severity for f in findings))


def rules_text(template_ref: str, year: int, selected: list[str], ignored: list[str]) -> str:
    """The rules a report of the template is checked by, with where each is defined."""
    from ..check.registry import rules_for, select
    from ..templates import load

    rules = select(rules_for(load(template_ref, year)), selected, ignored)
    width = max((len(r.id) for r in rules), default=4)
    return "".join(f"{r.id:<{width}}  {r.severity:<8}  {r.origin:<9}  {r.defined_in}\n{'':<{width}}  {r.description}\n"
                   for r in rules)


def check_one(path: Path, template: str | None = None, catalog_files: tuple[str, ...] = (),
              selected: tuple[str, ...] = (), ignored: tuple[str, ...] = (),
              previous: Path | None = None, units: tuple[Path, ...] = (),
              transfers: Path | None = None) -> tuple[list, list[str], list[str]]:
    """(findings, the reader's notes, []) for a readable input; ([], [], the errors) otherwise —
    for a published document nothing could be read from, ([], [what it is, as data], the error).
    Never raises for a bad input (it runs in a worker process when a folder is checked).
    ``previous``: last year's report, or a corpus to find it in (Y.previous); ``units``: the
    units' reports of a department's report (D.*); ``transfers``: the transfers between them the
    department nets (`consolidate --transfers`), the paying units netted before the D.* sums."""
    from ..check import check
    from ..check.registry import rules_for, select
    from ..context import Context
    from ..inputs import load_report, BUDGET_SUFFIXES
    from ..templates import load

    try:
        context = Context.create(template, catalog_files)
        if context.template_ref is None and path.suffix.lower() in BUDGET_SUFFIXES + (".xlsx",):
            from ..inputs import is_published

            if not is_published(path):  # a budget: laid out in the default layout of `build`
                from .build import DEFAULT_TEMPLATE

                context = context.with_template(DEFAULT_TEMPLATE)
        report, notes = load_report(path, context)
        if previous is not None:  # last year's report of the unit (check --previous), read as this one
            from ..check.previous import is_corpus, load_previous, previous_from_corpus

            if is_corpus(previous):  # or found in a corpus: the unit's report of the year before
                prior, found_in = previous_from_corpus(previous, report)
                notes = [*notes, f"previous: {found_in} ({prior.year}), found in the corpus {previous}"]
            else:
                prior = load_previous(previous, context)
        if units:  # a department's report: its units' reports (check --units)
            from ..check.department import load_units

            unit_reports, said = load_units(units, context, transfers)
            notes = [*notes, *said]
    except InputErrors as exc:
        return [], [], exc.lines()
    except Refused as exc:
        return [], [exc.as_data()], [str(exc)]
    except (InputError, OSError) as exc:
        return [], [], [str(exc)]
    except ValueError as exc:  # an unknown code met while deriving, and the like
        return [], [], [f"{path}: {exc}"]
    layout = load(template or report.template, report.year)
    rules = select(rules_for(layout), list(selected), list(ignored))
    findings = check(report, list(rules), layout)
    if previous is not None:
        from ..check.previous import previous_findings

        findings = sorted(findings + previous_findings(report, prior, selected, ignored),
                          key=lambda f: ("error", "warning", "rounding").index(f.severity))
    if units:
        from ..check.department import department_findings

        findings = sorted(findings + department_findings(report, unit_reports, layout, selected, ignored,
                                                                    netted=transfers is not None),
                          key=lambda f: ("error", "warning", "rounding").index(f.severity))
    return findings, notes, []


def check_in_batch(path: Path, *options) -> tuple[list, list[str], list[str]]:
    """check_one for one input of many: a bug of ours on one file is said, not fatal to the rest."""
    try:
        return check_one(path, *options)
    except Exception as exc:
        return [], [], [internal_error(exc)]


def exit_code(findings, error) -> int:
    return 2 if error else (1 if any(f.severity == "error" for f in findings) else 0)


def many_as_text(results) -> str:
    blocks = [f"{source}: unreadable: {error}\n" if error else as_text(findings, notes, source)
              for source, findings, notes, error in results]
    return "\n".join(blocks) + "\n" + summary_line(results) + "\n"


def unreadable(source: str, notes: list, error: str) -> dict:
    """An input nothing could be read from, as data: its status, the reason, and — for a published
    document — the template it resembles and the titles found."""
    refused = next((n for n in notes if isinstance(n, dict)), None)
    return refused or {"input": source, "status": "unreadable", "reason": error}


def many_as_json(results) -> str:
    inputs = [{**unreadable(source, notes, error), "error": error} if error else json_data(findings, notes, source)
              for source, findings, notes, error in results]
    return layered({"inputs": inputs, "summary": summary(results)}) + "\n"


def many_as_html(results) -> str:
    from jinja2 import Environment

    from ..check import SEVERITIES

    entries = [{"source": source, "findings": findings, "notes": notes, "error": error,
                "counts": Counter(f.severity for f in findings)} for source, findings, notes, error in results]
    return Environment(autoescape=True).from_string(MANY_PAGE).render(
        entries=entries, severities=SEVERITIES, summary=summary_line(results))


def summary(results) -> dict:
    codes = Counter(exit_code(findings, error) for _, findings, _, error in results)
    return {"checked": len(results), "with_errors": codes[1], "without_errors": codes[0], "unreadable": codes[2]}


def summary_line(results) -> str:
    s = summary(results)
    return (f"checked {s['checked']}: {s['with_errors']} with errors, {s['without_errors']} without, "
            f"{s['unreadable']} unreadable")


def register(app: typer.Typer) -> None:
    @app.command("check")
    def check_command(
        inputs: Optional[list[Path]] = typer.Argument(None, help="budget.yaml/.xlsx, report.json, or a published report "
                                                                 ".txt/.pdf/.xlsx (its tables); several, or a folder, to check each"),
        format: Format = typer.Option(Format.text, "--format", "-f", help="text, json or html"),
        rules: bool = typer.Option(False, "--rules", help="list the rules (of --template, default shanxi-2024) with where each is defined, and exit"),
        template: Optional[str] = typer.Option(None, "--template", "-t", help="the layout (default: detected from a published report, "
                                                                              "named by a report.json, shanxi-2024 for a budget)"),
        catalog: list[Path] = typer.Option([], "--catalog", help="a catalog CSV that extends or overrides the built-in one"),
        select_: list[str] = typer.Option([], "--select", help="only these rules (an id, or a prefix such as T5. or X.); repeatable"),
        ignore: list[str] = typer.Option([], "--ignore", help="not these rules (an id or a prefix); repeatable"),
        output: Optional[Path] = typer.Option(None, "--output", "-o", help="write the findings to this file (atomically)"),
        previous: Optional[Path] = typer.Option(None, "--previous", help="last year's report of the unit (any input), or a "
                                                "corpus (`yusuan ingest`) to find it in: the prior-year figures this one states "
                                                "are checked against it (Y.previous)"),
        units: list[Path] = typer.Option([], "--units", help="a department's report: its units' reports (files or a folder; "
                                         "repeatable) — each table's cells the units' sum, every unit listed, projects under "
                                         "their units (D.*)"),
        transfers: Optional[Path] = typer.Option(None, "--transfers", help="with --units: the transfers between the units "
                                                 "the department nets (the file `consolidate --transfers` takes): each "
                                                 "paying unit's budget netted the same way before the sums (docs/scale.md)"),
        jobs: int = typer.Option(DEFAULT_JOBS, "--jobs", "-j", min=1,
                                 help="with several inputs: how many to check at once (default: one per core)"),
        follow_symlinks: bool = typer.Option(False, "--follow-symlinks", help="in a folder, follow links leading outside it"),
    ) -> None:
        """Check a report: roll-ups, cross-table identities, the prose, the targets, completeness.

        Several inputs (or a folder): each is checked in turn, an unreadable one does not stop the
        others, progress goes to stderr and a summary ends the output; the exit code is the worst
        of them (2 unreadable, 1 errors, 0 clean)."""
        if rules:
            from .build import DEFAULT_TEMPLATE

            make_context(template)
            typer.echo(rules_text(template or DEFAULT_TEMPLATE, 2024, select_, ignore), nl=False)
            raise typer.Exit(0)
        context = make_context(template, catalog)
        options = (template, context.catalog_files, tuple(select_), tuple(ignore))
        if not inputs:
            typer.echo("error: give INPUT (or --rules)", err=True)
            raise typer.Exit(2)
        from ..inputs import expand_inputs

        files = expand_inputs(inputs, follow_symlinks=follow_symlinks)
        least = list_found(files)  # broken links and loops: listed, and the exit at least 2
        if len(files) == 1 and not inputs[0].is_dir():
            if transfers is not None and not units:
                typer.echo("error: --transfers nets the transfers between a department's units: give --units", err=True)
                raise typer.Exit(2)
            findings, notes, errors = check_one(files[0], *options, previous, tuple(units), transfers)
            for line in errors:
                typer.echo(f"error: {line}", err=True)
            if errors and format == Format.json:  # a refused file is still data: what it is, why, what it resembles
                typer.echo(json.dumps(unreadable(str(files[0]), notes, "; ".join(errors)), ensure_ascii=False, indent=1))
            if errors:
                raise typer.Exit(2)
            render = {Format.text: as_text, Format.json: as_json, Format.html: as_html}[format]
            out = render(findings, notes, str(files[0]))
            code = exit_code(findings, None)
        else:
            if previous is not None or units or transfers is not None:
                typer.echo(f"error: {'--previous' if previous is not None else '--units'} checks one report "
                           f"{'against last year' if previous is not None else 'of a department against its units'}: give one input", err=True)
                raise typer.Exit(2)
            if not files:
                typer.echo(f"error: no budget or report found in {', '.join(map(str, inputs))}", err=True)
                raise typer.Exit(2)
            def outcome(path: Path, result) -> tuple:
                findings, notes, errors = result
                return str(path), findings, notes, "; ".join(e.removeprefix(f"{path}: ") for e in errors) or None

            with progress(len(files), "checking") as say:
                def report_progress(count: int, i: int, result) -> None:
                    _, findings, _, error = outcome(files[i], result)
                    counts = Counter(f.severity for f in findings)
                    say(f"[{count}/{len(files)}] {files[i]}: " + (f"unreadable: {error}" if error else
                        f"{counts.get('error', 0)} error, {counts.get('warning', 0)} warning"))

                checked = run_all(check_in_batch, [(path, *options) for path in files], jobs, report_progress, names=files,
                                  failed=lambda i, message: ([], [], [message]))
            results = [outcome(path, result) for path, result in zip(files, checked)]
            out = {Format.text: many_as_text, Format.json: many_as_json, Format.html: many_as_html}[format](results)
            code = max([least] + [exit_code(findings, error) for _, findings, _, error in results])
        if output is not None:
            from ..render import atomic_write

            atomic_write(output, out.encode("utf-8"))
        else:
            typer.echo(out, nl=False)
        raise typer.Exit(code)
