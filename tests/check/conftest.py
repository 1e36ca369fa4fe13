"""Shared reports: the seed as published (read back by yusuan.read) and as derived from its budget."""
from __future__ import annotations

from pathlib import Path

import pytest
from tests.contexts import SHANXI, DETECT

ROOT = Path(__file__).resolve().parents[2]
SEED_TEXT = ROOT / "tests" / "data" / "tunliu-police-2024.txt"
SEED_BUDGET = ROOT / "examples" / "tunliu-police-2024" / "budget.yaml"


@pytest.fixture(scope="session")
def derived_seed():
    from yusuan.derive import derive
    from yusuan.inputs import read_budget

    return derive(read_budget(SEED_BUDGET), SHANXI)


@pytest.fixture(scope="session")
def published_seed():
    from yusuan.read.published import published

    return published(SEED_TEXT, DETECT).report


@pytest.fixture
def seed(derived_seed):
    """A fresh copy of the derived seed, for a test to change."""
    return derived_seed.model_copy(deep=True)
