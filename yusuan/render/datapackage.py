"""The Budget's line items as a Fiscal Data Package (OpenSpending): one zip, datapackage.zip,
holding datapackage.json (the descriptor with its fiscal model) and line-items.csv.

One file because the renderer registry writes one file per format, and a descriptor is
useless without the data it describes. Unzipped, the folder is a valid data package.

The model (FDP v0.3, as OpenSpending's loader reads it): one measure, ``amount``, in 元
(``factor`` 1, ``currency`` CNY), ``phase`` ``approved`` — a published 预算 is the approved
budget (决算 would be ``executed``); the classifications are dimensions whose attributes
name their ``parent`` level (类 → 款 → 项), so a portal can drill down.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile

from . import csvsafe, lineitems, register

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from . import Rendering

CSV_NAME = "line-items.csv"
# Fixed timestamp inside the zip: the same budget gives the same bytes.
ZIP_TIME = (2000, 1, 1, 0, 0, 0)


def _attribute(field: str, title: str, **extra) -> dict:
    return {"source": field, "title": title, **extra}


def _hierarchy(prefix: str, levels: list[tuple[str, str, str, str]], kind: str | None) -> dict:
    """A classification dimension: each level's code attribute (with its parent) and name label."""
    attributes = {}
    parent = None
    for key, code_field, name_field, title in levels:
        attributes[key] = _attribute(code_field, f"{title}编码", **({"parent": parent} if parent else {}))
        attributes[f"{key}-name"] = _attribute(name_field, f"{title}名称", labelfor=key)
        parent = key
    dimension = {"dimensionType": "classification", "attributes": attributes, "primaryKey": [levels[-1][0]]}
    if kind:
        dimension["classificationType"] = kind
    return dimension


def _simple(field: str, title: str, dimension_type: str = "other") -> dict:
    return {"dimensionType": dimension_type, "attributes": {field: _attribute(field, title)}, "primaryKey": [field]}


def descriptor(budget) -> dict:
    titles = dict(lineitems.FIELDS)
    fields = []
    for name, title in lineitems.FIELDS:
        field = {"name": name, "title": title, "type": "string"}
        if name == "amount":
            field.update(type="number", description="金额，单位：元（精确到分）")
        elif name == "year":
            field.update(type="integer")
        fields.append(field)
    ident = hashlib.sha1(f"{budget.unit.name}/{budget.year}".encode()).hexdigest()[:10]
    return {
        "profile": "fiscal-data-package",
        "name": f"yusuan-budget-{budget.year}-{budget.unit.code or ident}".lower(),
        "title": f"{budget.unit.name}{budget.year}年单位预算",
        "countryCode": "CN",
        "fiscalPeriod": {"start": f"{budget.year}-01-01", "end": f"{budget.year}-12-31"},
        "resources": [{
            "name": "line-items",
            "path": CSV_NAME,
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "schema": {"fields": fields},
        }],
        "model": {
            "measures": {
                "amount": {"source": "amount", "title": "预算数（元）", "currency": "CNY", "factor": 1,
                           "direction": "expenditure", "phase": "approved"},
            },
            "dimensions": {
                "functional-classification": _hierarchy("func", [
                    ("class", "func_class", "func_class_name", "功能分类类"),
                    ("kuan", "func_kuan", "func_kuan_name", "功能分类款"),
                    ("xiang", "func", "func_name", "功能分类项"),
                ], "functional"),
                "economic-classification": _hierarchy("econ", [
                    ("class", "econ_class", "econ_class_name", "部门经济分类类"),
                    ("kuan", "econ", "econ_name", "部门经济分类款"),
                ], "economic"),
                "government-economic-classification": _hierarchy("gov", [
                    ("kuan", "gov_econ", "gov_econ_name", "政府经济分类款"),
                ], "economic"),
                "administrative-classification": _simple("unit", titles["unit"], "entity"),
                "fiscal-year": _simple("year", titles["year"], "datetime"),
                "source": _simple("source", titles["source"]),
                "expenditure-type": {
                    "dimensionType": "other",
                    "attributes": {"expenditure": _attribute("expenditure", titles["expenditure"]),
                                   "kind": _attribute("kind", titles["kind"], parent="expenditure")},
                    "primaryKey": ["expenditure", "kind"],
                },
                "project": {
                    "dimensionType": "activity",
                    "attributes": {"project": _attribute("project", titles["project"]),
                                   "project-name": _attribute("project_name", titles["project_name"], labelfor="project")},
                    "primaryKey": ["project"],
                },
                "carryover": _simple("carryover", titles["carryover"]),
            },
        },
    }


def line_items_csv(budget, catalog) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([name for name, _ in lineitems.FIELDS])
    for record in lineitems.records(budget, catalog):
        # the exact 元 amount as written in the budget, never through float; text neutralised
        # (a name starting with "=" would run as a formula in a spreadsheet: csvsafe)
        writer.writerow(csvsafe.row(format(record[name], "f") if name == "amount" else record[name]
                                    for name, _ in lineitems.FIELDS))
    return buffer.getvalue().encode("utf-8")


@register("datapackage", "datapackage.zip")
def render_datapackage(rendering: "Rendering") -> bytes:
    budget = rendering.budget
    if budget is None:
        raise ValueError("the Fiscal Data Package is built from the Budget's line items; "
                         "a Report read back alone has none (use `yusuan build BUDGET --format datapackage`)")
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in (("datapackage.json", json.dumps(descriptor(budget), ensure_ascii=False, indent=1).encode("utf-8")),
                           (CSV_NAME, line_items_csv(budget, rendering.catalog))):
            archive.writestr(zipfile.ZipInfo(name, ZIP_TIME), data, zipfile.ZIP_DEFLATED)
    return output.getvalue()
