"""Text that an XLSX or DOCX file can hold.

XML 1.0 has no way to write the control characters U+0000–U+001F (other than tab, line feed
and carriage return), the surrogates or U+FFFE/U+FFFF: openpyxl raises IllegalCharacterError
and python-docx ValueError when one reaches a cell or a paragraph, long after the file that
brought it was read. So they are dealt with where text comes in: a budget (written by a
person, who can fix it) is refused with the place; a Report (often read from a PDF, where such
a character is debris of the extraction) has them removed.
"""
from __future__ import annotations

import re

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def first_bad(text: str) -> str | None:
    """The first character of ``text`` that XML cannot hold, as U+XXXX, or None."""
    match = _NOT_XML.search(text)
    return None if match is None else f"U+{ord(match.group()):04X}"


def clean(text: str) -> str:
    # isprintable() is false for every character _NOT_XML matches (categories Cc, Cs, Cn): a
    # printable text (most labels) has nothing to remove, known without the regex.
    return text if text.isprintable() else _NOT_XML.sub("", text)


def is_clean(value: object) -> bool:
    """Whether ``walk(value, clean)`` would change nothing: every string in it XML can hold."""
    if isinstance(value, str):
        return value.isprintable() or _NOT_XML.search(value) is None
    if isinstance(value, dict):
        # A row's labels and amounts: str keys, str or number values, told apart without a call each.
        for key, item in value.items():
            if key.__class__ is str:
                if not (key.isprintable() or _NOT_XML.search(key) is None):
                    return False
            elif not is_clean(key):
                return False
            if item.__class__ is str:
                if not (item.isprintable() or _NOT_XML.search(item) is None):
                    return False
            elif isinstance(item, _WALKED) and not is_clean(item):
                return False
        return True
    if isinstance(value, (list, tuple)):
        # Likewise a list of texts or of models (a report's tables, rows): a call only for a container.
        for item in value:
            if item.__class__ is str:
                if not (item.isprintable() or _NOT_XML.search(item) is None):
                    return False
            elif isinstance(item, _WALKED) and not is_clean(item):
                return False
        return True
    return True


_WALKED = (str, list, tuple, dict)  # what walk goes into


def walk(value: object, on_text) -> object:
    """``value`` with ``on_text`` applied to every string in it (in lists, tuples and dicts, keys too)."""
    if isinstance(value, str):
        return on_text(value)
    if isinstance(value, list):
        return [walk(v, on_text) for v in value]
    if isinstance(value, tuple):
        return tuple(walk(v, on_text) for v in value)
    if isinstance(value, dict):
        return {walk(k, on_text): walk(v, on_text) for k, v in value.items()}
    return value
