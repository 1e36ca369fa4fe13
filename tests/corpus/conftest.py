"""A folder of generated budgets and the corpus of one uninterrupted ingest, made once."""
from __future__ import annotations

import pytest

from .helpers import SEED_TEXT, yusuan


@pytest.fixture(scope="session")
def budgets(tmp_path_factory):
    """`yusuan synth --units 20 --seed 1`: 60 budgets (three years of 20 units)."""
    folder = tmp_path_factory.mktemp("synth")
    yusuan("synth", "--units", 20, "--seed", 1, "-o", folder)
    return folder


@pytest.fixture(scope="session")
def inputs(budgets):
    """The generated budgets and the seed's published text (read back, its layout detected)."""
    return [budgets, SEED_TEXT]


@pytest.fixture(scope="session")
def baseline(inputs, tmp_path_factory):
    """One uninterrupted ingest on this machine, default batches."""
    corpus = tmp_path_factory.mktemp("baseline") / "corpus"
    result = yusuan("ingest", *inputs, "--out", corpus, "--jobs", 2)
    assert "61 read, 0 unreadable, 0 failed" in result.stderr
    return corpus
