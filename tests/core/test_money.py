from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

from yusuan.money import AmountError, fmt_percent, fmt_prose, fmt_table, fmt_yuan, parse_amount, rounding_bound, to_wan


def test_wan_rounds_half_up_from_the_exact_value():
    assert to_wan(Decimal("66407100")) == Decimal("6640.71")
    assert to_wan(Decimal("50")) == Decimal("0.01")  # 0.005 万元 rounds up, not to even
    assert to_wan(Decimal("49.99")) == Decimal("0.00")
    assert to_wan(Decimal("3994326")) == Decimal("399.43")


def test_formats_as_the_seed_prints_them():
    assert fmt_table(Decimal("6640.71")) == "6640.71"
    assert fmt_table(Decimal("5441")) == "5441.00"
    assert fmt_table(None) == ""
    assert fmt_prose(Decimal("6640.71")) == "6,640.71"
    assert fmt_yuan(Decimal("445349.10")) == "445,349.1"
    assert fmt_yuan(Decimal("2970000.00")) == "2,970,000"
    assert fmt_yuan(Decimal("3994326"), grouped=False) == "3994326"
    assert fmt_percent(Decimal("6037.95"), Decimal("6640.71")) == "90.92%"
    assert fmt_percent(Decimal(0), Decimal("6640.71")) == "0%"


@pytest.mark.parametrize("bad", [1.5, "abc", "-3", "NaN", None, True])
def test_refuses_what_is_not_an_exact_amount(bad):
    with pytest.raises(AmountError):
        parse_amount(bad)


def test_parses_grouped_strings_exactly():
    assert parse_amount("1,234.56") == Decimal("1234.56")
    assert parse_amount(7) == Decimal(7)


@given(st.lists(st.integers(min_value=0, max_value=10**10), min_size=1, max_size=30))
def test_displayed_children_stay_within_the_rounding_bound_of_their_displayed_sum(cents):
    amounts = [Decimal(c) / 100 for c in cents]
    shown = sum(to_wan(a) for a in amounts)
    assert abs(shown - to_wan(sum(amounts))) <= rounding_bound(len(amounts))
