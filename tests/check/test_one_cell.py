"""One wrong cell is one finding with its consequences attached, not several unrelated lines: the
errors that all read the cell are told under the one located in its table (`yusuan check`), and a
program reading the JSON finds each of them flat, naming the cell as ``suspect``."""
from __future__ import annotations

import json
from decimal import Decimal

from yusuan.check import check, grouped
from yusuan.commands.check import as_json, as_text


def test_one_wrong_cell_is_one_entry_with_its_consequences(seed):
    seed.table("2").row("2040201").values["general"] += Decimal("1.00")  # typed 2258.13 for 2257.13
    findings = check(seed)
    errors = [f for f in findings if f.severity == "error"]
    assert sorted(f.rule for f in errors) == ["P.cost", "P.cost", "T2.columns", "T2.rollup", "X.T2=T5"]  # flat
    (entry,) = [g for g in grouped(findings) if g.suspect]
    assert entry.suspect == "T2[2040201].general" and entry.rule == "T2.columns"  # the one in the cell's table first
    assert sorted(c.rule for c in entry.consequences) == ["T2.rollup", "X.T2=T5"]
    text = as_text(findings, [], "seed")
    assert "3 errors all read T2[2040201].general: probably the one wrong cell" in text
    assert text.count("↳") == 2 and "error (5):" in text
    flat = json.loads(as_json(findings, [], "seed"))["findings"]
    assert sorted(f["rule"] for f in flat if f["suspect"] == "T2[2040201].general") == ["T2.columns", "T2.rollup", "X.T2=T5"]


def test_errors_of_two_different_cells_stay_apart(seed):
    seed.table("2").row("2040201").values["general"] += Decimal("1.00")
    seed.table("6").rows[0].values["total"] += Decimal("1.00")
    suspects = sorted(g.suspect for g in grouped(check(seed)) if g.suspect)
    assert suspects == ["T2[2040201].general", "T6[合计].total"]


def test_findings_without_cells_are_never_grouped(published_seed):
    findings = check(published_seed)
    assert not any(g.suspect for g in grouped(findings)) and len(grouped(findings)) == len(findings)
