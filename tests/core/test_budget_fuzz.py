"""A budget file edited by hand, badly: lines deleted, duplicated, characters changed. Reading it
gives a Budget or one InputError that names the file and a line — never a traceback."""
from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yusuan.derive import derive
from yusuan.errors import InputError
from yusuan.read.budget_yaml import read_budget
from tests.contexts import SHANXI
from tests.fuzz import examples

FUND = Path(__file__).parent.parent / "data" / "fund-budget.yaml"
LINES = FUND.read_text(encoding="utf-8").splitlines()
noise = st.text(alphabet="0123456789-.:{}[],#'\" 万元abcP项目", max_size=6)


@st.composite
def edited(draw) -> str:
    lines = list(LINES)
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["delete", "duplicate", "insert", "replace"]))
        if action == "delete" and len(lines) > 1:
            del lines[i]
        elif action == "duplicate":
            lines.insert(i, lines[i])
        else:
            line = lines[i]
            at = draw(st.integers(0, len(line)))
            cut = 0 if action == "insert" else draw(st.integers(0, 4))
            lines[i] = line[:at] + draw(noise) + line[at + cut:]
    return "\n".join(lines) + "\n"


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(text=edited())
def test_a_hand_edited_budget_reads_or_names_its_line(tmp_path, text):
    path = tmp_path / "budget.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        budget = read_budget(path)
    except InputError as exc:
        assert exc.file == str(path) and exc.message
        assert exc.place, f"no place in: {exc}"
        return
    derive(budget, SHANXI)  # what reads must also derive
