"""Classification catalogs (政府收支分类科目) as package data, and their loader.

Five CSV files ship with the package (UTF-8, no BOM):

``functional-2024.csv``
    支出功能分类科目 2024: 类 (3 digits), 款 (5 digits), 项 (7 digits).
``dept-economic.csv``
    部门预算支出经济分类科目: 类 (301…399, 3 digits), 款 (5 digits).
``gov-economic.csv``
    政府预算支出经济分类科目: 类 (501…599, 3 digits), 款 (5 digits).
``income-2024.csv``
    收入分类科目 2024, only the part a unit's budget tables print: 103 非税收入 → 10301
    政府性基金收入 and 10306 国有资本经营收入 with their 项 (7 digits) and 目 (9 digits) — the
    rows of 预算公开表7 and of 部门公开表9's income side.
``economic-mapping.csv``
    部门预算 款 → 政府预算 款, per unit kind (行政 = 机关 and 参公 units, 事业).

Years (:meth:`Catalog.for_year`)
--------------------------------
The 支出功能分类 changes from year to year, so each year from 2023 to 2026 has a catalog of
its own.  ``functional-2024.csv`` is the full base.  Every other year is a *delta* in the
format of an extra file (below), applied in turn from the base: 2025 = 2024 +
``functional-2025.csv``, 2026 = 2025 + ``functional-2026.csv``, 2023 = 2024 +
``functional-2023.csv``.  A delta holds what changed (a new code, a new name, ``-`` for a code
the year does not have) and, re-stated with that year's source, the codes that year's real
reports print.  The other four catalogs are the same for every year (no change is known).
:meth:`Catalog.default` is the 2024 catalog, as before.

The three catalogs have the columns ``code,name,level,parent,source``; ``level`` is
类/款/项, ``parent`` the parent code ('' for a 类), ``source`` where the entry was
confirmed.  Row order is the official order.  (收入分类 also has 目, 9 digits.)  The mapping has the columns
``dept_code,unit_kind,gov_code,source``.

Extending or overriding (``--catalog FILE``)
-------------------------------------------
Catalogs change every year, so :meth:`Catalog.load` accepts extra CSV files.
Each row extends or overrides an entry *by code* (an overridden entry keeps its
position; a new one is appended after the entries already loaded).  Which catalog a
row belongs to is decided by:

1. a ``catalog`` column, if the file has one, with the value ``functional``,
   ``dept``, ``gov``, ``income`` or ``mapping`` per row (one file may then touch all five);
   mapping rows use ``dept_code`` (or ``code``), ``unit_kind`` and ``gov_code``;
2. otherwise the file name: a name containing ``mapping`` → mapping,
   ``functional`` → functional, ``dept`` → dept, ``gov`` → gov, ``income`` → income
   (e.g. ``functional-2025.csv``, ``my-dept-economic.csv``).

In catalog rows only ``code`` and ``name`` are required: ``level`` and ``parent``
are derived from the code when empty, ``source`` defaults to ``FILE:LINE``.
A row whose name is ``-`` removes the code (and, for a mapping row whose gov_code
is ``-``, the mapping).  After merging, every 款/项 must have its parent and every
mapping must point at known codes, else :class:`CatalogError`.
"""

from __future__ import annotations

import csv
import functools
import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Iterable, Iterator

__all__ = [
    "CATALOG_KINDS",
    "YEARS",
    "Catalog",
    "CatalogError",
    "DEFAULT_YEAR",
    "Entry",
    "UNIT_KINDS",
    "normalize_name",
]

DEFAULT_YEAR = 2024
#: the year whose catalogs are shipped whole; the other years are deltas from it
BASE_YEAR = 2024
#: the years with a packaged catalog
YEARS = (2023, 2024, 2025, 2026)

#: catalog kinds, as used in the ``catalog`` column of an extra CSV
CATALOG_KINDS = ("functional", "dept", "gov", "income", "mapping")
ENTRY_KINDS = CATALOG_KINDS[:-1]

_LABELS = {
    "functional": "functional",
    "dept": "dept economic",
    "gov": "gov economic",
    "income": "income",
}

_LEVELS = {3: "类", 5: "款", 7: "项", 9: "目"}
_LEVEL_LENGTHS = {"functional": (3, 5, 7), "dept": (3, 5), "gov": (3, 5), "income": (3, 5, 7, 9)}

#: accepted spellings of a unit kind → canonical kind used in the mapping
UNIT_KINDS = {
    "行政": "行政",
    "机关": "行政",
    "行政单位": "行政",
    "参公": "行政",
    "参照公务员法管理事业单位": "行政",
    "事业": "事业",
    "事业单位": "事业",
}

_PAREN = str.maketrans({"（": "(", "）": ")"})


def normalize_name(name: str) -> str:
    """Name key for fuzzy comparison: strip blanks, full-width parentheses → ASCII.

    The seed writes 维修(护)费 (ASCII) in the department column and 维修（护）费
    (full-width) in the government column; both normalize to ``维修(护)费``.
    """
    return "".join(name.split()).translate(_PAREN)


@dataclass(frozen=True)
class Entry:
    """One catalog entry (a 类, 款, 项 or — in 收入分类 — 目)."""

    code: str
    name: str
    level: str  # 类 | 款 | 项 | 目
    parent: str  # '' for a 类
    source: str

    @property
    def parents(self) -> tuple[str, ...]:
        """Codes of the ancestors, nearest first (项 → (款, 类); 款 → (类,); 类 → ())."""
        return tuple(self.code[:n] for n in range(len(self.code) - 2, 2, -2))

    @property
    def class_code(self) -> str:
        """The 类 code this entry belongs to (itself for a 类)."""
        return self.code[:3]

    @property
    def is_class(self) -> bool:
        return self.level == "类"

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class CatalogError(ValueError):
    """An unknown or invalid code; the message names the code, the file and the place."""

    def __init__(self, message: str, *, code: str = "", catalog_file: str = "", where: str = ""):
        super().__init__(message)
        self.code = code
        self.catalog_file = catalog_file
        self.where = where


def _package_file(name: str):
    return resources.files(__name__).joinpath(name)


def _package_files(year: int = BASE_YEAR) -> dict[str, str]:
    """The whole catalogs every year starts from (those of :data:`BASE_YEAR`)."""
    return {
        "functional": f"functional-{BASE_YEAR}.csv",
        "dept": "dept-economic.csv",
        "gov": "gov-economic.csv",
        "income": f"income-{BASE_YEAR}.csv",
        "mapping": "economic-mapping.csv",
    }


def _year_deltas(year: int) -> list[str]:
    """The functional deltas that turn the base year into ``year``, in the order applied:
    forwards for a later year (2025, then 2026), backwards for an earlier one."""
    if year not in YEARS:
        known = ", ".join(map(str, YEARS))
        raise CatalogError(f"no packaged catalogs for year {year} (known: {known}; add codes with --catalog)",
                           catalog_file=f"functional-{year}.csv")
    step = 1 if year > BASE_YEAR else -1
    return [f"functional-{y}.csv" for y in range(BASE_YEAR + step, year + step, step)] if year != BASE_YEAR else []


def _read_csv(text: str, fname: str) -> Iterator[tuple[int, dict[str, str]]]:
    if text.startswith("\ufeff"):
        text = text[1:]
    reader = csv.DictReader(text.splitlines(), strict=True)
    if not reader.fieldnames:
        raise CatalogError(f"catalog file {fname} is empty", catalog_file=fname)
    for row in reader:
        clean = {(k or "").strip(): (v or "").strip() for k, v in row.items() if k is not None}
        if not any(clean.values()):
            continue
        yield reader.line_num, clean


def _kind_from_filename(path: str) -> str | None:
    stem = os.path.basename(path).lower()
    for key, kind in (("mapping", "mapping"), ("functional", "functional"), ("dept", "dept"), ("gov", "gov"),
                      ("income", "income")):
        if key in stem:
            return kind
    return None


class Catalog:
    """The loaded classification catalogs, looked up by code.

    Use :meth:`Catalog.default` for the packaged catalogs (loaded once, cached) or
    :meth:`Catalog.load` with extra CSV files (``--catalog FILE``).
    """

    def __init__(self, year: int = DEFAULT_YEAR):
        self.year = year
        self._entries: dict[str, dict[str, Entry]] = {k: {} for k in ENTRY_KINDS}
        self._origin: dict[tuple[str, str], str] = {}  # (kind, code) -> "file:line"
        self._mapping: dict[tuple[str, str], str] = {}  # (dept_code, 行政|事业) -> gov code
        self._mapping_source: dict[tuple[str, str], str] = {}
        self._files: dict[str, list[str]] = {k: [] for k in CATALOG_KINDS}

    # ------------------------------------------------------------------ loading
    @classmethod
    def default(cls) -> "Catalog":
        """The packaged catalogs for :data:`DEFAULT_YEAR` (loaded once, cached)."""
        return _default_catalog()

    @classmethod
    def for_year(cls, year: int) -> "Catalog":
        """The packaged catalogs of ``year`` (one of :data:`YEARS`; loaded once, cached).

        A report is read and checked against its own year's codes: a code created in 2024
        is unknown to a 2023 report.  :class:`CatalogError` for a year without a catalog.
        """
        return _year_catalog(int(year))

    @classmethod
    def load(cls, extra: Iterable[str | os.PathLike] = (), year: int = DEFAULT_YEAR) -> "Catalog":
        """Load the packaged catalogs of ``year``, then apply each ``extra`` CSV in order."""
        deltas = _year_deltas(year)
        cat = cls(year)
        for kind, name in _package_files().items():
            res = _package_file(name)
            if not res.is_file():
                raise CatalogError(f"no packaged {kind} catalog {name} for year {year}", catalog_file=name)
            cat._apply(res.read_text(encoding="utf-8"), name, fixed_kind=kind)
        for name in deltas:
            cat._apply(_package_file(name).read_text(encoding="utf-8"), name, fixed_kind="functional")
        if deltas:
            # a delta appends its new codes; the official order is code order, so a year's
            # catalog is put back in it (an extra file's codes still go last, as documented)
            table = cat._entries["functional"]
            cat._entries["functional"] = {code: table[code] for code in sorted(table)}
        for path in extra:
            p = Path(path)
            try:
                text = p.read_text(encoding="utf-8")
            except OSError as e:
                raise CatalogError(f"cannot read catalog file {p}: {e.strerror}", catalog_file=str(p)) from e
            cat._apply(text, str(p), fixed_kind=None)
        cat._validate()
        return cat

    def _apply(self, text: str, fname: str, fixed_kind: str | None) -> None:
        file_kind = fixed_kind
        touched: set[str] = set()
        rows = list(_read_csv(text, fname))
        has_kind_column = bool(rows) and "catalog" in rows[0][1]
        if file_kind is None and not has_kind_column:
            file_kind = _kind_from_filename(fname)
            if file_kind is None:
                raise CatalogError(
                    f"cannot tell which catalog {fname} extends: add a 'catalog' column "
                    f"(functional|dept|gov|income|mapping) or put functional, dept, gov, income or mapping "
                    f"in the file name",
                    catalog_file=fname,
                )
        for line, row in rows:
            kind = file_kind if not has_kind_column else row.get("catalog", "").lower()
            if kind not in CATALOG_KINDS:
                raise CatalogError(
                    f"unknown catalog {kind!r} at {fname}:{line} (expected functional|dept|gov|income|mapping)",
                    catalog_file=fname, where=f"{fname}:{line}",
                )
            touched.add(kind)
            if kind == "mapping":
                self._apply_mapping(row, fname, line)
            else:
                self._apply_entry(kind, row, fname, line)
        for kind in touched or ({file_kind} if file_kind else set()):
            self._files[kind].append(fname)

    def _apply_entry(self, kind: str, row: dict[str, str], fname: str, line: int) -> None:
        place = f"{fname}:{line}"
        code = row.get("code", "")
        name = row.get("name", "")
        if not code.isdigit() or len(code) not in _LEVEL_LENGTHS[kind]:
            lengths = "/".join(map(str, _LEVEL_LENGTHS[kind]))
            raise CatalogError(
                f"bad {_LABELS[kind]} code {code!r} at {place} (expected {lengths} digits)",
                code=code, catalog_file=fname, where=place,
            )
        table = self._entries[kind]
        if name == "-":
            table.pop(code, None)
            self._origin.pop((kind, code), None)
            return
        if not name:
            raise CatalogError(f"{_LABELS[kind]} code {code} has no name at {place}",
                               code=code, catalog_file=fname, where=place)
        level = row.get("level") or _LEVELS[len(code)]
        if level != _LEVELS[len(code)]:
            raise CatalogError(
                f"{_LABELS[kind]} code {code} has level {level} at {place}, "
                f"but a {len(code)}-digit code is a {_LEVELS[len(code)]}",
                code=code, catalog_file=fname, where=place,
            )
        parent = row.get("parent", "")
        expected_parent = "" if len(code) == 3 else code[:-2]
        if parent and parent != expected_parent:
            raise CatalogError(
                f"{_LABELS[kind]} code {code} has parent {parent} at {place}, expected {expected_parent or 'none'}",
                code=code, catalog_file=fname, where=place,
            )
        entry = Entry(code, name, level, expected_parent, row.get("source") or place)
        table[code] = entry  # dict keeps the first insertion position on override
        self._origin[(kind, code)] = place

    def _apply_mapping(self, row: dict[str, str], fname: str, line: int) -> None:
        place = f"{fname}:{line}"
        dept = row.get("dept_code") or row.get("code", "")
        kind_raw = row.get("unit_kind", "")
        kind = UNIT_KINDS.get(kind_raw)
        if kind is None:
            raise CatalogError(
                f"unknown unit kind {kind_raw!r} at {place} (expected 行政 or 事业)",
                catalog_file=fname, where=place,
            )
        gov = row.get("gov_code", "")
        key = (dept, kind)
        if gov == "-":
            self._mapping.pop(key, None)
            self._mapping_source.pop(key, None)
            return
        self._mapping[key] = gov
        self._mapping_source[key] = row.get("source") or place
        self._origin[("mapping", f"{dept}/{kind}")] = place

    def _validate(self) -> None:
        for kind, table in self._entries.items():
            for code, entry in table.items():
                if entry.parent and entry.parent not in table:
                    place = self._origin[(kind, code)]
                    raise CatalogError(
                        f"{_LABELS[kind]} code {code} {entry.name} at {place} has no parent {entry.parent} "
                        f"in catalog {self._file_label(kind)}",
                        code=entry.parent, catalog_file=place.rsplit(":", 1)[0], where=place,
                    )
        for (dept, kind), gov in self._mapping.items():
            place = self._origin[("mapping", f"{dept}/{kind}")]
            if dept not in self._entries["dept"]:
                raise CatalogError(
                    f"unknown dept economic code {dept} (used at {place}; catalog {self._file_label('dept')})",
                    code=dept, catalog_file=self._file_label("dept"), where=place,
                )
            if gov not in self._entries["gov"]:
                raise CatalogError(
                    f"unknown gov economic code {gov} (used at {place}; catalog {self._file_label('gov')})",
                    code=gov, catalog_file=self._file_label("gov"), where=place,
                )

    # ------------------------------------------------------------------ helpers
    def _file_label(self, kind: str) -> str:
        return " + ".join(self._files[kind]) or _package_files(self.year)[kind]

    def files(self, kind: str) -> list[str]:
        """The files the catalog ``kind`` was loaded from (package file first)."""
        return list(self._files[kind])

    def _get(self, kind: str, code: str, where: str) -> Entry:
        code = str(code).strip()
        try:
            return self._entries[kind][code]
        except KeyError:
            raise CatalogError(
                f"unknown {_LABELS[kind]} code {code} (used at {where or 'unspecified place'}; "
                f"catalog {self._file_label(kind)})",
                code=code, catalog_file=self._file_label(kind), where=where,
            ) from None

    def _kind_of(self, code: str) -> str | None:
        for kind in ENTRY_KINDS:
            if code in self._entries[kind]:
                return kind
        return None

    # ------------------------------------------------------------------ lookups
    def functional(self, code: str, where: str = "") -> Entry:
        """The 支出功能分类 entry for ``code`` (类/款/项); :class:`CatalogError` if unknown."""
        return self._get("functional", code, where)

    def dept_economic(self, code: str, where: str = "") -> Entry:
        """The 部门预算支出经济分类 entry for ``code`` (类/款)."""
        return self._get("dept", code, where)

    def gov_economic(self, code: str, where: str = "") -> Entry:
        """The 政府预算支出经济分类 entry for ``code`` (类/款)."""
        return self._get("gov", code, where)

    def income(self, code: str, where: str = "") -> Entry:
        """The 收入分类 entry for ``code`` (类/款/项/目)."""
        return self._get("income", code, where)

    def gov_code_for(self, dept_code: str, unit_kind: str, where: str = "") -> str:
        """The 政府预算 款 code for a 部门预算 款 code in a unit of kind 行政 (机关/参公) or 事业."""
        dept_code = str(dept_code).strip()
        self.dept_economic(dept_code, where)
        kind = UNIT_KINDS.get(str(unit_kind).strip())
        if kind is None:
            raise CatalogError(
                f"unknown unit kind {unit_kind!r} for dept economic code {dept_code} "
                f"(used at {where or 'unspecified place'}; expected 行政 or 事业)",
                code=dept_code, catalog_file=self._file_label("mapping"), where=where,
            )
        try:
            return self._mapping[(dept_code, kind)]
        except KeyError:
            raise CatalogError(
                f"no gov economic code for dept economic code {dept_code} in a {kind} unit "
                f"(used at {where or 'unspecified place'}; catalog {self._file_label('mapping')})",
                code=dept_code, catalog_file=self._file_label("mapping"), where=where,
            ) from None

    def gov_for(self, dept_code: str, unit_kind: str, where: str = "") -> Entry:
        """Like :meth:`gov_code_for` but returns the government economic :class:`Entry`."""
        return self.gov_economic(self.gov_code_for(dept_code, unit_kind, where), where)

    def mapping_source(self, dept_code: str, unit_kind: str) -> str:
        return self._mapping_source[(dept_code, UNIT_KINDS[unit_kind])]

    def is_functional(self, code: str) -> bool:
        """True if ``code`` is a known 支出功能分类 code (any level)."""
        return str(code).strip() in self._entries["functional"]

    def functional_classes(self) -> list[Entry]:
        """The 支出功能分类 类, in official order (201 … 234)."""
        return [e for e in self._entries["functional"].values() if e.level == "类"]

    def entries(self, kind: str) -> list[Entry]:
        """All entries of catalog ``kind`` (functional|dept|gov|income), in official order."""
        return list(self._entries[kind].values())

    def mapping(self) -> dict[tuple[str, str], str]:
        """(dept 款 code, 行政|事业) → gov 款 code."""
        return dict(self._mapping)

    def children(self, code: str, where: str = "") -> list[Entry]:
        """The direct children of ``code`` (类 → 款, 款 → 项), in official order.

        The catalog is found from the code itself (functional 2xx, dept 3xx, gov 5xx).
        """
        code = str(code).strip()
        kind = self._kind_of(code)
        if kind is None:
            raise CatalogError(f"unknown code {code} (used at {where or 'unspecified place'})",
                               code=code, where=where)
        return [e for e in self._entries[kind].values() if e.parent == code]

    def ancestors(self, code: str, where: str = "") -> list[Entry]:
        """``code`` and its ancestors, nearest first: 项 → 款 → 类 (like beancount's
        ``account.parents``, the entry itself comes first)."""
        code = str(code).strip()
        kind = self._kind_of(code)
        if kind is None:
            raise CatalogError(f"unknown code {code} (used at {where or 'unspecified place'})",
                               code=code, where=where)
        table = self._entries[kind]
        return [table[c] for c in (code, *table[code].parents)]

    def by_name(self, kind: str, name: str, under: str = "") -> list[Entry]:
        """Entries of catalog ``kind`` whose name equals ``name`` (blanks ignored,
        full-width/ASCII parentheses equal), optionally only below the code ``under``."""
        key = normalize_name(name)
        return [
            e for e in self._entries[kind].values()
            if normalize_name(e.name) == key and (not under or e.code.startswith(under) and e.code != under)
        ]

    def __repr__(self) -> str:
        counts = ", ".join(f"{k}={len(v)}" for k, v in self._entries.items())
        return f"<Catalog {self.year} {counts} mapping={len(self._mapping)}>"


@functools.cache
def _default_catalog() -> Catalog:
    return Catalog.load()


@functools.cache
def _year_catalog(year: int) -> Catalog:
    # the default year shares the default's cached instance
    return _default_catalog() if year == DEFAULT_YEAR else Catalog.load(year=year)
