"""`check 2025.yaml --previous CORPUS`: last year's report of the unit found in a corpus (by unit
name and year, yusuan/check/previous.py previous_from_corpus) — nothing on a consistent series,
a changed prior-year figure caught, a unit the corpus lacks refused naming the corpus."""
from __future__ import annotations

import pytest
from typer.testing import CliRunner

from yusuan.cli import app
from yusuan.consolidate import budget_yaml
from tests.corpus.helpers import yusuan

from .helpers import generated
from .test_previous import YEARS, mutated


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """Two units' 2023 and 2024 budgets ingested (their 2025 is what is checked)."""
    folder = tmp_path_factory.mktemp("previous-corpus")
    units = generated(2, 5, YEARS)
    for unit in units:
        for year in (2023, 2024):
            (folder / f"{unit[year].unit.code}-{year}.yaml").write_text(budget_yaml(unit[year]), encoding="utf-8")
    yusuan("ingest", folder, "--out", folder / "corpus", "--jobs", 1)
    return folder / "corpus", units


def check(path, corpus) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["check", str(path), "--previous", str(corpus), "--select", "Y."])
    return result.exit_code, result.output


def test_the_previous_report_is_found_in_the_corpus(corpus, tmp_path):
    root, units = corpus
    for unit in units:
        path = tmp_path / f"{unit[2025].unit.code}-2025.yaml"
        path.write_text(budget_yaml(unit[2025]), encoding="utf-8")
        code, output = check(path, root)
        assert code == 0 and "0 error, 0 warning" in output, output
        assert "note: previous: " in output and f"{unit[2024].unit.code}-2024.yaml (2024), found in the corpus" in output


def test_a_changed_prior_year_figure_is_caught(corpus, tmp_path):
    root, units = corpus
    path = tmp_path / "changed-2025.yaml"
    path.write_text(budget_yaml(mutated(units[0][2025], ("total",))), encoding="utf-8")
    code, output = check(path, root)
    assert code == 1 and "Y.previous" in output, output


def test_a_unit_the_corpus_lacks(corpus, tmp_path):
    root, units = corpus
    path = tmp_path / "unit-2023.yaml"  # its 2023: the corpus holds no 2022 of the unit
    path.write_text(budget_yaml(units[0][2023]), encoding="utf-8")
    code, output = check(path, root)
    assert code == 2
    assert f"{root}: no report of {units[0][2023].unit.name} for 2022 in the corpus (its years there: 2023, 2024)" in output
