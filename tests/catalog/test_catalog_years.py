"""The catalogs per year against the codes printed in real reports.

``tests/data/shanghai/printed-codes.csv`` lists every classification code printed in a
table of the eight Shanghai PDFs (the 类/款/项 columns of the 预算 tables, the 科目编码 of the
决算 tables, the 经济分类 tables of both) with the name printed beside it, the report's
year and the pages.  Every one must be in its year's catalog under the printed name.
"""
from __future__ import annotations

import csv
import re
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path

import pytest

from yusuan.catalog import YEARS, Catalog, CatalogError, normalize_name

DATA = Path(__file__).resolve().parents[1] / "data" / "shanghai"
PRINTED = DATA / "printed-codes.csv"

#: (code, printed name) → why the printed name is not the catalog's, letter for letter
NAME_EXCEPTIONS = {
    ("30213", "维修（护）费"): "the 决算 tables print full-width parentheses; the catalog keeps the seed's "
                              "ASCII 维修(护)费 (the seed's own 政府经济分类 column prints 维修（护）费)",
}
#: codes 2023's subjects do not have: 社会工作事务 serves the 社会工作部 of the 2023 reform
NEW_IN_2024 = {"20139", "2013901", "2013950", "2013999"}


def printed() -> list[dict[str, str]]:
    with PRINTED.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def lookup(cat: Catalog, code: str):
    return cat.functional(code) if code.startswith("2") else cat.dept_economic(code)


def test_the_list_covers_the_eight_reports():
    rows = printed()
    assert {r["file"] for r in rows} == {p.name for p in DATA.glob("*.pdf")}
    assert {int(r["year"]) for r in rows} == {2024, 2025, 2026}
    codes = {r["code"] for r in rows}
    assert len(codes) == 117
    assert {"20139", "2013901", "21508", "2150899", "21699", "2169999", "30101", "31002"} <= codes


def test_every_printed_code_is_in_its_years_catalog_under_the_printed_name():
    problems, used = [], set()
    for r in printed():
        cat = Catalog.for_year(int(r["year"]))
        try:
            entry = lookup(cat, r["code"])
        except CatalogError as exc:
            problems.append(f"{r['file']} p.{r['pages']}: {exc}")
            continue
        if entry.name == r["name"]:
            continue
        key = (r["code"], r["name"])
        if key in NAME_EXCEPTIONS and normalize_name(entry.name) == normalize_name(r["name"]):
            used.add(key)
            continue
        problems.append(f"{r['file']} p.{r['pages']}: {r['code']} printed {r['name']!r}, catalog {entry.name!r}")
    assert not problems, "\n".join(problems)
    assert used == set(NAME_EXCEPTIONS), "an exception no report needs any more"


def test_a_years_printed_codes_cite_that_years_reports():
    """In the delta years, an entry a real report prints names that report as its source."""
    files = defaultdict(set)
    for r in printed():
        if r["code"].startswith("2"):
            files[(int(r["year"]), r["code"])].add(r["file"])
    for (year, code), names in files.items():
        source = Catalog.for_year(year).functional(code).source
        if year == 2024:
            continue  # the base file keeps its original sources (the seed, the MOF catalog)
        assert all(n in source for n in names), (year, code, source)
        assert f"{year}年政府收支分类科目" in source


def test_the_years_differ_where_the_codes_changed():
    codes = {y: {e.code for e in Catalog.for_year(y).entries("functional")} for y in YEARS}
    assert codes[2024] - codes[2023] == NEW_IN_2024
    assert not codes[2023] - codes[2024]
    # no change from 2024 to 2025 or 2026 is known: the printed codes of those years agree
    assert codes[2025] == codes[2024] == codes[2026]
    with pytest.raises(CatalogError, match=r"unknown functional code 20139 .*functional-2023.csv"):
        Catalog.for_year(2023).functional("20139", where="a 2023 report")
    assert Catalog.for_year(2025).functional("20139").name == "社会工作事务"
    # the other catalogs are the same every year
    for kind in ("dept", "gov", "income"):
        assert len({tuple(Catalog.for_year(y).entries(kind)) for y in YEARS}) == 1, kind


def test_for_year():
    assert Catalog.for_year(2024) is Catalog.default()
    assert Catalog.for_year(2025) is Catalog.for_year(2025)
    assert Catalog.for_year(2025).year == 2025
    assert Catalog.for_year(2026).files("functional") == ["functional-2024.csv", "functional-2025.csv",
                                                          "functional-2026.csv"]
    for year in YEARS:
        entries = Catalog.for_year(year).entries("functional")
        assert [e.code for e in entries] == sorted(e.code for e in entries), year  # official order
        assert all(e.source for e in entries)
        assert all(not e.parent or Catalog.for_year(year).is_functional(e.parent) for e in entries)
    with pytest.raises(CatalogError, match="no packaged catalogs for year 2019"):
        Catalog.for_year(2019)


def test_extra_files_apply_on_top_of_a_year(tmp_path):
    f = tmp_path / "functional-extra.csv"
    f.write_text("code,name\n2013904,新设项\n", encoding="utf-8")
    cat = Catalog.load([f], year=2025)
    assert cat.functional("2013904").parents == ("20139", "201")
    with pytest.raises(CatalogError, match="has no parent 20139"):
        Catalog.load([f], year=2023)


# ------------------------------------------------------------------ against the PDF text
#: a 3/5/7-digit code starting 2 (功能) or 3 (经济); not part of an amount, and not an amount
#: of the prose ("购房补贴（03项）207万元")
CODE_TOKEN = re.compile(r"(?<![\d.,])[23]\d{2}(?:\d{2}){0,2}(?![\d.,]|\s*万元|\s*%)")
#: a 预算 table's code split over its 类 / 款 / 项 columns at the start of a line
SPLIT_CODE = re.compile(r"^\s*([23]\d{2})(?:\s+(\d{2}))?(?:\s+(\d{2}))?\s")


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_the_list_is_what_the_reports_print():
    """Each listed code is printed on its pages (whole, or split over 类/款/项 columns), and
    every code-like token anywhere in the eight reports is listed: nothing missed, nothing
    invented."""
    by_file = defaultdict(list)
    for r in printed():
        by_file[r["file"]].append(r)
    for name, rows in by_file.items():
        text = subprocess.run(["pdftotext", "-layout", str(DATA / name), "-"],
                              capture_output=True, text=True, check=True).stdout
        seen = defaultdict(set)  # code -> pages
        for number, page in enumerate(text.split("\f"), 1):
            for line in page.splitlines():
                m = SPLIT_CODE.match(line)
                if m:
                    seen["".join(g or "" for g in m.groups())].add(number)
                for token in CODE_TOKEN.findall(line):
                    seen[token].add(number)
        for r in rows:
            pages = {int(p) for p in r["pages"].split()}
            assert pages <= seen[r["code"]], (name, r["code"], sorted(pages - seen[r["code"]]))
        unlisted = sorted(set(seen) - {r["code"] for r in rows})
        assert not unlisted, (name, unlisted)
