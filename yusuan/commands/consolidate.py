"""`yusuan consolidate UNIT… --name 部门名称 -o dept.yaml`: a department's budget from its units'."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Optional

import typer

from . import make_context


def register(app: typer.Typer) -> None:
    @app.command()
    def consolidate(
        units: list[Path] = typer.Argument(..., help="the units' budgets (.yaml/.xlsx; a folder: every budget in it), 本级 first"),
        name: str = typer.Option(..., "--name", help="the department's name (部门名称)"),
        code: str = typer.Option("", "--code", help="the department's code (default: the first unit's department code)"),
        out: Path = typer.Option(..., "-o", "--out", help="the department's budget.yaml"),
        catalog: list[Path] = typer.Option([], "--catalog", help="a catalog CSV that extends or overrides the built-in one"),
        transfers: Optional[Path] = typer.Option(None, "--transfers", help="a YAML file of the money one unit pays another "
                                                 "(上缴上级 / 对附属单位补助): each counted once (docs/scale.md)"),
    ) -> None:
        """Merge unit budgets into their department's: every line and project keeps its unit (docs/budget-format.md)."""
        from ..consolidate import ConsolidationError, budget_yaml, consolidate as merge, read_transfers
        from ..errors import InputError
        from ..inputs import BUDGET_SUFFIXES, expand_inputs, read_budget
        from ..render import atomic_write

        context = make_context(None, catalog)
        files = expand_inputs(units, BUDGET_SUFFIXES + (".xlsx",), out=None)
        if not files:
            raise InputError(units[0], None, "no budget found (.yaml .yml .xlsx)")
        budgets = [read_budget(path, context.catalog) for path in files]
        netted = read_transfers(transfers) if transfers is not None else []
        try:
            department = merge(budgets, name, code, netted)
        except ConsolidationError as exc:
            # A transfer's fault is the transfers file's; any other, the units'.
            where = str(transfers) if transfers is not None and str(exc).startswith("transfers[") else ", ".join(map(str, files))
            raise InputError(where, None, str(exc)) from None
        comment = f"{name} {department.year}年部门预算: consolidated by `yusuan consolidate` from\n" + "\n".join(f"  {f}" for f in files)
        if netted:
            comment += f"\nnetted (counted once), from {transfers}:\n" + "\n".join(
                f"  {t.payer} → {t.payee} {t.kind} {t.amount} 元 ({t.func}/{t.econ} {t.source}{' ' + t.project if t.project else ''})"
                + (f", last year {t.prior_amount} 元" if t.prior_amount is not None else "")
                for t in netted)
        atomic_write(out, budget_yaml(department, comment).encode("utf-8"))
        total = sum((t.amount for t in netted), Decimal(0))
        typer.echo(f"{out}: {len(department.units)} units, {len(department.lines)} lines, {len(department.projects)} projects"
                   + (f"; netted {len(netted)} transfer{'s' if len(netted) != 1 else ''} ({total} 元)" if netted else ""), err=True)
