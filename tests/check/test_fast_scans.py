"""Scans that one rule or one index makes in place of several: each finds exactly what the scans it
replaces find, in the same order, on texts made of the characters those patterns turn on."""
from __future__ import annotations

import random
import re

import pytest

from yusuan.check import review
from yusuan.templates.shanxi_2024.rules import targets

# digits, full-width digits, decimal points, blanks, slashes and every unit the patterns name
PIECES = list("0123456789０１.,/ \u3000") + ["元", "万元", "亿元", "人", "名", "个", "平方米", "公里", "公", "台", "套",
                                            "万", "亿", "次", "所", "概况", "约", "共", "项目"]


def _texts(count: int, seed: int):
    rng = random.Random(seed)
    for _ in range(count):
        yield "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 40)))


@pytest.mark.parametrize("seed", range(4))
def test_one_scan_of_an_overview_finds_the_amounts_and_the_counts(seed):
    for text in _texts(2000, seed):
        amounts, counts = [], []
        for number, money, count in targets.FIGURE_IN_TEXT.findall(text):
            (amounts if money else counts).append((number, money or count))
        assert amounts == targets.MONEY_IN_TEXT.findall(text), text
        assert counts == targets.IN_TEXT.findall(text), text


def test_the_scan_is_of_real_wording():
    text = "改造面积2761.43平方米，投资649.86万元，其中中央资金 300 万元，配备辅警37人、车辆2辆，单价5元/人"
    amounts, counts = [], []
    for number, money, count in targets.FIGURE_IN_TEXT.findall(text):
        (amounts if money else counts).append((number, money or count))
    assert amounts == [("649.86", "万元"), ("300", "万元")]
    assert counts == [("2761.43", "平方米"), ("37", "人"), ("2", "辆")]


CLAUSE_PIECES = list("。；\n其中：:，,增减0 ") + ["其中", "其中：", "比上年", "万元"]


@pytest.mark.parametrize("seed", range(4))
def test_a_clause_found_back_from_a_place_is_where_the_scan_from_the_start_finds_it(seed):
    import bisect

    rng = random.Random(seed)
    for _ in range(2000):
        text = "".join(rng.choice(CLAUSE_PIECES) for _ in range(rng.randint(0, 30)))
        ends = [m.end() for m in review.SUBJECT_START.finditer(text)]
        for at in range(len(text) + 1):
            i = bisect.bisect_right(ends, at)
            assert review._clause_start(text, at) == (ends[i - 1] if i else 0), (text, at)
            following = [m.start() for m in re.finditer(r"[。；\n]", text[at:])]
            assert review._clause_end(text, at) == (following[0] + at if following else len(text)), (text, at)
