"""A PDF's text layer as lines for the published-report reader (PDFium, through pdfium.py).

Ruled tables are read from their cell grid (pdf_grid.py). The words outside them are grouped
into lines by their vertical position and joined left to right (a gap wider than a character
is one space), and a paragraph's wrapped lines are joined back by their positions. The result
looks like the text extraction the reader expects (the seed); where a table has no ruling and
spacing is not exact, the reader's accounting identities decide which column a number belongs to.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Callable, Iterable

from ..errors import InputError
from .pdf_grid import AMOUNT_TEXT, GridLine, grid_lines, inside, rounded
from .pdfium import Document, Limits, Page, Word, isolated, page_texts, pages
from .published_lines import NUMERALS, Line

__all__ = ["pdf_lines", "read_pdf", "page_texts", "Limits"]

NUMBERED = re.compile(rf"^(?:[{NUMERALS}]+、|（[{NUMERALS}]+）|\d+、|\d+\.(?!\d))")  # 1. too (Shanghai's lists); 1.5 not
LINE_TOLERANCE = 3.0  # points: words whose tops differ by less are on one line


def _line_text(words: list[Word]) -> str:
    words = sorted(words, key=lambda w: w.x0)
    sizes = sorted(w.bottom - w.top for w in words) or [10.0]
    char = max(sizes[len(sizes) // 2], 4.0)  # the line's font size ≈ one CJK character's width
    parts = [words[0].text]
    for before, word in zip(words, words[1:]):
        gap = word.x0 - before.x1
        if gap > char * 0.8:
            parts.append(" ")
        parts.append(word.text)
    return "".join(parts)


def _paragraph_rows(rows: list[list[Word]]) -> list[tuple[float, str]]:
    """Rows of words as text, a paragraph's wrapped lines joined into one (see _paragraphs)."""
    return [(top, text) for top, text, _ in _paragraphs(rows)]


def _paragraphs(rows: list[list[Word]]) -> list[tuple[float, str, list[Word]]]:
    """Rows of words as text, a paragraph's wrapped lines joined into one, with the words of each.

    A line that reaches the right margin and is followed, one line below, by a line starting
    at the left margin (not indented, so not a new paragraph) wraps onto it. Joining here, where
    the positions are known, spares the reader guessing from punctuation (a line may well end
    with "；" in the middle of a paragraph).
    """
    if not rows:
        return []
    left = min(row[0].x0 for row in rows)
    right = max(max(w.x1 for w in row) for row in rows)
    # (top of the first line, words of the last line, text, every word)
    joined: list[tuple[float, list[Word], str, list[Word]]] = []
    for row in rows:
        text = _line_text(row)
        if joined:
            top, previous, previous_text, words = joined[-1]
            size = max(previous[0].bottom - previous[0].top, 4.0)
            reaches_right = max(w.x1 for w in previous) >= right - 1.5 * size
            starts_left = row[0].x0 <= left + 0.5 * size
            next_line = 0 < row[0].top - previous[0].top <= 2.2 * size
            same_font = (previous[-1].fontname, previous[-1].size) == (row[0].fontname, row[0].size)
            numbered = NUMBERED.match(text)  # 六、 （一） 1、 1. start an item, never continue one
            if reaches_right and starts_left and next_line and same_font and not numbered:
                joined[-1] = (top, row, previous_text + text, words + row)
                continue
        joined.append((row[0].top, row, text, list(row)))
    return [(top, text, words) for top, _, text, words in joined]


def _text_line(text: str, words: list[Word]) -> GridLine:
    """A line of words with its box and its amounts (as pdf_grid gives a grid row's)."""
    box = rounded((min(w.x0 for w in words), min(w.top for w in words), max(w.x1 for w in words), max(w.bottom for w in words)))
    amounts = tuple((w.text, rounded((w.x0, w.top, w.x1, w.bottom))) for w in sorted(words, key=lambda w: w.x0)
                    if AMOUNT_TEXT.match(w.text))
    return text, box, amounts


NO_TEXT = ("the PDF has no text layer (a scanned document?): run OCR on it first, "
           "e.g. ocrmypdf --language chi_sim in.pdf out.pdf")


def pdf_lines(path: str | Path, limits: Limits | None = None) -> list[Line]:
    """The lines of a PDF, top to bottom on each page; reading runs bounded (pdfium.Limits)."""
    limits = limits or Limits.from_env()
    lines, chars = isolated(path, limits, lambda progress: _read(path, limits, progress))
    if chars == 0:
        raise InputError(path, None, NO_TEXT)
    return lines


def read_pdf(path: str | Path, wanted: Callable[[list[str]], bool],
             limits: Limits | None = None) -> tuple[list[str], list[Line] | None]:
    """(each page's plain text, the lines — or None when ``wanted(texts)`` says the document is
    not worth reading): the plain text first, so that a document of no known layout is refused
    before any page's words and grids are extracted. Both passes run in one bounded child
    process (pdfium.isolated), ``wanted`` in it, asked as the pages' texts come
    (``Document.decide``: it must be monotone — a yes on some pages is a yes on more); the pages
    parsed for the plain text are kept for the lines. A PDF without any text is one InputError
    (a scan: OCR first). The texts are returned only when the document is refused."""
    limits = limits or Limits.from_env()

    def work(progress):
        with Document(path, limits, progress) as document:
            texts, known = document.decide(wanted)
            if not known:
                if not any(t.strip() for t in texts):
                    raise InputError(path, None, NO_TEXT)
                return texts, None, 0
            lines, chars = _lines(document.pages())
            return [], lines, chars

    texts, lines, chars = isolated(path, limits, work)
    if lines is not None and chars == 0:
        raise InputError(path, None, NO_TEXT)
    return texts, lines


def _read(path, limits: Limits | None, progress) -> tuple[list[Line], int]:
    return _lines(pages(path, limits, progress))


def _lines(pages_: Iterable[Page]) -> tuple[list[Line], int]:
    lines: list[Line] = []
    chars = 0
    for page in pages_:
        words = page.words(x_tolerance=1.5, y_tolerance=2)
        chars += sum(len(w.text) for w in words)
        grids, boxes = grid_lines(page)
        rows: list[list[Word]] = []
        for word in sorted((w for w in words if not inside(w, boxes)), key=lambda w: (round(w.top), w.x0)):
            if rows and abs(rows[-1][0].top - word.top) <= LINE_TOLERANCE:
                rows[-1].append(word)
            else:
                rows.append([word])
        # Text lines and ruled tables, top to bottom.
        blocks = [(top, [_text_line(text, words)]) for top, text, words in _paragraphs(rows)] + grids
        for _, texts in sorted(blocks, key=lambda block: block[0]):
            lines += [Line(text, len(lines) + 1 + i, page.number, box, amounts)
                      for i, (text, box, amounts) in enumerate(texts)]
    return lines, chars
