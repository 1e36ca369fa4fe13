"""A PDF page through PDFium (pypdfium2): characters, words, ruling lines, ruled tables.

PDFium parses a page in C in about a millisecond where pdfminer (under pdfplumber) took
60–70 ms in Python; the reader's lines come from what is gathered here. The geometry keeps
pdfplumber's conventions so the lines stay what they were: coordinates in points from the
top-left of the MediaBox, a character as wide as its advance and as high as its font size
(from the font's descent up), words as ``extract_words(x_tolerance=1.5, y_tolerance=2)``
with the font and size as extra attributes made them, and tables as cellgrid.py rebuilds them
from the ruling lines (every horizontal or vertical straight piece of a drawn path).

A published PDF is untrusted input. Every count that costs time or memory here is checked
against Limits before the work it would cost (pages, page size, objects drawn, ruling lines,
grid rectangles, characters), each refusal an InputError naming the file and the page. What
PDFium itself spends parsing a page (a decompression bomb, a form drawn thousands of times)
happens before any count can be taken, so reading runs in a forked child process whose
address space is capped and whose every page has a deadline (``isolated``): a child that
runs out of memory or time is ended and the error names the page it was on.
"""
from __future__ import annotations

import ctypes
import gc
import math
import os
import pickle
import select
import signal
import struct
import sys
import time
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Callable, Iterator, TypeVar

from ..errors import InputError
from ..limits import cap_memory
from . import cellgrid
from .cellgrid import Segment


@dataclass(frozen=True)
class Limits:
    """Bounds for one PDF. Each is also read from YUSUAN_MAX_PDF_<NAME> (e.g. YUSUAN_MAX_PDF_PAGES=5000), as yusuan.limits names its limits.

    The defaults are 35–350× what the published reports seen so far need (our renderer's and
    eight Shanghai reports: at most 31 pages, and on one page 1,407 objects, 548 ruling pieces
    cutting it into 287 rectangles, 1,694 characters). The memory and time bounds are for PDFium's
    own parsing, which no count can precede.
    """
    pages: int = 2_000
    page_size: float = 14_400.0  # points on either side: the largest page the PDF specification allows (200 in)
    objects: int = 100_000  # objects drawn on one page and the pieces of its paths, a form's each time it is drawn
    rulings: int = 20_000  # horizontal and vertical pieces of drawn paths on one page
    grid: int = 100_000  # rectangles the merged ruling lines cut one page into (the table finder's work, ~0.5 s)
    chars: int = 100_000  # characters on one page
    memory_mb: int = 1_024  # address space the reading process may grow by
    page_seconds: float = 20.0  # time for one page, parsing included

    @classmethod
    def from_env(cls, **overrides) -> "Limits":
        values = {}
        for f in fields(cls):
            raw = os.environ.get(f"YUSUAN_MAX_PDF_{f.name.upper()}")
            if raw:
                try:
                    values[f.name] = type(getattr(cls, f.name))(float(raw))
                except ValueError:
                    raise ValueError(f"YUSUAN_MAX_PDF_{f.name.upper()}={raw!r} is not a number") from None
        return replace(cls(**values), **overrides)


def _hint(name: str, limits: "Limits") -> str:
    return f"(limit {getattr(limits, name):,}; set YUSUAN_MAX_PDF_{name.upper()} to allow more)"


@dataclass(slots=True)
class Char:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    fontname: str
    space_before: bool = False  # a blank was drawn (or inferred by PDFium) just before it: a word ends there


@dataclass(slots=True)
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    fontname: str


@dataclass
class Page:
    number: int  # from 1
    width: float
    height: float
    chars: list[Char]
    horizontals: list[Segment]  # merged ruling lines (cellgrid.merge)
    verticals: list[Segment]

    def words(self, x_tolerance: float = 1.5, y_tolerance: float = 2.0) -> list[Word]:
        """Words as pdfplumber's extract_words(extra_attrs=["fontname", "size"]) makes them:
        runs of characters of one font and size, in drawing order, each cut into lines by
        their tops and the lines into words."""
        words: list[Word] = []
        run: list[Char] = []
        for c in self.chars + [None]:  # type: ignore[list-item]
            if run and (c is None or (c.fontname, c.size) != (run[0].fontname, run[0].size)):
                for line in cellgrid.cluster(run, lambda ch: ch.top, y_tolerance):
                    for w in cellgrid.split_words(sorted(line, key=_centre), x_tolerance, y_tolerance):
                        words.append(Word("".join(ch.text for ch in w), min(ch.x0 for ch in w), max(ch.x1 for ch in w),
                                          min(ch.top for ch in w), max(ch.bottom for ch in w), w[0].size, w[0].fontname))
                run = []
            if c is not None:
                run.append(c)
        return words

    def tables(self) -> list[cellgrid.Table]:
        return cellgrid.tables(self.horizontals, self.verticals)


def _centre(ch: Char) -> float:
    """Where a character stands on its line, for putting a line's characters in reading order:
    its middle, not its left edge (pdfplumber's). Typesetters pull CJK punctuation back into the
    space of the character before — typst draws “ after "23." with its box starting left of the
    period's — and ordered by left edges "23.“" would read "23“."; the middles stay in order."""
    return ch.x0 + ch.x1


def _open(path: str | Path, limits: Limits):
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError:
        if raw.FPDF_GetLastError() == raw.FPDF_ERR_PASSWORD:
            raise InputError(path, None, "the PDF is encrypted with a password: save an unprotected copy first") from None
        raise InputError(path, None, "not a readable PDF (PDFium cannot open it)") from None
    except OSError as exc:
        raise InputError(path, None, f"cannot read: {exc.strerror or exc}") from None
    count = len(document)
    if count > limits.pages:
        document.close()
        raise InputError(path, None, f"{count:,} pages is more than a budget report has {_hint('pages', limits)}")
    if count == 0:
        document.close()
        raise InputError(path, None, "the PDF has no pages")
    return document


def _page_box(path, number: int, page, limits: Limits) -> tuple[float, float, float, float]:
    left, bottom, right, top = page.get_mediabox()
    width, height = abs(right - left), abs(top - bottom)
    if not (math.isfinite(width) and math.isfinite(height)) or max(width, height) > limits.page_size:
        raise InputError(path, f"page {number}", f"a page of {width:,.0f}×{height:,.0f} points is larger "
                                                  f"than a printed page can be {_hint('page_size', limits)}")
    return left, bottom, right, top


def _rulings(path, number: int, page, top_of_page: float, limits: Limits) -> tuple[list[Segment], list[Segment]]:
    """The horizontal and vertical straight pieces of every stroked or filled path on the page.

    A rectangle gives its four sides and a thin filled rectangle (how WPS draws a table's
    lines) two close parallel sides that the snapping merges, as in pdfplumber. Curves are
    left out. Objects inside forms are placed with the forms' matrices.
    """
    import pypdfium2.raw as raw

    horizontals: list[Segment] = []
    verticals: list[Segment] = []
    matrix, fill, stroke = raw.FS_MATRIX(), ctypes.c_int(), ctypes.c_int()
    px, py = ctypes.c_float(), ctypes.c_float()
    objects = 0
    fast = _fast()
    count = raw.FPDFPage_CountObjects(page)
    if count > limits.objects:
        raise InputError(path, f"page {number}", f"more than {limits.objects:,} objects are drawn on this page "
                                                  f"{_hint('objects', limits)}")
    # Most objects are text (WPS makes one per character): only paths and forms are looked into.
    address = ctypes.cast(page, ctypes.c_void_p).value
    path_type, form_type = raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_FORM
    top_level = [fast.page_object(address, i) for i in range(count)]
    objects = count
    # (object, matrix of its container to page space) — a form's contents are in form space.
    todo = [(ctypes.cast(o, raw.FPDF_PAGEOBJECT), None) for o in top_level if fast.object_type(o) in (path_type, form_type)]
    while todo:
        obj, outer = todo.pop()
        if outer is not None:
            objects += 1
            if objects > limits.objects:
                raise InputError(path, f"page {number}", f"more than {limits.objects:,} objects are drawn on this page "
                                                          f"{_hint('objects', limits)}")
        kind = raw.FPDFPageObj_GetType(obj)
        if kind not in (path_type, form_type):
            continue
        if not raw.FPDFPageObj_GetMatrix(obj, matrix):
            continue
        m = (matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f)
        if outer is not None:
            m = _compose(m, outer)
        if kind == raw.FPDF_PAGEOBJ_FORM:
            inner = raw.FPDFFormObj_CountObjects(obj)
            if objects + len(todo) + inner > limits.objects:
                raise InputError(path, f"page {number}", f"more than {limits.objects:,} objects are drawn on this page "
                                                          f"{_hint('objects', limits)}")
            todo += [(raw.FPDFFormObj_GetObject(obj, k), m) for k in range(inner)]
            continue
        if not raw.FPDFPath_GetDrawMode(obj, fill, stroke) or (not fill.value and not stroke.value):
            continue  # drawn neither stroked nor filled: no line on the page
        a, b, c, d, e, f = m
        start = current = None
        pieces = raw.FPDFPath_CountSegments(obj)
        objects += pieces  # one path may hold millions of pieces: each costs as much as an object
        if objects > limits.objects:
            raise InputError(path, f"page {number}", f"more than {limits.objects:,} objects are drawn on this page "
                                                      f"{_hint('objects', limits)}")
        for k in range(pieces):
            segment = raw.FPDFPath_GetPathSegment(obj, k)
            raw.FPDFPathSegment_GetPoint(segment, px, py)
            x, y = px.value, py.value
            point = (a * x + c * y + e, b * x + d * y + f)
            kind_ = raw.FPDFPathSegment_GetType(segment)
            if kind_ == raw.FPDF_SEGMENT_MOVETO:
                start = point
            elif kind_ == raw.FPDF_SEGMENT_LINETO and current is not None:
                _add(current, point, top_of_page, horizontals, verticals)
            current = point
            if raw.FPDFPathSegment_GetClose(segment) and start is not None:
                _add(current, start, top_of_page, horizontals, verticals)
                current = start
        if len(horizontals) + len(verticals) > limits.rulings:
            raise InputError(path, f"page {number}", f"more than {limits.rulings:,} ruling lines on this page "
                                                      f"{_hint('rulings', limits)}")
    return horizontals, verticals


def _compose(inner: tuple, outer: tuple) -> tuple:
    """inner then outer, as PDF matrices [a b c d e f] (row vectors: p' = p·inner·outer)."""
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


STRAIGHT = 0.1  # points: a piece whose ends differ by less across its direction is horizontal (vertical)


def _add(p, q, top_of_page: float, horizontals: list[Segment], verticals: list[Segment]) -> None:
    (x0, y0), (x1, y1) = p, q
    if abs(y0 - y1) <= STRAIGHT and x0 != x1:
        horizontals.append(Segment(top_of_page - (y0 + y1) / 2, min(x0, x1), max(x0, x1)))
    elif abs(x0 - x1) <= STRAIGHT and y0 != y1:
        verticals.append(Segment((x0 + x1) / 2, top_of_page - max(y0, y1), top_of_page - min(y0, y1)))


class _Fast:
    """The per-character PDFium calls with plain C types: pypdfium2's bindings convert their
    typed handles on every call (about 2 µs each), which made these calls most of the reading."""

    def __init__(self) -> None:
        import pypdfium2.raw as raw

        def fast(function, restype, *argtypes):
            return ctypes.CFUNCTYPE(restype, *argtypes)(ctypes.cast(function, ctypes.c_void_p).value)

        handle, index = ctypes.c_void_p, ctypes.c_int
        self.box = fast(raw.FPDFText_GetLooseCharBox, ctypes.c_int, handle, index, ctypes.POINTER(raw.FS_RECTF))
        self.unicode = fast(raw.FPDFText_GetUnicode, ctypes.c_uint, handle, index)
        self.size = fast(raw.FPDFText_GetFontSize, ctypes.c_double, handle, index)
        self.matrix = fast(raw.FPDFText_GetMatrix, ctypes.c_int, handle, index, ctypes.POINTER(raw.FS_MATRIX))
        self.font = fast(raw.FPDFText_GetFontInfo, ctypes.c_ulong, handle, index, ctypes.c_char_p, ctypes.c_ulong,
                         ctypes.POINTER(ctypes.c_int))
        page = ctypes.c_void_p
        self.page_object = fast(raw.FPDFPage_GetObject, handle, page, index)
        self.object_type = fast(raw.FPDFPageObj_GetType, ctypes.c_int, handle)
        # Older PDFium builds lack it; then the font is asked for every character.
        get_object = getattr(raw, "FPDFText_GetTextObject", None)
        self.text_object = fast(get_object, handle, handle, index) if get_object is not None else None


_FAST: _Fast | None = None


def _fast() -> _Fast:
    global _FAST
    if _FAST is None:
        _FAST = _Fast()
    return _FAST


def _chars(path, number: int, textpage, top_of_page: float, limits: Limits) -> list[Char]:
    """Every character drawn but the blanks, each marked when a blank came before it.

    PDFium replaces some blanks of the file by ones it infers (flagged as generated, and placed
    at the end of the line), so a blank's position cannot be trusted; that there was one
    before a character is what cuts a word (pdfplumber's keep_blank_chars=False)."""
    import pypdfium2.raw as raw

    fast = _fast()
    count = raw.FPDFText_CountChars(textpage)
    if count > limits.chars:
        raise InputError(path, f"page {number}", f"{count:,} characters on one page {_hint('chars', limits)}")
    handle = ctypes.cast(textpage, ctypes.c_void_p).value
    text = _text(textpage, count)
    if len(text) != count:  # a character outside the BMP took two UTF-16 units: ask one by one
        text = "".join(chr(fast.unicode(handle, i)) for i in range(count))
    box, matrix = raw.FS_RECTF(), raw.FS_MATRIX()
    box_p, matrix_p = ctypes.pointer(box), ctypes.pointer(matrix)
    name = ctypes.create_string_buffer(256)
    flags = ctypes.pointer(ctypes.c_int())
    fonts: dict[object, tuple[float, str]] = {}  # text object -> (size, font name): one font and size each
    names: dict[bytes, str] = {}
    chars: list[Char] = []
    blank = False
    for i, ch in enumerate(text):
        if ch in "\r\n":
            blank = False  # a line break (PDFium's): the next character starts a line anyway
            continue
        if ch.isspace() or ch == "\0" or "\ud800" <= ch <= "\udfff":
            blank = blank or ch.isspace()
            continue
        fast.box(handle, i, box_p)
        key = fast.text_object(handle, i) if fast.text_object else None
        font = fonts.get(key) if key is not None else None
        if font is None:
            fast.matrix(handle, i, matrix_p)
            # The font size in text space times the matrix's vertical scale: pdfminer's "size".
            size = round(fast.size(handle, i) * math.hypot(matrix.c, matrix.d), 4)
            length = fast.font(handle, i, name, len(name), flags)
            raw_name = name.raw[:length - 1] if 0 < length <= len(name) else b""
            fontname = names.get(raw_name)
            if fontname is None:
                fontname = names[raw_name] = raw_name.decode("utf-8", "replace")
            font = (size, fontname)
            if key is not None:
                fonts[key] = font
        bottom = top_of_page - box.bottom  # the font's descent below the baseline, as pdfminer places it
        chars.append(Char(ch, box.left, box.right, bottom - font[0], bottom, font[0], font[1], blank))
        blank = False
    return chars


def _text(textpage, count: int) -> str:
    import pypdfium2.raw as raw

    buffer = ctypes.create_string_buffer(2 * (count + 1))
    written = raw.FPDFText_GetText(textpage, 0, count, ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort)))
    return buffer.raw[:2 * max(written - 1, 0)].decode("utf-16-le", "surrogatepass")


KEEP_OPEN = 200  # pages kept parsed between the plain-text pass and the full one (a report has ≤ 40)


class Document:
    """An opened PDF read in two passes: ``texts()``, each page's plain text (PDFium's own, no
    layout) — enough to tell a report's template — and then, only if it is one, ``pages()``,
    each page's characters and ruling lines. The pages parsed for the first pass are kept for
    the second (up to KEEP_OPEN), so deciding first costs next to nothing for a report that is
    read. Every limit that protects the first pass (pages, page size, characters) is checked in
    it; the others (objects, ruling lines, grid) before the work of the second."""

    def __init__(self, path: str | Path, limits: Limits | None = None, progress: Callable[[int], None] = lambda n: None):
        self.path, self.limits, self.progress = path, limits or Limits.from_env(), progress
        self.document = _open(path, self.limits)
        self.kept: dict[int, tuple[object, object]] = {}  # index -> (page, text page), from the first pass

    def __enter__(self) -> "Document":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __len__(self) -> int:
        return len(self.document)

    def close(self) -> None:
        import pypdfium2.raw as raw

        for page, textpage in self.kept.values():
            raw.FPDFText_ClosePage(textpage)
            page.close()
        self.kept.clear()
        self.document.close()

    def _loaded(self, index: int):
        """(page, text page, box) of page ``index``: the one kept from the first pass, else parsed now."""
        import pypdfium2.raw as raw

        number = index + 1
        if index in self.kept:
            page, textpage = self.kept.pop(index)
        else:
            page = _load(self.document, index, self.path)
            textpage = None
        try:
            box = _page_box(self.path, number, page, self.limits)
            if textpage is None:
                textpage = raw.FPDFText_LoadPage(page.raw)
        except BaseException:
            if textpage is not None:
                raw.FPDFText_ClosePage(textpage)
            page.close()
            raise
        return page, textpage, box

    def texts(self) -> list[str]:
        """The plain text of every page, the pages' count, size and characters within the limits."""
        return self.decide(lambda texts: False)[0]

    def decide(self, wanted: Callable[[list[str]], bool]) -> tuple[list[str], bool]:
        """(the plain text of the pages read, ``wanted(texts)``): pages are read until ``wanted``
        says yes — asked after pages 1, 2, 4, 8, … and the last, a report's captions being on its
        first pages — or all are read and it says no. The pages read are kept for ``pages()``
        (a report that is read holds a few, not all of its pages at once: holding them all made
        the bounded child 15% slower)."""
        import pypdfium2.raw as raw

        texts = []
        count = len(self.document)
        for index in range(count):
            number = index + 1
            self.progress(number)
            page, textpage, _ = self._loaded(index)
            keep = False
            try:
                chars = raw.FPDFText_CountChars(textpage)
                if chars > self.limits.chars:
                    raise InputError(self.path, f"page {number}", f"{chars:,} characters on one page {_hint('chars', self.limits)}")
                text = _text(textpage, chars).encode("utf-16", "surrogatepass").decode("utf-16", "replace")
                keep = index < KEEP_OPEN
                if keep:
                    self.kept[index] = (page, textpage)
            finally:
                if not keep:
                    raw.FPDFText_ClosePage(textpage)
                    page.close()
            texts.append(text.replace("\r\n", "\n").replace("\r", "\n"))
            if (number & (number - 1) == 0 or number == count) and wanted(texts):
                return texts, True
        return texts, False

    def pages(self) -> Iterator[Page]:
        """Each page's characters and merged ruling lines, every limit checked."""
        import pypdfium2.raw as raw

        path, limits = self.path, self.limits
        for index in range(len(self.document)):
            number = index + 1
            self.progress(number)
            page, textpage, (left, bottom, right, top) = self._loaded(index)
            try:
                horizontals, verticals = _rulings(path, number, page.raw, top, limits)
                horizontals, verticals = cellgrid.merge(horizontals), cellgrid.merge(verticals)
                cells = cellgrid.grid_size(horizontals, verticals)
                if cells > limits.grid:
                    raise InputError(path, f"page {number}", f"the ruling lines cut this page into {cells:,} rectangles "
                                                              f"{_hint('grid', limits)}")
                chars = _chars(path, number, textpage, top, limits)
            finally:
                raw.FPDFText_ClosePage(textpage)
                page.close()
            yield Page(number, right - left, top - bottom, chars, horizontals, verticals)


def pages(path: str | Path, limits: Limits | None = None, progress: Callable[[int], None] = lambda n: None) -> Iterator[Page]:
    """Each page's characters and merged ruling lines, every limit checked (in this process)."""
    with Document(path, limits, progress) as document:
        yield from document.pages()


def _load(document, index: int, path):
    import pypdfium2 as pdfium

    try:
        return document[index]
    except pdfium.PdfiumError:
        raise InputError(path, f"page {index + 1}", "PDFium cannot load this page") from None


def _texts(path, limits: Limits, progress: Callable[[int], None]) -> list[str]:
    with Document(path, limits, progress) as document:
        return document.texts()


def page_texts(path: str | Path, limits: Limits | None = None) -> list[str]:
    """The plain text of each page straight from PDFium (no tables, no layout): fast, for
    telling which template a report follows before reading it."""
    limits = limits or Limits.from_env()
    return isolated(path, limits, lambda progress: _texts(path, limits, progress))


# --- the child process -------------------------------------------------------------------

T = TypeVar("T")


def _can_fork() -> bool:
    return hasattr(os, "fork") and sys.platform.startswith("linux") and os.environ.get("YUSUAN_PDF_ISOLATE", "1") != "0"


def _address_space() -> int | None:
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def _child(work: Callable[[Callable[[int], None]], T], limits: Limits, out: int) -> None:
    import resource

    def send(tag: bytes, payload: bytes) -> None:
        data = tag + struct.pack(">Q", len(payload)) + payload
        while data:
            data = data[os.write(out, data):]

    try:
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        used = _address_space()
        if used is not None:
            cap_memory(used + limits.memory_mb * 1024 * 1024)
        result = work(lambda number: send(b"P", struct.pack(">Q", number)))
        send(b"R", pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    except InputError as exc:
        send(b"E", pickle.dumps((exc.file, exc.place, exc.message)))
    except MemoryError:
        send(b"M", b"")
    except BaseException as exc:  # noqa: BLE001 - a bug or a PDFium failure: the parent names the page
        try:
            send(b"X", pickle.dumps(f"{type(exc).__name__}: {exc}"))
        except BaseException:  # noqa: BLE001
            pass
    finally:
        os._exit(0)


def isolated(path: str | Path, limits: Limits, work: Callable[[Callable[[int], None]], T]) -> T:
    """work(progress) run in a forked child with limits.memory_mb more address space and
    limits.page_seconds per page (progress(n) starts page n); its result, or its InputError,
    comes back here. Without fork (or YUSUAN_PDF_ISOLATE=0) it runs in this process, unbounded."""
    if not _can_fork():
        return work(lambda number: None)
    # PDFium loaded and its call prototypes made here, once: in the child they would be made
    # again for every document (≈ 15–20 ms of a plain-text pass that takes 30).
    import pypdfium2  # noqa: F401
    import pypdfium2.raw  # noqa: F401

    _fast()
    read_end, write_end = os.pipe()
    # Frozen, the objects the child inherits are left out of its garbage collections: a
    # collection in the child would otherwise write to every one of them and so copy most of
    # the parent's memory page by page (the gc module's advice for fork).
    gc.freeze()
    pid = -1
    try:
        pid = os.fork()
    finally:
        if pid != 0:
            gc.unfreeze()
    if pid == 0:  # pragma: no cover - the child ends in os._exit
        os.close(read_end)
        _child(work, limits, write_end)
    os.close(write_end)
    page = 0
    buffer = b""
    deadline = time.monotonic() + limits.page_seconds
    try:
        while True:
            while len(buffer) >= 9 and len(buffer) >= 9 + struct.unpack(">Q", buffer[1:9])[0]:
                tag, size = buffer[:1], struct.unpack(">Q", buffer[1:9])[0]
                payload, buffer = buffer[9:9 + size], buffer[9 + size:]
                if tag == b"P":
                    page = struct.unpack(">Q", payload)[0]
                    deadline = time.monotonic() + limits.page_seconds
                elif tag == b"R":
                    return pickle.loads(payload)
                elif tag == b"E":
                    raise InputError(*pickle.loads(payload))
                elif tag == b"M":
                    raise _out_of_memory(path, page, limits)
                else:
                    raise InputError(path, f"page {page}" if page else None,
                                     f"not a readable PDF ({pickle.loads(payload)})")
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise InputError(path, f"page {page}" if page else None,
                                 f"reading took more than {limits.page_seconds:g} s {_hint('page_seconds', limits)}")
            ready, _, _ = select.select([read_end], [], [], remaining)
            if ready:
                chunk = os.read(read_end, 1 << 20)
                if not chunk:  # the child died without an answer: killed for memory, or PDFium crashed
                    status = _reap(pid)
                    pid = 0
                    raise _died(path, page, limits, status)
                buffer += chunk
    finally:
        os.close(read_end)
        if pid:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            _reap(pid)


def _reap(pid: int) -> int:
    try:
        return os.waitpid(pid, 0)[1]
    except ChildProcessError:
        return 0


def _out_of_memory(path, page: int, limits: Limits) -> InputError:
    return InputError(path, f"page {page}" if page else None,
                      f"reading needs more than {limits.memory_mb:,} MB of memory (a decompression bomb, or a drawing "
                      f"repeated too often?) {_hint('memory_mb', limits)}")


def _died(path, page: int, limits: Limits, status: int) -> InputError:
    if os.WIFSIGNALED(status) and os.WTERMSIG(status) in (signal.SIGABRT, signal.SIGSEGV, signal.SIGBUS, signal.SIGTRAP,
                                                           signal.SIGILL, signal.SIGKILL):
        # PDFium aborts when an allocation fails; under the capped address space that is the usual cause.
        return _out_of_memory(path, page, limits)
    return InputError(path, f"page {page}" if page else None, f"PDFium stopped while reading (status {status})")
