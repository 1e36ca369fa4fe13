"""DOCX (python-docx): the whole report as Word tables and paragraphs, for units that finish
their disclosure in Word.

python-docx names only the Latin font; Word picks the font of Chinese text from the
East-Asian slot (w:eastAsia of w:rFonts), so every style we use gets it explicitly, otherwise
Word falls back to whatever its theme says.
"""
from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from ..report import Report
from . import layout, register

BODY_FONT = "宋体"  # the published reports' text face
HEADING_FONT = "黑体"
LATIN_FONT = "Times New Roman"
TEXT_WIDTH_CM = 17.0  # A4 less 2 cm margins each side
ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT}


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


def _repeat_as_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    tr_pr.append(flag)


def _shade(cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def _table(document, grid: layout.Grid, font_size: float) -> None:
    table = document.add_table(rows=grid.rows, cols=grid.columns)
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    total = sum(grid.widths) or 1
    widths = [Cm(TEXT_WIDTH_CM * w / total) for w in grid.widths]
    rows = table.rows
    cells = [row.cells for row in rows]  # python-docx's table.cell() re-scans the table each call
    for r, row_cells in enumerate(cells):
        for c, cell in enumerate(row_cells):
            cell.width = widths[c]
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    for r in range(grid.header_rows):
        _repeat_as_header(rows[r])
    for item in grid.cells:
        target = cells[item.row][item.col]
        if item.rowspan > 1 or item.colspan > 1:
            target = target.merge(cells[item.row + item.rowspan - 1][item.col + item.colspan - 1])
        paragraph = target.paragraphs[0]
        paragraph.alignment = ALIGN["center" if item.header or item.strong else item.align]
        if item.indent:
            paragraph.paragraph_format.left_indent = Pt(font_size * item.indent)
        if item.text:
            run = paragraph.add_run(item.text)
            run.font.size = Pt(font_size)
            run.bold = item.header or item.strong
        if item.header:
            _shade(target, "F2F2F2")


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


def build(report: Report):
    document = Document()
    _styles(document)
    _page(document)
    document.core_properties.title = layout.document_title(report)
    _paragraph(document, layout.document_title(report), WD_ALIGN_PARAGRAPH.CENTER, 20, True)
    for block in layout.document(report):
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
def render_docx(report: Report, budget=None) -> bytes:
    buffer = io.BytesIO()
    build(report).save(buffer)
    return buffer.getvalue()
