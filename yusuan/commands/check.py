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

from ..errors import InputError, InputErrors


class Format(str, Enum):
    text = "text"
    json = "json"
    html = "html"


def as_text(findings, notes: list[str], source: str) -> str:
    from ..check import SEVERITIES

    counts = Counter(f.severity for f in findings)
    lines = [f"{source}: " + ", ".join(f"{counts.get(s, 0)} {s}" for s in SEVERITIES)]
    for severity in SEVERITIES:
        group = [f for f in findings if f.severity == severity]
        if group:
            lines.append(f"{severity} ({len(group)}):")
            lines.extend(f"  {f.line()}" for f in group)
    lines.extend(f"note: {n}" for n in notes)
    return "\n".join(lines) + "\n"


def as_json(findings, notes: list[str], source: str) -> str:
    from ..check import SEVERITIES

    counts = Counter(f.severity for f in findings)
    return json.dumps({"input": source, "counts": {s: counts.get(s, 0) for s in SEVERITIES},
                       "findings": [f.to_dict() for f in findings], "notes": notes}, ensure_ascii=False, indent=1) + "\n"


PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>yusuan check — {{ source }}</title>
<style>
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; width: 100%; margin-bottom: 2em; font-size: 14px; }
th, td { border: 1px solid #bbb; padding: 4px 6px; text-align: left; vertical-align: top; }
th { background: #f0f0f0; } .error h2 { color: #b00020; } .warning h2 { color: #a86b00; } .rounding h2 { color: #555; }
code { font-size: 13px; }
</style></head><body>
<h1>yusuan check</h1>
<p>{{ source }} — {% for s in severities %}{{ counts.get(s, 0) }} {{ s }}{% if not loop.last %}, {% endif %}{% endfor %}</p>
{% for s in severities %}{% set group = findings | selectattr("severity", "equalto", s) | list %}{% if group %}
<section class="{{ s }}"><h2>{{ s }} ({{ group | length }})</h2>
<table><tr><th>rule</th><th>where</th><th>finding</th><th>expected</th><th>found</th><th>arithmetic</th></tr>
{% for f in group %}<tr><td><code>{{ f.rule }}</code></td><td>{{ f.location }}</td><td>{{ f.message }}</td><td>{{ f.expected }}</td><td>{{ f.found }}</td><td>{{ f.arithmetic }}</td></tr>
{% endfor %}</table></section>{% endif %}{% endfor %}
{% if notes %}<h2>notes from the reader</h2><ul>{% for n in notes %}<li>{{ n }}</li>{% endfor %}</ul>{% endif %}
</body></html>
"""


def as_html(findings, notes: list[str], source: str) -> str:
    from jinja2 import Environment

    from ..check import SEVERITIES

    template = Environment(autoescape=True).from_string(PAGE)
    return template.render(findings=findings, notes=notes, source=source, severities=SEVERITIES,
                           counts=Counter(f.severity for f in findings))


def rules_text() -> str:
    from ..check import RULES

    width = max(len(r.id) for r in RULES)
    return "\n".join(f"{r.id:<{width}}  {r.severity:<8}  {r.description}" for r in RULES) + "\n"


def register(app: typer.Typer) -> None:
    @app.command("check")
    def check_command(
        input: Optional[Path] = typer.Argument(None, help="budget.yaml/.xlsx, report.json, or a published report .txt/.pdf/.xlsx (its tables)"),
        format: Format = typer.Option(Format.text, "--format", "-f", help="text, json or html"),
        rules: bool = typer.Option(False, "--rules", help="list the rules and exit"),
        output: Optional[Path] = typer.Option(None, "--output", "-o", help="write the findings to this file (atomically)"),
    ) -> None:
        """Check a report: roll-ups, cross-table identities, the prose, the targets, completeness."""
        if rules:
            typer.echo(rules_text(), nl=False)
            raise typer.Exit(0)
        if input is None:
            typer.echo("error: give INPUT (or --rules)", err=True)
            raise typer.Exit(2)
        from ..inputs import load_report

        try:
            report, notes = load_report(input)
        except InputErrors as exc:
            for error in exc.errors:
                typer.echo(f"error: {error}", err=True)
            raise typer.Exit(2)
        except InputError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2)
        except ValueError as exc:  # an unknown code met while deriving, and the like
            typer.echo(f"error: {input}: {exc}", err=True)
            raise typer.Exit(2)
        from ..check import check

        findings = check(report)
        render = {Format.text: as_text, Format.json: as_json, Format.html: as_html}[format]
        out = render(findings, notes, str(input))
        if output is not None:
            from ..render import atomic_write

            atomic_write(output, out.encode("utf-8"))
        else:
            typer.echo(out, nl=False)
        raise typer.Exit(1 if any(f.severity == "error" for f in findings) else 0)
