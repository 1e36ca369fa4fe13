"""A corpus: many reports read and checked into Parquet tables, with a DuckDB database over them.

Layout of a corpus folder (docs/scale.md, "A corpus"):

    CORPUS/
      corpus.json                 what this folder is (schema version), written when it is made
      parts/<table>/<batch>.parquet   the rows of one batch of inputs, one file per table
      batches/<batch>.json        the commit of a batch: its inputs and their outcome, written last
      corpus.duckdb               views over the committed parts (rebuilt at the end of each ingest)
      catalogs/<sha256>.csv       the --catalog files the ingest read with

Each ok report's reports row holds the report whole (``report_json``, the Report's JSON as
`yusuan build -f json` writes it; ``budget_json`` for a budget): `yusuan serve CORPUS` publishes
from it without the source files. Parts written before those columns (a corpus of an earlier
yusuan) lack them; the views read the parts by column name, so such a corpus still opens.

A batch counts only once its ``batches/<batch>.json`` exists; part files are each written to a
temporary name and renamed, so a kill at any moment leaves whole files only, and parts with no
commit (a batch cut short) are removed by the next ingest. A rerun skips every input whose
report id (its content hash, with the layout and catalogs it was read with) a commit lists.
"""
from __future__ import annotations

SCHEMA_VERSION = 1
