"""The seed's budget made N times larger: every line item and every project N times over.

Copy k (k = 2 … N) of a project gets the id ``<id>x<k>`` and the name ``<name>（<k>）`` (table 12
and the performance-target tables match projects by name, so names stay unique), and copy k
of each line points at copy k of its project. Every amount of a line stays what it was, so a
project's lines still add up to its performance funding; the totals that must equal the
lines (``income``, ``income_items``) and the prior year's figures the prose compares against
are multiplied by N (exact Decimal), so the scaled budget reads, derives and checks like the
seed, only bigger.

    python benchmarks/scaled_budget.py 100 -o /tmp/budget-x100.yaml
"""
from __future__ import annotations

import argparse
import sys
from decimal import Decimal
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "tunliu-police-2024" / "budget.yaml"


def _plain(value):
    """The loader's LineDict/LineList as plain dicts and lists (the dumper wants exact types)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def seed_data() -> dict:
    from yusuan.read.budget_yaml import load_yaml

    return _plain(load_yaml(SEED))


def _times(value, factor: int):
    """Every amount in a (nested) mapping multiplied by ``factor``; counts and text unchanged."""
    if isinstance(value, dict):
        return {k: _times(v, factor) for k, v in value.items()}
    return value * factor if isinstance(value, Decimal) else value


def scaled(data: dict, factor: int) -> dict:
    """``data`` (a budget as plain data) with its lines and projects ``factor`` times over."""
    if factor == 1:
        return data

    def copy_id(project_id: str, k: int) -> str:
        return project_id if k == 1 else f"{project_id}x{k}"

    out = dict(data)
    out["lines"] = [
        {**line, "project": copy_id(line["project"], k)} if "project" in line else dict(line)
        for k in range(1, factor + 1) for line in data["lines"]
    ]
    out["projects"] = [
        {**project, "id": copy_id(project["id"], k), "name": project["name"] if k == 1 else f"{project['name']}（{k}）"}
        for k in range(1, factor + 1) for project in data["projects"]
    ]
    if data.get("performance_order"):
        out["performance_order"] = [copy_id(p, k) for k in range(1, factor + 1) for p in data["performance_order"]]
    for key in ("income", "prior_year"):
        if data.get(key):
            out[key] = _times(data[key], factor)
    if data.get("income_items"):
        out["income_items"] = [{**item, "amount": item["amount"] * factor} for item in data["income_items"]]
    return out


class _Dumper(yaml.SafeDumper):
    """Writes a Decimal as the plain number it is (``12.50``), which the budget loader reads back exactly."""

    def ignore_aliases(self, data) -> bool:
        # The copies share their performance mappings; written out in full, as an officer
        # would, not as anchors and aliases (which the loader limits).
        return True


def _decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.Node:
    text = f"{value:f}"
    # A whole number written "7647600" resolves as an int, "7647600.00" as a float: either is a
    # plain number the loader turns back into this Decimal.
    tag = "tag:yaml.org,2002:float" if "." in text else "tag:yaml.org,2002:int"
    return dumper.represent_scalar(tag, text)


_Dumper.add_representer(Decimal, _decimal)


def dump(data: dict) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=200)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("factor", type=int)
    parser.add_argument("-o", "--output", type=Path)
    args = parser.parse_args()
    text = dump(scaled(seed_data(), args.factor))
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
