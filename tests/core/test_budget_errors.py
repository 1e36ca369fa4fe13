"""Bad input: one line naming file:line and the field, exit code 2, nothing written."""
import subprocess
import sys
from pathlib import Path

import pytest

SMALL = Path(__file__).parent.parent / "data" / "small-budget.yaml"
FUND = SMALL.with_name("fund-budget.yaml")  # with income by 收入科目 (lines 11–13)


def run_build(tmp_path: Path, text: str):
    budget = tmp_path / "budget.yaml"
    budget.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, "-m", "yusuan.cli", "build", str(budget), "-o", str(out)],
                            capture_output=True, text=True)
    return result, out


def mutate(old: str, new: str, budget: Path = SMALL) -> str:
    text = budget.read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new, 1)


CASES = {
    "malformed YAML": (mutate("lines:\n", "lines: [\n"), ":4: malformed YAML"),
    "unknown code": (mutate("econ: 30101,", "econ: 30199x,"), ":4: lines[0].econ: unknown economic code 30199x"),
    "negative amount": (mutate("amount: 20000}", "amount: -20000}"), ":5: lines[1].amount: amount -20000 is negative"),
    "non-numeric amount": (mutate("amount: 20000}", "amount: 二万}"), ":5: lines[1].amount: '二万' is not an amount"),
    "a YAML 1.1 sexagesimal amount": (mutate("amount: 20000}", "amount: 200:00}"), ":5: lines[1].amount: '200:00' is not an amount"),
    "project not defined": (mutate("project: P1, amount: 300000", "project: P9, amount: 300000"),
                            ":7: lines[3].project: project 'P9' is used but not defined"),
    "source does not add up": (mutate("lines:\n", "income: {一般公共预算: 1}\nlines:\n"),
                               "income.一般公共预算: 一般公共预算 income 1 元 does not add up"),
    "missing required field": (mutate("  - {func: 2040201, econ: 30201, kind: 公用经费, amount: 20000}\n",
                                      "  - {func: 2040201, kind: 公用经费, amount: 20000}\n"),
                               ":5: lines[1].econ: required field is missing"),
    "basic and project at once": (mutate("kind: 公用经费, amount", "kind: 公用经费, project: P1, amount"),
                                  ":5: lines[1]: a line is either basic expenditure"),
    "a 类 where a 项 is needed": (mutate("func: 2040201, econ: 30201", "func: 204, econ: 30201"),
                                ":5: lines[1].func: functional code 204 is a 类"),
    "unknown income code": (mutate('"1030147"', '"1030146"', FUND), ":12: income_items[1].code: unknown income code 1030146"),
    "income code outside 10301/10306": (mutate('"1030147"', '"1010101"', FUND),
                                        ":12: income_items[1].code: income code 1010101 is not under 10301"),
    "income code counted twice": (mutate('"1030147"', '"1030148"', FUND),
                                  ":12: income_items[1].code: income code 1030148 is counted twice"),
    "income by 收入科目 does not add up": (mutate("amount: 700000.00", "amount: 700000.01", FUND),
                                        ":11: income_items[0].amount: 政府性基金预算 income by 收入科目 sums to 3700000.01 元 "
                                        "but its current-year lines sum to 3700000.00 元"),
}


@pytest.mark.parametrize("case", CASES)
def test_bad_input_names_the_place_and_writes_nothing(tmp_path, case):
    text, expected = CASES[case]
    result, out = run_build(tmp_path, text)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "budget.yaml" in lines[0] and expected in lines[0], lines[0]
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_a_good_budget_builds(tmp_path):
    result, out = run_build(tmp_path, SMALL.read_text(encoding="utf-8"))
    assert result.returncode == 0, result.stderr
    assert (out / "report.json").exists() and (out / "report.txt").exists()


def test_a_users_catalog_extends_ours(tmp_path):
    """Catalogs change every year: --catalog FILE adds the code the built-in one lacks."""
    text = SMALL.read_text(encoding="utf-8").replace("func: 2040201, econ: 30201", "func: 2040288, econ: 30201")
    result, out = run_build(tmp_path, text)
    assert result.returncode == 2 and "unknown functional code 2040288" in result.stderr
    codes = tmp_path / "codes.csv"
    codes.write_text("catalog,code,name\nfunctional,2040288,新设公安项目\n", encoding="utf-8")
    budget = tmp_path / "budget.yaml"
    result = subprocess.run([sys.executable, "-m", "yusuan.cli", "build", str(budget), "-o", str(out), "--catalog", str(codes)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "2040288 新设公安项目 2.00 2.00" in (out / "report.txt").read_text(encoding="utf-8")


def test_an_output_folder_that_cannot_be_made_is_one_line(tmp_path):
    blocker = tmp_path / "out"
    blocker.write_text("a file where the folder should be", encoding="utf-8")
    budget = tmp_path / "budget.yaml"
    budget.write_text(SMALL.read_text(encoding="utf-8"), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "yusuan.cli", "build", str(budget), "-o", str(blocker / "sub")],
                            capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr and "out" in result.stderr
    assert blocker.read_text(encoding="utf-8") == "a file where the folder should be"


def test_only_plain_numbers_are_numbers(tmp_path):
    """YAML 1.1 would read 1:30 as 90, 0x10 as 16 and 013 as 11: silent misreadings of amounts and codes."""
    from decimal import Decimal

    from yusuan.read.budget_yaml import load_yaml

    path = tmp_path / "values.yaml"
    path.write_text("a: 1:30\nb: 0x10\nc: 013\nd: .inf\ne: 1_000\nf: 12.50\ng: -5\n", encoding="utf-8")
    assert dict(load_yaml(path)) == {"a": "1:30", "b": "0x10", "c": "013", "d": ".inf", "e": 1000,
                                     "f": Decimal("12.50"), "g": -5}
