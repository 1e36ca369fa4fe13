"""The Shanghai 预算 layouts (shanghai-yusuan-danwei, shanghai-yusuan-bumen) on the real PDFs.

- Every table cell ``read`` gives for the 部门 and the 单位 report of 区政府办公室 equals the
  fixture typed from the page (tests/data/shanghai/expected/), and so does every figure of the
  prose (as a claim) and the 项目经费情况说明 page.
- All six 预算 PDFs read whole (exit 0) and name their template.
- ``check`` on them prints exactly the findings listed, each with its reason, in
  tests/data/shanghai/expected-findings.yaml.
"""
from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from typer.testing import CliRunner

from tests.contexts import DETECT
from yusuan.cli import app
from yusuan.read import published

DATA = Path(__file__).resolve().parents[1] / "data" / "shanghai"
FIXTURED = ["putuo-zhengfuban-2025-bumen-yusuan", "putuo-zhengfuban-2025-danwei-yusuan"]
BUDGETS = sorted(p for p in DATA.glob("*-yusuan.pdf"))
TEMPLATE = {"bumen": "shanghai-yusuan-bumen", "danwei": "shanghai-yusuan-danwei"}


def _cell(value) -> str:
    """A read cell as the fixture writes it: amounts without grouping compared as numbers."""
    return "" if value is None else str(value)


def _same(expected: str, got) -> bool:
    if isinstance(got, Decimal) or (got is None and (expected == "" or expected[:1].isdigit())):
        return (Decimal(expected.replace(",", "")) if expected else None) == got
    return expected == (got or "")


@pytest.fixture(scope="module")
def reads() -> dict:
    return {stem: published(DATA / f"{stem}.pdf", DETECT) for stem in FIXTURED}


@pytest.mark.parametrize("stem", FIXTURED)
def test_every_cell_equals_the_fixture(stem, reads, capsys):
    expected = yaml.safe_load((DATA / "expected" / f"{stem}.yaml").read_text(encoding="utf-8"))
    result = reads[stem]
    assert result.problems == []
    assert result.template == TEMPLATE[stem.split("-")[3]]
    report = result.report
    assert report.year == expected["year"] and report.unit_name == expected["unit_name"]
    assert [t.title for t in report.tables] == [t["title"] for t in expected["tables"]]
    compared = 0
    wrong = []
    for table, want in zip(report.tables, expected["tables"]):
        spec_columns = [c for c in _spec(report).table(table.id).columns]
        assert table.unit == want["unit"]
        assert len(table.rows) == len(want["rows"]), table.title
        for row, cells in zip(table.rows, want["rows"]):
            for column, cell in zip(spec_columns, cells, strict=True):
                got = row.values.get(column.key) if column.is_amount else row.labels.get(column.key, "")
                compared += 1
                if not _same(cell, got):
                    wrong.append((table.title, column.key, cell, _cell(got)))
        assert (table.note or None) == (want.get("note") or None)
    with capsys.disabled():
        print(f"\n{stem}: {compared} table cells compared with the fixture")
    assert wrong == []


def _spec(report):
    from yusuan.templates import load

    return load(report.template, report.year)


@pytest.mark.parametrize("stem", FIXTURED)
def test_every_prose_figure_is_a_claim(stem, reads):
    """The figures of 编制说明 and 其他相关情况说明, in order, with the clause that states them
    (a change is signed: 减少 negative); 持平 adds a claim of 0 that the fixture does not list."""
    expected = yaml.safe_load((DATA / "expected" / f"{stem}.yaml").read_text(encoding="utf-8"))["prose"]
    claims = [c for s in reads[stem].report.explanations for c in s.claims if c.relation != "持平"]
    got = [("".join(c.text.split()), abs(c.value), c.unit) for c in claims]
    want = [("".join(p["quote"].split()), Decimal(p["value"]), p["unit"]) for p in expected]
    assert [g[1:] for g in got] == [w[1:] for w in want]
    # the clause: the fixture's quote, or the quote with the words before it in its clause (2025年)
    assert [g[0] for g, w in zip(got, want) if not g[0].endswith(w[0])] == []
    assert not [c for c in claims if "unknown" in c.subject or c.subject.endswith("-")]


def test_the_project_page_is_structured(reads):
    expected = yaml.safe_load((DATA / "expected" / f"{FIXTURED[0]}.yaml").read_text(encoding="utf-8"))["projects"]
    notes = reads[FIXTURED[0]].report.projects
    assert len(notes) == len(expected)
    for note, want in zip(notes, expected):
        for key in ("project", "title", "purpose", "basis", "subject", "plan", "period", "budget", "targets"):
            assert getattr(note, key) == want[key], key
        assert note.amount == (Decimal(want["amount"]) if want["amount"] else None)
    assert reads[FIXTURED[1]].report.projects == []


@pytest.mark.parametrize("path", BUDGETS, ids=lambda p: p.stem)
def test_each_budget_pdf_reads_whole(path, tmp_path):
    out = tmp_path / "out"
    done = CliRunner().invoke(app, ["read", str(path), "-o", str(out)])
    assert done.exit_code == 0, done.output
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["template"] == TEMPLATE[path.stem.split("-")[3]]
    assert len(report["tables"]) == 9


FINDINGS = yaml.safe_load((DATA / "expected-findings.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", BUDGETS, ids=lambda p: p.stem)
def test_check_prints_only_the_findings_checked_by_hand(path):
    """No false error: every error and warning is one the fixture lists with its reason, and
    every one it lists is found."""
    done = CliRunner().invoke(app, ["check", str(path), "--format", "json"])
    findings = json.loads(done.stdout)["findings"]
    got = sorted((f["rule"], f["severity"], f["location_text"]) for f in findings if f["severity"] in ("error", "warning"))
    want = sorted((f["rule"], f["severity"], f["location"]) for f in FINDINGS.get(path.name) or [])
    assert got == want
    assert all(f["reason"] for f in FINDINGS.get(path.name) or [])


EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "tunliu-police-2024" / "budget.yaml"


@pytest.mark.parametrize("template", ["shanghai-yusuan-danwei", "shanghai-yusuan-bumen"])
@pytest.mark.parametrize("form", ["txt", "pdf"])
def test_a_built_report_reads_back_cell_for_cell(template, form, tmp_path):
    """build in the layout (9 tables in 元, the 编制说明 sentences), then read its text or PDF:
    the same cells, notes, claims and parts."""
    from yusuan.report import Report

    done = CliRunner().invoke(app, ["build", str(EXAMPLE), "--template", template, "-f", f"json,{'text' if form == 'txt' else form}",
                                    "-o", str(tmp_path / "built")])
    assert done.exit_code == 0, done.output
    built = Report.load(tmp_path / "built" / "report.json")
    assert built.template == template and [t.unit for t in built.tables] == ["元"] * 8 + ["万元"]
    result = published(tmp_path / "built" / f"report.{form}", DETECT)
    assert result.problems == [] and result.template == template
    read = result.report
    for a, b in zip(built.tables, read.tables, strict=True):
        assert (a.id, a.title, a.note) == (b.id, b.title, b.note)
        assert [(r.labels, r.values, r.code, r.level) for r in a.rows] == [(r.labels, r.values, r.code, r.level) for r in b.rows], a.title
    assert [(c.subject, c.value, c.unit) for s in built.explanations for c in s.claims] == \
        [(c.subject, c.value, c.unit) for s in read.explanations for c in s.claims]
    assert not [c for s in built.explanations for c in s.claims if "unknown" in c.subject]
    assert [s.text for s in built.explanations] == [s.text for s in read.explanations]
    assert (built.profile.duties, built.profile.structure, built.glossary) == (read.profile.duties, read.profile.structure, read.glossary)
