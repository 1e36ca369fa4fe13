"""A report's prior-year figures against last year's report of the same unit (`check --previous`).

A report states last year's figures through its changes: 比上年增加X万元 is a claim
``<subject>.change`` beside the claim ``<subject>`` of this year (docs/claims.md), so the
figure it takes for last year is ``<subject> − <subject>.change``. Last year's report states
that figure as its own ``<subject>``. Rule ``Y.previous``: the two agree, for every subject
whose change this report states and that last year's report states — 收支总计, 一般公共预算
当年支出, each 三公 item and their total, 机关运行经费 in shanxi-2024; 财政拨款, by fund, 三公
and 机关运行经费 in the Shanghai layouts.

Each of the three figures is rounded to 0.01 万元 on its own, so they may miss each other by up
to 0.015 (the bound of 3 displayed terms, as the other rules allow, docs/architecture.md): a
gap within it is no finding — an unchanged, consistent series gives none. Beyond it the report
contradicts last year's: an error. ``Y.previous-unit`` warns when the two reports are not of
one unit and consecutive years, which makes the comparison meaningless rather than wrong.
"""
from __future__ import annotations

from decimal import Decimal

from ..report import Claim, Report
from . import Finding, Location

RULES = {
    "Y.previous": "Every prior-year figure the report states (this year's figure less its stated change) "
                  "is the figure last year's report of the unit states.",
    "Y.previous-unit": "The previous report given is of the same unit and of the year before.",
}
BOUND = Decimal("0.015")  # 0.005 × (2 + 1): three displayed figures each rounded to 0.01


def _figures(report: Report) -> dict[str, tuple[str, Claim]]:
    """Each subject's first claim, with its section (a figure restated agrees with itself: N.repeat)."""
    out: dict[str, tuple[str, Claim]] = {}
    for section in report.explanations:
        for claim in section.claims:
            out.setdefault(claim.subject, (section.number, claim))
    return out


def _in_section(report: Report, number: str, subject: str) -> Claim | None:
    section = next((s for s in report.explanations if s.number == number), None)
    return next((c for c in section.claims if c.subject == subject), None) if section else None


def compare_previous(report: Report, previous: Report) -> list[Finding]:
    out = []
    if previous.unit_name != report.unit_name or previous.year != report.year - 1:
        out.append(Finding("Y.previous-unit", "warning", Location(),
                           "the previous report is not of this unit and the year before",
                           f"{report.unit_name} {report.year - 1}", f"{previous.unit_name} {previous.year}"))
    now, before = _figures(report), _figures(previous)
    for subject, (number, change) in now.items():
        if not subject.endswith(".change"):
            continue
        base = subject.removesuffix(".change")
        # This year's figure in the section that states the change (general.current is stated twice).
        current = _in_section(report, number, base) or (now[base][1] if base in now else None)
        stated = before.get(base)
        if current is None or stated is None or current.unit != change.unit or stated[1].unit != change.unit:
            continue
        implied = current.value - change.value
        gap = implied - stated[1].value
        if abs(gap) <= BOUND:
            continue
        out.append(Finding(
            "Y.previous", "error", Location(section=number, quote=change.text or subject),
            f"the prior-year {base} this report states differs from last year's report",
            f"{stated[1].value}{change.unit}", f"{implied}{change.unit}",
            f"{base} {current.value} − change {change.value} = {implied}; {previous.year}'s report "
            f"(§{stated[0]}) states {stated[1].value} (gap {gap:+})"))
    return out


def _rules():
    """The two rules as Rule objects (not registered: they read two reports, the registry's one),
    so that --select and --ignore treat them as any other."""
    from . import Rule

    def nothing(report):  # run by previous_findings, never by check()
        return []

    return tuple(Rule(rule_id, text, "error" if rule_id == "Y.previous" else "warning", "previous",
                      function=nothing, origin="generic", defined_in=__name__) for rule_id, text in RULES.items())


def load_previous(path, context) -> Report:
    """Last year's report, read as `check` reads any input (a budget in build's default layout
    unless the context names one; a published report detected)."""
    from pathlib import Path

    from ..inputs import BUDGET_SUFFIXES, is_published, load_report

    path = Path(path)
    if context.template_ref is None and path.suffix.lower() in BUDGET_SUFFIXES + (".xlsx",) and path.exists() and not is_published(path):
        from ..commands.build import DEFAULT_TEMPLATE

        context = context.with_template(DEFAULT_TEMPLATE)
    return load_report(path, context)[0]


def previous_findings(report: Report, previous: Report, selected=(), ignored=()) -> list[Finding]:
    from .registry import select

    kept = {r.id for r in select(_rules(), list(selected), list(ignored))}
    return [f for f in compare_previous(report, previous) if f.rule in kept]


# -- last year's report from a corpus (`check 2025.pdf --previous CORPUS`) ----------------------

def is_corpus(path) -> bool:
    """A folder `yusuan ingest` made (its corpus.json mark)."""
    from pathlib import Path

    from ..corpus.store import MARK

    return Path(path).is_dir() and (Path(path) / MARK).is_file()


# Which of several readings of one unit's year to take: what was published first, then its data.
_KIND_ORDER = "CASE input_kind WHEN 'published' THEN 0 WHEN 'report.json' THEN 1 ELSE 2 END"


def previous_from_corpus(root, report: Report) -> tuple[Report, str]:
    """Last year's report of ``report``'s unit in the corpus at ``root`` — the same unit name (blanks
    aside; a Report names its unit, not its code), the year before, read without error; of the
    same layout when there is one — as the claims the corpus keeps of it (all Y.previous reads).
    Returns it and the file it was ingested from; an InputError naming the corpus when none is."""
    from ..corpus.store import Corpus
    from ..errors import InputError
    from ..numerals import chinese_index
    from ..report import Section

    name = "".join(report.unit_name.split())
    with Corpus(root).connect() as connection:
        found = connection.execute(
            "SELECT report_id, file, template, year FROM reports WHERE status = 'ok' AND replace(replace(unit_name, ' ', ''), '　', '') = ? "
            f"AND year = ? ORDER BY (template = ?) DESC, {_KIND_ORDER}, file LIMIT 1",
            [name, report.year - 1, report.template]).fetchone()
        if found is None:
            years = [y for (y,) in connection.execute(
                "SELECT DISTINCT year FROM reports WHERE status = 'ok' AND replace(replace(unit_name, ' ', ''), '　', '') = ? "
                "ORDER BY year", [name]).fetchall()]
            raise InputError(root, None, f"no report of {report.unit_name} for {report.year - 1} in the corpus"
                             + (f" (its years there: {', '.join(map(str, years))})" if years else " (no report of this unit)"))
        report_id, file, template, year = found
        claims = connection.execute(
            "SELECT section, section_title, claim_index, subject, value, unit, text, relation, reason FROM claims "
            "WHERE report_id = ?", [report_id]).fetchall()
    sections: dict[str, Section] = {}
    for number, title, _, subject, value, unit, text, relation, reason in sorted(
            claims, key=lambda c: (chinese_index(c[0]) or 0, c[0], c[2])):
        if value is None:  # a figure the corpus could not store exactly: not compared
            continue
        section = sections.setdefault(number, Section(number=number, title=title or "", text=""))
        section.claims.append(Claim(subject=subject, value=value, unit=unit, text=text or "", relation=relation or "", reason=reason))
    return Report(template=template, year=year, unit_name=report.unit_name, explanations=list(sections.values())), file
