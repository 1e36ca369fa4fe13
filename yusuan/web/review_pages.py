"""The uploaded PDF of a draft, page by page, as PNG images for the review page.

An uploaded PDF is untrusted: PDFium parses it in the readers' forked child
(yusuan.read.pdfium.isolated: capped address space, a deadline per page), never in the
server's process. What a page costs is bounded before rendering: at most
YUSUAN_REVIEW_MAX_PAGES pages are offered (default 60; the published reports seen have at most
31), each drawn at YUSUAN_REVIEW_PAGE_SCALE (default 1.5, i.e. 108 dpi: A4 is 893×1263 px)
and never longer than MAX_SIDE pixels on either side, whatever size the page says it is.

Findings are boxed on the image where the reader found them (yusuan/read/boxes.py; the
boxes are placed by the page in percentages of the page's size in points) and listed beside
their page. A budget draft shows the pages of our PDF of it, rendered by the worker.
"""
from __future__ import annotations

import os
import tempfile
import threading
from collections import OrderedDict
from pathlib import Path

from ..errors import InputError
from ..read import pdfium

MAX_SIDE = 2000  # pixels: a 200-inch page (the specification's largest) still makes a bounded image


def max_pages() -> int:
    return max(1, int(os.environ.get("YUSUAN_REVIEW_MAX_PAGES", "60")))


def scale() -> float:
    return min(max(float(os.environ.get("YUSUAN_REVIEW_PAGE_SCALE", "1.5")), 0.25), 3.0)


def is_pdf(filename: str) -> bool:
    # The readers chose the PDF reader by this suffix too; a draft they refused shows no pages.
    return filename.lower().endswith(".pdf")


class _Cache:
    """A few recent results by key (a draft's sha256 and page): the page refreshes and the
    images of one draft are asked for together; each costs a fork and a render."""

    def __init__(self, size: int):
        self.size, self.items, self.lock = size, OrderedDict(), threading.Lock()

    def get(self, key, make):
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                return self.items[key]
        value = make()
        with self.lock:
            self.items[key] = value
            while len(self.items) > self.size:
                self.items.popitem(last=False)
        return value


_COUNTS = _Cache(256)
_IMAGES = _Cache(64)


def _with_file(content: bytes, work):
    """PDFium opens a path: the bytes go to a temporary file for the child, removed after."""
    with tempfile.TemporaryDirectory(prefix="yusuan-review-") as folder:
        path = Path(folder) / "draft.pdf"
        path.write_bytes(content)
        return work(path)


def page_sizes(sha256: str, load) -> list[tuple[float, float]]:
    """Each page's (width, height) in points, as PDFium draws it ([] when PDFium cannot open
    the file): the page lays each image out at its size before it loads, so the boxes over it
    are where they belong from the start. At most max_pages() are measured."""

    def measure(path: Path) -> list[tuple[float, float]]:
        limits = pdfium.Limits.from_env()
        shown = max_pages()

        def work(progress) -> list[tuple[float, float]]:
            import pypdfium2 as pdfium_

            document = pdfium_.PdfDocument(str(path))
            try:
                # pages past those shown count, but are not opened
                return [tuple(document[i].get_size()) if i < shown else (0.0, 0.0) for i in range(len(document))]
            finally:
                document.close()

        try:
            return pdfium.isolated(path, limits, work)
        except InputError:
            return []

    # load() reads the bytes from the database only when the sizes are not known yet
    return _COUNTS.get(sha256, lambda: _with_file(load(), measure))


def page_count(sha256: str, load) -> int:
    """How many pages the PDF has (0 when PDFium cannot open it)."""
    return len(page_sizes(sha256, load))


def page_png(sha256: str, load, number: int) -> bytes:
    """Page ``number`` (from 1) as PNG; an InputError when PDFium cannot draw it within the limits."""
    factor = scale()

    def render(path: Path) -> bytes:
        limits = pdfium.Limits.from_env()

        def work(progress) -> bytes:
            import io

            import pypdfium2 as pdfium_

            progress(number)
            document = pdfium_.PdfDocument(str(path))
            try:
                page = document[number - 1]
                width, height = page.get_size()
                # The page's own size is what the file claims: bound the pixels, not the points.
                side = max(width, height, 1.0)
                bitmap = page.render(scale=min(factor, MAX_SIDE / side))
                buffer = io.BytesIO()
                bitmap.to_pil().save(buffer, format="PNG")  # Pillow: installed with pdfplumber
                return buffer.getvalue()
            finally:
                document.close()

        return pdfium.isolated(path, limits, work)

    return _IMAGES.get((sha256, number, factor), lambda: _with_file(load(), render))
