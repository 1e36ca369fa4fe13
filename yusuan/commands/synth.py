"""`yusuan synth --units N --seed S --years 2023-2025 -o DIR`: generated budgets (yusuan/synth.py).

DIR/<unit code>/<unit code>-<year>.yaml for every unit and year (distinct file names, so that
`yusuan build DIR` puts each into a folder of its own) and DIR/units.csv listing the units.
"""
from __future__ import annotations

import time
from pathlib import Path

import typer


def parse_years(text: str) -> list[int]:
    """`2023-2025` or `2023,2025` → the years, each with a packaged catalog."""
    from ..catalog import YEARS
    from ..errors import InputError

    try:
        if "-" in text:
            first, last = (int(part) for part in text.split("-", 1))
            years = list(range(first, last + 1))
        else:
            years = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise InputError("--years", None, f"{text!r}: give a range (2023-2025) or a list (2023,2024)") from None
    unknown = [y for y in years if y not in YEARS]
    if not years or unknown:
        raise InputError("--years", None, f"{text!r}: the years with a catalog are {YEARS[0]}–{YEARS[-1]}")
    return years


def register(app: typer.Typer) -> None:
    @app.command()
    def synth(
        units: int = typer.Option(10, "--units", "-n", min=1, help="how many units"),
        seed: int = typer.Option(0, "--seed", "-s", help="the same seed gives the same budgets"),
        years: str = typer.Option("2023-2025", "--years", help="a range (2023-2025) or a list (2024,2025)"),
        out: Path = typer.Option(..., "-o", "--out", help="output folder"),
    ) -> None:
        """Write generated budgets (several years per unit, valid by construction) for tests, benchmarks and demos."""
        from ..synth import write

        chosen = parse_years(years)
        start = time.perf_counter()
        files, size = write(out, units, seed, chosen)
        typer.echo(f"wrote {files} budgets of {units} units ({', '.join(map(str, chosen))}) into {out}/ "
                   f"({size / 1e6:.1f} MB, {time.perf_counter() - start:.1f} s)", err=True)
