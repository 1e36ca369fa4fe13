"""The tables of a corpus and their Arrow schemas.

Money and every other figure is DECIMAL(38, 6): exact, wide enough for any amount a Report
admits (below 10^12 元) and for the decimals of a percentage; a value that would not fit
exactly is stored as NULL with a problem row saying so — never rounded, never a float.
"""
from __future__ import annotations

import os

# Arrow's default allocator (mimalloc) reserves a 1 GB arena at its first allocation: in a batch
# worker, under the 2 GB address-space limit of yusuan/batch.py, that would leave the PDF
# reader's child (which inherits the worker's address space) a few hundred MB. The system
# allocator reserves nothing ahead; the rows of a batch are small. Read when pyarrow is loaded.
os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")

import pyarrow as pa  # noqa: E402

DECIMAL = pa.decimal128(38, 6)
TEXT = pa.string()
INT = pa.int32()

COLUMNS: dict[str, list[tuple[str, pa.DataType]]] = {
    # one row per input: what it is, how it was read, how many of each kind of row it gave
    "reports": [
        ("report_id", TEXT),  # sha256 of the content with the layout and catalogs it was read in
        ("content_sha256", TEXT),  # of the file's bytes alone
        ("file", TEXT),  # the path as the ingest was given it
        ("name", TEXT),  # the file's name
        ("bytes", pa.int64()),
        ("input_kind", TEXT),  # budget | report.json | published
        ("status", TEXT),  # ok | unreadable | failed (our bug, a crash, over the time limit)
        ("error", TEXT),
        ("template", TEXT),
        ("year", INT),
        ("unit_name", TEXT),
        ("tables", INT),
        ("cells", INT),
        ("claims", INT),
        ("projects", INT),
        ("findings_error", INT),
        ("findings_warning", INT),
        ("findings_rounding", INT),
        ("problems", INT),
        ("seconds", pa.float64()),  # time to read, check and extract (a measure, not an amount)
        ("catalogs", TEXT),  # sha256 of each --catalog file read with, comma-separated (catalogs/<sha256>.csv)
        ("report_json", TEXT),  # the Report whole, as `yusuan build -f json` writes it (`yusuan serve CORPUS` loads it)
        ("budget_json", TEXT),  # a budget input: the Budget read (the unit's code, department, region)
    ],
    # every amount cell of every table: one row per (row, column) with a value
    "cells": [
        ("report_id", TEXT),
        ("table_id", TEXT),
        ("table_title", TEXT),
        ("table_unit", TEXT),  # 万元 or 元: the unit of value
        ("row_index", INT),  # the row's position in its table, from 0
        ("row_code", TEXT),  # classification code or project id, when the row has one
        ("row_level", INT),  # 0 total, 1 类, 2 款, 3 项 (projects: 0 dept, 1 unit, 2 project)
        ("row_name", TEXT),  # the row's label (name, else the first label)
        ("row_labels", TEXT),  # every label of the row, as a JSON object keyed by column key
        ("column_key", TEXT),
        ("value", DECIMAL),
        ("place", TEXT),  # p.9 l.412 for a report read from a document
    ],
    # the figures of the prose
    "claims": [
        ("report_id", TEXT),
        ("section", TEXT),  # 一 … 十二
        ("section_title", TEXT),
        ("claim_index", INT),
        ("subject", TEXT),  # income.total, general.class.204 … (docs/claims.md)
        ("value", DECIMAL),
        ("unit", TEXT),
        ("text", TEXT),
        ("relation", TEXT),
        ("reason", TEXT),
    ],
    # 项目支出绩效目标表: one row per project form, funding by level in 元
    "projects": [
        ("report_id", TEXT),
        ("project_index", INT),
        ("project_name", TEXT),
        ("year", INT),
        ("department", TEXT),
        ("implementing_unit", TEXT),
        ("attribute", TEXT),
        ("period", TEXT),
        *[(f"{phase}_{level}", DECIMAL) for phase in ("implementation", "annual")
          for level in ("total", "central", "provincial", "local", "self_raised", "other")],
        ("goal_implementation", TEXT),
        ("goal_annual", TEXT),
        ("overview", TEXT),
        ("place", TEXT),
    ],
    # the indicator rows of the project forms
    "indicators": [
        ("report_id", TEXT),
        ("project_index", INT),
        ("project_name", TEXT),
        ("indicator_index", INT),
        ("level1", TEXT),
        ("level2", TEXT),
        ("level3", TEXT),
        ("value", TEXT),  # as printed: ≥3550人次, 100%, 及时
        ("annual_level2", TEXT),
        ("annual_level3", TEXT),
        ("annual_value", TEXT),
    ],
    # Shanghai's 项目经费情况说明 pages (amount in 万元 as printed)
    "project_notes": [
        ("report_id", TEXT),
        ("note_index", INT),
        ("project", TEXT),
        ("title", TEXT),
        ("amount", DECIMAL),
        ("purpose", TEXT),
        ("targets", TEXT),
    ],
    # what `yusuan check` finds in each report
    "findings": [
        ("report_id", TEXT),
        ("finding_index", INT),
        ("rule", TEXT),
        ("severity", TEXT),
        ("location", TEXT),  # as check prints it: 表5 204 [total]
        ("table_id", TEXT),
        ("row", TEXT),
        ("column_key", TEXT),
        ("section", TEXT),
        ("project", TEXT),
        ("quote", TEXT),
        ("place", TEXT),
        ("message", TEXT),
        ("expected", TEXT),
        ("found", TEXT),
        ("arithmetic", TEXT),
    ],
    # what the reader noted, why an input could not be read, values that could not be stored
    "problems": [
        ("report_id", TEXT),
        ("file", TEXT),
        ("kind", TEXT),  # unreadable | failed | note | value
        ("message", TEXT),
    ],
}

TABLES = tuple(COLUMNS)
SCHEMAS = {name: pa.schema(columns) for name, columns in COLUMNS.items()}


def arrow_table(name: str, rows: list[dict]) -> pa.Table:
    """``rows`` (dicts keyed by column name; a missing key is NULL) as the table's Arrow table."""
    schema = SCHEMAS[name]
    return pa.table({field.name: pa.array([row.get(field.name) for row in rows], field.type) for field in schema},
                    schema=schema)
