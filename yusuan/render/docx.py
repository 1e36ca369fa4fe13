"""DOCX (python-docx): the whole report as Word tables and paragraphs, for units that finish
their disclosure in Word.

python-docx names only the Latin font; Word picks the font of Chinese text from the
East-Asian slot (w:eastAsia of w:rFonts), so every style we use gets it explicitly, otherwise
Word falls back to whatever its theme says.
"""
from __future__ import annotations

import io
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, RGBColor

from ..report import Report
from . import layout, register, reproducible

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..templates import Template
    from . import Rendering

BODY_FONT = "宋体"  # the published reports' text face
HEADING_FONT = "黑体"
LATIN_FONT = "Times New Roman"
TEXT_WIDTH_CM = 17.0  # A4 less 2 cm margins each side


def set_fonts(element_with_rpr, east_asian: str, latin: str = LATIN_FONT) -> None:
    """Set the Latin and the East-Asian font on a style's or run's rPr."""
    rpr = element_with_rpr.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for slot in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(slot), latin)
    fonts.set(qn("w:eastAsia"), east_asian)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)  # a theme font would override the named one


def _styles(document) -> None:
    normal = document.styles["Normal"]
    normal.font.size = Pt(11)
    set_fonts(normal.element, BODY_FONT)
    for name, size in (("Heading 1", 16), ("Heading 2", 12)):
        style = document.styles[name]
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.color.rgb = RGBColor(0, 0, 0)
        set_fonts(style.element, HEADING_FONT)
    document.styles["Heading 1"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _page(document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2)
    section.top_margin = section.bottom_margin = Cm(2)
    # "-N-" page numbers in the footer, as the published reports print them.
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run("-")
    run = paragraph.add_run()
    for tag, text in (("w:fldChar", "begin"), ("w:instrText", "PAGE"), ("w:fldChar", "end")):
        element = OxmlElement(tag)
        if tag == "w:fldChar":
            element.set(qn("w:fldCharType"), text)
        else:
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)
    paragraph.add_run("-")


_CONTROL = dict.fromkeys(i for i in range(32) if i not in (9, 10, 13))  # not allowed in XML text
TWIPS_PER_CM = 567


def _run_xml(text: str, size_half_points: int, bold: bool) -> str:
    if not text:
        return ""
    text = escape(text.translate(_CONTROL))
    return (f'<w:r><w:rPr>{"<w:b/>" if bold else ""}<w:sz w:val="{size_half_points}"/>'
            f'<w:szCs w:val="{size_half_points}"/></w:rPr><w:t xml:space="preserve">{text}</w:t></w:r>')


def _cell_xml(width: int, span: int, vmerge: str | None, paragraph: str, fill: str | None) -> str:
    props = f'<w:tcW w:w="{width}" w:type="dxa"/>'
    if span > 1:
        props += f'<w:gridSpan w:val="{span}"/>'
    if vmerge == "restart":
        props += '<w:vMerge w:val="restart"/>'
    elif vmerge == "continue":
        props += "<w:vMerge/>"
    if fill:
        props += f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>'
    props += '<w:vAlign w:val="center"/>'
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{paragraph}</w:tc>"


def _table_xml(grid: layout.Grid, font_size: float) -> str:
    """The grid as a Word table (w:tbl), written as XML in one piece.

    python-docx's cell API re-scans the table on every access and merge, which costs seconds
    on a full report; the markup is the same Word writes: w:gridSpan for a horizontal merge,
    w:vMerge restart/continue for a vertical one, w:tblHeader on rows that repeat on each page.
    """
    total = sum(grid.widths) or 1
    widths = [round(TEXT_WIDTH_CM * TWIPS_PER_CM * w / total) for w in grid.widths]
    size = round(font_size * 2)
    starts = {(c.row, c.col): c for c in grid.cells}
    rows = grid.by_row()
    covering: dict[tuple[int, int], layout.Cell] = {}  # positions under a rowspan, below its first row
    for c in grid.cells:
        for r in range(c.row + 1, c.row + c.rowspan):
            covering[(r, c.col)] = c
    parts = [f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="{sum(widths)}" w:type="dxa"/>'
             '<w:jc w:val="center"/><w:tblLayout w:type="fixed"/>'
             '<w:tblCellMar><w:left w:w="57" w:type="dxa"/><w:right w:w="57" w:type="dxa"/></w:tblCellMar></w:tblPr><w:tblGrid>']
    parts += [f'<w:gridCol w:w="{w}"/>' for w in widths]
    parts.append("</w:tblGrid>")
    for r in range(grid.rows):
        # Short rows never split across pages; a long text row may (Word clips a row taller than a page).
        short = all(len(cell.text) < 120 for cell in rows[r])
        parts.append("<w:tr><w:trPr>" + ("<w:cantSplit/>" if short else "")
                     + ("<w:tblHeader/>" if r < grid.header_rows else "") + "</w:trPr>")
        c = 0
        while c < grid.columns:
            cell = starts.get((r, c))
            if cell is not None:
                bold = cell.header or cell.strong
                align = {"left": "left", "center": "center", "right": "right"}["center" if bold else cell.align]
                indent = f'<w:ind w:left="{round(font_size * 20 * cell.indent)}"/>' if cell.indent else ""
                paragraph = (f'<w:p><w:pPr><w:spacing w:before="0" w:after="0"/>{indent}<w:jc w:val="{align}"/></w:pPr>'
                             f"{_run_xml(cell.text, size, bold)}</w:p>")
                width = sum(widths[c:c + cell.colspan])
                parts.append(_cell_xml(width, cell.colspan, "restart" if cell.rowspan > 1 else None, paragraph,
                                       "F2F2F2" if cell.header else None))
                c += cell.colspan
                continue
            above = covering.get((r, c))
            if above is not None:
                width = sum(widths[c:c + above.colspan])
                parts.append(_cell_xml(width, above.colspan, "continue", "<w:p/>", "F2F2F2" if above.header else None))
                c += above.colspan
                continue
            parts.append(_cell_xml(widths[c], 1, None, "<w:p/>", None))  # a position no cell claims: drawn empty
            c += 1
        parts.append("</w:tr>")
    parts.append("</w:tbl>")
    return "".join(parts)


def _table(document, grid: layout.Grid, font_size: float) -> None:
    document.element.body._insert_tbl(parse_xml(_table_xml(grid, font_size)))


def _paragraph(document, text: str, align=None, size: float | None = None, bold: bool = False, page_break=False):
    paragraph = document.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    paragraph.paragraph_format.page_break_before = page_break
    run = paragraph.add_run(text)
    if size:
        run.font.size = Pt(size)
    run.bold = bold
    return paragraph


def _table_block(document, block: layout.TableBlock) -> None:
    first = True
    if block.caption:
        _paragraph(document, block.caption, WD_ALIGN_PARAGRAPH.RIGHT, page_break=block.new_page)
        first = False
    _paragraph(document, block.title, WD_ALIGN_PARAGRAPH.CENTER, 14, True, page_break=block.new_page and first)
    if block.unit:
        line = _paragraph(document, block.subtitle)
        # the unit at the right margin, on the same line as 单位名称
        line.paragraph_format.tab_stops.add_tab_stop(Cm(TEXT_WIDTH_CM), alignment=2)  # WD_TAB_ALIGNMENT.RIGHT
        line.add_run("\t" + block.unit)
    elif block.subtitle:
        _paragraph(document, block.subtitle, WD_ALIGN_PARAGRAPH.CENTER)
    _table(document, block.grid, 9 if block.table_id.isdigit() else 8.5)
    for extra in (block.note, block.footer):
        if extra:
            _paragraph(document, extra)


def build(report: Report, template: "Template"):
    document = Document()
    _styles(document)
    _page(document)
    properties = document.core_properties
    # Word's core properties hold 255 characters at most (python-docx raises beyond): a long unit
    # name shortens the property only, the title page keeps it whole.
    title = layout.document_title(report, template)
    properties.title = title if len(title) <= 255 else title[:254] + "…"
    properties.created = properties.modified = properties.last_printed = reproducible.build_time(report.year)
    properties.revision = 1
    _paragraph(document, layout.document_title(report, template), WD_ALIGN_PARAGRAPH.CENTER, 20, True)
    for block in layout.document(report, template):
        if isinstance(block, layout.Heading):
            heading = document.add_heading(block.text, level=block.level)
            heading.paragraph_format.page_break_before = block.new_page
        elif isinstance(block, layout.Paragraph):
            paragraph = document.add_paragraph()
            paragraph.paragraph_format.first_line_indent = Pt(22)
            if block.lead:
                paragraph.add_run(block.lead).bold = True
            paragraph.add_run(block.text)
        else:
            _table_block(document, block)
    return document


@register("docx", "report.docx")
def render_docx(rendering: "Rendering") -> bytes:
    buffer = io.BytesIO()
    build(rendering.report, rendering.template).save(buffer)
    return reproducible.fixed_zip(buffer.getvalue(), reproducible.build_time(rendering.report.year))  # zip members dated by the clock otherwise
