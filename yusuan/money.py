"""Exact amounts: 元 as Decimal, 万元 for display, half-up rounding per displayed cell.

No float ever touches money: amounts are parsed from strings or ints, summed exactly,
and rounded only when a cell is displayed (DESIGN.md, "Money is exact").
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
YUAN_PER_WAN = Decimal(10000)
ZERO = Decimal(0)


class AmountError(ValueError):
    """A value that is not an exact, non-negative amount."""


def parse_amount(value: object, *, allow_negative: bool = False) -> Decimal:
    """An exact Decimal from an int, Decimal or numeric string ("1,234.5" allowed).

    Floats are refused: a YAML `1234.56` arrives as a string (see budget loader),
    so a float here means a bug that would lose cents.
    """
    if isinstance(value, bool) or isinstance(value, float):
        raise AmountError(f"amount {value!r} must be written exactly (a number in 元, not a float)")
    if isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, Decimal):
        amount = value
    elif isinstance(value, str):
        text = value.strip().replace(",", "")
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise AmountError(f"{value!r} is not an amount") from None
        if not amount.is_finite():
            raise AmountError(f"{value!r} is not an amount")
    else:
        raise AmountError(f"{value!r} is not an amount")
    if amount < 0 and not allow_negative:
        raise AmountError(f"amount {value!r} is negative")
    return amount


def round_half_up(amount: Decimal, places: int = 2) -> Decimal:
    return amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def to_wan(yuan: Decimal) -> Decimal:
    """元 → 万元, displayed to two decimals, rounded half-up from the exact value."""
    return round_half_up(yuan / YUAN_PER_WAN)


def to_unit(yuan: Decimal, unit: str) -> Decimal:
    """The displayed value of an exact 元 amount in a table's unit (万元 or 元)."""
    if unit == "万元":
        return to_wan(yuan)
    if unit == "元":
        return round_half_up(yuan)
    raise ValueError(f"unknown unit {unit!r}")


def fmt_table(value: Decimal | None) -> str:
    """A table cell as the seed prints it: `6640.71`; empty for no value."""
    return "" if value is None else f"{value:.2f}"


def fmt_prose(value: Decimal) -> str:
    """An amount in prose: `6,640.71` (thousands separators, two decimals)."""
    return f"{value:,.2f}"


def fmt_yuan(value: Decimal, grouped: bool = True) -> str:
    """元 in performance tables: `2,970,000`, `445,349.1`; ungrouped `3994326`."""
    normal = value.normalize()
    if normal == normal.to_integral_value():
        normal = normal.quantize(Decimal(1))
    text = f"{normal:,f}" if grouped else f"{normal:f}"
    return text


def fmt_percent(numerator: Decimal, denominator: Decimal) -> str:
    """A share or growth rate as the seed prints it: `90.92%`, `0%` for nothing."""
    if denominator == 0 or numerator == 0:
        return "0%"
    return f"{round_half_up(numerator * 100 / denominator)}%"


def percent(numerator: Decimal, denominator: Decimal) -> Decimal:
    if denominator == 0:
        return ZERO
    return round_half_up(numerator * 100 / denominator)


def rounding_bound(count: int) -> Decimal:
    """Largest gap between n displayed values (each within 0.005) and their displayed sum."""
    return Decimal("0.005") * (count + 1)
