"""Official layouts: a template is one package (docs/architecture.md, "The template package").

A template is a folder holding ``template.yaml`` — its tables (caption, title, unit, header
tree, line-item filters, the row dimension as data), the document's parts and their order, the
standard glossary, and the words a reader recognises it by — plus, optionally, Python modules of
its own: ``rules`` (the rules that are truly this layout's; the arithmetic ones are generated
from the tables, see yusuan/check/generated.py), ``prose`` (the explanations it writes) and
``reading`` (how its explanations are read back).

The built-in templates are the sub-packages of this package (``shanxi_2024/`` is the template
``shanxi-2024``: a folder name must be a Python identifier, the id is what template.yaml says).
Any other folder with a template.yaml loads by its path (``--template path/to/folder``), its
modules by file, so a new layout needs no change to yusuan/. ``extends: <id>`` starts from
another template and overrides what it lists (tables by id, everything else by key).
"""
from __future__ import annotations

import importlib
import importlib.util
import sys
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from types import ModuleType

import yaml

from ..report import Term

HERE = Path(__file__).parent


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
class Rows:
    """The row dimension of a table, as data.

    ``dimension``: what the rows are (functional | economic | income | summary | summary_fiscal |
    three_public | units | projects_unit | projects_department | functional_with_income).
    ``levels``: the classification levels shown (类, 款, 项, 目), each a code width.
    ``codes``: how a code is printed — ``column`` (one code column, 2040201) or ``split``
    (类 / 款 / 项 columns: 204 | 02 | 01). ``total``: the label of the total row and where it
    stands (``first`` or ``last``); ``covers``: ``all`` when the total is the sum of every line
    the table selects, ``part`` when the rows show only some of them (then the rows sum to at
    most the total).
    """

    dimension: str
    levels: tuple[str, ...] = ()
    codes: str = "column"
    total: str = "合计"
    total_position: str = "first"
    covers: str = "all"
    columns: tuple[str, ...] = ()  # the amount columns the rows classify (default: all)
    # A two-sided 收支总表's total rows by role (current, carryover, total): (income label, expenditure label).
    labels: tuple[tuple[str, tuple[str, str]], ...] = ()
    # A two-sided statement (dimension ``statement``): its income side's items, each (label, filter).
    items: tuple[tuple[str, tuple[tuple[str, object], ...]], ...] = ()

    def label(self, role: str) -> tuple[str, str]:
        return dict(self.labels).get(role, ("", ""))

    @property
    def hierarchical(self) -> bool:
        """Rows that roll up: each parent the sum of its children (by code)."""
        return self.dimension in ("functional", "economic", "income", "functional_with_income")


LEVEL_WIDTHS = {"类": 3, "款": 5, "项": 7, "目": 9}


@dataclass(frozen=True)
class TableSpec:
    id: str
    caption: str
    title: str
    unit: str
    rows: Rows
    columns: tuple[Column, ...]
    where: dict = field(default_factory=dict)
    numbered: bool = False  # a row of column numbers (1 2 3 …) under the header
    empty_note: str = "注：本表无数据"

    # A spec is read-only and asked for these once per row or cell (derive, the renderers, the
    # rules): each is computed once per spec (cached_property writes the instance's __dict__, which
    # a frozen dataclass allows; equality and repr still see the fields only).
    @cached_property
    def amount_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.is_amount)

    @cached_property
    def label_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if not c.is_amount)

    @cached_property
    def _by_key(self) -> dict[str, Column]:
        by_key: dict[str, Column] = {}
        for c in self.columns:
            by_key.setdefault(c.key, c)  # the first of a key, as a scan finds it
        return by_key

    def column(self, key: str) -> Column:
        try:
            return self._by_key[key]
        except KeyError:
            raise StopIteration(key) from None  # what the scan it replaces raised

    def has_column(self, key: str) -> bool:
        return key in self._by_key

    @cached_property
    def header_depth(self) -> int:
        return max(len(c.header) for c in self.columns)

    def header_cells(self) -> list[HeaderCell]:
        """The merged cells of the header tree, row by row: what an official table prints above its rows.

        Neighbouring columns with the same path prefix share one cell; a path shorter than the
        deepest spans down to the last header row.
        """
        return list(self._header_cells)

    @cached_property
    def _header_cells(self) -> tuple[HeaderCell, ...]:
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
        return tuple(cells)

    @property
    def name(self) -> str:
        """How the table is named to a reader: its caption and title (a caption may be empty)."""
        return f"{self.caption} {self.title}".strip()

    @property
    def classified_columns(self) -> tuple[Column, ...]:
        """The amount columns the row dimension classifies (a two-sided table's other side is not)."""
        if self.rows.columns:
            return tuple(self.column(k) for k in self.rows.columns)
        return self.amount_columns

    def column_sums(self, keys: tuple[str, ...] | None = None) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """(total, parts) among the amount columns ``keys``: the parts of a column are the columns
        under the same header parent whose line-item filter narrows its own (本年收入合计
        {carryover: false} → 一般公共预算 {carryover: false, source: 一般公共预算}, …), the widest
        ones only (a 小计 under a header is a part, its own parts are not parts again)."""
        columns = [self.column(k) for k in keys] if keys is not None else list(self.amount_columns)

        def narrower(a: Column, b: Column) -> bool:  # a selects a strict subset of what b selects
            # A 年初预算数 column is never a part of a 决算数 one (nor the other way): same phase only.
            if a.where.get("phase") != b.where.get("phase"):
                return False
            # Each of b's keys narrowed (or kept) by a: ``econ: [30231]`` within ``econ: [30231, 31013]``,
            # ``source: 一般公共预算`` within ``source: fiscal``.
            if any(key not in a.where or not selection(key, a.where[key]) <= selection(key, b.where[key])
                   for key in b.where):
                return False
            return len(a.where) > len(b.where) or any(
                selection(key, a.where[key]) < selection(key, b.where[key]) for key in b.where)

        result = []
        for column in columns:
            parent = column.header[:-1]
            if any(h in ("合计", "小计") for h in parent):
                # A 合计/小计 cell heads its own column(s) beside its parts (the 决算 三公 table:
                # 合计 | 因公出国 | 公务用车 (小计 | 购置 | 运行) | 接待, each split 预算数/决算数):
                # its parts are under the header cell above it.
                parent = parent[: max(i for i, h in enumerate(parent) if h in ("合计", "小计"))]
            parts = [other for other in columns
                     if other is not column and other.header[: len(parent)] == parent and narrower(other, column)]
            widest = [p for p in parts if not any(narrower(p, q) for q in parts if q is not p)]
            if widest:
                result.append((column.key, tuple(p.key for p in widest)))
        return tuple(result)


def selection(key: str, value: object) -> frozenset:
    """What a filter's value admits, as a set: ``source: fiscal`` is the three fiscal sources, a
    list (``econ: [30231, 31013]``) its members, any other value itself. A filter admitting
    a subset of another's selects a subset of its lines (TableSpec.column_sums)."""
    if key == "source" and value == "fiscal":
        return frozenset(("一般公共预算", "政府性基金预算", "国有资本经营预算"))
    if isinstance(value, (list, tuple)):
        return frozenset(str(v) for v in value)
    return frozenset((str(value),))


@dataclass(frozen=True)
class Part:
    """A part of the document, in order: what it holds and its heading as printed."""

    number: str  # 第一部分 (may be empty where a layout does not number its parts)
    title: str
    holds: str  # profile | structure | tables | explanations | glossary | projects
    sections: tuple[str, ...] = ()  # the explanation sections (by number) this part prints; () all
    printed: str | None = None  # the heading as the body prints it ("{unit}主要职能"; "" for none), if not the 目录's

    @property
    def heading(self) -> str:
        return f"{self.number} {self.title}".strip()

    def heading_for(self, unit: str, year: int) -> str:
        """The heading a report prints for this part ("" for none)."""
        text = self.heading if self.printed is None else self.printed
        return text.replace("{unit}", unit).replace("{year}", str(year))


@dataclass(frozen=True)
class Template:
    id: str
    name: str
    year: int
    kind: str  # 预算 | 决算
    level: str  # 单位 | 部门
    sources: tuple[str, ...]
    parts: tuple[Part, ...]
    tables: tuple[TableSpec, ...]
    three_public: tuple[dict, ...]
    glossary: tuple[tuple[str, str], ...]
    detect: tuple[str, ...]  # words whose presence in a document's text says "this layout"
    document_title: str  # {unit}{year}年单位预算公开报告
    lineage: tuple[str, ...]  # its package path and those of the templates it extends, nearest first
    data: dict = field(default_factory=dict, compare=False, repr=False)  # the merged YAML, for template modules

    def table(self, table_id: str) -> TableSpec:
        for spec in self.tables:
            if spec.id == table_id:
                return spec
        raise KeyError(f"template {self.id} has no table {table_id!r}")

    def has_table(self, table_id: str) -> bool:
        return any(spec.id == table_id for spec in self.tables)

    def part(self, holds: str) -> Part | None:
        return next((p for p in self.parts if p.holds == holds), None)

    def standard_glossary(self) -> list[Term]:
        return [Term(term=term, text=text) for term, text in self.glossary]

    def module(self, name: str) -> ModuleType | None:
        """The template's own module ``name`` (rules, prose, reading), from the nearest template
        of its lineage that has one; None when none has."""
        for origin in self.lineage:
            found = _module(origin, name)
            if found is not None:
                return found
        return None

    def modules(self, name: str) -> list[ModuleType]:
        """Every ``name`` module of the lineage, the farthest ancestor first (rules add up)."""
        found = (_module(origin, name) for origin in reversed(self.lineage))
        return [m for m in found if m is not None]

    @cached_property
    def table_ids(self) -> tuple[str, ...]:
        return tuple(spec.id for spec in self.tables)


class TemplateError(ValueError):
    """A template that cannot be found or does not hold together."""


def _fill(text: str, year: int) -> str:
    return str(text).replace("{year}", str(year))


def builtin() -> dict[str, Path]:
    """The built-in templates: id → folder."""
    return dict(_builtin())


@cache
def _builtin() -> tuple[tuple[str, Path], ...]:
    found = []
    for folder in sorted(HERE.iterdir()):
        spec = folder / "template.yaml"
        if spec.is_file():
            found.append((_id_of(spec.read_text(encoding="utf-8")), folder))
    return tuple(found)


def _id_of(text: str) -> str:
    """A template.yaml's ``id``: only its top-level ``id:`` line is parsed, when it has one
    (finding a template by id parsed every built-in template whole: ~25 ms of a cold `check`).
    A line starting ``id:`` at the margin can only be the top-level key — a block scalar's text
    is indented — and the value is parsed as YAML all the same; anything else: the whole file."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("id:"):
            following = lines[i + 1] if i + 1 < len(lines) else ""
            if following[:1] in (" ", "\t"):  # a value continued on the next line: the whole file
                break
            try:
                value = yaml.load(line, Loader=loader)
            except yaml.YAMLError:
                break
            if isinstance(value, dict) and value.get("id") is not None:
                return str(value["id"])
            break
    return str(yaml.load(text, Loader=loader)["id"])


def _folder(ref: str) -> Path:
    builtins = builtin()
    if ref in builtins:
        return builtins[ref]
    path = Path(ref)
    if (path / "template.yaml").is_file():
        return path.resolve()
    if path.name == "template.yaml" and path.is_file():
        return path.parent.resolve()
    known = ", ".join(builtins)
    raise TemplateError(f"unknown template {ref!r} (built in: {known}; or a folder with a template.yaml)")


@cache
def _raw(ref: str) -> tuple[dict, tuple[str, ...]]:
    """The template's YAML merged over its ancestors', and its lineage (folders, nearest first)."""
    folder = _folder(ref)
    # libyaml when built (as where the detection marks are read): the pure-Python loader took
    # ~40 ms of a cold `yusuan check`; the same constructors, so the same data.
    data = yaml.load((folder / "template.yaml").read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    lineage = (str(folder),)
    parent = data.pop("extends", None)
    if parent:
        base, base_lineage = _raw(str(parent))
        data = _merge(base, data)
        lineage += base_lineage
    return data, lineage


def _merge(base: dict, own: dict) -> dict:
    """``own`` over ``base``: tables by id (a table given replaces the base's whole, ``drop_tables``
    removes some), every other key replaced."""
    merged = {**base, **{k: v for k, v in own.items() if k not in ("tables", "drop_tables")}}
    tables = {str(t["id"]): t for t in base.get("tables", [])}
    for table in own.get("tables", []):
        tables[str(table["id"])] = {**tables.get(str(table["id"]), {}), **table}
    for table_id in own.get("drop_tables", []):
        tables.pop(str(table_id), None)
    merged["tables"] = list(tables.values())
    return merged


def _rows(data) -> Rows:
    if isinstance(data, str):
        return Rows(dimension=data)
    total = data.get("total", {})
    return Rows(
        dimension=data["dimension"],
        levels=tuple(data.get("levels", ())),
        codes=data.get("codes", "column"),
        total=total.get("label", "合计"),
        total_position=total.get("position", "first"),
        covers=total.get("covers", "all"),
        columns=tuple(data.get("columns", ())),
        labels=tuple((role, (pair[0], pair[1])) for role, pair in data.get("labels", {}).items()),
        items=tuple((str(i["label"]), tuple(sorted((i.get("where") or {}).items(), key=lambda kv: kv[0])))
                    for i in data.get("items", ())),
    )


@cache
def load(ref: str, year: int) -> Template:
    """The template ``ref`` (a built-in id or a folder) with its titles and headers filled in for ``year``."""
    data, lineage = _raw(ref)
    try:
        tables = tuple(
            TableSpec(
                id=str(t["id"]),
                caption=t.get("caption", ""),
                title=_fill(t["title"], year),
                unit=t.get("unit", "万元"),
                rows=_rows(t["rows"]),
                where=t.get("where", {}),
                numbered=t.get("numbered", False),
                empty_note=_fill(t.get("empty_note", data.get("empty_note", "注：本表无数据")), year),
                columns=tuple(
                    Column(c["key"], c["type"], tuple(_fill(h, year) for h in c["header"]), c.get("where", {}))
                    for c in t["columns"]
                ),
            )
            for t in data["tables"]
        )
        parts = tuple(Part(p.get("number", ""), _fill(p["title"], year), p["holds"], tuple(str(x) for x in p.get("sections", ())),
                           p.get("printed"))
                      for p in data["parts"])
        return Template(
            id=str(data["id"]),
            name=data["name"],
            year=year,
            kind=data.get("kind", "预算"),
            level=data.get("level", "单位"),
            sources=tuple(data["sources"]),
            parts=parts,
            tables=tables,
            three_public=tuple(data.get("three_public", ())),
            glossary=tuple((g["term"], g["text"]) for g in data.get("glossary", ())),
            detect=tuple(_fill(w, year) for w in data.get("detect", ())),
            document_title=data.get("document_title", "{unit}{year}年预算公开报告"),
            lineage=lineage,
            data=data,
        )
    except (KeyError, TypeError) as exc:
        raise TemplateError(f"template {ref}: template.yaml lacks or misspells {exc}") from None


def _module(folder: str, name: str) -> ModuleType | None:
    """``name`` of a template folder: an import for a built-in package, by file for any other."""
    path = Path(folder)
    if path.parent == HERE:
        try:
            return importlib.import_module(f"{__name__}.{path.name}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name and exc.name.endswith(f"{path.name}.{name}"):
                return None
            raise
    return _module_from_file(folder, name)


@cache
def _module_from_file(folder: str, name: str) -> ModuleType | None:
    source = Path(folder) / f"{name}.py"
    if not source.is_file():
        return None
    module_name = f"yusuan_template_{abs(hash(folder))}_{name}"
    spec = importlib.util.spec_from_file_location(module_name, source)
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module
