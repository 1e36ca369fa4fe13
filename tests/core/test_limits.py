"""yusuan.limits: a limit set in the environment is taken only when it is a whole number int reads."""
from __future__ import annotations

import pytest

from yusuan.limits import DEFAULTS, is_whole, limit


@pytest.mark.parametrize("text", ["¹", "①", "٣", "9" * 5000, "", "-1", "1.5", "1e6", " "])
def test_a_limit_set_to_what_int_cannot_read_keeps_its_default(monkeypatch, text):
    # ¹ and ① are digits to str.isdigit (int refuses them: a ValueError in every batch that asked);
    # ٣ is a digit int reads, but not an ASCII one; 5,000 digits are over int's 4,300.
    monkeypatch.setenv("YUSUAN_MAX_ERRORS", text)
    assert limit("errors") == DEFAULTS["errors"]


def test_a_limit_set_to_a_whole_number_is_taken(monkeypatch):
    monkeypatch.setenv("YUSUAN_MAX_ERRORS", " 7 ")
    assert limit("errors") == 7


def test_is_whole_counts_ascii_digits_up_to_its_bound():
    assert is_whole("2024", 4) and not is_whole("20245", 4) and not is_whole("２０２４", 4) and not is_whole("", 4)
