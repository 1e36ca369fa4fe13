"""Fuzzing: truncated, shuffled, mangled and random inputs end in a Report, a partial Report with
problems, or one InputError — never a crash, never a hang."""
from __future__ import annotations

import re
import time
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yusuan.errors import InputError
from yusuan.read.published import published, read_text

from .conftest import SEED, assert_read_or_one_error
from tests.contexts import DETECT
from tests.fuzz import examples

TEXT = SEED.read_text(encoding="utf-8")
LINES = TEXT.split("\n")
BOUNDARIES = [i for i, l in enumerate(LINES) if re.match(r"^\s*(?:预算|部门)公开表\d+\s*$", l) or l.strip().startswith("第三部分")]
LIMIT = 5.0  # seconds for one read: the seed takes a few ms


def read_bounded(text: str):
    started = time.perf_counter()
    result = read_text(text, "fuzz.txt", DETECT)
    assert time.perf_counter() - started < LIMIT
    assert result.report is not None or result.problems, "nothing read and nothing said"
    if result.report is not None:
        result.report.to_json()  # the partial Report is still a valid Report
    return result


@pytest.mark.parametrize("cut", BOUNDARIES)
def test_seed_cut_at_every_table_boundary(cut):
    result = read_bounded("\n".join(LINES[:cut]))
    if cut > BOUNDARIES[0]:
        assert result.report is not None and result.problems  # partial, and says what is missing
        assert any("missing" in p.message for p in result.problems)


def test_a_missing_table_is_named():
    start = BOUNDARIES[2]
    result = read_bounded("\n".join(LINES[:start] + LINES[BOUNDARIES[3]:]))
    assert any(p.table == "3" and "missing" in p.message for p in result.problems)
    assert result.report.table("4") is not None and result.report.table("3") is None


def test_another_template_is_said_plainly():
    """A layout yusuan does not know is refused, naming the nearest it knows and the titles found."""
    text = "2023年度部门收支预算\n部门收支总表\n2023年部门收支总表\n项目 行次 金额\n合计 1.00\n"
    result = read_text(text, "<text>", DETECT)
    assert result.report is None and result.exit_code == 2
    assert "of no template yusuan knows" in result.problems[0].message and "2023年部门收支总表" in result.problems[0].message


def test_a_fragment_of_a_known_layout_is_named_and_read_in_part():
    """A 决算 is a layout yusuan knows now (shanghai-juesuan-bumen): a fragment of one is named and
    read in part, each missing table said, rather than refused."""
    text = "2023年度部门决算\n收入支出决算总表\n公开01表\n2023年收入支出决算总表\n项目 行次 金额\n"
    result = read_text(text, "<text>", DETECT)
    assert result.template == "shanghai-juesuan-bumen" and result.exit_code == 1
    assert any("missing" in p.message for p in result.problems)


@settings(max_examples=examples(30), deadline=None, suppress_health_check=list(HealthCheck))
@given(st.randoms(use_true_random=False), st.sampled_from(["shuffle", "delete", "mangle", "swap_tables"]))
def test_shuffled_deleted_mangled_lines(rnd, how):
    lines = list(LINES)
    if how == "shuffle":
        rnd.shuffle(lines)
    elif how == "delete":
        lines = [l for l in lines if rnd.random() > 0.2]
    elif how == "mangle":
        lines = ["".join(ch if rnd.random() > 0.05 else rnd.choice("0 .,、合计一二万元\u3000") for ch in l) for l in lines]
    else:
        a, b = sorted(rnd.sample(BOUNDARIES[:-1], 2))
        lines = lines[:a] + lines[b:] + lines[a:b]
    read_bounded("\n".join(lines))


@settings(max_examples=examples(40), deadline=None)
@given(st.text(max_size=3000))
def test_random_text(text):
    read_bounded(text)


@settings(max_examples=examples(20), deadline=None)
@given(st.binary(max_size=2000))
def test_random_bytes_from_a_file(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "report.txt"
    path.write_bytes(data)
    assert_read_or_one_error(path)


def test_unreadable_file_is_one_input_error(tmp_path):
    for name in ("nope.txt", "nope.pdf", "nope.xlsx"):
        with pytest.raises(InputError, match="no such file"):
            published(tmp_path / name, DETECT)
    with pytest.raises(InputError, match="not a file"):
        published(tmp_path, DETECT)


# A figure of 20 digits in the prose (found by YUSUAN_FUZZ=deep): every reader made it a claim,
# whose validation failed (over 10^15: no amount) — a pydantic error out of `read` (exit 3) and
# `check` (exit 2 with no place). It is text now, and the figures around it are still claims.
HUGE = "1" * 20


def test_a_figure_too_large_for_an_amount_in_the_prose_is_no_claim():
    first = re.search(r"\d[\d,]*\.\d{2}(?=万元)", TEXT[TEXT.index("第三部分"):])
    start = TEXT.index("第三部分") + first.start()
    result = read_bounded(TEXT[:start] + HUGE + TEXT[start + len(first.group()):])
    claims = [c for section in result.report.explanations for c in section.claims]
    assert claims and all(abs(c.value) < 10**15 for c in claims)


def test_shanghai_yusuan_prose_and_project_page_with_a_figure_too_large_for_an_amount():
    from yusuan.read.published_lines import Line
    from yusuan.templates.shanghai_yusuan.reading import _projects, claims

    assert [(c.subject, c.value) for c in claims(f"2025年，本单位收入预算{HUGE}万元，比2024年预算增加10.00万元。", "", [])] \
        == [("unknown.change", Decimal("10.00"))]
    # model_copy does not validate: the figure went into the Report, and its report.json was refused when read back
    page = ["科技创新专项经费情况说明", "六、年度预算安排", f"2025年度项目总预算{HUGE}万"]
    assert [(n.project, n.amount) for n in _projects([Line(text, no) for no, text in enumerate(page, 1)])] == [("科技创新专项", None)]


def test_shanghai_juesuan_prose_with_a_figure_too_large_for_an_amount():
    from yusuan.templates.shanghai_juesuan.reading import _paragraph_claims

    assert [(c.subject, c.value) for c in _paragraph_claims("一", f"2024年度收入决算{HUGE}万元，支出决算10.00万元。", "general", {})] \
        == [("figure.一", Decimal("10.00"))]


def test_a_shanghai_table_cell_too_large_for_an_amount_is_said_not_read():
    """(was: the cell made a Row whose validation failed — a pydantic error out of `read`, exit 3)"""
    from yusuan.read.titled import _code_columns, _row
    from yusuan.templates import load

    spec = load("shanghai-yusuan-bumen", 2025).table("2")
    said: list[str] = []
    row = _row(spec, ["合计", "", "", "", HUGE, "1.00"], _code_columns(spec), "name", lambda message, r=None: said.append(message))
    assert row.values == {"total": None, "fiscal": Decimal("1.00")}
    assert said == [f"'{HUGE}' in the amount column total"]
