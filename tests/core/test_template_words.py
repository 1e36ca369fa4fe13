"""The Shanxi layout lives in its package: its captions, its 第三部分 section titles and the labels
of its 收支总表 appear in the engine (yusuan/ outside the template packages) nowhere — as words the
code uses; comments and docstrings may mention them to explain. Its captions appear in no other
template either. (Other layouts may print the same labels — a 决算 has 本年收入合计 too — in their
own packages.)"""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "yusuan"
SHANXI = PACKAGE / "templates" / "shanxi_2024"

SHANXI_WORDS = (
    "预算公开表", "部门公开表", "第三部分",
    # the section titles of 第三部分
    "单位预算收支数据变动情况及原因", "收入预算情况说明", "支出预算情况说明", "财政拨款收支预算总体情况说明",
    "一般公共预算支出情况说明", "一般公共预算基本支出情况说明", "“三公”经费增减变动原因说明", "机关运行经费增减变动原因说明",
    "政府采购情况", "绩效管理情况", "国有资产占有使用情况",
    # the labels of its 收支总表 (上年结转 alone is the budget's own word for carried-over money: every
    # line item is current or 上年结转, whatever the layout)
    "本年收入合计", "本年支出合计", "年终结转", "收入总计", "支出总计", "上年财政拨款结转",
)


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                found.add(id(first.value))
    return found


def words_used(path: Path) -> list[tuple[int, str]]:
    """(line, word) of each Shanxi word in the strings the code of ``path`` uses."""
    if path.suffix == ".py":
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _docstrings(tree)
        strings = [(n.lineno, n.value) for n in ast.walk(tree)
                   if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in skip]
    else:
        strings = list(enumerate(path.read_text(encoding="utf-8").splitlines(), 1))
    return [(line, word) for line, text in strings for word in SHANXI_WORDS if word in text]


TEMPLATES = PACKAGE / "templates"
CAPTIONS = ("预算公开表", "部门公开表")


def test_shanxi_words_are_used_only_inside_template_packages():
    places = []
    for path in sorted(PACKAGE.rglob("*")):
        if path.suffix not in (".py", ".yaml", ".j2", ".typ", ".css") or SHANXI in path.parents:
            continue
        in_a_package = path.parent != TEMPLATES and TEMPLATES in path.parents
        places += [f"{path.relative_to(ROOT)}:{line}: {word}" for line, word in words_used(path)
                   if not in_a_package or word in CAPTIONS]
    assert places == [], "Shanxi's words outside its package:\n" + "\n".join(places)


def test_the_scan_finds_them_where_they_are():
    """The scan is not blind: inside the package it finds every kind of word it looks for."""
    inside = {word for path in SHANXI.rglob("*") if path.suffix in (".py", ".yaml") for _, word in words_used(path)}
    assert {"预算公开表", "部门公开表", "单位预算收支数据变动情况及原因", "收入总计", "上年财政拨款结转"} <= inside
