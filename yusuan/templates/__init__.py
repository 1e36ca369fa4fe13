"""Official layouts as data: tables, header trees, the quantity behind each column.

A template is a YAML file in this folder (see shanxi-2024.yaml for the vocabulary).
Renderers draw from it, the reader parses with it, derive fills it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import yaml

DEFAULT = "shanxi-2024"


@dataclass(frozen=True)
class Column:
    key: str
    type: str  # label | amount
    header: tuple[str, ...]  # path in the header tree, {year} already filled in
    where: dict = field(default_factory=dict)

    @property
    def is_amount(self) -> bool:
        return self.type == "amount"


@dataclass(frozen=True)
class HeaderCell:
    text: str
    col: int  # first column (0-based)
    row: int  # header row (0-based)
    colspan: int
    rowspan: int


@dataclass(frozen=True)
class TableSpec:
    id: str
    caption: str
    title: str
    unit: str
    rows: str  # the row dimension: functional, economic, summary_all, …
    columns: tuple[Column, ...]
    where: dict = field(default_factory=dict)
    numbered: bool = False  # a row of column numbers (1 2 3 …) under the header

    @property
    def amount_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.is_amount)

    @property
    def label_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if not c.is_amount)

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    @property
    def header_depth(self) -> int:
        return max(len(c.header) for c in self.columns)

    def header_cells(self) -> list[HeaderCell]:
        """The merged cells of the header tree, row by row: what an official table prints above its rows.

        Neighbouring columns with the same path prefix share one cell; a path shorter than the
        deepest spans down to the last header row.
        """
        depth = self.header_depth
        cells: list[HeaderCell] = []
        for level in range(depth):
            col = 0
            while col < len(self.columns):
                path = self.columns[col].header
                if level >= len(path):
                    col += 1
                    continue
                span = 1
                while (
                    col + span < len(self.columns)
                    and len(self.columns[col + span].header) > level
                    and self.columns[col + span].header[: level + 1] == path[: level + 1]
                ):
                    span += 1
                rowspan = depth - level if level == len(path) - 1 else 1
                cells.append(HeaderCell(path[level], col, level, span, rowspan))
                col += span
        return cells


@dataclass(frozen=True)
class Template:
    id: str
    name: str
    year: int
    sources: tuple[str, ...]
    parts: tuple[dict, ...]
    tables: tuple[TableSpec, ...]
    three_public: tuple[dict, ...]

    def table(self, table_id: str) -> TableSpec:
        for spec in self.tables:
            if spec.id == table_id:
                return spec
        raise KeyError(f"template {self.id} has no table {table_id!r}")


def _fill(text: str, year: int) -> str:
    return str(text).replace("{year}", str(year))


@cache
def load(template_id: str = DEFAULT, year: int = 2024) -> Template:
    """The template ``template_id`` with its titles and headers filled in for ``year``."""
    try:
        text = resources.files(__package__).joinpath(f"{template_id}.yaml").read_text(encoding="utf-8")
    except FileNotFoundError:
        raise KeyError(f"unknown template {template_id!r}") from None
    data = yaml.safe_load(text)
    tables = tuple(
        TableSpec(
            id=str(t["id"]),
            caption=t["caption"],
            title=_fill(t["title"], year),
            unit=t.get("unit", "万元"),
            rows=t["rows"],
            where=t.get("where", {}),
            numbered=t.get("numbered", False),
            columns=tuple(
                Column(c["key"], c["type"], tuple(_fill(h, year) for h in c["header"]), c.get("where", {}))
                for c in t["columns"]
            ),
        )
        for t in data["tables"]
    )
    parts = tuple({**p, "title": _fill(p["title"], year)} for p in data["parts"])
    return Template(data["id"], data["name"], year, tuple(data["sources"]), parts, tables, tuple(data["three_public"]))
