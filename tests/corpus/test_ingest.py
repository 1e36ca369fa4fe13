"""`yusuan ingest` and `yusuan query` on generated budgets and the seed's published text."""
from __future__ import annotations

import json
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from yusuan.commands.build import DEFAULT_TEMPLATE
from yusuan.context import Context
from yusuan.corpus.extract import exact
from yusuan.corpus.store import Corpus
from yusuan.inputs import expand_inputs, load_report

from .helpers import SEED_TEXT, contents, yusuan

BY_CLASS = ("SELECT row_code, sum(value) FROM cells JOIN reports USING (report_id) "
            "WHERE template = 'shanxi-2024' AND table_id = '3' AND row_level = 1 AND column_key = 'total' "
            "GROUP BY row_code ORDER BY row_code")


def reports_of(inputs):
    """Each input's Report as `yusuan check` reads it (a budget laid out in shanxi-2024)."""
    for path in expand_inputs(list(inputs)):
        context = Context.create(DEFAULT_TEMPLATE if path.suffix == ".yaml" else None)
        yield path, load_report(path, context)[0]


def test_expenditure_by_class_equals_the_reports(baseline, inputs):
    expected: dict[str, Decimal] = defaultdict(Decimal)
    cells = 0
    for _, report in reports_of(inputs):
        for row in report.table("3").rows:
            if row.level == 1:
                expected[row.code] += row.values["total"]
        cells += sum(value is not None for table in report.tables for row in table.rows for value in row.values.values())
    with Corpus(baseline).connect() as connection:
        found = dict(connection.execute(BY_CLASS).fetchall())
        stored_cells = connection.execute("SELECT count(*) FROM cells").fetchone()[0]
        kind = connection.execute("SELECT typeof(value) FROM cells LIMIT 1").fetchone()[0]
    assert found == dict(expected) and len(found) >= 5
    assert all(isinstance(value, Decimal) for value in found.values())  # exact, never a float
    assert kind == "DECIMAL(38,6)" and stored_cells == cells


def test_every_report_and_its_rows(baseline, inputs):
    data = contents(baseline)
    names = {row[3] for row in data["reports"]}  # name
    assert len(data["reports"]) == 61 and SEED_TEXT.name in names
    with Corpus(baseline).connect() as connection:
        seed = connection.execute("SELECT report_id, input_kind, template, year, unit_name, status, tables, claims, projects "
                                  "FROM reports WHERE name = ?", [SEED_TEXT.name]).fetchone()
        assert seed[1:] == ("published", "shanxi-2024", 2024, "长治市公安局屯留分局", "ok", 13, seed[7], seed[8])
        assert seed[7] > 50 and seed[8] >= 3  # the prose's figures, the project forms
        # the seed's own contradictions are findings, as `yusuan check` finds them (DISCREPANCIES.md)
        rules = {rule for (rule,) in connection.execute("SELECT DISTINCT rule FROM findings WHERE report_id = ? AND "
                                                        "severity = 'error'", [seed[0]]).fetchall()}
        assert "P.cost" in rules
        generated_errors = connection.execute("SELECT count(*) FROM findings JOIN reports USING (report_id) "
                                              "WHERE input_kind = 'budget' AND severity = 'error'").fetchone()[0]
        assert generated_errors == 0  # valid by construction
        # the claims of the prose and the project forms' funding, exact
        total = connection.execute("SELECT value FROM claims WHERE report_id = ? AND subject = 'income.total'",
                                   [seed[0]]).fetchone()[0]
        assert total == Decimal("6640.71")
        funding = connection.execute("SELECT sum(annual_total) = sum(annual_central + annual_provincial + annual_local "
                                     "+ annual_self_raised + coalesce(annual_other, 0)) FROM projects "
                                     "JOIN reports USING (report_id) WHERE input_kind = 'budget'").fetchone()[0]
        assert funding
        assert connection.execute("SELECT count(*) FROM indicators").fetchone()[0] > 0


def test_a_rerun_skips_what_is_done(baseline, inputs):
    before = sorted(path.name for path in (baseline / "batches").iterdir())
    result = yusuan("ingest", *inputs, "--out", baseline)
    assert "61 of 61 inputs already in the corpus" in result.stderr and "ingested 0 inputs" in result.stderr
    assert sorted(path.name for path in (baseline / "batches").iterdir()) == before


def test_an_unreadable_input_is_a_row_and_a_problem(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "notes.txt").write_text("这不是预算公开文件。\n", encoding="utf-8")
    (tmp_path / "in" / "broken.yaml").write_text("unit: [\n", encoding="utf-8")
    corpus = tmp_path / "corpus"
    result = yusuan("ingest", tmp_path / "in", "--out", corpus, check=False)
    assert result.returncode == 1, result.stderr
    with Corpus(corpus).connect() as connection:
        rows = connection.execute("SELECT name, status, error IS NOT NULL FROM reports ORDER BY name").fetchall()
        problems = connection.execute("SELECT kind, count(*) FROM problems GROUP BY kind").fetchall()
    assert rows == [("broken.yaml", "unreadable", True), ("notes.txt", "unreadable", True)]
    assert problems == [("unreadable", 2)]
    # unreadable is an answer about the content: not tried again
    again = yusuan("ingest", tmp_path / "in", "--out", corpus, check=False)
    assert "2 of 2 inputs already in the corpus" in again.stderr


def test_not_a_corpus_is_refused(tmp_path):
    (tmp_path / "mine.txt").write_text("x")
    result = yusuan("ingest", SEED_TEXT, "--out", tmp_path, check=False)
    assert result.returncode == 2 and "not a corpus" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.txt"]


def test_query_formats_keep_amounts_exact(baseline):
    sql = "SELECT row_code, sum(value) AS total FROM cells WHERE table_id = '3' AND row_level = 1 GROUP BY 1 ORDER BY 1"
    as_json = json.loads(yusuan("query", baseline, sql, "-f", "json").stdout)
    as_csv = yusuan("query", baseline, sql, "-f", "csv").stdout.splitlines()
    table = yusuan("query", baseline, sql).stdout
    assert as_csv[0] == "row_code,total" and len(as_csv) == len(as_json) + 1
    assert all(isinstance(row["total"], str) and Decimal(row["total"]) > 0 for row in as_json)  # a string: exact
    assert as_csv[1] == f"{as_json[0]['row_code']},{as_json[0]['total']}"
    assert f"({len(as_json)} rows)" in table
    bad = yusuan("query", baseline, "SELECT nothing FROM nowhere", check=False)
    assert bad.returncode == 2 and bad.stderr.startswith("error:")
    missing = yusuan("query", Path("/nonexistent/corpus"), "SELECT 1", check=False)
    assert missing.returncode == 2 and "not a corpus" in missing.stderr


def test_a_value_that_does_not_fit_is_not_rounded():
    assert exact(Decimal("6640.71")) == (Decimal("6640.710000"), True)
    assert exact(Decimal("1E+2")) == (Decimal("100.000000"), True)
    assert exact(Decimal("0.1234567")) == (None, False)  # 7 decimals: NULL and a problem row, never 0.123457
    assert exact(None) == (None, True)
