"""A finance officer's typing, at random: any cell of any input sheet overwritten with text,
numbers or nothing. The workbook reads to a Budget, or to errors that each name a sheet and
cell — never a crash, never an error without its place."""
from __future__ import annotations

import functools
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yusuan.errors import InputErrors
from yusuan.workbook.read import read_workbook
from yusuan.workbook.write import write_workbook

from .helpers import fund_budget
from tests.fuzz import examples

SHEETS = ["单位信息", "收入", "收入科目", "支出明细", "项目", "绩效目标", "上年数", "政府采购", "资产", "说明文字"]
# a cell (支出明细!D17), a column (单位信息!A:A), a row, or a whole sheet (sheet 「收入」)
PLACE = re.compile(r"(?:" + "|".join(SHEETS + ["名词解释"]) + r")!(?:[A-Z]+\d+|[A-Z]+:[A-Z]+|\d+:\d+|[A-Z]+\d+:[A-Z]+\d+)|sheet 「")
printable = st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=10)


@functools.cache
def _workbook() -> bytes:
    return write_workbook(fund_budget())


@settings(max_examples=examples(25), deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(edits=st.lists(st.tuples(st.sampled_from(SHEETS), st.integers(1, 12), st.integers(1, 10),
                                st.one_of(st.none(), printable, st.integers(-10**12, 10**12),
                                          st.floats(allow_nan=False, allow_infinity=False), st.sampled_from(["", " ", "=1/0", "-5", "1e400"]))),
                      min_size=1, max_size=12))
def test_any_typing_reads_or_says_where(tmp_path, edited_workbook, edits):
    path = edited_workbook(tmp_path / "budget.xlsx", _workbook(), edits)
    try:
        read_workbook(path)
    except InputErrors as exc:
        assert exc.errors
        for error in exc.errors:
            assert str(path) in str(error) and PLACE.search(str(error)), str(error)
