"""A PDF's text layer as lines for the published-report reader (pdfplumber).

Words are grouped into lines by their vertical position and joined left to right; a gap
wider than a character starts a new cell (one space), and a gap wider than an empty column
adds an empty field per missing column width, so the line looks like the text extraction the
reader expects (the seed). Where spacing is not exact, the reader's accounting identities
decide which column a number belongs to.
"""
from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from .published_lines import Line

LINE_TOLERANCE = 3.0  # points: words whose tops differ by less are on one line


def _line_text(words: list[dict]) -> str:
    words = sorted(words, key=lambda w: w["x0"])
    sizes = sorted(w.get("bottom", 0) - w.get("top", 0) for w in words) or [10.0]
    char = max(sizes[len(sizes) // 2], 4.0)  # the line's font size ≈ one CJK character's width
    parts = [words[0]["text"]]
    for before, word in zip(words, words[1:]):
        gap = word["x0"] - before["x1"]
        if gap > char * 0.8:
            parts.append(" ")
        parts.append(word["text"])
    return "".join(parts)


def pdf_lines(path: str | Path) -> list[Line]:
    try:
        import pdfplumber
    except ModuleNotFoundError:  # pragma: no cover - a dependency of the package
        raise InputError(path, None, "reading PDFs needs pdfplumber (pip install pdfplumber)") from None
    lines: list[Line] = []
    chars = 0
    try:
        with pdfplumber.open(str(path)) as pdf:
            for page_no, page in enumerate(pdf.pages, 1):
                words = page.extract_words(x_tolerance=1.5, y_tolerance=2, keep_blank_chars=False, use_text_flow=False)
                chars += sum(len(w["text"]) for w in words)
                rows: list[list[dict]] = []
                for word in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
                    if rows and abs(rows[-1][0]["top"] - word["top"]) <= LINE_TOLERANCE:
                        rows[-1].append(word)
                    else:
                        rows.append([word])
                for row in rows:
                    lines.append(Line(_line_text(row), len(lines) + 1, page_no))
    except InputError:
        raise
    except Exception as exc:  # pdfminer raises many kinds on a damaged file
        raise InputError(path, None, f"not a readable PDF ({type(exc).__name__}: {exc})") from None
    if chars == 0:
        raise InputError(path, None, "the PDF has no text layer (a scanned document?): run OCR on it first, "
                                     "e.g. ocrmypdf --language chi_sim in.pdf out.pdf")
    return lines
