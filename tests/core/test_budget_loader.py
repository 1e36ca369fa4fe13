"""The budget loader on libyaml: the same data and lines as PyYAML's pure loader, and limits that
turn a hostile file (deep nesting, alias bombs, a huge file) into one error naming file and line."""
from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings

from test_budget_fuzz import edited  # the same hand edits (tests/core is on the path)
from yusuan.errors import InputError
from yusuan.read import budget_yaml
from yusuan.read.budget_yaml import LineDict, LineList, _LineLoader, _PureLineLoader, load_yaml

DATA = Path(__file__).parent.parent / "data"
BUDGETS = [DATA / "small-budget.yaml", DATA / "fund-budget.yaml",
           Path(__file__).parent.parent.parent / "examples" / "tunliu-police-2024" / "budget.yaml"]


def with_lines(value):
    """The data and every line the loader recorded, as one comparable value."""
    if isinstance(value, LineDict):
        return ("map", value.line, [(k, value.key_lines[k], with_lines(v)) for k, v in value.items()])
    if isinstance(value, LineList):
        return ("seq", value.line, [(line, with_lines(v)) for line, v in zip(value.item_lines, value)])
    return (type(value).__name__, value)


def test_libyaml_is_used_when_installed():
    if not getattr(yaml, "__with_libyaml__", False):
        pytest.skip("PyYAML without libyaml: the pure loader is the only one")
    assert issubclass(_LineLoader, yaml.CSafeLoader)


@pytest.mark.parametrize("path", BUDGETS, ids=lambda p: p.name)
def test_the_same_data_and_lines_as_the_pure_loader(path):
    text = path.read_text(encoding="utf-8")
    assert with_lines(yaml.load(text, Loader=_LineLoader)) == with_lines(yaml.load(text, Loader=_PureLineLoader))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=edited())
def test_a_hand_edited_budget_loads_as_with_the_pure_loader(text):
    """Where both loaders read a file they read it alike. (Where they refuse it, each names a line,
    but not always the same one: libyaml and PyYAML word and place a syntax error each their way,
    and libyaml refuses a few things PyYAML lets through, such as ``{a:[1]}``.)"""
    try:
        fast = with_lines(yaml.load(text, Loader=_LineLoader))
        pure = with_lines(yaml.load(text, Loader=_PureLineLoader))
    except yaml.YAMLError:
        return
    assert fast == pure


def nested(depth: int) -> str:
    return "a: " + "[" * depth + "1" + "]" * depth + "\n"


def doubling(levels: int, merge: bool = False) -> str:
    """Each anchor holds its predecessor four times: 4**levels values from a few lines."""
    names = [f"n{i}" for i in range(levels + 1)]
    text = f"{names[0]}: &{names[0]} {{x: 1, y: 2}}\n" if merge else f"{names[0]}: &{names[0]} [1, 2, 3, 4]\n"
    for before, name in zip(names, names[1:]):
        aliases = ", ".join([f"*{before}"] * 4)
        text += f"{name}: &{name} {{<<: [{aliases}]}}\n" if merge else f"{name}: &{name} [{aliases}]\n"
    return text


HOSTILE = {
    "nested 100000 deep": (nested(100_000), 1, "nested deeper than 100 levels"),
    "nested block mappings": ("".join(" " * i + "a:\n" for i in range(150)) + " " * 150 + "1\n", 101,
                              "nested deeper than 100 levels"),
    "an alias bomb": (doubling(12), 7, "repeat more than 10000 values"),
    "a merge-key bomb": (doubling(12, merge=True), 7, "repeat more than 10000 values"),
    "too many aliases": ("a: &a 1\nb:\n" + "  - *a\n" * 101, 103, "more than 100 aliases"),
}


@pytest.mark.parametrize("case", HOSTILE)
def test_a_hostile_file_is_one_error_with_its_line(tmp_path, case):
    text, line, message = HOSTILE[case]
    path = tmp_path / "budget.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as raised:
        load_yaml(path)
    assert raised.value.file == str(path) and raised.value.place == str(line), str(raised.value)
    assert message in raised.value.message


def test_what_is_within_the_limits_loads(tmp_path):
    path = tmp_path / "budget.yaml"
    path.write_text(nested(98) + doubling(5) + "m: &m {x: 1}\nk: {<<: *m, y: 2}\n", encoding="utf-8")
    data = load_yaml(path)
    assert data["k"] == {"x": 1, "y": 2}
    assert len(data["n5"]) == 4


def test_a_file_too_large_is_refused_unread(tmp_path, monkeypatch):
    monkeypatch.setattr(budget_yaml, "MAX_BYTES", 1000)
    path = tmp_path / "budget.yaml"
    path.write_text("a: 1\n" * 300, encoding="utf-8")
    with pytest.raises(InputError, match="larger than a budget file may be"):
        load_yaml(path)


def test_a_deep_budget_exits_2_not_3(tmp_path):
    """Before the limit: RecursionError in the pure loader (exit 3), a segfault in libyaml's composer."""
    budget = tmp_path / "budget.yaml"
    budget.write_text("year: 2024\nunit: " + "{a: " * 5000 + "1" + "}" * 5000 + "\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "yusuan.cli", "build", str(budget), "-o", str(tmp_path / "out")],
                            capture_output=True, text=True)
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and result.stderr.strip().endswith(f"{budget}:2: nested deeper than 100 levels")


# --- the direct loader (budget_yaml._load_direct): the same values and lines, or the full loader ---

from yusuan.read.budget_yaml import _load_direct, _NotPlain  # noqa: E402

UNUSUAL = {  # what the direct loader leaves to the full one
    "an anchor and an alias": "a: &x {b: 1}\nc: *x\n",
    "a merge key": "m: &m {x: 1}\nk: {<<: *m, y: 2}\n",
    "a tag": "a: !!str 123\n",
    "a non-specific tag": "a: ! 123\n",
    "a timestamp": "a: 2024-01-01\n",
    "a value key": "=: 1\n",
    "a list as a key": "? [1, 2]\n: x\n",
    "two documents": "a: 1\n---\nb: 2\n",
    "nothing": "",
    "a syntax error": "a: [1, 2\n",
    "too deep": nested(150),
}


@pytest.mark.parametrize("path", BUDGETS, ids=lambda p: p.name)
def test_the_direct_loader_reads_a_budget_as_the_full_one(path):
    text = path.read_text(encoding="utf-8")
    assert with_lines(_load_direct(text)) == with_lines(yaml.load(text, Loader=_LineLoader))


@pytest.mark.parametrize("case", UNUSUAL)
def test_the_direct_loader_leaves_the_unusual_to_the_full_one(case):
    with pytest.raises(_NotPlain):
        _load_direct(UNUSUAL[case])


def test_plain_scalars_read_as_the_full_loader_reads_them():
    text = ("a: 1_000\nb: 0x10\nc: 1.50\nd: 1e3\ne: ~\nf: null\ng: yes\nh: Off\ni: '013'\nj: 013\nk: \"2\"\n"
            "l: |\n  two\n  lines\nm: [1, x, {n: 2}]\nn: 1:30\no:\np: .inf\nq: 1\nq: 2\n7: seven\n~: none\n")
    direct = _load_direct(text)
    assert with_lines(direct) == with_lines(yaml.load(text, Loader=_LineLoader))
    assert direct["c"] == Decimal("1.50") and direct["q"] == 2 and direct.key_lines["q"] == 20


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=edited())
def test_a_hand_edited_budget_loads_directly_as_with_the_full_loader(text):
    try:
        full = with_lines(yaml.load(text, Loader=_LineLoader))
    except yaml.YAMLError:
        with pytest.raises(_NotPlain):  # an error is always the full loader's to say
            _load_direct(text)
        return
    try:
        direct = with_lines(_load_direct(text))
    except _NotPlain:
        return
    assert direct == full


@pytest.mark.parametrize("text", ["year: 2024\n? [1, 2]\n: x\n", "year: 2024\n? {a: 1}\n: x\n", "year: 2024\n? !!set {a}\n: x\n"])
def test_a_collection_as_a_key_is_an_error_with_its_line(tmp_path, text):
    """Found by the hand-edit fuzzing: it was a TypeError, an internal error (exit 3)."""
    path = tmp_path / "budget.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as raised:
        load_yaml(path)
    assert raised.value.place == "2" and "unhashable key" in raised.value.message
