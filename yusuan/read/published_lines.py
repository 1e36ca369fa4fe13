"""Lines of a published report, cleaned of page furniture and cut into its parts.

The reader of published reports works on lines, whatever they came from: a text file
(``pdftotext``-like output such as the seed) or a PDF (yusuan/read/pdf.py groups its
characters into lines). Each line keeps its place (line number, page) so that every
problem can say where it was met.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..templates import Template

from ..numerals import NUMERALS  # noqa: E402 — re-exported: the readers number their items with it


Box = tuple[float, float, float, float]  # x0, top, x1, bottom in points from the page's top-left


@dataclass(frozen=True)
class Line:
    text: str
    no: int  # 1-based line number in the text (or in the PDF's extracted text)
    page: int | str | None = None  # 1-based page of a PDF, or a workbook's "sheet 表3 row 7"
    # From a PDF: where the line is drawn (a paragraph's wrapped lines: their union), and the
    # (text, box) of each amount printed on it — a grid row's cells, else its words — in
    # reading order (yusuan/read/boxes.py places a Report's rows and cells with them).
    box: Box | None = field(default=None, compare=False, repr=False)
    amounts: tuple[tuple[str, Box], ...] = field(default=(), compare=False, repr=False)

    @property
    def place(self) -> str:
        if isinstance(self.page, str):
            return self.page
        return f"page {self.page} line {self.no}" if self.page else f"line {self.no}"


@dataclass
class Problem:
    message: str
    line: int | None = None
    page: int | str | None = None  # as in Line
    table: str | None = None
    row: str | None = None

    def __str__(self) -> str:
        where = ", ".join(p for p in (
            self.page if isinstance(self.page, str) else f"page {self.page}" if self.page else "",
            f"line {self.line}" if self.line and not isinstance(self.page, str) else "",
            f"表{self.table}" if self.table else "", f"row {self.row!r}" if self.row else "") if p)
        return f"{where}: {self.message}" if where else self.message



# Page furniture that a PDF's text layer carries between the rows of a table.
_PAGE_NUMBER = re.compile(r"^\s*(?:[-—–]\s*\d{1,4}\s*[-—–]|第\s*\d+\s*页(?:\s*共\s*\d+\s*页)?)\s*$")
_WATERMARK = re.compile(r"^\s*(?:仅供|内部|审核|仅供内部审核)\s*$")
# PDF bookmarks printed into the text layer: " 表一2024年预算收支总表"
_BOOKMARK = re.compile(rf"^\s*表[{NUMERALS}]+\d{{4}}年\S*表(?:（[^）]*）)?\s*$")
# The running title of every page: "长治市公安局屯留分局2024年单位预算公开报告"
_RUNNING_TITLE = re.compile(r"^\s*\S{2,60}?\d{4}年度?(?:单位|部门)预算(?:公开)?报告\s*$")
PART = re.compile(r"^\s*第([一二三四])部分\s*(.*?)\s*$")


def clean(lines: list[Line]) -> tuple[list[Line], list[Line]]:
    """(kept lines, part headings): furniture dropped, part headings set aside.

    Part headings are taken out because a PDF's text layer may print one in the middle of a
    table (the seed has 第二部分 between two rows of 预算公开表1); the parts are found again
    from the captions and the headings' order.
    """
    kept, parts = [], []
    for line in lines:
        text = line.text.replace("\ufeff", "").replace("\r", "").replace("\x0c", "")
        if _PAGE_NUMBER.match(text) or _WATERMARK.match(text) or _BOOKMARK.match(text) or _RUNNING_TITLE.match(text):
            continue
        if PART.match(text):
            parts.append(Line(text.strip(), line.no, line.page))
            continue
        kept.append(Line(text, line.no, line.page))
    return kept, parts


def split_lines(text: str, page: int | None = None, first_no: int = 1) -> list[Line]:
    return [Line(t, i, page) for i, t in enumerate(text.split("\n"), first_no)]


# --- segmentation -----------------------------------------------------------------------

PERFORMANCE_TITLE = re.compile(r"^\s*(\S*项目支出绩效目标表)\s*$")


@dataclass
class Segments:
    profile: list[Line] = field(default_factory=list)
    tables: list[tuple[str, Line, list[Line]]] = field(default_factory=list)  # (table id, caption line, body)
    explanations: list[Line] = field(default_factory=list)  # 第三部分 without the performance tables
    performance: list[list[Line]] = field(default_factory=list)  # each from its title line
    glossary: list[Line] = field(default_factory=list)
    parts_seen: list[str] = field(default_factory=list)


def segment(lines: list[Line], parts: list[Line], template: "Template") -> Segments:
    """Cut the cleaned lines into the template's parts: the profile, the tables, the
    explanations (and their performance tables), the glossary.

    Tables start at their caption, or at their title when the caption was lost; the
    explanations start at their part's heading, or at the first line after the last table that
    is its first section heading; the glossary starts at its heading.
    """
    seg = Segments(parts_seen=[PART.match(p.text).group(1) for p in parts])
    number_of = {p.holds: re.sub(r"\s", "", p.number) for p in template.parts}
    heading_no = {holds: next((p.no for p in parts if f"第{PART.match(p.text).group(1)}部分" == number), None)
                  for holds, number in number_of.items()}
    third_no, fourth_no = heading_no.get("explanations"), heading_no.get("glossary")
    titles = {re.sub(r"\s", "", spec.title): spec.id for spec in template.tables}
    captions = {re.sub(r"\s", "", spec.caption): spec.id for spec in template.tables if spec.caption}
    state, current = "profile", None
    performance: list[Line] | None = None
    for i, line in enumerate(lines):
        stripped = re.sub(r"\s", "", line.text)
        caption = captions.get(stripped)
        if fourth_no is not None and line.no > fourth_no and state != "glossary":
            state = "glossary"
        elif third_no is not None and line.no > third_no and state in ("profile", "tables"):
            state = "explanations"
        elif state == "tables" and PERFORMANCE_TITLE.match(line.text):
            state = "explanations"  # the performance tables belong to 第三部分 even where its heading is missing (a workbook)
        if state in ("profile", "tables") and (caption or stripped in titles):
            table_id = caption or titles[stripped]
            if current is not None and current[0] == table_id and len(current[2]) > 3:
                # the open table's caption or title printed again where it runs onto a new page:
                # the caption is dropped, the title kept as a header line (the reader skips it)
                if not caption:
                    current[2].append(line)
                continue
            # a title right after its caption belongs to the caption's table
            if not (current is not None and not caption and current[0] == table_id and len(current[2]) <= 3):
                current = (table_id, line, [])
                seg.tables.append(current)
                state = "tables"
                if caption:
                    continue
        if state == "profile":
            seg.profile.append(line)
        elif state == "tables":
            current[2].append(line)
        elif state == "explanations":
            if PERFORMANCE_TITLE.match(line.text) and _title_again(performance, lines, i):
                continue  # the open form's title printed again on the page it runs onto
            if performance is not None and len(performance) > 1 and _YEAR_LINE.match(line.text) \
                    and PERFORMANCE_TITLE.match(lines[i - 1].text) and _title_again(performance, lines, i - 1):
                continue  # and its （2024年度）
            if PERFORMANCE_TITLE.match(line.text):
                performance = [line]
                seg.performance.append(performance)
            elif performance is not None and _section_heading(line.text):
                performance = None
                seg.explanations.append(line)
            elif performance is not None:
                performance.append(line)
            else:
                seg.explanations.append(line)
        else:
            seg.glossary.append(line)
    return seg


_YEAR_LINE = re.compile(r"^\s*（\d{4}年度）\s*$")
_FORM_END = ("负责人", "填报日期")


def _title_again(form: list[Line] | None, lines: list[Line], at: int) -> bool:
    """Whether the form title at ``lines[at]`` is the open form's printed again where it runs onto
    a new page, not the next form: the open form has not reached its signature line (负责人 …
    填报日期) and no 项目名称 follows the title (a form names its project right under it)."""
    if form is None or any(l.text.strip().startswith(_FORM_END) for l in form):
        return False
    following = [l.text.strip() for l in lines[at + 1:at + 4] if l.text.strip()]
    return not any(t.startswith("项目名称") for t in following[:2])


def _section_heading(text: str) -> bool:
    """十一、国有资产占有使用情况 and the like: a numbered heading ends a performance table."""
    return bool(re.match(rf"^\s*[{NUMERALS}]+、\S+\s*$", text)) and len(text.strip()) <= 30
