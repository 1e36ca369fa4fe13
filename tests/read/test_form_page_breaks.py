"""项目支出绩效目标表 forms that run onto a new page read back whole: every field, every indicator.

Our PDF draws a form as one ruled grid and lets typst break it where the page ends: between
rows, or inside a row (a long goal, an indicator whose names wrap over many lines). The page
the form runs onto carries no 项目资金（元） mark, so its grid arrives as plain grid rows (every
position a field), not in the form's text shape. Each case below is one project of the example
budget, made long in one place so that its form breaks there; the forms are built into
one PDF (each form starts on a new page) and read back, and every form must equal the derived
one field by field. Each case also checks that the break is really where it says (from the
pages of the form's printed lines), so a change of layout cannot make it pass vacuously.
"""
from __future__ import annotations

import pytest

from yusuan.read import published

from tests.contexts import DETECT, SHANXI, rendering

LEVELS = [("产出指标", "数量指标"), ("产出指标", "质量指标"), ("产出指标", "时效指标"), ("产出指标", "成本指标"),
          ("效益指标", "社会效益指标"), ("效益指标", "可持续影响指标"), ("满意度指标", "服务对象满意度指标")]


def _indicators(template, count: int, long_names: int = 0):
    """``count`` indicators over the seven level-two kinds, names made ``long_names`` times longer."""
    kinds = [LEVELS[min(k * len(LEVELS) // count, len(LEVELS) - 1)] for k in range(count)]
    return [template.model_copy(update={"level1": l1, "level2": l2,
                                        "level3": f"第{k + 1}项指标名称" + "很长的三级指标名称" * long_names,
                                        "value": f"{k + 1}套" + "以上达到" * (long_names // 2)})
            for k, (l1, l2) in enumerate(kinds)]


# project id -> (what breaks, how the project's form is changed)
CASES = {
    "P01": ("40 indicators: the indicator rows run onto the next page", dict(indicators=40)),
    "P02": ("a goal of 150 sentences: the 总体目标 row itself breaks, both columns", dict(goal=150)),
    "P03": ("a long overview: the 总体目标 header row ends a page, its goals start the next",
            dict(overview=146, overview_tail=240, goal_text="确保本项目的总体目标如期实现。")),
    "P04": ("a longer overview: the 总体目标 header row opens the next page",
            dict(overview=146, overview_tail=310, goal_text="确保本项目的总体目标如期实现。")),
    "P05": ("indicator names wrapping over many lines: an indicator row breaks inside",
            dict(indicators=10, long_names=3)),
}


def _budget():
    from yusuan.inputs import read_budget

    from .conftest import EXAMPLE_BUDGET

    budget = read_budget(EXAMPLE_BUDGET)
    model = next(p for p in budget.projects if p.id == "P01").performance
    projects = []
    for project in budget.projects:
        how = CASES.get(project.id, (None, None))[1]
        if how is not None:
            update = {"indicators": _indicators(model.indicators[0], how.get("indicators", 9), how.get("long_names", 0))}
            if "goal" in how:
                update["goal"] = "".join(f"目标第{i}条内容，" for i in range(how["goal"])) + "完。"
            if "goal_text" in how:
                update["goal"] = how["goal_text"]
            if "overview" in how:
                update["overview"] = "".join(f"第{i}句项目概况的说明文字，" for i in range(how["overview"])) + "完。" \
                    + "补" * how["overview_tail"]
            project = project.model_copy(update={"performance": model.model_copy(update=update)})
        projects.append(project)
    return budget.model_copy(update={"projects": projects, "performance_order": list(CASES)})


@pytest.fixture(scope="module")
def forms(tmp_path_factory):
    """(the derived report, the report read back from its PDF, the problems met)."""
    from yusuan.derive import derive
    from yusuan.render import renderers

    if "pdf" not in renderers():
        pytest.skip("no PDF renderer installed")
    budget = _budget()
    derived = derive(budget, SHANXI)
    path = tmp_path_factory.mktemp("forms") / "report.pdf"
    path.write_bytes(renderers()["pdf"].render(rendering(derived, budget)))
    result = published(path, DETECT)
    return derived, result.report, [str(p) for p in result.problems]


def _spans(form):
    return [(s.page, s.text) for s in form.place.spans]


def _where(report, project_id):
    i = list(CASES).index(project_id)
    return report.performance[i]


def test_each_case_breaks_where_it_says(forms):
    _, read, _ = forms
    by_page = {pid: _spans(_where(read, pid)) for pid in CASES}
    for pid, spans in by_page.items():
        assert len({page for page, _ in spans}) >= 2, f"{pid}: {CASES[pid][0]} — the form fits one page"
    first = {pid: min(page for page, _ in spans) for pid, spans in by_page.items()}
    # P01: indicator rows on both pages
    assert len({page for page, text in by_page["P01"] if "指标名称" in text}) == 2
    # P02: the goal printed on both pages
    assert len({page for page, text in by_page["P02"] if "目标第" in text}) == 2
    # P03: 实施期目标 年度目标 closes the first page; no goal text on it
    p03 = by_page["P03"]
    assert ("实施期目标年度目标" in [t for p, t in p03 if p == first["P03"]])
    assert not any("如期实现" in t for p, t in p03 if p == first["P03"]), "the goals are on the form's first page"
    # P04: the next page opens with 总体目标 实施期目标 年度目标
    assert [t for p, t in by_page["P04"] if p == first["P04"] + 1][0] == "总体目标实施期目标年度目标"
    # P05: the second page opens with the rest of a row: no level-two name on that line
    second = [t for p, t in by_page["P05"] if p == first["P05"] + 1]
    assert second and not any(name in second[0] for _, name in LEVELS), second[:1]


def test_every_field_of_a_form_broken_across_pages_is_read(forms):
    derived, read, problems = forms
    assert problems == []
    assert [f.project_name for f in read.performance] == [f.project_name for f in derived.performance]
    for pid, got, want in zip(CASES, read.performance, derived.performance):
        assert got.model_dump(exclude={"place"}) == want.model_dump(exclude={"place"}), f"{pid}: {CASES[pid][0]}"
    assert sum(len(f.indicators) for f in read.performance) == 40 + 9 + 9 + 9 + 10


def _with_repeated_heads(text: str, paged: bool, title: bool):
    """The example's text lines with a page break in the middle of every form's indicator rows:
    a page number, then (``title``) the form's title and year, and the indicator table's header
    printed again — as a producer that repeats them would print a continued form. Our PDF
    repeats neither; a text extraction (``paged`` False) knows no pages."""
    from yusuan.read.published_lines import Line

    lines = text.split("\n")
    out: list[Line] = []
    page, form_title, indicator_rows, year = 1, None, 0, None
    for line in lines:
        if line.endswith("项目支出绩效目标表"):
            form_title, indicator_rows = line, 0
        elif form_title and line.startswith("（") and line.endswith("年度）"):
            year = line
        elif form_title and any(line.startswith(kind) for _, kind in LEVELS):
            indicator_rows += 1
            if indicator_rows == 5:  # the break: 4 rows above it, the rest below
                out.append(Line(f"-{page}-", 0, page if paged else None))
                page += 1
                heads = [form_title, year] if title else []
                out += [Line(h, 0, page if paged else None) for h in (*heads, "一级指标 二级指标 三级指标 指标值 二级指标 三级指标 指标值")]
        out.append(Line(line, 0, page if paged else None))
    return [Line(l.text, n, l.page) for n, l in enumerate(out, 1)], page - 1


@pytest.mark.parametrize("paged", [True, False], ids=["pdf-lines", "text-lines"])
@pytest.mark.parametrize("title", [False, True], ids=["header", "title-and-header"])
def test_a_form_header_printed_again_at_a_break_is_no_indicator(paged, title):
    """Every form of the example broken inside its indicators, the header (and title) printed
    again on the new page: no indicator made of the header, none lost, no form split in two."""
    from yusuan.derive import derive
    from yusuan.inputs import read_budget
    from yusuan.read.published import read_lines

    from .conftest import EXAMPLE_BUDGET
    from tests.contexts import text_of

    derived = derive(read_budget(EXAMPLE_BUDGET), SHANXI)
    lines, breaks = _with_repeated_heads(text_of(derived), paged, title)
    assert breaks == len(derived.performance) == 13
    result = read_lines(lines, "broken.txt", DETECT)
    assert [str(p) for p in result.problems] == []
    assert [f.model_dump(exclude={"place"}) for f in result.report.performance] == \
        [f.model_dump(exclude={"place"}) for f in derived.performance]
