"""Choose exact 元 amounts for a budget's line items so that every printed cell is met.

A published report shows each cell in 万元, rounded half-up from the exact sum it stands for;
the exact amounts behind it are not published. Given a budget YAML whose lines carry
*nominal* amounts (the displayed value × 10000) and the printed tables
(tests/data/tunliu-expected-tables.yaml), this tool finds whole-元 amounts, as close as
possible to the nominal ones, such that `derive(budget)` prints every cell as published,
and writes them back into the YAML in place (comments and layout kept).

How it knows which lines make a cell: it derives the report once with line i set to
2^i × 100 元, so each displayed cell (2^i/100 万元, exact) spells out in binary the set of
lines it sums — the cells are whatever `yusuan.derive` makes them, not a second copy of
its rules. Then it is an integer linear program (scipy's HiGHS):

    cell shows d  ⇔  d·10000 − 50 ≤ Σ x_i < d·10000 + 50      (元, half-up)
    Σ x_i over a project's current lines = its performance funding (exact)
    minimise Σ |x_i − nominal_i|

Lines whose nominal amount is not whole 元 (445,349.1) are kept as they are. If the program
is infeasible the printed cells contradict each other beyond rounding: the tool then drops
cells one at a time to name a smallest set whose removal makes it feasible (see
DISCREPANCIES.md for the arithmetic). It also sets `income` to the lines' sum and the
prior-year figures so that the explanations' changes come out as printed.

    python tools/fit_amounts.py examples/tunliu-police-2024/budget.yaml \
        tests/data/tunliu-expected-tables.yaml [--write] [--skip TABLE:ROW:COL ...]
"""
from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from pathlib import Path

import numpy as np
import yaml
from scipy.optimize import Bounds, LinearConstraint, milp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from yusuan.budget import Budget, FISCAL_SOURCES  # noqa: E402
from yusuan.derive import derive  # noqa: E402
from yusuan.money import percent, to_wan  # noqa: E402
from yusuan.read.budget_yaml import load_yaml  # noqa: E402
from yusuan.context import Context  # noqa: E402
from yusuan.templates import load as load_template  # noqa: E402

SHANXI = Context.create("shanxi-2024")  # the seed's layout

HALF = Decimal(50)  # half a displayed 0.01 万元, in 元
BATCH = 40  # lines probed at once: 2^40 × 100 元 stays under a report's limit of 10^15


@dataclass(frozen=True)
class Cell:
    table: str
    row: int
    col: str
    printed: str  # "" for an empty cell
    members: frozenset[int]  # indices of the lines the cell sums

    @property
    def place(self) -> str:
        return f"{self.table}:{self.row}:{self.col}"


def label_text(labels: dict[str, str], keys: list[str]) -> str:
    return "".join(labels.get(k, "") for k in keys)


def cells(budget: Budget, expected: dict) -> tuple[list[Cell], list[str]]:
    """Every amount cell of the expected tables with the lines it sums, and structural mismatches."""
    # Each line gets its own bit (2^i × 100 元 shows as 2^i × 0.01 万元), so a cell's value says which
    # lines it sums. A report holds amounts below 10^15 元, so the lines are probed in batches of
    # BATCH bits and the batches' members put together; the other lines keep 0.01 元 each (all of
    # them together round to 0.00 万元), so that every row and table derives as it does with money.
    batches = [range(start, min(start + BATCH, len(budget.lines))) for start in range(0, len(budget.lines), BATCH)]
    reports = []
    for batch in batches:
        probe = budget.model_copy(update={"lines": [
            line.model_copy(update={"amount": Decimal(2) ** (i - batch.start) * 100 if i in batch else Decimal("0.01")})
            for i, line in enumerate(budget.lines)]})
        reports.append((batch, derive(probe, SHANXI)))
    report = reports[0][1]
    template = load_template(report.template, budget.year)
    found: list[Cell] = []
    problems: list[str] = []
    for spec in template.tables:
        table = report.table(spec.id)
        rows = expected["tables"][spec.id]["rows"]
        if len(table.rows) != len(rows):
            problems.append(f"table {spec.id}: derive gives {len(table.rows)} rows, the seed prints {len(rows)}")
        label_keys = [c.key for c in spec.label_columns]
        for r, (row, printed) in enumerate(zip(table.rows, rows)):
            by_key = dict(zip([c.key for c in spec.columns], printed))
            want, got = "".join(by_key[k] for k in label_keys), label_text(row.labels, label_keys)
            if want != got:
                problems.append(f"table {spec.id} row {r}: label {got!r}, the seed prints {want!r}")
            for column in spec.amount_columns:
                members = set()
                for batch, probed in reports:
                    rows_of = probed.table(spec.id).rows
                    value = rows_of[r].values.get(column.key) if r < len(rows_of) else None
                    bits = 0 if value is None else int(value * 100)
                    members |= {i for i in batch if bits >> (i - batch.start) & 1}
                found.append(Cell(spec.id, r, column.key, by_key[column.key], frozenset(members)))
    return found, problems


def interval(printed: str) -> tuple[Decimal, Decimal]:
    """The exact 元 sums that display as ``printed`` 万元: [lo, hi)."""
    centre = Decimal(printed) * 10000
    return centre - HALF, centre + HALF


def ceiling(value: Decimal) -> Decimal:
    return value.to_integral_value(rounding=ROUND_CEILING)


def solve(budget: Budget, found: list[Cell], skip: set[str] = frozenset(),
          objective: dict[int, int] | None = None) -> list[Decimal] | None:
    """Whole-元 amounts meeting every printed cell (but ``skip``), closest to the nominal ones
    (or, given ``objective`` {line index: coefficient}, minimising that sum instead)."""
    n = len(budget.lines)
    nominal = [line.amount for line in budget.lines]
    free = [i for i in range(n) if nominal[i] == nominal[i].to_integral_value()]
    fixed = {i: nominal[i] for i in range(n) if i not in free}
    index = {line: k for k, line in enumerate(free)}
    m = len(free)
    # variables: x (m, integer 元) then t (m, |x − nominal|)
    rows, lower, upper = [], [], []

    def add(coeffs: dict[int, int], lo: float, hi: float) -> None:
        row = np.zeros(2 * m)
        for k, c in coeffs.items():
            row[k] = c
        rows.append(row)
        lower.append(lo)
        upper.append(hi)

    for cell in found:
        if cell.place in skip or cell.printed == "":
            continue
        lo, hi = interval(cell.printed)
        constant = sum((fixed[i] for i in cell.members if i in fixed), Decimal(0))
        variables = {index[i]: 1 for i in cell.members if i in index}
        # Σx integer: Σx + c ≥ lo ⇔ Σx ≥ ⌈lo − c⌉;  Σx + c < hi ⇔ Σx ≤ ⌈hi − c⌉ − 1
        add(variables, float(ceiling(lo - constant)), float(ceiling(hi - constant) - 1))
    for project in budget.projects:
        if project.performance is None:
            continue
        funding = project.performance.funding_annual or project.performance.funding
        members = [i for i, line in enumerate(budget.lines) if line.project == project.id and not line.carryover]
        constant = sum((fixed[i] for i in members if i in fixed), Decimal(0))
        target = float(funding.total - constant)
        add({index[i]: 1 for i in members if i in index}, target, target)
    for k, i in enumerate(free):  # t ≥ |x − nominal|
        add({m + k: 1, k: -1}, float(-nominal[i]), np.inf)
        add({m + k: 1, k: 1}, float(nominal[i]), np.inf)
    cost = np.concatenate([np.zeros(m), np.ones(m)])
    if objective is not None:
        cost = np.zeros(2 * m)
        for i, c in objective.items():
            if i in index:
                cost[index[i]] = c
    result = milp(
        cost,
        constraints=LinearConstraint(np.array(rows), lower, upper),
        integrality=np.concatenate([np.ones(m), np.zeros(m)]),
        bounds=Bounds(np.concatenate([np.ones(m), np.zeros(m)]), np.inf),
    )
    if not result.success:
        return None
    amounts = list(nominal)
    for k, i in enumerate(free):
        amounts[i] = Decimal(int(round(result.x[k])))
    return amounts


def windows(budget: Budget, found: list[Cell]) -> list[tuple[Cell, Decimal, Decimal]]:
    """Cells whose exact sum the rest of the seed pins inside a window narrower than rounding's.

    For each distinct printed cell, the least and the greatest exact sum that any choice meeting
    every printed cell allows; those narrower than the cell's own [d−0.005, d+0.005) are listed.
    """
    narrow, seen = [], set()
    for cell in found:
        if not cell.printed or cell.members in seen:
            continue
        seen.add(cell.members)
        low = solve(budget, found, objective={i: 1 for i in cell.members})
        high = solve(budget, found, objective={i: -1 for i in cell.members})
        least = sum((low[i] for i in cell.members), Decimal(0))
        most = sum((high[i] for i in cell.members), Decimal(0))
        lo, hi = interval(cell.printed)
        if least > lo + 1 or most < hi - 2:
            narrow.append((cell, least, most))
    return narrow


def conflict(budget: Budget, found: list[Cell]) -> list[str]:
    """A smallest-by-deletion set of cells whose removal makes the program feasible."""
    needed = [c.place for c in found if c.printed]
    kept: list[str] = []
    skip = set(needed)
    # Add cells back one by one; a cell that makes it infeasible is part of the conflict.
    for place in needed:
        skip.discard(place)
        if solve(budget, found, skip) is None:
            kept.append(place)
            skip.add(place)
    return kept


def prior_for(current: Decimal, change_wan: str, growth: str | None) -> Decimal:
    """A whole-元 prior-year figure giving the printed change (and growth rate) from ``current``."""
    change = Decimal(change_wan) * 10000
    for step in range(0, 50):
        for delta in (change + step, change - step):
            prior = current - delta
            if to_wan(delta) == Decimal(change_wan) and (growth is None or percent(delta, prior) == Decimal(growth)):
                return prior
    raise ValueError(f"no prior-year figure gives +{change_wan}万元 ({growth}%) from {current} 元")


def amount_text(value: Decimal) -> str:
    return f"{value:.2f}"


def write_back(path: Path, data: object, amounts: list[Decimal], extra: dict[str, Decimal]) -> None:
    """Replace the amounts in the YAML text, line by line, keeping everything else."""
    text = path.read_text(encoding="utf-8").split("\n")
    for i, item in enumerate(data["lines"]):
        number = item.key_lines["amount"] - 1
        text[number], count = re.subn(r"amount: [0-9.]+", f"amount: {amount_text(amounts[i])}", text[number], count=1)
        assert count == 1, f"line {number + 1}: no amount to replace"
    for dotted, value in extra.items():
        node = data
        *parents, key = dotted.split(".")
        for part in parents:
            node = node[part]
        number = node.key_lines[key] - 1
        text[number], count = re.subn(rf"{re.escape(key)}: [0-9.]+", f"{key}: {amount_text(value)}", text[number], count=1)
        assert count == 1, f"line {number + 1}: no {key} to replace"
    tmp = path.with_suffix(".yaml.tmp")
    tmp.write_text("\n".join(text), encoding="utf-8")
    tmp.replace(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("budget", type=Path)
    parser.add_argument("expected", type=Path)
    parser.add_argument("--write", action="store_true", help="write the amounts back into the budget YAML")
    parser.add_argument("--windows", action="store_true", help="list the cells the rest of the seed pins narrower than rounding")
    parser.add_argument("--skip", nargs="*", default=[], help="cells (TABLE:ROW:COL) known to contradict the rest")
    args = parser.parse_args(argv)

    data = load_yaml(args.budget)
    budget = Budget.model_validate(data)
    expected = yaml.safe_load(args.expected.read_text(encoding="utf-8"))
    found, problems = cells(budget, expected)
    for problem in problems:
        print("structure:", problem)
    for cell in found:
        if cell.printed == "" and cell.members:
            print(f"structure: cell {cell.place} is empty in the seed but sums lines {sorted(cell.members)}")
        if cell.printed and not cell.members:
            print(f"structure: cell {cell.place} prints {cell.printed} but no line goes there")
    amounts = solve(budget, found, set(args.skip))
    if amounts is None:
        print("infeasible: the printed cells contradict each other beyond rounding; a conflicting set:")
        for place in conflict(budget, found):
            print("  ", place)
        return 1
    moved = [(i, budget.lines[i].amount, a) for i, a in enumerate(amounts) if a != budget.lines[i].amount]
    print(f"{len([c for c in found if c.printed])} printed cells met by {len(amounts)} lines; {len(moved)} amounts moved off nominal:")
    for i, old, new in moved:
        line = budget.lines[i]
        print(f"  line {i}: {line.func} {line.econ} {line.kind or line.project}: {old} → {new} ({new - old:+})")

    if args.windows:
        print("cells pinned narrower than their rounding window (exact 元 sums possible):")
        for cell, least, most in windows(budget, found):
            lo, hi = interval(cell.printed)
            print(f"  {cell.place} prints {cell.printed}: rounding allows [{lo}, {hi}), the seed allows [{least}, {most}]")
    lines = [line.model_copy(update={"amount": a}) for line, a in zip(budget.lines, amounts)]
    current = [line for line in lines if not line.carryover]
    total = sum((line.amount for line in lines), Decimal(0))
    general = sum((line.amount for line in current if line.source == "一般公共预算"), Decimal(0))
    costs = sum((l.amount for l in current if l.is_basic and l.kind == "公用经费" and l.source in FISCAL_SOURCES), Decimal(0))
    extra = {
        "income.一般公共预算": general,
        "prior_year.total": prior_for(total, "950.72", "16.71"),
        "prior_year.general_budget_current": prior_for(general, "1175.50", "24.18"),
        "prior_year.operating_costs": prior_for(costs, "37.41", "6.18"),
    }
    for key, value in extra.items():
        print(f"  {key}: {value}")
    if args.write:
        write_back(args.budget, data, amounts, extra)
        print(f"written: {args.budget}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
