"""What every rule needs: finding rows in a table, and comparing a displayed sum with its terms.

Rows are found by what a reader can see too — a row's code, its level, its label — never by
position, so a Report read from a PDF is checked like a derived one.
"""
from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache
from itertools import chain
from operator import attrgetter
from typing import Callable, TypeVar

from ..money import ZERO, rounding_bound
from ..report import Row, Table
from . import Finding, Location

NUMBERING = re.compile(r"^[一二三四五六七八九十]+、|^[①②③④⑤⑥⑦⑧⑨⑩]")


T = TypeVar("T")
_RUN: dict | None = None  # memo of one check() run: parsed summaries, claim lists (see memo)


def begin_run() -> None:
    global _RUN
    _RUN = {}


def end_run() -> None:
    global _RUN
    _RUN = None


def memo(key: tuple, compute: Callable[[object], T], of: object) -> T:
    """``compute(of)`` once per check() run — rules share parsed tables, claims, indexes — and
    outside a run (a rule called on its own) always fresh, so nothing stale is ever judged.

    ``key`` names the value and what it is of: ``of``'s id (``("summary", id(table))``), with
    what else the value depends on. ``of`` is kept with the value, so that its id cannot be
    reused while the run lasts. ``compute`` is best a module-level function (``Summary``,
    ``_claims``): a hit then costs one lookup and no closure (rules ask ~200 times a check); a
    closure where the value needs more than ``of`` (a separator, a label), still given ``of``."""
    if _RUN is not None:
        found = _RUN.get(key)
        if found is not None:
            return found[1]
        value = compute(of)
        _RUN[key] = (of, value)
        return value
    return compute(of)


def table(report, table_id: str) -> Table | None:
    """``report.table(table_id)``, from an index of the report's tables made once per check()
    run (every rule asks for its tables: a scan of the list each time added up)."""
    if _RUN is None:
        return report.table(table_id)
    key = ("tables", id(report))
    if key not in _RUN:
        first: dict[str, Table] = {}
        for t in report.tables:
            first.setdefault(t.id, t)
        _RUN[key] = (report, first)  # the report kept: its id cannot be reused during the run
    return _RUN[key][1].get(table_id)


def fmt(value: Decimal | None) -> str:
    """A value as findings show it: two decimals. A Decimal already of two decimals (every 万元
    cell) reads the same through ``str``, which costs a quarter of ``format``."""
    if value is None:
        return "空"
    text = str(value)
    return text if text[-3:-2] == "." else f"{value:.2f}"


def _signed(gap: Decimal) -> str:
    """``f"{gap:+.2f}"``, by way of ``fmt``."""
    text = fmt(gap)
    return text if text[0] == "-" else "+" + text


@lru_cache(maxsize=4096)
def norm(text: str) -> str:
    """A label without blanks, numbering (一、, ①) or full-width parentheses: what two
    spellings of the same item share."""
    text = "".join((text or "").split()).replace("（", "(").replace("）", ")")
    return NUMBERING.sub("", text)


def amount(value: Decimal | None) -> Decimal:
    """An empty cell counts as zero."""
    return ZERO if value is None else value


def row_name(row: Row) -> str:
    """How a finding names a row: its code, else its first label."""
    if row.code:
        return row.code
    for label in row.labels.values():
        if label:
            return label
    return "(空行)"


def row_by_label(table: Table | None, key: str, *labels: str) -> Row | None:
    """The first row whose label column ``key`` reads one of ``labels`` (numbering ignored)."""
    if table is None:
        return None
    wanted = {norm(label) for label in labels}
    return next((r for r in table.rows if norm(r.label(key)) in wanted), None)


def total_row(table: Table | None) -> Row | None:
    """The 合计 row of a table: the first row at level 0 (tables 12 and 13 start with their
    unit or department row instead). Found once per table and check run: most rules ask."""
    if table is None or not table.rows:
        return None
    return memo(("total_row", id(table)), _total_row, table)


def _total_row(table: Table) -> Row:
    for row in table.rows:
        if row.level == 0 and any(norm(v) in ("合计", "部门合计") for v in row.labels.values()):
            return row
    for row in table.rows:
        if row.code == "total":  # 预算公开表10
            return row
    return table.rows[0]


def coded_rows(table: Table | None) -> dict[str, Row]:
    """Rows keyed by classification code (functional tables)."""
    if table is None:
        return {}
    # Once per table and check run: ~9 rules of a template read the same tables by code (callers
    # only read it). The table is kept with its index, as in ``table``: its id is not reused.
    return memo(("coded_rows", id(table)), _coded_rows, table)


def _coded_rows(table: Table) -> dict[str, Row]:
    return {r.code: r for r in table.rows if r.code and r.code.isdigit()}


_VALUES = attrgetter("values")


def is_empty(table: Table | None) -> bool:
    """No amount in the table but empty cells and zeros: decided once per table and check run,
    in one pass that runs in C (no non-zero amount among all the rows' values)."""
    if table is None:
        return True
    return memo(("is_empty", id(table)), _is_empty, table)


def _is_empty(table: Table) -> bool:
    return not any(chain.from_iterable(map(dict.values, map(_VALUES, table.rows))))


_SPECS: dict[int, tuple] = {}


def spec_of(template, table_id: str):
    """``template.table(table_id)``, None where the template has no such table: from an index made
    once per template (rules ask for every table of every report)."""
    found = _SPECS.get(id(template))
    if found is None or found[0] is not template:
        found = _SPECS[id(template)] = (template, {spec.id: spec for spec in reversed(template.tables)})
    return found[1].get(table_id)


_BOUNDS: dict[int, Decimal] = {}


def bound(count: int) -> Decimal:
    """``rounding_bound(count)``, each made once (rules ask for it with every sum)."""
    found = _BOUNDS.get(count)
    if found is None:
        found = _BOUNDS[count] = rounding_bound(count)
    return found


def compare_sum(
    rule: str,
    location: Location,
    terms: list[tuple[str, Decimal | None]],
    shown: Decimal | None,
    message: str,
    exact: bool = False,
    cells: tuple[str, ...] = (),
) -> Finding | None:
    """A displayed value against the sum of displayed (or exact) terms.

    No finding when they agree. A gap within the rounding bound of the non-empty terms is
    ``rounding``; a single non-empty term must be equal (one exact value rounds one way),
    and so must terms marked ``exact`` (counts, 元 amounts). Beyond that: ``error``.
    ``cells``: the cells compared, given to the finding (see yusuan.check.grouped).
    """
    total = ZERO
    n = 0
    for _, value in terms:
        if value is not None:
            total += value
            n += 1
    gap = (ZERO if shown is None else shown) - total
    if not gap:
        return None  # most sums hold: nothing is formatted
    return _sum_finding(rule, location, terms, total, n, gap, shown, message, exact, cells)


def _sum_finding(rule, location, terms, total, n, gap, shown, message, exact, cells) -> Finding:
    limit = ZERO if exact or n <= 1 else bound(n)
    severity = "rounding" if abs(gap) <= limit else "error"
    if n:
        shown_terms = (f"{label} {fmt(value)}" if label else fmt(value) for label, value in terms if value is not None)
        left = " + ".join(shown_terms).replace("+ -", "− ")
    else:
        left = "0.00"
    total_text, shown_text = fmt(total), fmt(shown)
    if severity == "rounding":
        arithmetic = f"{left} = {total_text}, shows {shown_text} (gap {_signed(gap)} within rounding bound {_bound_text(n, limit)} for {n} terms)"
    else:
        arithmetic = f"{left} = {total_text}, shows {shown_text} (gap {_signed(gap)})"
    return Finding(rule, severity, location, message, total_text, shown_text, arithmetic, "", cells)


_BOUND_TEXTS: dict[int, str] = {}


def _bound_text(count: int, limit: Decimal) -> str:
    """``f"{limit:.3f}"`` for the rounding bound of ``count`` terms (or 0 for one), each made once."""
    found = _BOUND_TEXTS.get(count)
    if found is None or count <= 1:
        found = f"{limit:.3f}"
        if count > 1:
            _BOUND_TEXTS[count] = found
    return found


def compare_equal(
    rule: str,
    location: Location,
    expected: Decimal | None,
    found: Decimal | None,
    message: str,
    expected_what: str,
    bound: Decimal = ZERO,
    cells: tuple[str, ...] = (),
) -> Finding | None:
    """Two displays of one quantity: equal, or a gap within ``bound`` (rounding), or an error."""
    gap = (ZERO if found is None else found) - (ZERO if expected is None else expected)
    if not gap:
        return None
    severity = "rounding" if abs(gap) <= bound else "error"
    expected_text, found_text = fmt(expected), fmt(found)
    arithmetic = f"{expected_what} = {expected_text}, shows {found_text} (gap {_signed(gap)})"
    return Finding(rule, severity, location, message, expected_text, found_text, arithmetic, "", cells)


def compare_at_most(
    rule: str,
    location: Location,
    limit: Decimal | None,
    found: Decimal | None,
    message: str,
    limit_what: str,
    bound: Decimal = ZERO,
) -> Finding | None:
    """A part that cannot exceed a whole (the whole includes money the part leaves out)."""
    excess = (ZERO if found is None else found) - (ZERO if limit is None else limit)
    if excess <= 0:
        return None
    severity = "rounding" if excess <= bound else "error"
    arithmetic = f"{fmt(found)} > {limit_what} {fmt(limit)} (by {excess:.2f})"
    return Finding(rule, severity, location, message, f"≤ {fmt(limit)}", fmt(found), arithmetic)


def children_sums(table: Table, parent_level: int, child_level: int) -> list[tuple[Row, list[Row]]]:
    """Each row at ``parent_level`` with the rows at ``child_level`` that follow it up to the
    next row at ``parent_level`` or above (tables 6, 12, 13: the hierarchy is the order)."""
    groups: list[tuple[Row, list[Row]]] = []
    current: tuple[Row, list[Row]] | None = None
    for row in table.rows:
        if row.level <= parent_level:
            current = (row, []) if row.level == parent_level else None
            if current:
                groups.append(current)
        elif current and row.level == child_level:
            current[1].append(row)
    return groups
