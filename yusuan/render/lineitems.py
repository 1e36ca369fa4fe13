"""The Budget's line items as flat records with their classifications spelled out: the grain
that the XLSX 明细 sheet and the Fiscal Data Package export share.

Each record carries the whole hierarchy (类/款/项 codes and names) so a spreadsheet or
OpenSpending can drill down without the catalog; the amount stays the exact 元 Decimal.
"""
from __future__ import annotations

from decimal import Decimal

from ..budget import Budget
from ..catalog import Catalog, CatalogError

# (field name, column title) in output order.
FIELDS = (
    ("unit", "单位名称"),
    ("year", "年度"),
    ("func_class", "功能分类类"),
    ("func_class_name", "功能分类类名称"),
    ("func_kuan", "功能分类款"),
    ("func_kuan_name", "功能分类款名称"),
    ("func", "功能分类项"),
    ("func_name", "功能分类项名称"),
    ("econ_class", "部门经济分类类"),
    ("econ_class_name", "部门经济分类类名称"),
    ("econ", "部门经济分类款"),
    ("econ_name", "部门经济分类款名称"),
    ("gov_econ", "政府经济分类款"),
    ("gov_econ_name", "政府经济分类款名称"),
    ("source", "资金来源"),
    ("expenditure", "支出类型"),
    ("kind", "基本支出类别"),
    ("project", "项目编号"),
    ("project_name", "项目名称"),
    ("carryover", "本年/上年结转"),
    ("amount", "金额（元）"),
)


def _name(lookup, code: str) -> str:
    try:
        return lookup(code).name
    except CatalogError:
        return ""  # an unknown code was reported when the budget was read; the export keeps the code


def records(budget: Budget, catalog: Catalog) -> list[dict]:
    projects = {p.id: p.name for p in budget.projects}
    out = []
    for line in budget.lines:
        if line.gov_econ:
            gov = line.gov_econ
        else:
            kind = line.unit_kind or ("事业" if budget.unit.kind == "事业" else "行政")
            try:
                gov = catalog.gov_code_for(line.econ, kind)
            except CatalogError:
                gov = ""
        out.append({
            "unit": budget.unit.name,
            "year": budget.year,
            "func_class": line.func[:3],
            "func_class_name": _name(catalog.functional, line.func[:3]),
            "func_kuan": line.func[:5],
            "func_kuan_name": _name(catalog.functional, line.func[:5]),
            "func": line.func,
            "func_name": _name(catalog.functional, line.func),
            "econ_class": line.econ[:3],
            "econ_class_name": _name(catalog.dept_economic, line.econ[:3]),
            "econ": line.econ,
            "econ_name": _name(catalog.dept_economic, line.econ),
            "gov_econ": gov,
            "gov_econ_name": _name(catalog.gov_economic, gov) if gov else "",
            "source": line.source,
            "expenditure": "基本支出" if line.is_basic else "项目支出",
            "kind": line.kind or "",
            "project": line.project or "",
            "project_name": projects.get(line.project, "") if line.project else "",
            "carryover": "上年结转" if line.carryover else "本年",
            "amount": Decimal(line.amount),
        })
    return out


def income_records(budget: Budget, catalog: Catalog) -> list[tuple[str, str, str, Decimal]]:
    """(收入科目编码, 科目名称, 资金来源, 元) of the budget's income by 收入科目."""
    return [(item.code, _name(catalog.income, item.code), item.source or "", Decimal(item.amount))
            for item in budget.income_items]
