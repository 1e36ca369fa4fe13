"""Rules that follow from a template's layout, made per template: no table's arithmetic is written by hand.

- ``T<id>.columns``: a column that is the sum of others (the header tree and the filters say
  which: ``TableSpec.column_sums``), on every row.
- ``T<id>.rollup``: a row that is the sum of its children — by code for a classification printed
  with codes (合计 = Σ 类, 类 = Σ 款, 款 = Σ 项), by level where rows are named only (经济分类 names,
  units and projects), by the econ codes each row stands for (三公); ≤ where the total does not
  cover every line.
- ``X.T<a>=T<b>``: two cells of different tables whose effective filters (table ``where`` and
  column ``where``) select the same line items must show the same amount — row by row when both
  tables classify by the same dimension, on their total rows otherwise; 元 and 万元 compared by
  rounding the 元 amount half-up, as derive does.
"""
from __future__ import annotations

from decimal import Decimal
from operator import attrgetter
from typing import Callable

from ..money import ZERO, to_unit
from ..report import Report, Row, Table
from ..templates import TableSpec, Template
from . import Finding, Location, Rule, copied
from .support import compare_at_most, compare_equal, compare_sum, memo, norm, row_name, table as table_of, total_row

LEVEL_NAMES = {3: "类", 5: "款", 7: "项", 9: "目"}
_LEVEL = attrgetter("level")
BY_CODE = ("functional", "income", "functional_with_income")
BY_LEVEL = ("economic", "units", "projects_unit", "projects_department")
# Dimensions whose total row is the sum of every line the table selects (the cross-table totals).
COVERING = ("functional", "functional_with_income", "economic", "units", "projects_unit", "projects_department",
            "statement")


def cell(table_id: str, row: Row, key: str) -> str:
    """How a finding names a cell it reads: T2[2040201].general."""
    return f"T{table_id}[{row_name(row)}].{key}"


def involving(finding: Finding, *cells: str) -> Finding:
    """The finding with the cells it compared, so that the findings one wrong cell causes are told
    as one (yusuan.check: consequences)."""
    return copied(finding, cells=tuple(cells))


def _made(rule_id: str, description: str, identity: str, function: Callable, template: Template, spec: TableSpec,
          family: str = "tables") -> Rule:
    return Rule(rule_id, description, "error", family, identity, function, "generated",
                f"{template.id} template.yaml, {spec.name}")


# --- inside a table ---------------------------------------------------------------------------
#
# Each identity is decided by code compiled once per template from its column keys (``_compiled``):
# a sum that holds costs a few dictionary reads and Decimal additions, with nothing else made;
# only a sum that is off goes the slow way that names its terms and builds the finding.


def _compiled(source: str, name: str) -> Callable:
    """A function made from ``source`` (its keys written as literals with repr), once per template."""
    namespace: dict = {"Z": ZERO}
    exec(compile(source, f"<yusuan.check.generated {name}>", "exec"), namespace)  # noqa: S102 — our own text
    return namespace[name]


_OFF: dict[tuple, Callable] = {}


def _rows_off(sums: tuple[tuple[str, tuple[str, ...]], ...]) -> Callable[[list[Row]], list[Row]]:
    """``off(rows)``: the rows on which some ``total = Σ parts`` does not hold (empty cells as zero;
    an empty cell is skipped, not added as zero: most cells of a report are empty)."""
    if sums not in _OFF:
        lines = ["def off(rows):", "    out = []", "    for row in rows:", "        g = row.values.get"]
        for total, parts in sums:
            lines.append(f"        s = g({parts[0]!r}) or Z")
            for part in parts[1:]:
                lines += [f"        v = g({part!r})", "        if v is not None:", "            s += v"]
            lines += [f"        if (g({total!r}) or Z) != s:", "            out.append(row)", "            continue"]
        lines.append("    return out")
        _OFF[sums] = _compiled("\n".join(lines) + "\n", "off")
    return _OFF[sums]


_ADDERS: dict[tuple, tuple[Callable, Callable]] = {}


def _adders(columns: tuple[str, ...]) -> tuple[Callable, Callable]:
    """``(shown, added)`` for the columns: ``shown(values)`` the parent's cells, ``added(children's
    values)`` the children's sums, each a tuple in the order of ``columns`` (empty cells as zero)."""
    if columns not in _ADDERS:
        names = [f"a{i}" for i in range(len(columns))]
        shown = _compiled("def shown(values):\n    g = values.get\n    return (" + "".join(f"(g({k!r}) or Z), " for k in columns) + ")\n",
                          "shown")
        body = "".join(f"        v = g({k!r})\n        if v is not None:\n            {n} += v\n" for n, k in zip(names, columns))
        added = _compiled(f"def added(children):\n    {' = '.join(names)} = Z\n    for values in children:\n"
                          f"        g = values.get\n{body}    return ({''.join(n + ', ' for n in names)})\n", "added")
        _ADDERS[columns] = (shown, added)
    return _ADDERS[columns]


_GROUPS_OFF: dict[tuple, Callable] = {}


def _groups_off(columns: tuple[str, ...]) -> Callable[[list], list[int]]:
    """``off(groups)``: the indexes of the groups ``(parent values, [children's values])`` in which
    some column of ``columns`` is not the sum of the children's (empty cells as zero): what
    ``children_sum`` would say something about, decided for a whole table in one call of straight-line
    code (most sums hold; only the few that do not are named, by ``children_sum``)."""
    if columns not in _GROUPS_OFF:
        names = [f"a{i}" for i in range(len(columns))]
        body = "".join(f"            v = g({k!r})\n            if v is not None:\n                {n} += v\n"
                       for n, k in zip(names, columns))
        test = " or ".join(f"(p({k!r}) or Z) != {n}" for n, k in zip(names, columns))
        source = (f"def off(groups):\n    out = []\n    i = -1\n    for parent, children in groups:\n        i += 1\n"
                  f"        {' = '.join(names)} = Z\n        for values in children:\n            g = values.get\n{body}"
                  f"        p = parent.get\n        if {test}:\n            out.append(i)\n    return out\n")
        _GROUPS_OFF[columns] = _compiled(source, "off")
    return _GROUPS_OFF[columns]


def _values_of(groups: list[tuple[Row, list[Row]]]) -> list[tuple[dict, list[dict]]]:
    """The groups' cells: each parent's values with its children's, read once from the rows."""
    return [(parent.values, [c.values for c in children]) for parent, children in groups]


def column_rule(template: Template, spec: TableSpec) -> Rule | None:
    sums = spec.column_sums()
    if not sums:
        return None
    rule_id = f"T{spec.id}.columns"
    text = "; ".join(f"{total} = {' + '.join(parts)}" for total, parts in sums)
    off = _rows_off(tuple(sums))
    table_id = spec.id

    def columns(report: Report) -> list[Finding]:
        table = table_of(report, table_id)
        if table is None:
            return []
        findings = []
        for row in off(table.rows):  # the few rows where a sum does not hold
            values = row.values
            for total, parts in sums:
                shown = values.get(total)
                if _holds(shown, values, parts):
                    continue
                found = compare_sum(rule_id, Location(table_id, row_name(row), total), [(p, values.get(p)) for p in parts],
                                    shown, f"{total} is not the sum of {' + '.join(parts)}",
                                    cells=tuple(cell(table_id, row, k) for k in (total, *parts)))
                if found:
                    findings.append(found)
        return findings

    return _made(rule_id, f"On every row of {spec.name} the total column equals the sum of its component columns.",
                 f"each row: {text}", columns, template, spec)


_SAME: dict[tuple, Callable[[dict, dict], bool]] = {}


def _same_cells(pairs: tuple[tuple[str, str], ...]) -> Callable[[dict, dict], bool]:
    """``same(a, b)``: whether a's cell ka equals b's cell kb for every pair (empty cells as zero),
    one call of straight-line code per pair of rows, compiled once per pair of tables."""
    if pairs not in _SAME:
        test = " and ".join(f"(a({ka!r}) or Z) == (b({kb!r}) or Z)" for ka, kb in pairs)
        _SAME[pairs] = _compiled(f"def same(values_a, values_b):\n    a, b = values_a.get, values_b.get\n    return {test}\n", "same")
    return _SAME[pairs]


def _holds(shown: Decimal | None, values: dict, keys) -> bool:
    """True where compare_sum would find nothing: the cells ``keys`` of ``values`` add up to
    ``shown`` (empty cells as zero), or all of them are empty."""
    added = ZERO
    present = shown is not None
    for key in keys:
        value = values.get(key)
        if value is not None:
            added += value
            present = True
    return not present or (ZERO if shown is None else shown) == added


def _code(row: Row) -> str:
    return row.code or ""


def _code_index(table: Table) -> tuple[list[Row], dict[str, list[Row]]]:
    """The rows printed with a classification code, and the children of each code (a code one
    level longer): made once per table and check run, the roll-up and the equal-cell rules of
    every table pair share it."""
    return memo(("generated.codes", id(table)), _coded_and_children, table)


def _coded_and_children(table: Table) -> tuple[list[Row], dict[str, list[Row]]]:
    coded = [r for r in table.rows if (r.code or "").isdigit()]
    by_parent: dict[str, list[Row]] = {}
    for row in coded:
        if len(row.code) > 3:
            by_parent.setdefault(row.code[:-2], []).append(row)
    return coded, by_parent


def _code_groups(table: Table) -> tuple[list[Row], list[tuple[Row, list[Row]]], list[tuple[dict, list[dict]]]]:
    """The 类 rows, and each coded row that has children with them (in table order) and their
    cells: what a roll-up by code sums, made once per table and check run."""
    return memo(("generated.code_groups", id(table)), _classes_and_groups, table)


def _classes_and_groups(table: Table):
    coded, by_parent = _code_index(table)
    classes = [r for r in coded if len(r.code) == 3]
    groups = [(parent, by_parent[parent.code]) for parent in coded if parent.code in by_parent]
    return classes, groups, _values_of(groups)


def _by_code(table: Table) -> dict[str, Row]:
    """Coded rows by code (the last of a code repeated, as a dict made from the rows keeps it)."""
    return memo(("generated.by_code", id(table)), _rows_by_code, table)


def _rows_by_code(table: Table) -> dict[str, Row]:
    return {r.code: r for r in _code_index(table)[0]}


def code_rollup(rule_id: str, table: Table, columns: tuple[str, ...], code_of=_code,
                covers: str = "all") -> list[Finding]:
    """合计 = Σ 类, 类 = Σ 款, 款 = Σ 项 (项 = Σ 目), by the codes ``code_of`` reads from a row;
    with ``covers: part`` the 类 rows sum to at most 合计."""
    if code_of is _code:
        classes, groups, values = _code_groups(table)
    else:
        coded, by_parent = _coded_by(table, code_of)
        classes = [r for r in coded if len(code_of(r)) == 3]
        groups = [(parent, by_parent[code_of(parent)]) for parent in coded if by_parent.get(code_of(parent))]
        values = _values_of(groups)
    findings: list[Finding] = []
    total = total_row(table)
    if total is not None and not code_of(total).isdigit() and classes:
        if covers == "all":
            findings += children_sum(rule_id, table, total, classes, columns, "合计 is not the sum of the 类 rows", code_of)
        else:
            for key in columns:
                found = compare_at_most(rule_id, Location(table.id, row_name(total), key), total.value(key),
                                        sum((c.value(key) or ZERO for c in classes), ZERO), "the 类 rows exceed 合计", "合计")
                findings += [found] if found else []
    for i in _groups_off(columns)(values):  # the few parents whose sums do not hold, in table order
        parent, children = groups[i]
        code = code_of(parent)
        findings += children_sum(rule_id, table, parent, children, columns,
                                 f"{LEVEL_NAMES.get(len(code), '')} row is not the sum of its {LEVEL_NAMES.get(len(code) + 2, '')} rows", code_of)
    return findings


def _coded_by(table: Table, code_of) -> tuple[list[Row], dict[str, list[Row]]]:
    """As _code_index, by the codes ``code_of`` reads (table 9's income side)."""
    coded = [r for r in table.rows if code_of(r).isdigit()]
    by_parent: dict[str, list[Row]] = {}
    for row in coded:
        code = code_of(row)
        if len(code) > 3:
            by_parent.setdefault(code[:-2], []).append(row)
    return coded, by_parent


def children_sum(rule_id: str, table: Table, parent: Row, children: list[Row], columns: tuple[str, ...], what: str,
                 term_label=lambda row: "") -> list[Finding]:
    """In each column the parent row is the sum of its children (a column empty in all of them is skipped)."""
    shown_values, added_values = _adders(columns)
    if shown_values(parent.values) == added_values([c.values for c in children]):
        return []  # every column holds: nothing to say, nothing made
    findings = []
    values = parent.values
    named = None  # the rows' names and the terms' labels, made for the first column that is off
    for key in columns:
        shown = values.get(key)
        if _sum_holds(shown, children, key):
            continue
        if named is None:
            prefix = f"T{table.id}["
            named = (row_name(parent), [prefix + row_name(c) for c in children], [term_label(c) for c in children])
        parent_name, child_cells, labels = named
        found = compare_sum(rule_id, Location(table.id, parent_name, key),
                            [(label, c.values.get(key)) for label, c in zip(labels, children)], shown, what,
                            cells=(f"T{table.id}[{parent_name}].{key}", *[f"{c}].{key}" for c in child_cells]))
        if found:
            findings.append(found)
    return findings


def _sum_holds(shown: Decimal | None, children: list[Row], key: str) -> bool:
    added = ZERO
    present = shown is not None
    for child in children:
        value = child.values.get(key)
        if value is not None:
            added += value
            present = True
    return not present or (ZERO if shown is None else shown) == added


def _level_groups(table: Table) -> list[list[tuple[Row, list[Row]]]]:
    """For each level L above the deepest, each row at L with the rows at L + 1 that follow it up
    to the next row at L or above (the hierarchy is the order: tables 6, 12, 13), in one pass."""
    def compute(table):
        rows = table.rows
        deepest = max(map(_LEVEL, rows), default=0)
        groups: list[list[tuple[Row, list[Row]]]] = [[] for _ in range(max(deepest, 0))]
        current: list[tuple[Row, list[Row]] | None] = [None] * max(deepest, 0)
        for row in rows:
            level = row.level
            if 0 < level <= deepest:
                above = current[level - 1]
                if above is not None:
                    above[1].append(row)
            for parent_level in range(max(level, 0), deepest):  # the row closes the groups at and below its level
                if parent_level == level:
                    group = (row, [])
                    groups[level].append(group)
                    current[level] = group
                else:
                    current[parent_level] = None
        return groups

    return memo(("generated.levels", id(table)), compute, table)


def _level_pairs(table: Table) -> tuple[list[tuple[int, Row, list[Row]]], list[tuple[dict, list[dict]]]]:
    """Every row that has rows under it (level by level, as level_rollup reports them) with
    those rows, and their cells: made once per table and check run."""
    def compute(table):
        groups = [(level, parent, children) for level, level_groups in enumerate(_level_groups(table))
                  for parent, children in level_groups if children]
        return groups, [(parent.values, [c.values for c in children]) for _, parent, children in groups]

    return memo(("generated.level_pairs", id(table)), compute, table)


def level_rollup(rule_id: str, table: Table, columns: tuple[str, ...], total_last: bool = False) -> list[Finding]:
    """Rows named only: each row is the sum of the rows one level deeper that follow it. A total
    printed last (Shanghai's 合计 under the rows) is the sum of the level-1 rows before it."""
    findings = []
    groups, values = _level_pairs(table)
    for i in _groups_off(columns)(values):  # the few rows whose sums do not hold, in order
        level, parent, children = groups[i]
        findings += children_sum(rule_id, table, parent, children, columns,
                                 f"the level-{level} row is not the sum of the rows under it")
    rows = table.rows
    if total_last and rows and rows[-1].level == 0:
        above = [r for r in rows[:-1] if r.level == 1]
        if above:
            findings += children_sum(rule_id, table, rows[-1], above, columns,
                                     "the total row is not the sum of the level-1 rows above it")
    return findings


def three_public_rollup(rule_id: str, table: Table, spec: TableSpec, items: tuple[dict, ...],
                        keys: tuple[str, ...] | None = None) -> list[Finding]:
    """A row standing for a union of other rows' economic codes is their sum (公务用车 = 购置 + 运行;
    合计 = 出国 + 接待 + 公务用车): the widest rows inside it, which never overlap in the templates."""
    rows = {r.code: r for r in table.rows if r.code}
    label_key = spec.label_columns[0].key
    for item in items:  # a reader may give labels only
        if item["key"] not in rows:
            rows[item["key"]] = next((r for r in table.rows if norm(r.label(label_key)) == norm(item["label"])), None)
    findings = []
    if keys is None:
        keys = tuple(c.key for c in spec.amount_columns)
    for item, widest in _three_public_parts(items):
        whole = rows.get(item["key"])
        if whole is None:
            continue
        parts = [rows.get(k) for k in widest]
        for key in keys:
            terms = [(k, row.values.get(key) if row else None) for k, row in zip(widest, parts)]
            found = compare_sum(rule_id, Location(spec.id, item["label"], key), terms, whole.values.get(key),
                                f"{item['label']} is not the sum of its items")
            if found:
                findings.append(found)
    return findings


_PARTS: dict[tuple, list[tuple[dict, list[str]]]] = {}


def _three_public_parts(items: tuple[dict, ...]) -> list[tuple[dict, list[str]]]:
    """Each item that is the union of the widest items inside it, with those: a matter of the
    template alone, worked out once per template rather than for every report checked."""
    key = tuple((item["key"], tuple(item["econ"])) for item in items)
    if key not in _PARTS:
        codes = {item["key"]: frozenset(item["econ"]) for item in items}
        parts = []
        for item in items:
            inside = [k for k in codes if k != item["key"] and codes[k] < codes[item["key"]]]
            widest = [k for k in inside if not any(codes[k] < codes[o] for o in inside if o != k)]
            if widest and frozenset().union(*(codes[k] for k in widest)) == codes[item["key"]]:
                parts.append((item, widest))
        _PARTS[key] = parts
    return _PARTS[key]


def rollup_rule(template: Template, spec: TableSpec) -> Rule | None:
    dimension = spec.rows.dimension
    columns = tuple(c.key for c in spec.classified_columns)
    rule_id = f"T{spec.id}.rollup"
    table_id = spec.id
    if dimension in BY_CODE:
        levels = "、".join(spec.rows.levels) or "类、款、项"
        covers = spec.rows.covers

        def rollup(report: Report) -> list[Finding]:
            table = table_of(report, table_id)
            return [] if table is None else code_rollup(rule_id, table, columns, covers=covers)

        description = f"In {spec.name} each row ({levels}) is the sum of the rows one level below, and {spec.rows.total} the sum of the 类 rows."
        identity = f"for c in {', '.join(columns)}: [{spec.rows.total}].c = Σ [类].c; [类].c = Σ [款].c; [款].c = Σ [项].c"
    elif dimension in BY_LEVEL:
        last = spec.rows.total_position == "last"

        def rollup(report: Report) -> list[Finding]:
            table = table_of(report, table_id)
            return [] if table is None else level_rollup(rule_id, table, columns, last)

        description = f"In {spec.name} each row is the sum of the rows under it (合计 → 类 → 款; department → unit → project)."
        identity = f"for c in {', '.join(columns)}: [row].c = Σ [rows one level deeper that follow it].c"
    elif dimension == "three_public" and template.three_public:
        keys = tuple(c.key for c in spec.amount_columns)

        def rollup(report: Report) -> list[Finding]:
            table = table_of(report, table_id)
            return [] if table is None else three_public_rollup(rule_id, table, spec, template.three_public, keys)

        description = f"In {spec.name} a row standing for several economic codes is the sum of the rows of its parts."
        identity = "; ".join(f"[{i['key']}] ⊇ econ {','.join(i['econ'])}" for i in template.three_public)
    else:
        return None
    return _made(rule_id, description, identity, rollup, template, spec)


# --- across tables ----------------------------------------------------------------------------


def effective_filter(template: Template, spec: TableSpec, key: str) -> tuple:
    """The line items a cell of column ``key`` selects, in a canonical form: two cells with the
    same form add up the same lines (source as a set of sources; absent keys: any). A cell's
    ``phase`` (预算 | 决算: a 决算 prints 年初预算数 beside 决算数) is the template's kind unless
    the column says otherwise, so cells of different phases are never the same lines."""
    where = {"phase": template.kind, **spec.where, **spec.column(key).where}
    source = where.get("source")
    fiscal = tuple(s for s in template.sources if s in ("一般公共预算", "政府性基金预算", "国有资本经营预算"))
    if source is None:
        sources = frozenset(template.sources)
    elif source == "fiscal":
        sources = frozenset(fiscal)
    else:
        sources = frozenset([source] if isinstance(source, str) else source)
    rest = tuple(sorted((k, str(v)) for k, v in where.items() if k != "source"))
    return (sources, rest)


def _total(table: Table, spec: TableSpec) -> Row | None:
    if spec.rows.dimension.startswith("projects"):
        return table.rows[0] if table.rows else None
    # The row carrying the template's own total label (收入总计 of a statement), else the usual one.
    wanted = norm(spec.rows.total)

    def find(table: Table) -> Row | None:
        labelled = next((r for r in table.rows if r.level == 0 and any(norm(v) == wanted for v in r.labels.values())), None)
        return labelled or total_row(table)

    return memo(("generated.total", id(table), wanted), find, table)


def _in_unit(value: Decimal | None, unit: str, wanted: str) -> Decimal | None:
    """A displayed amount in the other table's unit: 元 → 万元 rounds half-up (derive does the
    same from the exact sum, and a 元 amount is exact)."""
    if value is None or unit == wanted:
        return value
    if unit == "元" and wanted == "万元":
        return to_unit(value, "万元")
    return None  # 万元 → 元 is not exact: compared the other way round


def equal_rule(template: Template, a: TableSpec, b: TableSpec, filters: dict | None = None) -> Rule | None:
    # ``filters``: each (table id, column key)'s effective filter, worked out once by
    # generated_rules — every pair of tables compares every pair of columns (~2,400 on Shanxi,
    # ~45 ms of a cold `check` when each was made anew).
    if filters is None:
        filters = _filters(template)
    pairs = [(ca.key, cb.key) for ca in a.classified_columns for cb in b.classified_columns
             if filters[a.id, ca.key] == filters[b.id, cb.key]]
    if not pairs or a.rows.dimension not in COVERING or b.rows.dimension not in COVERING:
        return None
    same_rows = a.rows.dimension in BY_CODE and b.rows.dimension in BY_CODE
    if not same_rows and (a.rows.covers != "all" or b.rows.covers != "all"):
        return None
    if a.unit == "万元" and b.unit == "元":
        a, b, pairs = b, a, [(y, x) for x, y in pairs]  # round the exact 元 side, never the other
    rule_id = f"X.T{a.id}=T{b.id}"
    unit = b.unit
    converted = a.unit != unit

    same = _same_cells(tuple(pairs))  # every pair of a row's cells equal, empty ones as zero
    no_values: dict = {}

    def equal(report: Report) -> list[Finding]:
        ta, tb = table_of(report, a.id), table_of(report, b.id)
        if ta is None or tb is None:
            return []
        matched: list[tuple[str, Row | None, Row | None]] = [("合计", _total(ta, a), _total(tb, b))]
        if same_rows:
            rows_a, rows_b = _by_code(ta), _by_code(tb)
            matched += [(code, rows_a.get(code), rows_b.get(code)) for code in sorted(rows_a.keys() | rows_b.keys())]
        findings = []
        for name, ra, rb in matched:
            if ra is None and rb is None:
                continue
            values_a = ra.values if ra is not None else no_values
            values_b = rb.values if rb is not None else no_values
            if not converted and same(values_a, values_b):
                continue  # every pair of cells equal: the common case, decided at once
            for ka, kb in pairs:
                va = values_a.get(ka)
                if converted and va is not None:
                    va = _in_unit(va, a.unit, unit)
                vb = values_b.get(kb)
                if (va or ZERO) == (vb or ZERO):
                    continue
                where = rb if rb is not None else ra
                found = compare_equal(rule_id, Location(b.id if rb is not None else a.id, row_name(where), kb if rb is not None else ka),
                                      va, vb, f"table {b.id}'s {kb} differs from table {a.id}'s {ka}, which adds up the same line items",
                                      f"T{a.id}[{name}].{ka}",
                                      cells=(*([cell(a.id, ra, ka)] if ra else []), *([cell(b.id, rb, kb)] if rb else [])))
                if found:
                    findings.append(found)
        return findings

    text = ", ".join(f"T{a.id}.{x} = T{b.id}.{y}" for x, y in pairs)
    scope = "on every row" if same_rows else "on the total rows"
    return Rule(rule_id, f"{a.name} and {b.name} select the same line items in some columns: their cells are equal {scope}.",
                "error", "cross", f"{text} ({scope})", equal, "generated", f"{template.id} template.yaml, {a.name} × {b.name}")


def _filters(template: Template) -> dict[tuple[str, str], tuple]:
    """The effective filter of every classified column of every table, by (table id, key)."""
    return {(spec.id, c.key): effective_filter(template, spec, c.key) for spec in template.tables for c in spec.classified_columns}


def generated_rules(template: Template) -> list[Rule]:
    rules: list[Rule] = []
    for spec in template.tables:
        rules += [r for r in (column_rule(template, spec), rollup_rule(template, spec)) if r]
    filters = _filters(template)
    for i, a in enumerate(template.tables):
        for b in template.tables[i + 1:]:
            made = equal_rule(template, a, b, filters)
            if made:
                rules.append(made)
    return rules
