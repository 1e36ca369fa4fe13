"""Read a published report (extracted text or PDF) back into the Report.

``published(path)`` returns a ``ReadResult``: the Report (whole, partial, or None when nothing
could be read), the problems met (each with its line/page, table and row), and which template
the document looks like. What cannot be read is said, not guessed; no input makes it crash or
hang: a file that cannot be opened or has no text layer raises one ``InputError``.

The pipeline: lines (text file, or yusuan/read/pdf.py) → the template detected from the text
(detect.py) → cleaned of page furniture and cut into parts (published_lines) → the tables
(published_tables), the performance-target tables (published_performance), and the prose with
its claims by the template's own ``reading`` module.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError
from ..report import Report
from ..templates import load
from .published_lines import Line, Problem, clean, segment, split_lines

if TYPE_CHECKING:
    from ..context import Context

__all__ = ["ReadResult", "Problem", "published", "read_lines", "read_text", "refused"]

TITLE = re.compile(r"^\s*(\d{4})年\S*表(?:（[^）]*）)?\s*$")
MAX_CHARS = 20_000_000  # a published report is a few hundred KB; beyond this is not one


@dataclass
class ReadResult:
    report: Report | None
    problems: list[Problem] = field(default_factory=list)
    template: str | None = None  # the template it looks like ("shanxi-2024"), or a description of another
    tables_found: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """0 whole, 1 in part, 2 nothing readable (the CLI's exit codes)."""
        return 2 if self.report is None else (1 if self.problems else 0)


def published(path: str | Path, context: "Context") -> ReadResult:
    """Read a published report: ``.txt`` (text extracted from a PDF, or our text rendering), ``.pdf``,
    or ``.xlsx`` (its tables, a sheet each: the prose is not in a workbook, so that read is partial)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(path, None, "no such file" if not path.exists() else "not a file")
    if path.suffix.lower() == ".xlsx":
        from .published_xlsx import xlsx_lines

        return read_lines(xlsx_lines(path), str(path), context)
    if path.suffix.lower() == ".pdf":
        return _read_pdf(path, context)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(path, None, f"cannot read: {exc.strerror or exc}") from None
    if data.startswith(b"%PDF"):
        return _read_pdf(path, context)
    if len(data) > MAX_CHARS * 4:
        raise InputError(path, None, f"{len(data)} bytes is too large for a published report")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes almost anything
        raise InputError(path, None, "not text in UTF-8 or GB18030")
    return read_text(text, str(path), context)


def _read_pdf(path: Path, context: "Context") -> ReadResult:
    """A PDF: its template detected on the pages' plain text first (a document of no known
    layout is refused before any page's words and grids are extracted), then its lines read and
    the Report's places given their boxes on the page (boxes.py)."""
    from .boxes import place_boxes
    from .detect import detect, prepare
    from .pdf import read_pdf

    candidates = prepare((context.template_ref,) if context.template_ref is not None else None)
    texts, lines = read_pdf(path, lambda texts: detect("\n".join(texts), candidates).template is not None)
    if lines is None:  # refused from the plain text: say why (the nearest template, the titles found)
        plain = [Line(text, no, page) for page, page_text in enumerate(texts, 1)
                 for no, text in enumerate(page_text.split("\n"), 1)]
        return refused(detect("\n".join(texts), candidates), plain, context)
    result = read_lines(lines, str(path), context)
    place_boxes(result.report, lines)
    return result


def read_text(text: str, name: str, context: "Context") -> ReadResult:
    return read_lines(split_lines(text.replace("\r\n", "\n")), name, context)


def detect_year(lines: list[Line]) -> int | None:
    years = Counter(int(m.group(1)) for l in lines if (m := TITLE.match(l.text)) and 1990 < int(m.group(1)) < 2100)
    return years.most_common(1)[0][0] if years else None


def refused(detection, lines: list[Line], context: "Context") -> ReadResult:
    """A document of no template (``detection`` found none): nothing is read, the nearest is named."""
    # The year of a table title: page furniture (what clean() drops) never looks like one.
    if detect_year(lines) is None and not detection.score:
        return ReadResult(None, [Problem("no table title with a year (like 2024年预算收支总表) found: "
                                         "not a published budget report, or its text is unreadable")], None)
    what = "not of this template" if context.template_ref is not None else "of no template yusuan knows"
    return ReadResult(None, [Problem(f"the document is {what}: {detection.describe()}")], detection.nearest,
                      list(detection.titles))


def read_lines(lines: list[Line], name: str, context: "Context") -> ReadResult:
    """The Report in ``lines``, with the problems met on the way. The template is the context's,
    or detected from the text (none fits: nothing is read, and the nearest is named)."""
    from .detect import detect
    from .published_performance import read_performance
    from .published_tables import TableReader

    detection = detect("\n".join(l.text for l in lines),
                       (context.template_ref,) if context.template_ref is not None else None)
    if detection.template is None:
        return refused(detection, lines, context)
    kept, parts = clean(lines)
    problems: list[Problem] = []
    year = detect_year(kept)
    titles = [l.text.strip() for l in kept if TITLE.match(l.text)]
    context = context.with_template(detection.template)
    reading = load(detection.template, year or 2000).module("reading")
    if reading is not None and hasattr(reading, "read_document"):
        # A layout with a reader of its own (tables found by their titles, say): it does the rest.
        return reading.read_document(lines, name, context)
    if year is None:
        return ReadResult(None, [Problem("no table title with a year (like 2024年预算收支总表) found: "
                                         "not a published budget report, or its text is unreadable")], detection.template)
    template = context.template(year)
    segments = segment(kept, parts, template)
    found = [tid for tid, _, _ in segments.tables]
    if not found:
        message = (f"not a {template.name} report: none of its tables is of this template; "
                   f"tables found: {'、'.join(titles[:20]) or 'none'}")
        return ReadResult(None, [Problem(message)], template.id, titles)
    catalog = context.catalog
    unit_names = Counter()
    tables = []
    for table_id, caption, body in segments.tables:
        try:
            spec = template.table(table_id)
        except KeyError:
            problems.append(Problem(f"{caption.text.strip()} is not a table of {template.name}", caption.no, caption.page))
            continue
        if any(t.id == table_id for t in tables):
            problems.append(Problem(f"{spec.name} appears twice; the first is kept", caption.no, caption.page, table_id))
            continue
        reader = TableReader(spec, template, catalog, caption)
        table = reader.read(body)
        problems += reader.problems
        tables.append(table)
        if table.unit_name:
            unit_names[table.unit_name] += 1
    order = {t.id: i for i, t in enumerate(template.tables)}
    if [t.id for t in tables] != sorted((t.id for t in tables), key=order.get):
        problems.append(Problem("the tables are out of order (pages shuffled?); they are kept in the template's order"))
        tables.sort(key=lambda t: order[t.id])
    for spec in template.tables:
        if not any(t.id == spec.id for t in tables):
            problems.append(Problem(f"{spec.name} is missing", table=spec.id))
    unit_name = unit_names.most_common(1)[0][0] if unit_names else ""
    report = Report(template=template.id, source=name, year=year, unit_name=unit_name, tables=tables)
    reading = template.module("reading")
    if reading is not None:
        report = reading.read_profile(report, segments.profile, problems)
        report = reading.read_explanations(report, segments.explanations, catalog, problems)
    report = read_performance(report, segments.performance, problems)
    if reading is not None:
        report = reading.read_glossary(report, segments.glossary, problems)
    present = {"profile": report.profile.duties or report.profile.structure, "explanations": report.explanations,
               "glossary": report.glossary}
    for part in template.parts:
        if part.holds in present and not present[part.holds]:
            problems.append(Problem(f"{part.heading} is missing"))
    return ReadResult(report, problems, template.id, found)
