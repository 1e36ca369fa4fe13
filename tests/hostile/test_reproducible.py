"""Two builds of one budget give identical bytes in every format (issue 13): nothing embeds the
clock — SOURCE_DATE_EPOCH when set, else 1 January of the budget's year."""
from __future__ import annotations

import time
import zipfile

import pytest

from .run import small_budget, yusuan


def _formats():
    from yusuan.render.pdf import cjk_font_files

    return "json,text,html,xlsx,docx,datapackage" + (",pdf" if cjk_font_files() else "")


@pytest.mark.parametrize("epoch", [None, "1700000000"])
def test_two_builds_are_byte_identical(tmp_path, epoch):
    budget = tmp_path / "budget.yaml"
    budget.write_text(small_budget(), encoding="utf-8")
    env = {"SOURCE_DATE_EPOCH": epoch} if epoch else {}
    outputs = []
    for n in range(2):
        if n and not epoch:
            time.sleep(2.1)  # a zip member's time has a resolution of two seconds: the clock would show
        run = yusuan("build", budget, "-f", _formats(), "-o", tmp_path / f"out{n}", env=env)
        assert run.code == 0, run.stderr
        outputs.append({p.name: p.read_bytes() for p in (tmp_path / f"out{n}").iterdir()})
    assert outputs[0].keys() == outputs[1].keys() and len(outputs[0]) >= 6
    for name in outputs[0]:
        assert outputs[0][name] == outputs[1][name], name
    expected = (2023, 11, 14) if epoch else (2024, 1, 1)
    with zipfile.ZipFile(tmp_path / "out0" / "report.xlsx") as archive:
        assert {info.date_time[:3] for info in archive.infolist()} == {expected}
        assert f"{expected[0]}-{expected[1]:02}-{expected[2]:02}T".encode() in archive.read("docProps/core.xml")
