"""Limits for files nobody checked (issue 13): a journalist's downloads, a bureau's inbox.

Each limit bounds what one input may cost — bytes read, nesting, cells, errors listed — so a
tiny hostile file is refused with its place instead of taking minutes and gigabytes. The
defaults are far above any real budget; each can be raised with an environment variable
``YUSUAN_MAX_<NAME>`` (``YUSUAN_MAX_SHEET_ROWS=1000000``), documented in docs/limits.md.
"""
from __future__ import annotations

import os
import re

DEFAULTS = {
    "json_bytes": 200_000_000,  # report.json
    "workbook_bytes": 300_000_000,  # uncompressed size of all parts of an .xlsx (its zip directory)
    "sheet_bytes": 100_000_000,  # uncompressed size of one part (a sheet's XML, the shared strings)
    "sheet_rows": 200_000,  # rows read from one sheet
    "sheet_columns": 200,  # columns read from one sheet (the template uses fewer than 30)
    "errors": 100,  # errors listed for one file; then "… and N more"
    # A folder's files are each worked on in a worker process (yusuan/batch.py) under these two:
    # one file that needs gigabytes or never ends costs its line in the summary, not the batch.
    "worker_memory": 2 * 1024**3,  # address space of a worker (RLIMIT_AS), bytes; 0: none
    "file_seconds": 300,  # time for one file in a worker, seconds; 0: none
}


def is_whole(text: str, most_digits: int) -> bool:
    """Whether ``text`` is a whole number of at most ``most_digits`` ASCII digits: what ``int``
    can take. ``str.isdigit`` alone also passes ¹ or ① (int refuses them) and 5,000 digits
    (int refuses over 4,300)."""
    return 0 < len(text) <= most_digits and text.isascii() and text.isdigit()


def limit(name: str) -> int:
    """The limit ``name``, from ``YUSUAN_MAX_<NAME>`` when set to a whole number."""
    text = os.environ.get(f"YUSUAN_MAX_{name.upper()}", "").strip()
    return int(text) if is_whole(text, 18) else DEFAULTS[name]


def cap_memory(memory: int) -> None:
    """Limit this process's address space to ``memory`` bytes (0: leave it). Only the soft limit:
    the PDF reader's child may lower its own, never raise past ours. An allocation past it fails
    with MemoryError, which the work functions turn into one line for the file (internal_error);
    memory that C code cannot get usually ends the process, which the parent reports the same way.
    A hard limit lower than ``memory`` wins."""
    import resource

    if memory:
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        cap = memory if hard == resource.RLIM_INFINITY else min(memory, hard)
        if soft == resource.RLIM_INFINITY or cap < soft:
            resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


def env_name(name: str) -> str:
    return f"YUSUAN_MAX_{name.upper()}"


_ROOT_OR_DOCTYPE = re.compile(rb"<(!DOCTYPE|[A-Za-z_])")


def _has_doctype(path, member, what: str) -> bool:
    """Whether the XML part declares a DTD before its root element. Excel, LibreOffice and openpyxl
    never write one; the XML libraries behind openpyxl are safe against entities (defusedxml, or
    lxml without entity resolution) but would then read such a file in silence or in part, so it
    is refused outright, naming the part. A part that cannot be unpacked, its directory entry
    read, is refused the same way: a local header cut or moved (BadZipFile, or seek's OSError,
    which names no file), its deflate stream or CRC broken (zlib.error, BadZipFile), a method
    zipfile does not read (NotImplementedError, RuntimeError for an encrypted part)."""
    import zipfile
    import zlib

    from .errors import InputError

    try:
        with zipfile.ZipFile(path) as archive, archive.open(member) as part:
            head = b""
            while len(head) < limit("sheet_bytes"):
                chunk = part.read(65536)
                if not chunk:
                    break
                head += chunk
                text = head.decode("utf-16", "replace").encode("utf-8", "replace") if head[:2] in (b"\xff\xfe", b"\xfe\xff") else head
                found = _ROOT_OR_DOCTYPE.search(text)
                if found:
                    return found.group(1) == b"!DOCTYPE"
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError) as exc:
        raise InputError(path, member.filename, f"this part of the {what} cannot be unpacked: the file is damaged "
                                                f"({exc})") from None
    return False


def check_zip(path, *, what: str = "workbook") -> None:
    """Refuse an .xlsx whose parts would unpack to more than the limits, before any XML is parsed.

    The sizes come from the zip's central directory; Python's zipfile never returns more bytes
    than a member declares (a member that lies fails its CRC check), so they bound what the
    reader will see: a 4 MB workbook can declare 1 GB of sheet XML, which openpyxl would load
    whole. Not a zip at all is left to the reader, which says so in its own words."""
    import zipfile

    from .errors import InputError

    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    except NotImplementedError as exc:  # a zip version zipfile does not read (nor openpyxl, which uses it)
        raise InputError(path, None, f"the {what} cannot be unpacked: {exc}") from None
    total = 0
    for member in members:
        total += member.file_size
        if member.filename.startswith("xl/") and member.file_size > limit("sheet_bytes"):
            raise InputError(path, member.filename, f"this part of the {what} unpacks to {member.file_size:,} bytes, "
                                                    f"more than the limit of {limit('sheet_bytes'):,} "
                                                    f"({env_name('sheet_bytes')} raises it)")
        if member.filename.endswith((".xml", ".rels")) and _has_doctype(path, member, what):
            raise InputError(path, member.filename, f"this part of the {what} declares a DTD (<!DOCTYPE …>), which no "
                                                    "spreadsheet writes: entities there are how XML bombs and XXE work")
    if total > limit("workbook_bytes"):
        raise InputError(path, None, f"the {what} unpacks to {total:,} bytes, more than the limit of "
                                     f"{limit('workbook_bytes'):,} ({env_name('workbook_bytes')} raises it)")
