"""项目支出绩效目标表: every field, both columns of the indicator tree.

The form prints label/value pairs (项目名称 …, 主管部门及代码 … 实施单位 …), funding by level for
实施期 (left) and 年度 (right), free-text fields that wrap over lines, the two 总体目标 columns
(extracted one after the other), and the indicator rows: 二级/三级/指标值 for each period.
A PDF often clips a name in one column; when the other column has the full name with the
clipped one as its prefix, the full name is used for both.
"""
from __future__ import annotations

import re
from decimal import Decimal

from ..report import Funding, Indicator, PerformanceTable, Report, Place
from .published_lines import Line, Problem

LEVEL1 = ("产出指标", "效益指标", "满意度指标")
LEVEL2 = ("数量指标", "质量指标", "时效指标", "成本指标", "经济效益指标", "社会效益指标", "生态效益指标",
          "可持续影响指标", "服务对象满意度指标")
FIELDS = (("overview", "项目概况"), ("basis", "立项依据"), ("necessity", "项目设立必要性"),
          ("measures", "保证项目实施的制度、措施"), ("plan", "项目实施计划"))
FUNDING = (("total", "实施期资金总额：", "年度资金总额："), ("central", "其中：中央财政资金", None),
           ("provincial", "省级财政资金", None), ("local", "市县（区）财政资金", None),
           ("self_raised", "单位自筹", None), ("other", "其他资金", None))
# Qualitative values that a clipped cell glues to its indicator name: "保安人员工作积极性积极".
WORD_VALUES = ("及时", "积极", "提高", "提升", "健全", "完善", "改善", "良好", "合格", "达标", "有效", "显著", "满意")
VALUE = re.compile(r"(?:[＞≥≤＜<>=]\s*)?\d[\d,.]*\s*(?:%|％|[\u4e00-\u9fff（）()]{0,4})$")


def _cjk_join(text: str) -> str:
    """Undo wrapping inside a label: "其中：中央财政资 金" → "其中：中央财政资金"."""
    return re.sub(r"(?<=[\u4e00-\u9fff：（）])\s+(?=[\u4e00-\u9fff：（）])", "", text)


def read_performance(report: Report, tables: list[list[Line]], problems: list[Problem]) -> Report:
    result = []
    for lines in tables:
        try:
            table = read_one(lines, problems)
        except (ValueError, ArithmeticError) as exc:  # a mangled form: say so, keep the rest
            problems.append(Problem(f"项目支出绩效目标表 unreadable: {exc}", lines[0].no, lines[0].page))
            continue
        if table is not None:
            result.append(table)
    return report.model_copy(update={"performance": result})


def read_one(lines: list[Line], problems: list[Problem]) -> PerformanceTable | None:
    title = lines[0].text.strip()
    rows = _across_pages(lines)
    texts = [text for text, _ in rows]
    joined = "\n".join(texts)

    def problem(message: str) -> None:
        problems.append(Problem(f"项目支出绩效目标表 {name or title}: {message}", lines[0].no, lines[0].page))

    name = _after(r"^项目名称\s*(.*)$", texts)
    year = re.search(r"（(\d{4})年度）", joined)
    dept = re.search(r"主管部门及代码\s*(.*?)\s*实施单位\s*(.*)", joined)
    attribute = re.search(r"项目属性\s*(.*?)\s*项目期\s*(.*)", joined)
    if not name:
        problem("no 项目名称")
        return None
    fields = _fields(texts)
    goal_impl, goal_annual = _complete(*_goals(texts), suffix=True)
    implementation, annual = _funding(texts)
    indicators = _indicators(rows, problem)
    filled = re.search(r"填报日期：\s*([\d\s]*)$", joined)
    missing = [label for label, found in (("年度", year), ("主管部门及代码", dept), ("项目属性", attribute), ("填报日期", filled)) if not found]
    if missing:
        problem("not found: " + "、".join(missing))
    return PerformanceTable(
        place=Place(page=lines[0].page, line=lines[0].no),
        title=title,
        year=int(year.group(1)) if year else 0,
        project_name=name,
        department=dept.group(1).strip() if dept else "",
        implementing_unit=dept.group(2).strip() if dept else "",
        attribute=attribute.group(1).strip() if attribute else "",
        period=attribute.group(2).strip() if attribute else "",
        funding_implementation=implementation,
        funding_annual=annual,
        goal_implementation=goal_impl,
        goal_annual=goal_annual,
        indicators=indicators,
        filled_at=re.sub(r"\s", "", filled.group(1)) if filled else "",
        **fields,
    )


FormRow = tuple[str, tuple[str, ...] | None]  # a line's text, and the cells of an indicator row's rest
FORM_COLUMNS = 8  # the form's grid: a side label, 一级指标, then 二级指标 三级指标 指标值 of each period
GOAL_HEADER = "实施期目标 年度目标"
INDICATOR_HEADER = {"绩效指标", "一级指标", "二级指标", "三级指标", "指标值"}


def _across_pages(lines: list[Line]) -> list[FormRow]:
    """The form's lines after its title (blank ones left out), the pages it runs onto put back
    into the form's text shape.

    A PDF gives a form's first page in the shape of the text rendering (pdf_grid.py knows the
    form by its 项目资金（元） cell), but a page the form runs onto lacks that cell: its rows
    arrive as plain grid rows, each of the 8 positions a field (a merged one empty). Those are
    reshaped here. A row that typst broke at the end of a page goes on at the top of the next:
    the rest of a goal row is added to each period's goal; the rest of an indicator row (no
    二级指标 name of its own) is returned with its six cells, for _indicators to add to the row
    above. A row of more fields than columns (a cell that holds a space) cannot be placed and
    is kept as printed. Text and workbook lines (no page number) are kept as they are.
    """
    first_page = lines[0].page
    rows: list[list] = []
    goal: int | None = None  # the row of 总体目标's text, while a page may continue it
    goal_pending = in_indicators = False
    page = first_page
    for line in lines[1:]:
        text = line.text
        if not text.strip():
            continue
        opens_page, page = line.page != page, line.page
        fields = text.split(" ")
        later = isinstance(line.page, int) and isinstance(first_page, int) and line.page > first_page
        if not later or len(fields) != FORM_COLUMNS:
            stripped = text.strip()
            if stripped.startswith("总体目标"):
                goal = len(rows)
            goal_pending = stripped == GOAL_HEADER and goal is None
            in_indicators = in_indicators or stripped.startswith(("绩效指标", "一级指标"))
            if in_indicators:
                goal, goal_pending = None, False
            rows.append([text, None])
            continue
        label, cells = fields[0], fields[1:]
        goal_shaped = not label and not any(cells[1:4]) and not any(cells[5:])
        if label == "总体目标":  # its header row opens the page
            rows.append([GOAL_HEADER, None])
            goal, goal_pending = None, True
        elif goal_shaped and goal_pending:  # the goals under a header the previous page ended with
            goal, goal_pending = len(rows), False
            rows += [[f"总体目标 {cells[0]}", None], [cells[4], None]]
        elif goal_shaped and goal is not None and opens_page:  # the rest of a goal row
            rows[goal][0] += cells[0]
            if goal + 1 < len(rows):
                rows[goal + 1][0] += cells[4]
            else:
                rows.append([cells[4], None])
        elif in_indicators and opens_page and not label and cells[0] not in LEVEL1 and cells[1] not in LEVEL2:
            rows.append([" ".join(c for c in cells[1:] if c), tuple(cells[1:])])  # the rest of an indicator row
        else:
            in_indicators = in_indicators or label == "绩效指标"
            if in_indicators:
                goal, goal_pending = None, False
            rows.append([" ".join(f for f in fields if f), None])
    return [(text, rest) for text, rest in rows]


def _after(pattern: str, texts: list[str]) -> str:
    for text in texts:
        match = re.match(pattern, text.strip())
        if match:
            return match.group(1).strip()
    return ""


def _fields(texts: list[str]) -> dict[str, str]:
    """The free-text fields: from each label to the next label, wrapped lines joined."""
    labels = [label for _, label in FIELDS]
    ends = (*labels, "实施期目标", "总体目标")
    result: dict[str, str] = {}
    current = None
    for text in texts:
        stripped = text.strip()
        label = next((l for l in labels if stripped.startswith(l)), None)
        if label:
            current = next(key for key, l in FIELDS if l == label)
            result[current] = stripped[len(label):].strip()
        elif current and any(stripped.startswith(e) for e in ends):
            current = None
        elif current:
            result[current] += stripped
    return result


def _goals(texts: list[str]) -> tuple[str, str]:
    """总体目标: the 实施期 column's lines, then the 年度 column's (each wrapped on its own).

    The 年度 column starts at the first line that starts again like the 实施期 text does;
    failing that, right after the line of 总体目标.
    """
    start = next((i for i, t in enumerate(texts) if t.strip().startswith("总体目标")), None)
    if start is None:
        return "", ""
    block = [texts[start].strip()[len("总体目标"):].strip()]
    for text in texts[start + 1:]:
        stripped = text.strip()
        if stripped in ("绩", "绩效指标") or stripped.startswith(("一级指标", "绩效指标")) or stripped in LEVEL1:
            break
        block.append(stripped)
    block = [b for b in block if b] or [""]
    if len(block) == 1:  # both columns on one line: "总体目标 确保…开展 确保…开展"
        for at in (m.start() for m in re.finditer(" ", block[0])):
            if block[0][:6] and block[0][at + 1:].startswith(block[0][:6]):
                return block[0][:at], block[0][at + 1:]
    head = block[0][:6]
    for i in range(1, len(block)):
        if head and (block[i].startswith(head) or block[i].startswith(block[0][1:7])):
            return "".join(block[:i]), "".join(block[i:])
    return block[0], "".join(block[1:])


def _amount(text: str | None) -> Decimal | None:
    return Decimal(text.replace(",", "")) if text else None


def _funding(texts: list[str]) -> tuple[Funding, Funding]:
    start = next((i for i, t in enumerate(texts) if "资金总额" in t), None)
    end = next((i for i, t in enumerate(texts) if t.strip().startswith("项目概况")), len(texts))
    if start is None:
        return Funding(), Funding()
    region = _cjk_join(" ".join(texts[start:end]))
    left: dict[str, Decimal | None] = {}
    right: dict[str, Decimal | None] = {}
    for key, label, right_label in FUNDING:
        labels = [label, right_label or label]
        for side, wanted in ((left, labels[0]), (right, labels[1])):
            match = re.search(rf"{re.escape(wanted)}\s*(\d[\d,]*(?:\.\d+)?)?", region)
            if match:
                side[key] = _amount(match.group(1))
                region = region[: match.start()] + region[match.end():]
    return Funding(**left), Funding(**right)


def _indicators(rows: list[FormRow], problem) -> list[Indicator]:
    start = next((i for i, (t, _) in enumerate(rows) if t.strip() in LEVEL1 or t.strip().startswith(LEVEL1)), None)
    if start is None:
        problem("no indicator rows")
        return []
    result = []
    level1 = ""
    # The row read last, parsed only once the next is known: a row typst broke at the page's end
    # continues at the top of the next page (its cells' rest), and is completed first.
    pending: tuple[str, str, list[tuple[str, ...]]] | None = None

    def flush() -> None:
        if pending is None:
            return
        row_level1, text, rests = pending
        indicator = _indicator_row(row_level1, _completed(text, rests))
        if indicator is None:
            problem(f"indicator row not understood: {' '.join([text, *(' '.join(r) for r in rests)])}")
        else:
            result.append(_continued(indicator, rests))

    for text, rest in rows[start:]:
        if rest is not None:
            if pending is None:
                problem(f"indicator row not understood: {text}")
            else:
                pending[2].append(rest)
            continue
        stripped = text.strip()
        if stripped.startswith("负责人"):
            break
        if set(stripped.split()) <= INDICATOR_HEADER:
            continue  # the indicator table's header, printed again where a page breaks it
        first = next((l for l in LEVEL1 if stripped == l or stripped.startswith(l + " ")), None)
        if first:
            level1 = first
            stripped = stripped[len(first):].strip()
            if not stripped:
                continue
        flush()
        pending = (level1, stripped, [])
    flush()
    return result


def _completed(text: str, rests: list[tuple[str, ...]]) -> str:
    """A row whose 二级指标 name the page break cut (可持续影响 | 指标): the name made whole in
    each column, from the rest of its cell on the next page."""
    tokens = text.split(" ")
    for rest in rests:
        at = 0
        for part in (rest[0], rest[3]):
            for i in range(at, len(tokens)):
                if part and tokens[i] and tokens[i] not in LEVEL2 and tokens[i] + part in LEVEL2:
                    tokens[i] += part
                    at = i + 1
                    break
    return " ".join(tokens)


def _continued(indicator: Indicator, rests: list[tuple[str, ...]]) -> Indicator:
    """The indicator with the rest of its cells (三级指标 and 指标值 of each period) from the pages it ran onto."""
    for rest in rests:
        indicator = indicator.model_copy(update={
            "level3": indicator.level3 + rest[1], "value": indicator.value + rest[2],
            "annual_level3": indicator.annual_level3 + rest[4], "annual_value": indicator.annual_value + rest[5]})
    return indicator


def _indicator_row(level1: str, text: str) -> Indicator | None:
    """"数量改造面积 2761.43平方米 数量指标 改造面积 2761.43平方米" → both columns."""
    right_at = None
    for match in re.finditer("|".join(LEVEL2), text):
        if match.start() > 0:
            right_at = match
    if right_at is None:
        return None
    left, right = text[: right_at.start()].strip(), text[right_at.start():].strip()
    level2 = right_at.group(0)
    right_rest = right[len(level2):].strip()
    # the left column's 二级 may be clipped and glued to its 三级: keep what follows the clipped name
    clipped = 0
    while clipped < min(len(left), len(level2)) and left[clipped] == level2[clipped]:
        clipped += 1
    left_rest = left[clipped:].strip()
    level3, value = _name_value(left_rest, right_rest)
    annual3, annual_value = _name_value(right_rest, left_rest)
    level3, annual3 = _complete(level3, annual3)
    return Indicator(level1=level1, level2=level2, level3=level3, value=value,
                     annual_level2=level2, annual_level3=annual3, annual_value=annual_value)


def _name_value(text: str, other: str) -> tuple[str, str]:
    """Split "工程建设验收合格率 100%" into name and value, using the other column's value."""
    if not text:
        return "", ""
    other_value = other.rsplit(" ", 1)[-1] if " " in other else ""
    for candidate in filter(None, (other_value, *WORD_VALUES)):
        if text.endswith(candidate) and len(text) > len(candidate):
            return text[: -len(candidate)].strip(), candidate
    if " " in text:
        name, value = text.rsplit(" ", 1)
        return name.strip(), value
    match = VALUE.search(text)
    if match and match.start() > 0:
        return text[: match.start()].strip(), match.group(0)
    return text, ""


def _complete(left: str, right: str, suffix: bool = False) -> tuple[str, str]:
    """A name clipped in one column is the prefix of the full name in the other: use the full one.
    (A goal's text may also lose its first character: ``suffix``.)"""
    if left and right and left != right:
        if left.startswith(right) or suffix and left.endswith(right) and len(left) - len(right) <= 2:
            return left, left
        if right.startswith(left) or suffix and right.endswith(left) and len(right) - len(left) <= 2:
            return right, right
    return left, right
