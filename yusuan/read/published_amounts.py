"""Which column does each number of a row belong to?

Extracted text loses the empty cells in the middle or at the end of a row, so spacing alone
cannot always say where a number goes. The template says which amount column is a total of
which others (its ``where``-filtered siblings under the same header); with that, the reader
tries every order-preserving placement of the row's numbers into the columns and keeps the
ones where every total equals the sum of its parts (within the display-rounding bound).
The spacing, when it is exact, decides among those.
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from itertools import combinations

from ..money import MAX_AMOUNT, rounding_bound
from ..templates import TableSpec

AMOUNT = re.compile(r"^-?(?:\d{1,3}(?:,\d{3})+|\d+)\.\d{2}$")


def is_amount(field: str) -> bool:
    """An amount as tables print it (1,234.56), and within what a report can hold (money.MAX_AMOUNT):
    a wider figure in a mangled file is text the reader reports, not a number that breaks the Report."""
    return bool(AMOUNT.match(field)) and len(field) <= 25 and abs(to_decimal(field)) <= MAX_AMOUNT


def to_decimal(field: str) -> Decimal:
    try:
        return Decimal(field.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - AMOUNT has matched
        raise ValueError(field) from None


def identities(spec: TableSpec, keys: tuple[str, ...]) -> tuple[tuple[int, tuple[int, ...]], ...]:
    """(total index, part indexes) among ``keys``: the template's column sums (TableSpec.column_sums)."""
    index = {key: i for i, key in enumerate(keys)}
    return tuple((index[total], tuple(index[p] for p in parts)) for total, parts in spec.column_sums(keys))


def _holds(cells: list[Decimal | None], rules) -> bool:
    for total, parts in rules:
        amounts = [cells[p] or Decimal(0) for p in parts]
        if abs((cells[total] or Decimal(0)) - sum(amounts, Decimal(0))) > rounding_bound(len(parts)):
            return False
    return True


def place(fields: list[str], spec: TableSpec, keys: tuple[str, ...]) -> tuple[dict[str, Decimal | None], str | None]:
    """The row's amount fields (empty strings are empty cells) placed into the columns ``keys``.

    Returns (values by key, problem or None). Spacing is trusted when it gives exactly one
    field per column (or fewer, left-aligned, once trailing empties are dropped) and the
    identities hold; otherwise the identities choose, the leftmost placement first.
    """
    n = len(keys)
    rules = identities(spec, keys)
    numbers = [to_decimal(f) for f in fields if f]
    empty: dict[str, Decimal | None] = {k: None for k in keys}
    if not numbers:
        return empty, None
    if len(numbers) > n:
        return empty, f"{len(numbers)} numbers for {n} amount columns: " + " ".join(f for f in fields if f)
    trimmed = list(fields)
    while len(trimmed) > n and trimmed and trimmed[-1] == "":
        trimmed.pop()
    spaced = [i for i, f in enumerate(trimmed) if f] if len(trimmed) <= n else None

    def cells_of(positions) -> list[Decimal | None]:
        cells: list[Decimal | None] = [None] * n
        for pos, number in zip(positions, numbers):
            cells[pos] = number
        return cells

    if spaced is not None and _holds(cells_of(spaced), rules):
        return dict(zip(keys, cells_of(spaced))), None
    fitting = [c for c in combinations(range(n), len(numbers)) if _holds(cells_of(c), rules)]
    if fitting:
        return dict(zip(keys, cells_of(fitting[0]))), None
    positions = spaced if spaced is not None else tuple(range(len(numbers)))
    return dict(zip(keys, cells_of(positions))), "the numbers do not add up in any placement: " + " ".join(f for f in fields if f)
