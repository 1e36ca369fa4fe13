"""CSV cells that a spreadsheet shows and never runs (OWASP's rule against CSV injection).

Excel, LibreOffice and WPS read a CSV cell starting with ``=``, ``+``, ``-`` or ``@`` as a
formula (``=HYPERLINK("http://…?"&A1, …)`` sends the neighbouring cells away), and a leading
tab or carriage return hides such a start from a naive check. Such a cell is written with a
single quote in front, which the spreadsheet shows as text. A number stays a number: ``-12.50``
is an amount, not a formula, and prefixing it would turn a refund into text.
"""
from __future__ import annotations

import re

_DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def cell(value: object) -> object:
    """``value`` as it may be written into a CSV: strings neutralised, other values unchanged."""
    if isinstance(value, str) and value.startswith(_DANGEROUS_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def row(values) -> list:
    return [cell(value) for value in values]
