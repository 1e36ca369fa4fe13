"""Limits for files nobody checked (issue 13): a journalist's downloads, a bureau's inbox.

Each limit bounds what one input may cost — bytes read, nesting, cells, errors listed — so a
tiny hostile file is refused with its place instead of taking minutes and gigabytes. The
defaults are far above any real budget; each can be raised with an environment variable
``YUSUAN_MAX_<NAME>`` (``YUSUAN_MAX_SHEET_ROWS=1000000``), documented in docs/limits.md.
"""
from __future__ import annotations

import os

DEFAULTS = {
    "json_bytes": 200_000_000,  # report.json
    "workbook_bytes": 500_000_000,  # uncompressed size of all parts of an .xlsx (its zip directory)
    "sheet_bytes": 200_000_000,  # uncompressed size of one worksheet's XML
    "sheet_rows": 200_000,  # rows read from one sheet
    "sheet_columns": 200,  # columns read from one sheet (the template uses fewer than 30)
    "errors": 100,  # errors listed for one file; then "… and N more"
}


def limit(name: str) -> int:
    """The limit ``name``, from ``YUSUAN_MAX_<NAME>`` when set to a whole number."""
    text = os.environ.get(f"YUSUAN_MAX_{name.upper()}", "").strip()
    return int(text) if text.isdigit() else DEFAULTS[name]


def env_name(name: str) -> str:
    return f"YUSUAN_MAX_{name.upper()}"
