"""Hostile PDFs (issue 13): each small file below once cost minutes or gigabytes, or would now
cost PDFium more memory than a machine has; `yusuan read` must refuse it in seconds with one
error naming the file and the page (yusuan/read/pdfium.py, Limits), under 2 GB and 60 s.

The files are written here as raw PDF bytes (nothing large is committed)."""
from __future__ import annotations

import struct
import zlib

from .run import refused, yusuan

FONT = b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>"


def _pdf(objects: list[bytes], trailer: bytes = b"") -> bytes:
    """Objects numbered from 1 (1 is the catalog), with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<</Size %d/Root 1 0 R%s>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, trailer, xref)
    return bytes(out)


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<</Length %d%s>>\nstream\n%s\nendstream" % (len(data), extra, data)


# Two captions of shanxi-2024 (its detection needs 15% of its twelve marks): a page that prints
# them is of a known layout, so reading goes on past the plain-text pass to the page's rulings,
# objects and grid, whose limits the tests below must reach. A page without them is refused as
# of no known layout before any of that (test_an_unknown_layout_is_refused_before_its_grid).
MARKS = "预算公开表1 预算公开表2"


def _cjk_font(first: int) -> list[bytes]:
    """A Type0 font (Identity-H, not embedded) whose ToUnicode maps each code of MARKS to its
    character: PDFium's text then reads them, whatever glyphs it draws. Objects first, first+1, …"""
    chars = sorted(set(MARKS) - {" "})
    cmap = (b"/CIDInit/ProcSet findresource begin 12 dict begin begincmap /CMapName/Marks def "
            b"1 begincodespacerange <0000><FFFF> endcodespacerange %d beginbfchar " % len(chars)
            + b" ".join(b"<%04X><%04X>" % (ord(c), ord(c)) for c in chars)
            + b" endbfchar endcmap CMapName currentdict/CMap defineresource pop end end")
    return [b"<</Type/Font/Subtype/Type0/BaseFont/SimSun/Encoding/Identity-H/DescendantFonts[%d 0 R]/ToUnicode %d 0 R>>"
            % (first + 1, first + 3),
            b"<</Type/Font/Subtype/CIDFontType2/BaseFont/SimSun/CIDSystemInfo<</Registry(Adobe)/Ordering(Identity)"
            b"/Supplement 0>>/FontDescriptor %d 0 R/DW 1000>>" % (first + 2),
            b"<</Type/FontDescriptor/FontName/SimSun/Flags 4/FontBBox[0 -120 1000 880]/ItalicAngle 0/Ascent 880"
            b"/Descent -120/CapHeight 700/StemV 80>>",
            _stream(cmap)]


def _marks_content() -> bytes:
    lines = [b"BT /FM 10 Tf 50 %d Td <%s> Tj ET" % (820 - 14 * i, word.encode("utf-16-be").hex().upper().encode())
             for i, word in enumerate(MARKS.split())]
    return b"\n".join(lines) + b"\n"


def _one_page(content: bytes, resources: bytes = b"<</Font<</F1 4 0 R>>>>", more: tuple[bytes, ...] = (),
              media_box: bytes = b"0 0 595 842", filters: bytes = b"", trailer: bytes = b"", known: bool = True) -> bytes:
    """One page drawing ``content``; ``known``: also the captions of a known layout (MARKS), in a
    content stream of their own, so that ``content`` may be anything (a flate bomb)."""
    objects = [b"<</Type/Catalog/Pages 2 0 R>>", b"<</Type/Pages/Kids[3 0 R]/Count 1>>", None,
               FONT, _stream(content, filters), *more]
    contents = b"5 0 R"
    if known:
        font = len(objects) + 1
        objects += _cjk_font(font)
        objects.append(_stream(_marks_content()))
        contents = b"[5 0 R %d 0 R]" % len(objects)
        resources = resources.replace(b"<</Font<<", b"<</Font<</FM %d 0 R" % font, 1)
    objects[2] = b"<</Type/Page/Parent 2 0 R/MediaBox[%s]/Resources %s/Contents %s>>" % (media_box, resources, contents)
    return _pdf(objects, trailer)


def test_the_generated_pages_are_of_a_known_layout_unless_told(tmp_path):
    from yusuan.read.detect import detect
    from yusuan.read.pdf import page_texts

    path = tmp_path / "marks.pdf"
    path.write_bytes(_one_page(TEXT))
    assert detect("\n".join(page_texts(path))).template == "shanxi-2024"
    path.write_bytes(_one_page(TEXT, known=False))
    assert detect("\n".join(page_texts(path))).template is None


TEXT = b"BT /F1 10 Tf 50 800 Td (2024 budget) Tj ET\n"


def test_a_page_ruled_400_by_400_is_refused_in_seconds(tmp_path):
    # pdfplumber's find_tables took 566 s on this page: every crossing against every other.
    # 4 pt apart, more than the 3 pt within which lines are snapped together.
    lines = [TEXT, b"0.1 w"]
    for i in range(401):
        lines += [b"%d 50 m %d 1650 l S" % (50 + 4 * i, 50 + 4 * i), b"50 %d m 1650 %d l S" % (50 + 4 * i, 50 + 4 * i)]
    path = tmp_path / "grid.pdf"
    path.write_bytes(_one_page(b"\n".join(lines), media_box=b"0 0 1700 1700"))
    line = refused(yusuan("read", path, "-o", tmp_path / "out"), str(path), "page 1", "YUSUAN_MAX_PDF_GRID")
    assert "160,000 rectangles" in line
    # Raised, the same page is read (in about a second): no table of a budget in it, so exit 2 all the same.
    run = yusuan("read", path, "-o", tmp_path / "out2", env={"YUSUAN_MAX_PDF_GRID": "200000"})
    assert run.code == 2 and "rectangles" not in run.stderr and "Traceback" not in run.stderr, run.stderr[-2000:]


def test_an_unknown_layout_is_refused_before_its_grid(tmp_path):
    # The same 400×400 grid on a page of no known layout: refused from the plain text, as not a
    # budget report, before a ruling line is looked at (so no grid limit is met).
    lines = [TEXT, b"0.1 w"]
    for i in range(401):
        lines += [b"%d 50 m %d 1650 l S" % (50 + 4 * i, 50 + 4 * i), b"50 %d m 1650 %d l S" % (50 + 4 * i, 50 + 4 * i)]
    path = tmp_path / "grid.pdf"
    path.write_bytes(_one_page(b"\n".join(lines), media_box=b"0 0 1700 1700", known=False))
    run = yusuan("read", path, "-o", tmp_path / "out", env={"YUSUAN_MAX_PDF_GRID": "100"})
    assert run.code == 2 and "rectangles" not in run.stderr and "not a published budget report" in run.stderr, run.stderr


def test_a_form_drawn_500_times_is_refused(tmp_path):
    form = b"\n".join(b"%d %d 5 5 re f" % (i % 50 * 10, i // 50 * 10) for i in range(1000)) + b"\n" + TEXT
    content = b"\n".join(b"q 1 0 0 1 %d %d cm /X1 Do Q" % (i % 5, i % 7) for i in range(500))
    path = tmp_path / "forms.pdf"
    path.write_bytes(_one_page(content, b"<</Font<</F1 4 0 R>>/XObject<</X1 6 0 R>>>>",
                               (_stream(form, b"/Type/XObject/Subtype/Form/BBox[0 0 595 842]/Resources<</Font<</F1 4 0 R>>>>"),)))
    refused(yusuan("read", path, "-o", tmp_path / "out"), str(path), "page 1", "YUSUAN_MAX_PDF_")


def _flate_bomb(megabytes: int) -> bytes:
    """A zlib stream of `megabytes` MB of blanks in about 1 KB per 1,000 MB: one compressed
    block of 1 MB, repeated (a full flush makes each the same), then the checksum."""
    chunk = b" " * (1 << 20)
    packer = zlib.compressobj(9)
    first = packer.compress(TEXT + chunk[len(TEXT):]) + packer.flush(zlib.Z_FULL_FLUSH)
    block = packer.compress(chunk) + packer.flush(zlib.Z_FULL_FLUSH)
    adler = zlib.adler32(TEXT + chunk[len(TEXT):])
    for _ in range(megabytes - 1):
        adler = zlib.adler32(chunk, adler)
    return first + block * (megabytes - 1) + b"\x03\x00" + struct.pack(">I", adler)


def test_a_flate_bomb_is_refused(tmp_path):
    # 1 MB in the file, 1,800 MB of content stream once PDFium inflates it: under the 2 GB the
    # command has, PDFium alone would take it all (and abort). The child process that reads the
    # PDF may grow by YUSUAN_MAX_PDF_MEMORY_MB only.
    path = tmp_path / "bomb.pdf"
    path.write_bytes(_one_page(_flate_bomb(1800), filters=b"/Filter/FlateDecode"))
    assert path.stat().st_size < 2_000_000
    refused(yusuan("read", path, "-o", tmp_path / "out"), str(path), "page 1", "memory", "YUSUAN_MAX_PDF_MEMORY_MB")


def test_20000_pages_are_refused_before_any_is_read(tmp_path):
    count = 20_000
    kids = b" ".join(b"%d 0 R" % (3 + i) for i in range(count))
    page = b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Resources<</Font<</F1 %d 0 R>>>>/Contents %d 0 R>>" % (
        count + 4, count + 3)
    path = tmp_path / "pages.pdf"
    path.write_bytes(_pdf([b"<</Type/Catalog/Pages 2 0 R>>", b"<</Type/Pages/Kids[%s]/Count %d>>" % (kids, count),
                           *[page] * count, _stream(TEXT), FONT]))
    refused(yusuan("read", path, "-o", tmp_path / "out"), str(path), "20,000 pages", "YUSUAN_MAX_PDF_PAGES")


def test_a_huge_page_is_refused(tmp_path):
    path = tmp_path / "huge.pdf"
    path.write_bytes(_one_page(TEXT, media_box=b"0 0 1000000 1000000"))
    refused(yusuan("read", path, "-o", tmp_path / "out"), str(path), "page 1", "YUSUAN_MAX_PDF_PAGE_SIZE")


def test_characters_and_ruling_lines_per_page_are_bounded(tmp_path):
    path = tmp_path / "dense.pdf"
    rules = b"\n".join(b"50 %d m 545 %d l S" % (y, y) for y in range(100, 700, 2))
    path.write_bytes(_one_page(TEXT + b"BT /F1 4 Tf 20 20 Td (%s) Tj ET\n" % (b"x" * 2000) + rules))
    refused(yusuan("read", path, "-o", tmp_path / "a", env={"YUSUAN_MAX_PDF_CHARS": "1000"}),
            str(path), "page 1", "characters", "YUSUAN_MAX_PDF_CHARS")
    refused(yusuan("read", path, "-o", tmp_path / "b", env={"YUSUAN_MAX_PDF_RULINGS": "100"}),
            str(path), "page 1", "ruling lines", "YUSUAN_MAX_PDF_RULINGS")


def test_an_encrypted_pdf_is_refused(tmp_path):
    # The standard security handler with a user password (the /U entry matches no empty password).
    encrypt = b"<</Filter/Standard/V 1/R 2/Length 40/P -44/O<%s>/U<%s>>>" % (b"11" * 32, b"22" * 32)
    path = tmp_path / "locked.pdf"
    data = _one_page(TEXT, more=(encrypt,), trailer=b"/Encrypt 6 0 R/ID[<%s><%s>]" % (b"ab" * 16, b"ab" * 16))
    path.write_bytes(data)
    refused(yusuan("read", path, "-o", tmp_path / "out"), str(path), "password")


def test_a_damaged_pdf_is_refused(tmp_path):
    path = tmp_path / "damaged.pdf"
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40)
    refused(yusuan("read", path, "-o", tmp_path / "out"), str(path))
