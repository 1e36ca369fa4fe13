"""Where a report's parts and a check's findings are drawn on the PDF page.

A PDF's lines (yusuan/read/pdf.py) carry their box and the boxes of the amounts printed on
them. ``place_boxes(report, lines)`` gives the Report read from those lines the boxes of what it
placed (``Place.box``, a row's ``Place.cells``, a section's or form's ``Place.spans``);
``finding_boxes(report, findings)`` turns findings into the boxes to draw, page by page; and
``rendered_with_places(report, template)`` does both for a report that has no PDF of its own (a
budget draft): our PDF of it (the typst renderer) is read back, so the same boxes fit the
pages of that PDF.

Coordinates are PDF points from the top-left corner of the page's MediaBox, (x0, top, x1,
bottom), as pdfplumber gives them: a page image rendered at ``scale`` pixels per point (PDFium's
``render(scale=…)``, pdftoppm ``-r 72·scale``) shows a box at (x0·scale, top·scale) –
(x1·scale, bottom·scale).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, NamedTuple, Sequence

from ..report import Box, Place, Report, Row, Section, Span, Table
from .published_lines import Line

if TYPE_CHECKING:
    from ..templates import Template

__all__ = ["FindingBox", "place_boxes", "finding_boxes", "rendered_with_places", "RenderedReport", "cell_box"]


# --- a Report's places get their boxes ------------------------------------------------------


def place_boxes(report: Report | None, lines: Sequence[Line]) -> Report | None:
    """``report`` (read from ``lines``) with the boxes of its places filled in, in place.

    A table gets its caption's (or title's) box, a row its grid row's and each amount cell's
    box by column key (the k-th amount of the row's values is the next printed amount equal to
    it, left to right), a section its heading's box and its lines as spans, each with which
    characters of the section's text it prints; a section without a place (a reader that keeps
    none) is found by its text. A project form gets its title's box and its lines as spans."""
    if report is None:
        return None
    by_no = {line.no: line for line in lines}
    ordered = list(lines)
    index_of = {line.no: i for i, line in enumerate(ordered)}
    for table in report.tables:
        _box_of(table, by_no)
        for row in table.rows:
            _row_boxes(row, by_no, index_of, ordered)
    for section in report.explanations:
        if section.place is None:
            section.place = _find_section(section, ordered)
    starts = sorted(p.line for p in _places(report) if p.line is not None)
    for section in report.explanations:
        if section.place is not None and section.place.line in index_of:
            _section_spans(section, ordered, index_of, starts)
    for form in report.performance:
        if form.place is not None and form.place.line in index_of:
            _form_spans(form, ordered, index_of, starts)
    return report


def _places(report: Report) -> Iterable[Place]:
    for part in (*report.tables, *report.explanations, *report.performance):
        if part.place is not None:
            yield part.place


def _box_of(part, by_no: dict[int, Line]) -> None:
    place = part.place
    if place is None or place.line is None or not isinstance(place.page, int):
        return
    line = by_no.get(place.line)
    if line is not None and line.box is not None:
        part.place = _place(place, box=line.box)


def _built(cls, **values):
    """A Place or Span of trusted values (PDFium's floats, our ints), every field given: what
    pydantic's model_construct makes, at a quarter of its cost (it checks defaults and aliases
    for each of the ~1,000 places and spans of a report: 13 of the 17 ms this module took)."""
    made = cls.__new__(cls)
    object.__setattr__(made, "__dict__", values)
    object.__setattr__(made, "__pydantic_fields_set__", set(values))
    object.__setattr__(made, "__pydantic_extra__", None)
    object.__setattr__(made, "__pydantic_private__", None)
    return made


def _place(place: Place, **update) -> Place:
    fields = {"page": place.page, "line": place.line, "box": place.box, "cells": place.cells, "spans": place.spans}
    fields.update(update)
    return _built(Place, **fields)


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None


def _row_boxes(row: Row, by_no: dict[int, Line], index_of: dict[int, int], ordered: list[Line]) -> None:
    place = row.place
    if place is None or place.line is None or not isinstance(place.page, int) or place.line not in by_no:
        return
    line = by_no[place.line]
    wanted = [(key, value) for key, value in row.values.items() if value is not None]
    cells: dict[str, Box] = {}
    if wanted:
        # A row whose name wrapped onto lines of its own prints its amounts on the last of them.
        start = index_of[place.line]
        for candidate in ordered[start:start + 4]:
            if candidate.page != line.page or candidate.amounts:
                if candidate.page == line.page:
                    cells = _match(wanted, candidate.amounts)
                break
    row.place = _place(place, box=line.box, cells=cells or None)


def _match(wanted: list[tuple[str, Decimal]], amounts: tuple[tuple[str, Box], ...]) -> dict[str, Box]:
    """Each value to the next printed amount equal to it, in reading order (a reader places a
    row's numbers in order, so the k-th value is never printed left of the (k−1)-th)."""
    printed = [(_decimal(text), box) for text, box in amounts]
    cells: dict[str, Box] = {}
    cursor = 0
    for key, value in wanted:
        for k in range(cursor, len(printed)):
            if printed[k][0] == value:
                cells[key] = printed[k][1]
                cursor = k + 1
                break
    return cells


def _squeezed(text: str) -> str:
    return "".join(text.split())


def _find_section(section: Section, ordered: list[Line]) -> Place | None:
    """The first line of a section that has no place: the line its text (or title) starts with."""
    text = _squeezed(section.text)
    title = _squeezed(f"{section.number}、{section.title}") if section.title else ""
    head = text[:20]
    for line in ordered:
        squeezed = _squeezed(line.text)
        if not squeezed or line.box is None or not isinstance(line.page, int):
            continue
        if (title and squeezed.startswith(title)) or (len(squeezed) >= 4 and head and (
                head.startswith(squeezed) or squeezed.startswith(head))):
            return _built(Place, page=line.page, line=line.no, box=line.box, cells=None, spans=None)
    return None


MAX_MISSES = 3  # lines of the section's stretch not found in its text before the section is taken to have ended


def _section_spans(section: Section, ordered: list[Line], index_of: dict[int, int], starts: list[int]) -> None:
    """The section's printed lines, each with the characters of ``section.text`` it prints."""
    place = section.place
    text = _squeezed(section.text)
    first = index_of[place.line]
    end_no = next((n for n in starts if n > place.line), None)
    spans: list[Span] = []
    cursor, misses = 0, 0
    heading = ordered[first]
    for line in ordered[first:]:
        if end_no is not None and line.no >= end_no or cursor >= len(text):
            break
        squeezed = _squeezed(line.text)
        if not squeezed or line.box is None or not isinstance(line.page, int):
            continue
        at = text.find(squeezed, cursor, cursor + len(squeezed) + 40)
        if at < 0 and len(squeezed) > 12:  # a line the reader trimmed or joined differently: its middle
            middle = squeezed[4:-4]
            found = text.find(middle, cursor, cursor + len(squeezed) + 40)
            at = found - 4 if found >= 0 else -1
        if at < 0:
            if line is not heading and spans:
                misses += 1
                if misses >= MAX_MISSES:
                    break
            continue
        misses = 0
        start, cursor = max(at, 0), max(at, 0) + len(squeezed)
        spans.append(_built(Span, page=line.page, box=line.box, start=start, end=min(cursor, len(text)), text=None))
    box = heading.box if heading.box is not None else place.box
    section.place = _place(place, box=box, spans=spans or None)


MAX_FORM_LINES = 120  # a 项目支出绩效目标表 prints ~40 lines; beyond this the next part has begun


def _form_spans(form, ordered: list[Line], index_of: dict[int, int], starts: list[int]) -> None:
    place = form.place
    first = index_of[place.line]
    end_no = next((n for n in starts if n > place.line), None)
    spans = [_built(Span, page=line.page, box=line.box, start=None, end=None, text=_squeezed(line.text) or None)
             for line in ordered[first:first + MAX_FORM_LINES]
             if (end_no is None or line.no < end_no) and line.box is not None and isinstance(line.page, int)]
    heading = ordered[first]
    form.place = _place(place, box=heading.box or place.box, spans=spans or None)


# --- findings as boxes ------------------------------------------------------------------------


class FindingBox(NamedTuple):
    """One box to draw for a finding: ``box`` on its page, ``index`` the finding's position in
    the list given, ``rule`` its rule id, ``label`` what the box shows (``T3[2040601].total``,
    ``表3 2040601``, ``§一 “…”``), ``kind`` what it is: ``cell`` (the cell the finding is at),
    ``term`` (another cell it compared), ``row``, ``table``, ``section``, ``quote`` (the lines that
    print the quoted words), ``form`` (a project's performance-target table)."""

    box: Box
    index: int
    rule: str
    label: str
    kind: str


CELL = re.compile(r"^T(?P<table>[^\[]+)\[(?P<row>.*)\]\.(?P<key>[^.\]]+)$")


def finding_boxes(report: Report, findings: Sequence) -> dict[int, list[FindingBox]]:
    """{page number: the boxes of the findings on that page}, pages from 1, in finding order.

    ``findings`` are ``yusuan.check.Finding`` objects or their dicts (``Finding.to_dict()``, or
    stored rows with ``rule``, ``location`` and perhaps ``cells``); a grouped finding
    (``check.grouped``) is boxed with the cells of its consequences too. A finding is boxed at its
    cells (``cells``, else the cell its location names), else at its row, else its table; at the
    printed lines of its quote in its section (any section when it names none), else the section's
    heading; at its project's form. ``report`` must carry boxes (read from a PDF by
    ``yusuan.read.published``, or ``rendered_with_places`` for a derived report); a finding whose
    part has none is left out."""
    rows: dict[str, dict[str, Row]] = {}
    out: dict[int, list[FindingBox]] = {}
    for index, finding in enumerate(findings):
        rule = _get(finding, "rule") or ""
        location = _location(_get(finding, "location"))
        seen: set[tuple[int, Box]] = set()
        cells = tuple(_get(finding, "cells") or ())
        for consequence in _get(finding, "consequences") or ():  # grouped(): the errors one cell explains
            cells += tuple(_get(consequence, "cells") or ())
        for page, box, label, kind in _boxes_of(report, location, cells, rows):
            if (page, box) in seen:
                continue
            seen.add((page, box))
            out.setdefault(page, []).append(FindingBox(box, index, rule, label, kind))
    return dict(sorted(out.items()))


def _get(finding, name: str):
    return finding.get(name) if isinstance(finding, dict) else getattr(finding, name, None)


def _location(location) -> dict:
    if location is None:
        return {}
    if isinstance(location, dict):
        return location
    return {k: v for k, v in location._asdict().items() if v is not None}


def _row(report: Report, table: Table, name: str, rows: dict) -> Row | None:
    from ..check.support import row_name

    if table.id not in rows:
        named: dict[str, Row] = {}
        for r in table.rows:
            named.setdefault(row_name(r), r)  # the first row of a name, as check() places findings
        rows[table.id] = named
    return rows[table.id].get(name)


def cell_box(report: Report, cell: str, rows: dict | None = None) -> tuple[int, Box] | None:
    """(page, box) of a cell named as findings name them (``T2[2040201].general``), if known."""
    match = CELL.match(cell)
    if not match:
        return None
    table = report.table(match["table"])
    row = _row(report, table, match["row"], rows if rows is not None else {}) if table is not None else None
    place = row.place if row is not None else None
    if place is None or not isinstance(place.page, int) or not place.cells or match["key"] not in place.cells:
        return None
    return place.page, tuple(place.cells[match["key"]])


def _boxes_of(report: Report, location: dict, cells: tuple[str, ...], rows: dict):
    table_id, row_name_, column = location.get("table"), location.get("row"), location.get("column")
    at = f"T{table_id}[{row_name_}].{column}" if table_id and row_name_ and column else None
    named = tuple(dict.fromkeys(((at,) if at else ()) + cells))
    found = False
    for cell in named:
        placed = cell_box(report, cell, rows)
        if placed is not None:
            found = True
            yield placed[0], placed[1], cell, "cell" if cell == at else "term"
    if found:
        return
    if table_id:
        table = report.table(table_id)
        if table is None:
            return
        row = _row(report, table, row_name_, rows) if row_name_ else None
        for part, kind, label in ((row, "row", f"表{table_id} {row_name_}"), (table, "table", f"表{table_id}")):
            place = part.place if part is not None else None
            if place is not None and isinstance(place.page, int) and place.box is not None:
                yield place.page, tuple(place.box), label, kind
                return
        return
    project = location.get("project")
    if project:
        form = next((p for p in report.performance if p.project_name == project), None)
        place = form.place if form is not None else None
        if place is None or not isinstance(place.page, int):
            return
        quoted = _quoted_lines(place.spans or [], location.get("quote") or "")
        for span in quoted:
            yield span.page, tuple(span.box), f"《{project}》“{location['quote']}”", "quote"
        if quoted:
            return
        for page, box in _per_page(place.spans or []) or ([(place.page, place.box)] if place.box else []):
            yield page, box, f"绩效目标表《{project}》", "form"
        return
    quote, number = location.get("quote"), location.get("section")
    if number or quote:
        sections = [s for s in report.explanations if s.number == number] if number else list(report.explanations)
        if quote:
            for section in sections:
                spans = _quoted(section, quote)
                for span in spans:
                    yield span.page, tuple(span.box), f"“{quote}”", "quote"
                if spans:
                    return
        for section in sections[:1] if number else ():
            place = section.place
            if place is not None and isinstance(place.page, int) and place.box is not None:
                yield place.page, tuple(place.box), f"§{section.number}", "section"
        return


def _quoted(section: Section, quote: str) -> list[Span]:
    """The spans of a section that print the quoted words (found in its text, whitespace aside)."""
    spans = section.place.spans if section.place is not None else None
    if not spans:
        return []
    text = _squeezed(section.text)
    wanted = _squeezed(quote).strip("“”\"")
    for piece in (wanted, wanted.rstrip("…").split("…")[0]):
        at = text.find(piece) if piece else -1
        if at >= 0:
            end = at + len(piece)
            return [s for s in spans if s.start is not None and s.start < end and s.end > at]
    return []


def _quoted_lines(spans: list[Span], quote: str) -> list[Span]:
    """The lines of a form that print the quoted words: each word of the quote on one line, or
    (a quote over two grid cells, 辅警人数 66人) the line that prints all of them."""
    words = [w for w in quote.strip("“”").split() if w]
    if not words:
        return []
    whole = [s for s in spans if s.text and all(w in s.text for w in words)]
    return whole[:1] if whole else [s for s in spans if s.text and _squeezed(quote) in s.text][:1]


def _per_page(spans: list[Span]) -> list[tuple[int, Box]]:
    """One box per page around the spans on it."""
    pages: dict[int, list[float]] = {}
    for s in spans:
        x0, top, x1, bottom = s.box
        box = pages.get(s.page)
        pages[s.page] = [x0, top, x1, bottom] if box is None else [min(box[0], x0), min(box[1], top),
                                                                   max(box[2], x1), max(box[3], bottom)]
    return [(page, tuple(box)) for page, box in pages.items()]


# --- a report without a PDF of its own ----------------------------------------------------------


@dataclass
class RenderedReport:
    pdf: bytes  # our PDF of the report (yusuan/render/pdf.py)
    report: Report  # the same report read back from that PDF: equal to the one given, with boxes
    problems: list  # what the reader met reading it back (none for our own PDF)


def rendered_with_places(report: Report, template: "Template", catalog=None,
                         template_ref: str | None = None) -> RenderedReport:
    """Our PDF of ``report`` and the report read back from it with its boxes, so that
    ``finding_boxes(result.report, check(report))`` boxes a derived report's findings on the
    pages of ``result.pdf`` (a budget draft has no PDF of its own). ``template_ref``: how the
    reader finds the template again when it is a folder (default: its id, a built-in one).
    Raises the renderer's FontMissing when no CJK font is installed."""
    import tempfile

    from ..context import Context
    from ..render.pdf import render_pdf_bytes
    from .published import published

    pdf = render_pdf_bytes(report, template)
    ref = template_ref or template.id
    context = Context(ref, catalog) if catalog is not None else Context.create(ref)
    with tempfile.TemporaryDirectory(prefix="yusuan-boxes-") as directory:
        path = Path(directory) / "report.pdf"
        path.write_bytes(pdf)
        result = published(path, context)
    if result.report is None:
        raise ValueError(f"our own PDF of the report could not be read back: {'; '.join(map(str, result.problems))}")
    read = result.report.model_copy(update={"source": report.source or "report.pdf"})
    return RenderedReport(pdf, read, result.problems)


# --- drawing (for looking at them) ------------------------------------------------------------

COLOURS = {"cell": (220, 0, 0), "term": (230, 140, 0), "row": (220, 0, 0), "table": (220, 0, 0),
           "section": (200, 0, 120), "quote": (200, 0, 120), "form": (120, 0, 200)}


def draw(image, boxes: Iterable[FindingBox], scale: float):
    """``boxes`` drawn on a PIL image of their page rendered at ``scale`` pixels per point
    (pypdfium2 ``page.render(scale=scale).to_pil()``; pdftoppm ``-r 72·scale``), each labelled
    with its finding's number; returns the image."""
    from PIL import ImageDraw

    pen = ImageDraw.Draw(image)
    for found in boxes:
        x0, top, x1, bottom = (v * scale for v in found.box)
        colour = COLOURS.get(found.kind, (220, 0, 0))
        pen.rectangle((x0, top, x1, bottom), outline=colour, width=max(1, round(scale)))
        pen.text((x0 + 2, max(0, top - 11)), str(found.index + 1), fill=colour)
    return image
