"""Two reports compared cell by cell (`yusuan diff A B`): two years of a unit, or two units.

Tables are matched by id, rows by what names them (the classification code or project id and
the row's labels, so that 30108 行政 and 30108 事业 — one 部门 款 on two 政府 款 — stay two rows),
columns by key. Every amount cell whose value differs is listed with both values, the change
and the percentage (of the first value; none from nothing); rows and tables found in one report
only are listed with their values. The figures of the prose (claims, docs/claims.md) are
compared by section and subject the same way.

Values are compared as displayed (a report holds what it prints): exact Decimals, never floats.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from .money import ZERO, percent
from .report import Report, Row, Table


class Changed:
    """What a value that differs between the two reports says: its change and the percentage."""

    before: Decimal | None
    after: Decimal | None

    @property
    def change(self) -> Decimal:
        return (self.after or ZERO) - (self.before or ZERO)

    @property
    def percent(self) -> Decimal | None:
        """The change as a percentage of the first value (to 0.01%, half-up); None from nothing."""
        return percent(self.change, self.before) if self.before else None


@dataclass(frozen=True)
class CellChange(Changed):
    table: str
    row: str  # the row's name: code and label (合计, 2040201 行政运行, P01 …)
    column: str  # the column's key
    header: str  # the column's header path, "2024年预算数 / 合计", when the layout is known
    before: Decimal | None
    after: Decimal | None


@dataclass(frozen=True)
class RowOnly:
    table: str
    row: str
    side: str  # "a" or "b": the report that has it
    values: dict[str, Decimal]


@dataclass(frozen=True)
class ClaimChange(Changed):
    section: str
    subject: str
    unit: str
    before: Decimal | None
    after: Decimal | None


@dataclass
class Diff:
    a: dict  # what the first report is: source, unit, year, template
    b: dict
    cells: list[CellChange] = field(default_factory=list)
    rows: list[RowOnly] = field(default_factory=list)
    tables: list[tuple[str, str]] = field(default_factory=list)  # (table id, side) of tables in one report only
    claims: list[ClaimChange] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.cells or self.rows or self.tables or self.claims)

    def to_dict(self) -> dict:
        def number(value: Decimal | None) -> str | None:
            return None if value is None else str(value)

        return {
            "a": self.a, "b": self.b,
            "cells": [{"table": c.table, "row": c.row, "column": c.column, "header": c.header, "before": number(c.before),
                       "after": number(c.after), "change": number(c.change), "percent": number(c.percent)} for c in self.cells],
            "rows_only": [{"table": r.table, "row": r.row, "in": r.side, "values": {k: str(v) for k, v in r.values.items()}}
                          for r in self.rows],
            "tables_only": [{"table": t, "in": side} for t, side in self.tables],
            "claims": [{**{k: v for k, v in asdict(c).items() if k not in ("before", "after")}, "before": number(c.before),
                        "after": number(c.after), "change": number(c.change), "percent": number(c.percent)} for c in self.claims],
            "counts": {"cells": len(self.cells), "rows_only": len(self.rows), "tables_only": len(self.tables),
                       "claims": len(self.claims)},
        }


def row_name(row: Row) -> str:
    """How a row is named in the output: its code and its labels, or (合计) its label."""
    labels = [v for k, v in row.labels.items() if v and v != row.code]
    return " ".join(part for part in (row.code or "", *labels) if part) or "(unnamed row)"


def keyed_rows(table: Table) -> dict[str, Row]:
    """The rows of a table by name; a name met again is numbered (#2), as two empty rows are."""
    rows: dict[str, Row] = {}
    for row in table.rows:
        if not row.values or all(v is None for v in row.values.values()) and not row.labels:
            continue  # a spacer row: nothing to compare
        name = row_name(row)
        key, n = name, 1
        while key in rows:
            n += 1
            key = f"{name} #{n}"
        rows[key] = row
    return rows


def _headers(report: Report) -> dict[tuple[str, str], str]:
    """(table id, column key) → the header path, from the report's layout when it can be loaded."""
    try:
        from .templates import load

        template = load(report.template, report.year)
    except Exception:  # a report.json of a layout not here: keys only
        return {}
    out = {}
    for spec in template.tables:
        for column in spec.amount_columns:
            out[(spec.id, column.key)] = " / ".join(h.replace("{year}", str(report.year)) for h in column.header)
    return out


def _amounts(row: Row) -> dict[str, Decimal]:
    return {k: v for k, v in row.values.items() if v is not None}


def diff_reports(a: Report, b: Report, a_source: str = "", b_source: str = "") -> Diff:
    def about(report: Report, source: str) -> dict:
        return {"source": source, "unit": report.unit_name, "year": report.year, "template": report.template}

    result = Diff(about(a, a_source), about(b, b_source))
    headers = {**_headers(a), **_headers(b)}
    a_tables, b_tables = {t.id: t for t in a.tables}, {t.id: t for t in b.tables}
    for table_id in [*a_tables, *(t for t in b_tables if t not in a_tables)]:
        if table_id not in b_tables or table_id not in a_tables:
            result.tables.append((table_id, "a" if table_id in a_tables else "b"))
            continue
        rows_a, rows_b = keyed_rows(a_tables[table_id]), keyed_rows(b_tables[table_id])
        for name in [*rows_a, *(r for r in rows_b if r not in rows_a)]:
            if name not in rows_b or name not in rows_a:
                side, row = ("a", rows_a[name]) if name in rows_a else ("b", rows_b[name])
                result.rows.append(RowOnly(table_id, name, side, _amounts(row)))
                continue
            before, after = rows_a[name].values, rows_b[name].values
            for column in [*before, *(k for k in after if k not in before)]:
                x, y = before.get(column), after.get(column)
                if (x or ZERO) != (y or ZERO):  # an empty cell is nothing, as 0
                    result.cells.append(CellChange(table_id, name, column, headers.get((table_id, column), ""), x, y))
    result.claims = list(_claim_changes(a, b))
    return result


def _claims(report: Report) -> dict[tuple[str, str], tuple[Decimal, str]]:
    out: dict[tuple[str, str], tuple[Decimal, str]] = {}
    for section in report.explanations:
        for claim in section.claims:
            out.setdefault((section.number, claim.subject), (claim.value, claim.unit))  # a figure restated: its first
    return out


def _claim_changes(a: Report, b: Report) -> Iterator[ClaimChange]:
    before, after = _claims(a), _claims(b)
    for key in [*before, *(k for k in after if k not in before)]:
        x, y = before.get(key), after.get(key)
        if x is None or y is None or x[0] != y[0]:
            unit = (x or y)[1]
            yield ClaimChange(key[0], key[1], unit, x[0] if x else None, y[0] if y else None)


# --- output -------------------------------------------------------------------------------------

def _signed(value: Decimal) -> str:
    return f"+{value}" if value > 0 else f"{value}"


def _pct(value: Decimal | None) -> str:
    return "—" if value is None else f"{_signed(value)}%"


def _show(value: Decimal | None) -> str:
    return "" if value is None else f"{value}"


def as_text(d: Diff) -> str:
    lines = [f"a: {d.a['source']} — {d.a['unit']} {d.a['year']} ({d.a['template']})",
             f"b: {d.b['source']} — {d.b['unit']} {d.b['year']} ({d.b['template']})"]
    if d.empty:
        return "\n".join(lines + ["no difference"]) + "\n"
    lines.append(f"{len(d.cells)} cells changed, {len(d.rows)} rows in one report only, "
                 f"{len(d.tables)} tables in one report only, {len(d.claims)} figures of the text changed")
    for table_id, side in d.tables:
        lines.append(f"表{table_id}: only in {side}")
    tables = list(dict.fromkeys([c.table for c in d.cells] + [r.table for r in d.rows]))
    for table_id in tables:
        lines.append(f"表{table_id}")
        for c in (c for c in d.cells if c.table == table_id):
            lines.append(f"  {c.row} [{c.header or c.column}]: {_show(c.before) or '(empty)'} → {_show(c.after) or '(empty)'} "
                         f"({_signed(c.change)}, {_pct(c.percent)})")
        for r in (r for r in d.rows if r.table == table_id):
            values = ", ".join(f"{k} {v}" for k, v in r.values.items()) or "no amounts"
            lines.append(f"  only in {r.side}: {r.row}: {values}")
    if d.claims:
        lines.append("text")
        for c in d.claims:
            lines.append(f"  §{c.section} {c.subject} ({c.unit}): {_show(c.before) or '(not stated)'} → "
                         f"{_show(c.after) or '(not stated)'} ({_signed(c.change)}, {_pct(c.percent)})")
    return "\n".join(lines) + "\n"


def as_json(d: Diff) -> str:
    import json

    return json.dumps(d.to_dict(), ensure_ascii=False, indent=1) + "\n"


PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>yusuan diff</title><style>
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; margin-bottom: 2em; font-size: 14px; }
th, td { border: 1px solid #bbb; padding: 4px 6px; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
.up { color: #1a7f37; } .down { color: #b00020; }
</style></head><body>
<h1>yusuan diff</h1>
<p>a: {{ d.a.source }} — {{ d.a.unit }} {{ d.a.year }} ({{ d.a.template }})<br>b: {{ d.b.source }} — {{ d.b.unit }} {{ d.b.year }} ({{ d.b.template }})</p>
{% if d.empty %}<p>no difference</p>{% endif %}
{% for t, side in d.tables %}<p>表{{ t }}: only in {{ side }}</p>{% endfor %}
{% if d.cells %}<h2>cells ({{ d.cells | length }})</h2>
<table><tr><th>table</th><th>row</th><th>column</th><th>a</th><th>b</th><th>change</th><th>%</th></tr>
{% for c in d.cells %}<tr><td>表{{ c.table }}</td><td>{{ c.row }}</td><td>{{ c.header or c.column }}</td><td class="n">{{ show(c.before) }}</td><td class="n">{{ show(c.after) }}</td>
<td class="n {{ 'up' if c.change > 0 else 'down' }}">{{ signed(c.change) }}</td><td class="n">{{ pct(c.percent) }}</td></tr>
{% endfor %}</table>{% endif %}
{% if d.rows %}<h2>rows in one report only ({{ d.rows | length }})</h2>
<table><tr><th>table</th><th>row</th><th>in</th><th>values</th></tr>
{% for r in d.rows %}<tr><td>表{{ r.table }}</td><td>{{ r.row }}</td><td>{{ r.side }}</td><td>{% for k, v in r.values.items() %}{{ k }} {{ v }}{% if not loop.last %}, {% endif %}{% endfor %}</td></tr>
{% endfor %}</table>{% endif %}
{% if d.claims %}<h2>figures of the text ({{ d.claims | length }})</h2>
<table><tr><th>section</th><th>subject</th><th>unit</th><th>a</th><th>b</th><th>change</th><th>%</th></tr>
{% for c in d.claims %}<tr><td>{{ c.section }}</td><td>{{ c.subject }}</td><td>{{ c.unit }}</td><td class="n">{{ show(c.before) }}</td><td class="n">{{ show(c.after) }}</td>
<td class="n">{{ signed(c.change) }}</td><td class="n">{{ pct(c.percent) }}</td></tr>
{% endfor %}</table>{% endif %}
</body></html>
"""


def as_html(d: Diff) -> str:
    from jinja2 import Environment

    return Environment(autoescape=True).from_string(PAGE).render(d=d, show=_show, signed=_signed, pct=_pct)
