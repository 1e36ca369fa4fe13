"""On Dask a batch is run again alone under a key of its own (yusuan/corpus/ingest.py run_dask).
A batch of one input that failed whole is run again with the same call, and its batch name is
the same: under the same key, while Dask still held the first task (its release not yet seen by
the client — a race that tests/corpus/test_dask_limits.py met in about half its runs, where the
slow input was not run again — or another ingest of the same inputs on the cluster), the rerun
was that task, its old result given back, and nothing ran again."""
from __future__ import annotations

import pytest

import yusuan.corpus.ingest as ingest

pytest.importorskip("distributed")

RUNS: list[str] = []


def _counted(limits, root, batch, items, template, catalog_files, parent):
    """limited_batch's stand-in: each run of a batch counted, a failed outcome as a dead child's."""
    RUNS.append(batch)
    return ("failed", f"run {len(RUNS)}")


@pytest.fixture
def client():
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        yield client


def test_a_batch_run_again_runs_again_on_dask(client, monkeypatch):
    from distributed import Future

    monkeypatch.setattr(ingest, "limited_batch", _counted)
    # The first run's futures not released (as when the release is still on its way to the
    # client's event loop, or another client holds the same key): only their keys set them apart.
    monkeypatch.setattr(Future, "release", lambda self: None)
    RUNS.clear()
    call = ("/nowhere", "b0123456789abcdef012", [], None, (), None)
    seen: list = []
    assert ingest.run_dask(client, [call], lambda index, result: seen.append(result)) == [0]
    assert ingest.run_dask(client, [call], lambda index, result: seen.append(result)) == [0]
    assert RUNS == ["b0123456789abcdef012"] * 2
    assert seen == [("failed", "run 1"), ("failed", "run 2")]
