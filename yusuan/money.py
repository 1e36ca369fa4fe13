"""Exact amounts: 元 as Decimal, 万元 for display, half-up rounding per displayed cell.

No float ever touches money: amounts are parsed from strings or ints, summed exactly,
and rounded only when a cell is displayed (docs/architecture.md, "A table").
"""
from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

YUAN_PER_WAN = Decimal(10000)
ZERO = Decimal(0)


class AmountError(ValueError):
    """A value that is not an exact, non-negative amount."""


# What docs/budget-format.md calls a number, the one rule for YAML, the workbook and report.json:
# digits with an optional sign and decimals, no leading zero (013 is a code, not 13), or
# thousands grouped by three (1,234.56). Not 1.000,00 (European), 1,0,0, .5, 1e3, 0x10, ０１.
# ASCII digits only: Python's Decimal would read full-width １２ as 12.
_PLAIN = re.compile(r"[-+]?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?")
_GROUPED = re.compile(r"[-+]?[1-9][0-9]{0,2}(?:,[0-9]{3})+(?:\.[0-9]+)?")
# report.json is written by a program: Python writes some Decimals as 1E+2, so there (only) an
# exponent is read too, and the magnitude check below refuses 1e10000000 before any arithmetic.
_SCIENTIFIC = re.compile(r"[-+]?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?[eE][-+]?[0-9]{1,9}")
MAX_AMOUNT = Decimal(10) ** 15  # 元: a thousand trillion, beyond any unit's budget; more is a typo or an attack
MAX_DIGITS = 28  # Decimal's precision: a 29th significant digit would be rounded away in a sum, silently
MAX_DECIMALS = 10  # finer than 10⁻¹⁰ is no amount; bounding it keeps every sum exact at 28 digits
_MAX_TEXT = 64  # characters: no number we accept is longer, and a 10-million-digit text is not echoed


def number(text: str, *, scientific: bool = False) -> Decimal | None:
    """The Decimal ``text`` writes when it is a number as docs/budget-format.md lists them, else None."""
    text = text.strip()
    if len(text) > _MAX_TEXT:
        return None
    if _PLAIN.fullmatch(text) or (scientific and _SCIENTIFIC.fullmatch(text)):
        return Decimal(text)
    if _GROUPED.fullmatch(text):
        return Decimal(text.replace(",", ""))
    return None


def _shown(value: object) -> str:
    text = repr(value) if not isinstance(value, Decimal) else str(value)
    return text if len(text) <= 40 else text[:20] + f"…({len(text)} characters)"


def check_amount(amount: Decimal, *, allow_negative: bool = False, what: object = None) -> Decimal:
    """``amount`` if it is finite, within 10¹⁵ 元 and exact in Decimal's 28 digits; else AmountError."""
    shown = _shown(amount if what is None else what)
    if not amount.is_finite():
        raise AmountError(f"{shown} is not an amount")
    if amount.copy_abs() > MAX_AMOUNT:
        raise AmountError(f"amount {shown} is over 10^15 元 (the limit of an amount)")
    sign, digits, exponent = amount.as_tuple()
    if exponent < -MAX_DECIMALS and amount != amount.quantize(Decimal(1).scaleb(-MAX_DECIMALS), rounding=ROUND_HALF_UP):
        raise AmountError(f"amount {shown} has more than {MAX_DECIMALS} decimals")
    if len(digits) > MAX_DIGITS and amount != amount.normalize():
        raise AmountError(f"amount {shown} has more than {MAX_DIGITS} significant digits: it would be rounded")
    if amount < 0 and not allow_negative:
        raise AmountError(f"amount {shown} is negative")
    return amount


def within_limits(amount: Decimal) -> bool:
    """Whether ``amount`` (negative or not) passes check_amount: a figure a reader finds in prose
    that does not — 20 digits in a mangled text — is left as text, not made a claim that fails."""
    try:
        check_amount(amount, allow_negative=True)
    except AmountError:
        return False
    return True


def parse_amount(value: object, *, allow_negative: bool = False, scientific: bool = False) -> Decimal:
    """An exact Decimal from an int, Decimal or numeric string (see ``number``) — the one function
    that decides what an amount is, for the YAML, the workbook and report.json.

    Floats are refused: a YAML `1234.56` arrives as a Decimal (see budget loader), so a float
    here means a bug that would lose cents.
    """
    if isinstance(value, bool) or isinstance(value, float):
        raise AmountError(f"amount {value!r} must be written exactly (a number in 元, not a float)")
    if isinstance(value, int):
        if abs(value) > MAX_AMOUNT:  # before Decimal(): a 5000-digit int is refused, not converted
            raise AmountError(f"amount {_shown(value)} is over 10^15 元 (the limit of an amount)")
        amount = Decimal(value)
    elif isinstance(value, Decimal):
        amount = value
    elif isinstance(value, str):
        amount = number(value, scientific=scientific)
        if amount is None:
            raise AmountError(f"{_shown(value)} is not an amount")
    else:
        raise AmountError(f"{_shown(value)} is not an amount")
    return check_amount(amount, allow_negative=allow_negative, what=value)


_QUANTA = {places: Decimal(1).scaleb(-places) for places in range(7)}  # 0.01 for 2: made once, not per cell


def round_half_up(amount: Decimal, places: int = 2) -> Decimal:
    quantum = _QUANTA.get(places) or Decimal(1).scaleb(-places)
    return amount.quantize(quantum, rounding=ROUND_HALF_UP)


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
