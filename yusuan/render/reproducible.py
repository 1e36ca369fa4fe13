"""Byte-identical builds: the same budget gives the same PDF, XLSX and DOCX, so that a bureau can
see that a re-published file did not change, and an archive can verify one.

Three things embed the moment of a build: the document properties (openpyxl's created/modified,
python-docx's core properties, typst's document date), and the timestamps of the members of the
zip that an XLSX or DOCX is. They all take one time instead: ``SOURCE_DATE_EPOCH`` when set (the
reproducible-builds.org convention, seconds since 1970 UTC), else 1 January of the budget's year —
a date that says which budget it is and never changes between two builds.
"""
from __future__ import annotations

import datetime as dt
import io
import os
import zipfile

_ZIP_EPOCH = dt.datetime(1980, 1, 1)  # the earliest time a zip member can carry


def build_time(year: int) -> dt.datetime:
    """The time written into a document: SOURCE_DATE_EPOCH, else 1 January of ``year`` (UTC, naive)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).replace(tzinfo=None)
    return dt.datetime(min(max(year, 1980), 9999), 1, 1)


def fixed_zip(data: bytes, when: dt.datetime) -> bytes:
    """The zip ``data`` with every member dated ``when`` (the libraries date them with the clock),
    members, order and compression unchanged."""
    stamp = max(when, _ZIP_EPOCH).timetuple()[:6]
    output = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(output, "w") as target:
        for member in source.infolist():
            info = zipfile.ZipInfo(member.filename, stamp)
            info.compress_type = member.compress_type
            info.external_attr = member.external_attr
            target.writestr(info, source.read(member))
    return output.getvalue()
