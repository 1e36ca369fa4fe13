"""The same ingest on a Dask LocalCluster of two worker processes gives the same corpus."""
from __future__ import annotations

import pytest

from .helpers import contents, yusuan

pytest.importorskip("distributed")


def test_dask_local_cluster_equals_the_local_run(inputs, baseline, tmp_path):
    corpus = tmp_path / "corpus"
    result = yusuan("ingest", *inputs, "--out", corpus, "--dask-local", 2, timeout=120)
    assert "on Dask (2 local workers)" in result.stderr and "61 read" in result.stderr
    assert contents(corpus) == contents(baseline)
    # the same batches, so the same part files: a Dask run and a local one can add to one corpus
    assert sorted(p.name for p in (corpus / "batches").iterdir()) == sorted(p.name for p in (baseline / "batches").iterdir())
    again = yusuan("ingest", *inputs, "--out", corpus, "--jobs", 2)
    assert "ingested 0 inputs" in again.stderr
