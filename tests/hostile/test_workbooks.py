"""Budget workbooks that cost a lot from little, or carry hostile XML (issue 13): each is refused
with exit 2 and its place, quickly, and a broken sheet lists 100 errors and "… and N more"."""
from __future__ import annotations

import re
import time
import zipfile

import pytest

from .run import refused, small_budget, yusuan


def _template(tmp_path):
    from yusuan.read.budget_yaml import read_budget
    from yusuan.workbook.layout import LINES
    from yusuan.workbook.write import write_workbook
    from openpyxl import load_workbook

    source = tmp_path / "budget.yaml"
    source.write_text(small_budget(), encoding="utf-8")
    path = tmp_path / "budget.xlsx"
    path.write_bytes(write_workbook(read_budget(source)))
    sheet = f"xl/worksheets/sheet{load_workbook(path, read_only=True).sheetnames.index(LINES.name) + 1}.xml"
    return path, sheet


def _rezip(source, target, name, change, stream=None):
    """``source`` copied to ``target`` with member ``name`` replaced by change(its bytes), or
    written by ``stream(handle)`` (for parts too large to hold in memory)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename != name:
                new.writestr(info, data)
            elif stream is not None:
                with new.open(name, "w") as handle:
                    stream(data, handle)
            else:
                new.writestr(info.filename, change(data))
    return target


def _rows(data: bytes, rows: str) -> bytes:
    """The sheet XML without its <dimension>, with ``rows`` (XML) after the existing rows."""
    data = re.sub(rb"<dimension[^>]*/>", b"", data)
    return data.replace(b"</sheetData>", rows.encode() + b"</sheetData>")


def test_a_sheet_that_unpacks_beyond_the_limit_is_refused_before_it_is_parsed(tmp_path):
    path, sheet = _template(tmp_path)

    def padded(data, handle):  # 150 MB of blanks inside the sheet: 150 KB compressed
        head, tail = data.split(b"</worksheet>")
        handle.write(head)
        for _ in range(150):
            handle.write(b" " * 1_000_000)
        handle.write(b"</worksheet>" + tail)

    bomb = _rezip(path, tmp_path / "bomb.xlsx", sheet, None, padded)
    assert bomb.stat().st_size < 2_000_000
    start = time.monotonic()
    refused(yusuan("build", bomb, "-o", tmp_path / "out"), f"{bomb}:{sheet}:", "YUSUAN_MAX_SHEET_BYTES")
    assert time.monotonic() - start < 10


@pytest.mark.parametrize("cell,place", [("XFD100", "!XFD100"), ("A1048576", "!A1048576")])
def test_a_value_far_away_in_a_sheet_without_dimension_is_refused_with_its_cell(tmp_path, cell, place):
    path, sheet = _template(tmp_path)
    row = re.sub(r"\D", "", cell)
    far = _rezip(path, tmp_path / "far.xlsx", sheet,
                 lambda data: _rows(data, f'<row r="{row}"><c r="{cell}" t="inlineStr"><is><t>x</t></is></c></row>'))
    start = time.monotonic()
    refused(yusuan("build", far, "-o", tmp_path / "out"), str(far), place)
    assert time.monotonic() - start < 20


def test_many_broken_rows_list_a_hundred_errors_and_how_many_more(tmp_path):
    path, sheet = _template(tmp_path)
    bad = "".join(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>x</t></is></c></row>' for r in range(10, 3010))
    broken = _rezip(path, tmp_path / "broken.xlsx", sheet, lambda data: _rows(data, bad))
    run = yusuan("build", broken, "-o", tmp_path / "out")
    assert run.code == 2, run.stderr
    lines = run.stderr.splitlines()
    assert len(lines) == 101, lines[-3:]
    # the reading stops once past the listing limit, so the count is a lower bound
    assert re.fullmatch(r"error: … and at least \d+ more errors in .*broken\.xlsx", lines[-1]), lines[-1]


def test_rows_past_the_limit_are_refused_with_the_first_such_cell(tmp_path):
    path, sheet = _template(tmp_path)
    rows = "".join(f'<row r="{r}"><c r="B{r}"><v>1</v></c></row>' for r in range(10, 2010))
    long = _rezip(path, tmp_path / "long.xlsx", sheet, lambda data: _rows(data, rows))
    refused(yusuan("build", long, "-o", tmp_path / "out", env={"YUSUAN_MAX_SHEET_ROWS": "1000"}), "!B1001")


BOMB = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10))
        + b"]>")
XXE = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


@pytest.mark.parametrize("doctype,where", [(BOMB, "sheet"), (XXE, "sheet"), (BOMB, "xl/styles.xml"),
                                           (XXE, "xl/workbook.xml")])
def test_an_entity_bomb_or_xxe_in_the_workbook_is_refused(tmp_path, doctype, where):
    path, sheet = _template(tmp_path)
    name = sheet if where == "sheet" else where
    entity = b"&lol9;" if doctype is BOMB else b"&xxe;"

    def hostile(data):
        data = re.sub(rb"^<\?xml[^>]*\?>", b"", data)
        data = data.replace(b"<t>", b"<t>" + entity, 1) if b"<t>" in data else data
        return doctype + data

    evil = _rezip(path, tmp_path / "evil.xlsx", name, hostile)
    run = yusuan("build", evil, "-f", "json", "-o", tmp_path / "out")
    line = refused(run, str(evil))
    assert "root:" not in run.stderr + run.stdout and "lollol" not in line


def _one_part_zip(tmp_path, damage) -> str:
    """A zip of one XML part, its bytes then damaged past its directory entry."""
    path = tmp_path / "budget.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("[Content_Types].xml", "<Types>" + "<Default/>" * 50 + "</Types>")
    path.write_bytes(damage(path.read_bytes()))
    return path


@pytest.mark.parametrize("damage,cause", [
    (lambda data: b"QK" + data[2:], "Bad magic number"),  # the part's local header without its magic
    (lambda data: data[8:], "Invalid argument"),  # the start cut: the part's header before the file's start (seek's OSError)
    # its deflate stream's first block of type 3, which does not exist (after the 30-byte header and the name): zlib.error
    (lambda data: data[:49] + b"\xff" + data[50:], "invalid block type"),
], ids=["header", "cut", "deflate"])
def test_a_part_that_cannot_be_unpacked_is_refused_naming_it(tmp_path, damage, cause):
    """(was: an uncaught BadZipFile or zlib.error, exit 3; or "error: [Errno 22] Invalid argument" naming nothing)"""
    from yusuan.commands.check import check_one

    path = _one_part_zip(tmp_path, damage)
    (error,) = check_one(path)[2]
    assert error.startswith(f"{path}:[Content_Types].xml: this part of the workbook cannot be unpacked: the file is damaged (")
    assert cause in error, error


def test_a_zip_version_zipfile_does_not_read_is_refused_naming_the_file(tmp_path):
    """A directory entry asking for zip version 17.8 to extract: zipfile's NotImplementedError was
    uncaught (exit 3)."""
    from yusuan.commands.check import check_one

    def version_178(data: bytes) -> bytes:
        at = data.index(b"PK\x01\x02") + 6  # the central directory entry's "version needed to extract"
        return data[:at] + (178).to_bytes(2, "little") + data[at + 2:]

    path = _one_part_zip(tmp_path, version_178)
    assert check_one(path)[2] == [f"{path}: the workbook cannot be unpacked: zip file version 17.8"]


def test_an_attribute_openpyxl_does_not_know_is_refused_naming_the_file(tmp_path):
    """openpyxl makes each element's object with its attributes as keywords: one it does not know
    was an uncaught TypeError (exit 3)."""
    from openpyxl import Workbook

    from yusuan.commands.check import check_one

    source = tmp_path / "blank.xlsx"
    Workbook().save(source)
    path = _rezip(source, tmp_path / "budget.xlsx", "[Content_Types].xml", lambda data: data.replace(b"<Types ", b'<Types ymlns="x" ', 1))
    (error,) = check_one(path)[2]
    assert error.startswith(f"{path}: not a readable XLSX workbook (TypeError: ") and "ymlns" in error
