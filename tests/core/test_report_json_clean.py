"""Loading a report.json skips the per-model cleaning of texts only when the JSON text cannot hold
a character XML cannot (yusuan/report.py: json_context); every such character still arrives
cleaned, by both ways a report.json is loaded (Report.from_json and the CLI's load_report_json)."""
from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from yusuan.inputs import load_report_json
from yusuan.read import published
from yusuan.report import Report, json_context

from tests.contexts import DETECT

NOT_XML = ([chr(c) for c in range(0x20) if chr(c) not in "\t\n\r"] + [chr(c) for c in range(0xD800, 0xE000)]
           + ["\ufffe", "\uffff"])


@pytest.fixture(scope="module")
def seed_json() -> str:
    """The seed read from its text: prose, places, every kind of part."""
    return published("tests/data/tunliu-police-2024.txt", DETECT).report.to_json()


def _with_label(text: str, label: str, ensure_ascii: bool) -> str:
    data = json.loads(text)
    data["tables"][0]["rows"][1]["labels"] = {key: label for key in data["tables"][0]["rows"][1]["labels"]}
    return json.dumps(data, ensure_ascii=ensure_ascii)


def test_the_quick_way_gives_the_same_report(seed_json):
    assert json_context(seed_json) is not None  # ours: nothing to clean, the quick way
    quick = Report.from_json(seed_json)
    assert quick == Report.model_validate_json(seed_json)  # the full validation, every model cleaned
    assert quick.model_dump_json() == Report.model_validate_json(seed_json).model_dump_json()


@pytest.mark.parametrize("ensure_ascii", [True, False])
def test_every_character_xml_cannot_hold_takes_the_full_way(seed_json, ensure_ascii):
    base = json.loads(seed_json)
    for ch in NOT_XML:
        if not ensure_ascii and "\ud800" <= ch <= "\udfff":
            continue  # a lone surrogate is not UTF-8: no file or database text holds one raw
        base["unit_name"] = f"单位{ch}名"
        assert json_context(json.dumps(base, ensure_ascii=ensure_ascii)) is None, f"U+{ord(ch):04X}"


@pytest.mark.parametrize("ch", ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1f", "\ud800", "\udfff", "\ufffe", "\uffff"],
                         ids=lambda ch: f"U+{ord(ch):04X}")
def test_such_a_character_is_removed_by_both_loaders(seed_json, tmp_path, ch):
    text = _with_label(seed_json, f"行{ch}政运行", ensure_ascii=True)
    path = tmp_path / "report.json"
    path.write_text(text, encoding="utf-8")
    loaded = [load_report_json(path)]
    if "\ud800" <= ch <= "\udfff":  # pydantic's own JSON parser refuses an escaped lone surrogate
        with pytest.raises(ValidationError, match="surrogate"):
            Report.from_json(text)
    else:
        loaded.append(Report.from_json(text))
    for report in loaded:
        assert set(report.tables[0].rows[1].labels.values()) == {"行政运行"}


def test_a_clean_text_that_only_looks_escaped_is_kept(seed_json):
    """An escaped backslash before "u0001" is text, not a control character: the full way keeps it."""
    text = _with_label(seed_json, "a\\u0001b", ensure_ascii=False)
    assert json_context(text) is None
    assert set(Report.from_json(text).tables[0].rows[1].labels.values()) == {"a\\u0001b"}
