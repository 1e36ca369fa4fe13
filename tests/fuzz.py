"""How many examples a fuzz test tries: its own small budget, so that CI stays quick, scaled by the
hypothesis profile in use — ``YUSUAN_FUZZ=deep`` loads the profile "deep" (tests/conftest.py),
twenty times hypothesis' default of 100 examples, so each fuzz test tries twenty times its budget."""
from __future__ import annotations

from hypothesis import settings

DEFAULT = 100  # hypothesis' own max_examples, which the "default" profile keeps


def examples(budget: int) -> int:
    """``budget`` examples under the default profile; scaled as the loaded profile scales 100.
    (A test's own ``max_examples`` overrides any profile: hence this, not the profile alone.)"""
    return max(1, budget * settings().max_examples // DEFAULT)
