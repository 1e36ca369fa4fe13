"""Check any report: each rule a plain function returning findings.

Modelled on beancount's validation: every rule is one small function with an id, a
one-sentence description and the worst severity it reports. Three kinds, all ``Rule``:

- generated from the template's layout (yusuan/check/generated.py): a column that is the sum
  of others, a row that is the sum of its children, two cells of different tables that select
  the same line items;
- written here for every template (yusuan/check/document.py);
- a template's own, in its package (``yusuan/templates/<id>/rules``), registered by ``@rule``.

``rules_for(template)`` (yusuan/check/registry.py) gives a report exactly its rules. A rule
declares what it reads by parameter name: ``report``, ``template``, or a table as ``t<id>``
(``t5``); a table the report lacks makes the rule not applicable — it is not run.

Severities: ``error`` (the report contradicts itself), ``warning`` (probably wrong, or a
disclosure rule not met in full), ``rounding`` (a gap that rounding of displayed cells
explains: n displayed values can miss their displayed sum by at most 0.005·(n+1)).
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass, field, replace
from typing import Callable, NamedTuple

from ..report import Report

SEVERITIES = ("error", "warning", "rounding")  # the order findings are listed in


class Location(NamedTuple):
    """Where a finding is: a table cell (table id, row code or label, column key), or a
    sentence of the explanations (section number, the words quoted), or a performance table.
    (A NamedTuple: rules build one per comparison, most of which find nothing.)"""

    table: str | None = None
    row: str | None = None
    column: str | None = None
    section: str | None = None
    quote: str | None = None
    project: str | None = None  # a performance-target table, by project name

    def __str__(self) -> str:
        parts = []
        if self.table:
            parts.append(f"表{self.table}")
        if self.row:
            parts.append(self.row)
        if self.column:
            parts.append(f"[{self.column}]")
        if self.section:
            parts.append(self.section if self.section.startswith("第") else f"§{self.section}")
        if self.project:
            parts.append(f"绩效目标表《{self.project}》")
        if self.quote:
            parts.append(f"“{self.quote}”")
        return " ".join(parts) or "报告"


@dataclass(frozen=True, init=False)
class Finding:
    rule: str
    severity: str  # error | warning | rounding
    location: Location
    message: str
    expected: str = ""
    found: str = ""
    arithmetic: str = ""  # e.g. "2257.13 + 2978.49 + 205.38 = 5441.00, table shows 5441.00"
    place: str = ""  # where in the file, when the report was read from one: "p.9 l.412"
    cells: tuple[str, ...] = ()  # the cells compared, when the rule says ("T2[2040201].general", …)
    suspect: str = ""  # the one cell that the errors grouped under this finding all read
    consequences: tuple["Finding", ...] = ()  # the other errors that cell explains

    def __init__(self, rule: str, severity: str, location: Location, message: str, expected: str = "", found: str = "",
                 arithmetic: str = "", place: str = "", cells: tuple[str, ...] = (), suspect: str = "",
                 consequences: tuple["Finding", ...] = ()) -> None:
        # The dataclass's own __init__, without its frozen setattr per field (a check makes
        # dozens of findings; this halves what each costs).
        self.__dict__.update(rule=rule, severity=severity, location=location, message=message, expected=expected, found=found,
                             arithmetic=arithmetic, place=place, cells=cells, suspect=suspect, consequences=consequences)

    def line(self) -> str:
        """One line for the text output."""
        text = f"{self.rule} {self.place + ' ' if self.place else ''}{self.location}: {self.message}"
        if self.expected or self.found:
            text += f" (expected {self.expected}, found {self.found})"
        if self.arithmetic:
            text += f" — {self.arithmetic}"
        if self.suspect:
            text += f"; {len(self.consequences) + 1} errors all read {self.suspect}: probably the one wrong cell"
            text += "".join(f"\n      ↳ {c.line()}" for c in self.consequences)
        return text

    def to_dict(self) -> dict:
        """The finding as plain data, its fields in order, then its location as text. Written
        out, not ``dataclasses.asdict``: that deep-copies every field, and cost more than the
        check itself when a folder of reports was written as JSON."""
        location = self.location
        return {"rule": self.rule, "severity": self.severity,
                "location": {k: v for k, v in zip(location._fields, location) if v is not None},
                "message": self.message, "expected": self.expected, "found": self.found,
                "arithmetic": self.arithmetic, "place": self.place, "cells": self.cells,
                "suspect": self.suspect, "consequences": [c.to_dict() for c in self.consequences],
                "location_text": str(location)}


def copied(finding: Finding, **changes) -> Finding:
    """``dataclasses.replace(finding, **changes)`` at a tenth of its cost: the same fields, no
    validation to run (a Finding has none). Rules copy a finding to add its cells or its place."""
    new = object.__new__(Finding)
    fields = new.__dict__
    fields.update(finding.__dict__)
    fields.update(changes)
    return new


RuleFunction = Callable[..., list[Finding]]


@dataclass(frozen=True)
class Rule:
    id: str
    description: str  # one sentence
    severity: str  # the worst severity the rule reports
    family: str  # tables | cross | prose | targets | completeness | document
    identity: str = ""  # the identity checked, as a formula (docs/rules.md)
    function: RuleFunction = field(default=None, compare=False, repr=False)  # type: ignore[assignment]
    origin: str = "generic"  # generic | generated | template
    defined_in: str = ""  # module:line, or the template and table it was generated from

    reads: tuple[str, ...] = field(default=(), init=False, compare=False)  # the parameters, named once
    # How each parameter is given: "report", "template", or the id of the table it reads.
    _arguments: tuple[str, ...] = field(default=(), init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        reads = tuple(inspect.signature(self.function).parameters)
        object.__setattr__(self, "reads", reads)
        given = []
        for name in reads:
            if name in ("report", "template"):
                given.append(name)
            elif name.startswith("t") and name[1:].isdigit():
                given.append(name[1:])
            else:
                given.append("?" + name)  # refused when the rule is run, as before
        object.__setattr__(self, "_arguments", tuple(given))

    def __call__(self, report: Report, template=None) -> list[Finding]:
        """Run the rule on ``report``, giving each parameter what its name asks for; None
        (not applicable) when a table it reads is not in the report."""
        given = self._arguments
        if given == ("report",):  # most rules: nothing to look up
            return self.function(report)
        arguments = []
        for name in given:
            if name == "report":
                arguments.append(report)
            elif name == "template":
                arguments.append(template)
            elif name[0] == "?":
                raise TypeError(f"rule {self.id} reads {name[1:]!r}: a rule reads report, template or t<table id>")
            else:
                table = support.table(report, name)  # indexed once per run: 84 rules ask
                if table is None:
                    return []
                arguments.append(table)
        return self.function(*arguments)


RULES: list[Rule] = []  # every rule written with @rule (generic and templates' own); generated ones are made per template


def rule(id: str, description: str, severity: str = "error", identity: str = "") -> Callable[[RuleFunction], RuleFunction]:
    """Register ``function`` as a rule (the beancount way: a plain function in one list)."""
    if severity not in SEVERITIES:
        raise ValueError(f"unknown severity {severity!r}")

    def decorator(function: RuleFunction) -> RuleFunction:
        module = function.__module__
        if any(r.id == id and r.defined_in.split(":")[0] == module for r in RULES):
            raise ValueError(f"rule {id} registered twice")
        family = module.rsplit(".", 1)[-1]
        origin = "generic" if module.startswith(__name__ + ".") else "template"
        where = f"{module}:{function.__code__.co_firstlineno}"
        RULES.append(Rule(id, description, severity, family, identity, function, origin, where))
        return function

    return decorator


def check(report: Report, rules: list[Rule] | None = None, template=None) -> list[Finding]:
    """Every finding of every rule, errors first, then warnings, then rounding.

    ``rules`` defaults to the rules of the template the report names (``rules_for``). A rule
    that cannot run on a malformed report (a reader's partial output, say) becomes a warning
    naming the rule, so one odd table never hides the findings of the others.
    """
    from ..templates import load
    from .registry import rules_for

    if template is None:
        template = load(report.template, report.year)
    if rules is None:
        rules = rules_for(template)
    findings: list[Finding] = []
    support.begin_run()
    try:
        for r in rules:
            try:
                findings.extend(r(report, template))
            except Exception as exc:  # noqa: BLE001 — reported, never swallowed
                findings.append(Finding(r.id, "warning", Location(), f"rule could not be applied: {type(exc).__name__}: {exc}"))
    finally:
        support.end_run()
    order = {s: i for i, s in enumerate(SEVERITIES)}
    if report.source:  # read from a file: say where in it (a derived report has no places)
        rows: dict = {}  # rows by the name findings give them, per table, made when first asked
        findings = [_placed(f, report, rows) for f in findings]
    return sorted(findings, key=lambda f: order[f.severity])


def grouped(findings: list[Finding]) -> list[Finding]:
    """One wrong cell is one finding, its consequences attached — not several unrelated lines
    (what `yusuan check` prints; ``check`` itself returns every finding flat).

    A cell typed wrong breaks every identity that reads it: its row's column sum, its parent's
    roll-up, the equal cell of another table. Errors that all read one cell (``cells``) are told
    as one: the finding located at that cell first (else the first of them), the others as its
    consequences. Two or more errors must share the cell; findings without cells stay as they are.
    """
    errors = [f for f in findings if f.severity == "error" and f.cells]
    if len(errors) < 2:
        return findings
    readers: dict[str, list[int]] = {}
    for i, f in enumerate(errors):
        for c in set(f.cells):
            readers.setdefault(c, []).append(i)
    taken: set[int] = set()
    groups: list[Finding] = []
    for c, indexes in sorted(readers.items(), key=lambda item: -len(item[1])):
        free = [i for i in indexes if i not in taken]
        if len(free) < 2:
            continue
        members = [errors[i] for i in free]
        # The head: the finding at that very cell, else one in its table, else the first.
        table = c[1:c.index("[")]
        head = min(members, key=lambda m: (f"T{m.location.table}[{m.location.row}].{m.location.column}" != c,
                                           m.location.table != table))
        groups.append(replace(head, suspect=c, consequences=tuple(m for m in members if m is not head)))
        taken.update(free)
    grouped_out = {id(errors[i]) for i in taken}
    order = {sev: i for i, sev in enumerate(SEVERITIES)}
    return sorted(groups + [f for f in findings if id(f) not in grouped_out], key=lambda f: order[f.severity])


def _placed(finding: Finding, report: Report, rows: dict) -> Finding:
    """The finding with the place in the file of what it points at (a row, else its table; a
    section; a project form), when the report was read from a file. ``rows``: what was indexed
    for the findings before (tables by id, each table's rows by name), made when first asked."""
    loc, found = finding.location, None
    if loc.table:
        tables = rows.get(None)
        if tables is None:
            tables = rows[None] = {}
            for t in report.tables:
                tables.setdefault(t.id, t)  # the first of an id, as report.table finds it
        table = tables.get(loc.table)
        if table is not None:
            row = None
            if loc.row:
                # The table's rows by name, indexed as far as the findings need: the first row of
                # a name, as a scan finds it (most findings are at rows near the top).
                index = rows.get(id(table))
                if index is None:
                    index = rows[id(table)] = [{}, 0]
                named = index[0]
                row = named.get(loc.row)
                if row is None:
                    table_rows = table.rows
                    at = index[1]
                    while at < len(table_rows):
                        r = table_rows[at]
                        at += 1
                        name = support.row_name(r)
                        named.setdefault(name, r)
                        if name == loc.row:
                            break
                    index[1] = at
                    row = named.get(loc.row)
            found = (row.place if row is not None else None) or table.place
    elif loc.section:
        section = report.section(loc.section)
        found = section.place if section is not None else None
    elif loc.project:
        form = next((p for p in report.performance if p.project_name == loc.project), None)
        found = form.place if form is not None else None
    if found is None:
        return finding
    key = ("text", id(found))  # several findings point at one row or table: its place told once
    text = rows.get(key)
    if text is None:
        text = rows[key] = (found, str(found))
    return copied(finding, place=text[1]) if text[1] else finding


def rules_markdown() -> str:
    """docs/rules.md, generated from the rules of every built-in template, so the docs cannot drift from the code."""
    from ..templates import builtin, load
    from .registry import rules_for

    lines = [
        "# Rules of `yusuan check`",
        "",
        "Generated by `python -m yusuan.check > docs/rules.md` from yusuan/check/ and the templates' packages.",
        "Each rule is one function; a finding names the rule, its severity, the place (table, row,",
        "column; or section and the sentence quoted), what was expected, what was found, and the",
        "arithmetic. Severity `rounding`: a gap within 0.005·(n+1) for n displayed terms.",
        "",
        "A report is checked by the rules of its template (`rules_for`): the rules generated from the",
        "template's layout (column sums, row roll-ups, equal cells of tables selecting the same line",
        "items), the rules for every template, and the template's own. `yusuan check --rules` lists",
        "them with where each is defined.",
        "",
        "Notation: `T2[2040201].general` is table 2, row 2040201, column `general` (the template's",
        "column keys, yusuan/templates/<id>/template.yaml); `T2[合计]` a row by its label;",
        "claims are named by their subject (docs/claims.md).",
        "",
        "How fast `check` is, and how a faster one is shown to find the same: docs/scale.md (`check`'s speed).",
        "",
    ]
    titles = {
        "generated": "Generated from the layout",
        "document": "The document (every template)",
        "tables": "Inside each table",
        "cross": "Across tables",
        "prose": "The prose against the tables and itself",
        "targets": "Performance-target tables (项目支出绩效目标表)",
        "completeness": "Completeness (地方预决算公开操作规程)",
        "review": "What a reviewer reads for (every template)",
    }
    for template_id in builtin():
        template = load(template_id, 2024)
        rules = rules_for(template)
        lines += [f"## Template `{template.id}` — {template.name}", ""]
        for family, title in titles.items():
            chosen = [r for r in rules if (r.origin == "generated") == (family == "generated") and (family == "generated" or r.family == family)]
            if not chosen:
                continue
            lines += [f"### {title}", "", "| rule | severity | checks | identity |", "|---|---|---|---|"]
            for r in chosen:
                identity = r.identity.replace("|", "\\|")
                lines.append(f"| `{r.id}` | {r.severity} | {r.description} | {identity} |")
            lines.append("")
    return "\n".join(lines)


# The support module, and the rules written for every template (importing registers them).
from . import support  # noqa: E402
from . import document  # noqa: E402,F401
from . import review  # noqa: E402,F401
