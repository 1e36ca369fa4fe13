"""Read a filled budget workbook back into a Budget, reporting every error at once as sheet!cell.

The reader builds the same plain data the YAML loader would, remembering for each path
into the Budget (``("lines", 3, "econ")``) the cell it came from; the model's own
validation (pydantic), the catalog check (``code_errors``) and the consistency rules
(``consistency_errors``) then speak in paths, and the paths become cells. Every sheet is
read even after an error, so the officer gets the whole list in one go.
"""
from __future__ import annotations

import datetime as dt
import zipfile
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from pydantic import ValidationError

from ..budget import SOURCES, Budget, code_errors, consistency_errors
from ..errors import InputError, InputErrors
from ..limits import check_zip, env_name, limit
from ..money import AmountError, _shown, parse_amount
from . import layout as L

# Form fields whose value may not be left blank (the others read blank as "" or the model's default).
VALUE_REQUIRED = {"year", "unit.name", "unit.kind", "assets.as_of", "prior_year.total", "prior_year.general_budget_current"}


# The Budget sections each sheet fills, so a missing sheet is one error, not one per field.
_SECTIONS = {sheet.name: {f.key.split(".")[0] for f in sheet.fields} for sheet in L.FORMS} | {
    L.LINES.name: {"lines"}, L.PROJECTS.name: {"projects"}, L.INCOME.name: {"income"}}


class CellError(ValueError):
    """A cell whose content cannot be the kind of value its column holds."""


def convert(value: object, kind: str) -> object:
    """A cell's value as the model wants it; None for a blank cell."""
    if value is None or (isinstance(value, str) and not value.strip() and kind != L.TEXT):
        return None
    if kind == L.TEXT:
        if isinstance(value, (dt.datetime, dt.date)):  # Excel turned a typed date into a date
            return f"{value.year}年{value.month}月{value.day}日"
        if isinstance(value, float):
            return format(Decimal(repr(value)), "f")
        return value if isinstance(value, str) else str(value)
    if kind in (L.AMOUNT, L.NUMBER):
        if isinstance(value, bool) or isinstance(value, (dt.datetime, dt.date)):
            raise CellError(f"{value!r} is not an amount in 元")
        if isinstance(value, float):  # a spreadsheet number: its shortest exact decimal text
            value = Decimal(repr(value))
        try:
            amount = parse_amount(value)
        except AmountError as exc:
            text = str(exc)
            raise CellError(f"{text} (text in an amount cell; write a number in 元)" if isinstance(value, str) and "not an amount" in text else text) from None
        if kind == L.AMOUNT and amount.as_tuple().exponent < -2:
            raise CellError(f"amount {amount} has more than two decimals; amounts are in 元 to the 分 (use ROUND(…,2))")
        return amount
    if kind == L.INT:
        if isinstance(value, bool):
            raise CellError(f"{value!r} is not a whole number")
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, int):
            return value
        # digits only (isdigit also takes "¹", which int() refuses), and not so many that int()
        # refuses them (over 4,300) or that no count could be (past 10^15, as amounts)
        if isinstance(value, str) and value.strip().isdecimal() and len(value.strip()) <= 15:
            return int(value.strip())
        raise CellError(f"{_shown(value)} is not a whole number")
    if kind == L.BOOL:
        if isinstance(value, bool):
            return value
        text = str(value).strip()
        if text in (L.YES, "TRUE", "true"):
            return True
        if text in (L.NO, "FALSE", "false"):
            return False
        raise CellError(f"{value!r}: expected {L.YES} or {L.NO}")
    if kind == L.CODE:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        if isinstance(value, str):
            return value.split()[0]  # "2040201 行政运行" from the drop-down, or the code alone
        raise CellError(f"{value!r} is not a classification code")
    if kind == L.CHOICE:
        return str(value).strip()
    raise ValueError(f"unknown cell kind {kind}")


class SheetTooLarge(ValueError):
    """A sheet with a value beyond the rows or columns a budget workbook may use (limits)."""

    def __init__(self, place: str, message: str):
        self.place = place
        super().__init__(message)


class _Enough(Exception):
    """More errors than are listed (limits "errors"): the reading stops (read_workbook)."""


class _Grid:
    """A sheet's values by 1-based row and column (read once, row by row: fast in read-only mode).

    Bounded: a sheet's declared <dimension> is ignored (a forged A1:XFD1048576 would pad every
    row to 16,384 cells), each row is kept up to its last value, the rows up to the last one
    with a value, and a value past limits "sheet_rows" / "sheet_columns" stops the reading with
    its cell (a 500 KB workbook once cost 109 s and 2 million error lines)."""

    def __init__(self, ws):
        self.name = ws.title
        max_rows, max_columns = limit("sheet_rows"), limit("sheet_columns")
        rows: list[tuple] = []
        last = 0  # rows up to the last one holding a value
        if hasattr(ws, "reset_dimensions"):
            ws.reset_dimensions()
        for number, row in enumerate(ws.iter_rows(values_only=True), start=1):
            width = len(row)
            while width and row[width - 1] is None:
                width -= 1
            if not width:
                rows.append(())
                continue
            if number > max_rows:
                first = next(i for i, value in enumerate(row) if value is not None) + 1
                raise SheetTooLarge(self.ref(number, first), f"the sheet has values beyond row {max_rows:,}, more than a budget "
                                                         f"workbook may have ({env_name('sheet_rows')} raises the limit)")
            if width > max_columns:
                raise SheetTooLarge(self.ref(number, width), f"a value beyond column {get_column_letter(max_columns)}, more "
                                                             f"than a budget workbook uses ({env_name('sheet_columns')} "
                                                             "raises the limit)")
            rows.append(tuple(row[:width]))
            last = number
        self.rows = rows[:last]

    def get(self, row: int, col: int) -> object:
        if row - 1 < len(self.rows):
            cells = self.rows[row - 1]
            if col - 1 < len(cells):
                return cells[col - 1]
        return None

    def ref(self, row: int, col: int) -> str:
        return f"{self.name}!{get_column_letter(col)}{row}"

    @property
    def height(self) -> int:
        return len(self.rows)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class _Reader:
    def __init__(self, path: Path, catalog):
        self.path = path
        self.catalog = catalog
        self.errors: list[InputError] = []
        self.more = 0  # errors past the listing limit
        self.places: dict[tuple, tuple[str, str]] = {}  # path into the Budget → (sheet!cell, label)
        self.failed: set[tuple] = set()  # paths whose cell already has an error of its own
        self.found: dict[str, dict[str, int]] = {}  # sheet → header text → column, as found

    def error(self, place: str, message: str) -> None:
        if len(self.errors) >= limit("errors"):
            # One past what is listed: stop reading here. Going on would only count errors that are
            # not shown, and a sheet of 100,000 broken rows would cost its whole validation (about
            # three quarters of 20 s); the listing then ends "… and at least 1 more".
            self.more += 1
            raise _Enough()
        self.errors.append(InputError(self.path, place, message))

    def cell(self, grid: _Grid, row: int, col: int, kind: str, loc: tuple, label: str) -> object:
        place = grid.ref(row, col)
        self.places[loc] = (place, label)
        try:
            return convert(grid.get(row, col), kind)
        except CellError as exc:
            self.error(place, f"{label}: {exc}")
            self.failed.add(loc)
            return None

    # ------------------------------------------------------------------ shapes
    def table(self, grid: _Grid, sheet: L.TableSheet, loc: str) -> list[tuple[int, dict]]:
        """(row, record) for every non-blank row; [] after reporting missing required columns."""
        header = grid.rows[L.HEADER_ROW - 1] if grid.height >= L.HEADER_ROW else ()  # a sheet cleared above it: none
        found = {str(grid.get(L.HEADER_ROW, c)).strip(): c for c in range(1, len(header) + 1)
                 if not _blank(grid.get(L.HEADER_ROW, c))}
        missing = [c.header for c in sheet.columns if c.required and c.header not in found]
        if missing:
            self.error(f"{sheet.name}!{L.HEADER_ROW}:{L.HEADER_ROW}",
                       f"required column {'、'.join(missing)} is missing from the header row "
                       f"(the header must keep the template's columns: {'、'.join(c.header for c in sheet.columns if c.kind != L.FORMULA)})")
            return []
        self.found[sheet.name] = found
        inputs = [c for c in sheet.columns if c.kind != L.FORMULA and c.header in found]
        records = []
        for row in range(L.FIRST_ROW, grid.height + 1):
            if all(_blank(grid.get(row, found[c.header])) for c in inputs):
                continue
            i = len(records)
            record_col = found[sheet.column(sheet.record_key).header] if sheet.record_key else 1
            self.places[(loc, i)] = (grid.ref(row, record_col), "")
            record = {}
            for c in inputs:
                value = self.cell(grid, row, found[c.header], c.kind, (loc, i, c.key), c.header)
                if value is not None:
                    record[c.key] = value
            records.append((row, record))
        return records

    def form(self, grid: _Grid, sheet: L.FormSheet, data: dict) -> dict[str, int]:
        """Fill ``data`` (nested dicts) from a label/value sheet; returns label → row for extras."""
        rows: dict[str, list[int]] = {}
        for row in range(L.FIRST_ROW, grid.height + 1):
            label = grid.get(row, 1)
            if isinstance(label, str) and label.strip():
                rows.setdefault(label.strip(), []).append(row)
        for field in sheet.fields:
            loc = tuple(field.key.split("."))
            # a section left wholly blank is reported at the sheet's first value cell
            self.places.setdefault(loc[:1], (grid.ref(L.FIRST_ROW, 2), sheet.name))
            if len(loc) > 1:
                data.setdefault(loc[0], {})  # so a blank required value is named at its cell, not as a missing section
            where = rows.get(field.label)
            if not where:
                if field.required:
                    self.error(f"{sheet.name}!A:A", f"row 「{field.label}」 is missing (column A must keep the template's labels)")
                    self.failed.add(loc)
                continue
            if field.repeated:
                items = []
                for row in where:
                    value = self.cell(grid, row, 2, field.kind, loc + (len(items),), field.label)
                    if value is not None and value != "":
                        items.append(value)
                _put(data, loc, items)
                self.places[loc] = (grid.ref(where[0], 2), field.label)
                continue
            if len(where) > 1:
                self.error(grid.ref(where[1], 1), f"row 「{field.label}」 appears twice (first at row {where[0]})")
            value = self.cell(grid, where[0], 2, field.kind, loc, field.label)
            if field.key in VALUE_REQUIRED and (value is None or value == ""):
                if loc not in self.failed:
                    self.error(grid.ref(where[0], 2), f"{field.label}: a value is required")
                    self.failed.add(loc)
                continue
            if value is None and field.kind == L.TEXT:
                value = ""  # a blank text cell is an empty text, as written
            if value is not None:
                _put(data, loc, value)
        return {label: where[0] for label, where in rows.items()}

    # ------------------------------------------------------------------ sheets
    def read(self) -> Budget:
        check_zip(self.path)  # sizes from the zip's directory, before any XML is parsed
        sheet = None
        try:
            wb = load_workbook(self.path, read_only=True, data_only=True)
            try:
                grids = {}
                for ws in wb.worksheets:  # read-only: each sheet's XML is parsed here, as it is read
                    sheet = ws.title
                    grids[sheet] = _Grid(ws)
            finally:
                wb.close()
        except FileNotFoundError:
            raise InputError(self.path, None, "no such file") from None
        except SheetTooLarge as exc:
            raise InputError(self.path, exc.place, str(exc)) from None
        except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
            raise InputError(self.path, sheet, f"not an XLSX workbook ({exc})") from None
        except (SyntaxError, ValueError, TypeError) as exc:
            # Broken or hostile XML: expat's ParseError (a SyntaxError), defusedxml's refusal of a
            # DTD or an entity (a ValueError; openpyxl uses defusedxml when it is installed, and
            # yusuan depends on it), openpyxl's own complaints about a part — an attribute it does
            # not know is a TypeError (each element's attributes are its class's keywords).
            raise InputError(self.path, sheet, f"not a readable XLSX workbook ({type(exc).__name__}: {exc})") from None
        expected = set(L.REQUIRED_SHEETS) | {L.INCOME_ITEMS.name, L.GLOSSARY.name, L.INSTRUCTIONS_SHEET, L.CODES_SHEET}
        strangers = [name for name in grids if name not in expected]
        for name in L.REQUIRED_SHEETS:
            if name not in grids:
                hint = f"; the workbook has sheet(s) {'、'.join(strangers)} the template does not — renamed?" if strangers else ""
                self.error(name, f"sheet 「{name}」 is missing: sheets must keep the template's names{hint}")
                self.failed.update((key,) for key in _SECTIONS.get(name, ()))  # no "required" errors on top
        for sheet in (L.INCOME_ITEMS, L.GLOSSARY):  # optional, so a renamed one would be dropped silently
            if sheet.name in grids:
                continue
            headers = {c.header for c in sheet.columns if c.required}
            for name in strangers:
                header = grids[name].rows[L.HEADER_ROW - 1] if grids[name].height >= L.HEADER_ROW else ()
                if headers <= {str(value).strip() for value in header if not _blank(value)}:
                    self.error(name, f"sheet 「{name}」 has the header of sheet 「{sheet.name}」 but not its name: "
                                     f"rename it 「{sheet.name}」, or its rows are not read")

        data: dict = {}
        for sheet in L.FORMS:
            if sheet.name in grids:
                labels = self.form(grids[sheet.name], sheet, data)
                if sheet is L.ASSETS:
                    self.vehicles(grids[sheet.name], labels, data)
        if L.INCOME.name in grids:
            self.income(grids[L.INCOME.name], data)
        if L.INCOME_ITEMS.name in grids:  # optional: a workbook from before the sheet existed has no income_items
            items = [record for _, record in self.table(grids[L.INCOME_ITEMS.name], L.INCOME_ITEMS, "income_items")]
            if items:
                data["income_items"] = items
        if L.LINES.name in grids:
            data["lines"] = [record for _, record in self.table(grids[L.LINES.name], L.LINES, "lines")]
        if L.PROJECTS.name in grids:
            self.projects(grids[L.PROJECTS.name], grids.get(L.PERFORMANCE_SHEET), data)
        if L.GLOSSARY.name in grids:
            terms = [record for _, record in self.table(grids[L.GLOSSARY.name], L.GLOSSARY, "glossary")]
            if terms:
                data["glossary"] = [{"term": "", "text": "", **t} for t in terms]
        return self.validate(data)

    def vehicles(self, grid: _Grid, labels: dict[str, int], data: dict) -> None:
        vehicles = {}
        for label, row in labels.items():
            if label.startswith(L.VEHICLE_PREFIX):
                kind = label.removeprefix(L.VEHICLE_PREFIX)
                count = self.cell(grid, row, 2, L.INT, ("assets", "vehicles", kind), label)
                if count is not None:
                    vehicles[kind] = count
        data.setdefault("assets", {})["vehicles"] = vehicles

    def income(self, grid: _Grid, data: dict) -> None:
        declared = {}
        for i, (row, record) in enumerate(self.table(grid, L.INCOME, "income")):
            source = record.get("source")
            if source == L.INCOME_TOTAL_LABEL:
                continue
            if source not in SOURCES:
                self.error(grid.ref(row, self.found[L.INCOME.name]["资金来源"]), f"资金来源 {source!r} is not one of {'、'.join(SOURCES)}")
                continue
            amount = L.INCOME.column("amount").header
            self.places[("income", source)] = (grid.ref(row, self.found[L.INCOME.name][amount]), amount)
            if "amount" in record:
                declared[source] = record["amount"]
            elif ("income", i, "amount") in self.failed:
                self.failed.add(("income", source))  # its cell has an error: no balance message on top
        if declared:
            data["income"] = declared

    def projects(self, grid: _Grid, perf_grid: _Grid | None, data: dict) -> None:
        rows = self.table(grid, L.PROJECTS, "projects")
        blocks = self.blocks(perf_grid) if perf_grid is not None else {}
        projects, ordered = [], []
        needs_col = L.PROJECTS.letter("needs_targets")
        for i, (row, record) in enumerate(rows):
            pid = record.get("id")
            project = {k: v for k, v in record.items() if k in ("id", "name", "kind")}
            if record.get("performance_order") is not None and pid is not None:  # no id: its own error says so
                ordered.append((record["performance_order"], row, pid))
            block = blocks.pop(pid, None) if pid is not None else None
            needs = record.get("needs_targets", False)
            if block is not None:
                block_row, performance = block
                if needs:
                    project["performance"] = performance
                    self._relocate(("blocks", pid), ("projects", i, "performance"))
                else:
                    self.error(f"{L.PERFORMANCE_SHEET}!B{block_row}",
                               f"project {pid} has a performance block but 项目!{needs_col}{row} says 需填报绩效目标 = {L.NO}")
            elif needs and perf_grid is not None:
                self.error(f"{L.PROJECTS.name}!{needs_col}{row}",
                           f"project {pid} needs performance targets (需填报绩效目标 = {L.YES}) but sheet "
                           f"{L.PERFORMANCE_SHEET} has no block with 项目编号 {pid}")
            projects.append(project)
        for pid, (block_row, _) in blocks.items():
            self.error(f"{L.PERFORMANCE_SHEET}!B{block_row}", f"项目编号 {pid} is not a project on sheet {L.PROJECTS.name}")
        data["projects"] = projects
        if ordered:
            ordered.sort(key=lambda t: (t[0], t[1]))
            data["performance_order"] = [pid for _, _, pid in ordered]
            column = L.PROJECTS.letter("performance_order")
            for k, (_, row, _) in enumerate(ordered):
                self.places[("performance_order", k)] = (f"{L.PROJECTS.name}!{column}{row}", "绩效目标表序号")

    def _relocate(self, old: tuple, new: tuple) -> None:
        """Places recorded under a block's provisional path move to the project's path."""
        for loc in [loc for loc in self.places if loc[: len(old)] == old]:
            self.places[new + loc[len(old):]] = self.places.pop(loc)
        for loc in [loc for loc in self.failed if loc[: len(old)] == old]:
            self.failed.discard(loc)
            self.failed.add(new + loc[len(old):])

    def blocks(self, grid: _Grid) -> dict[str, tuple[int, dict]]:
        """Each project's performance block: id → (row of its 项目编号, Performance data)."""
        starts = [r for r in range(L.FIRST_ROW, grid.height + 1) if isinstance(grid.get(r, 1), str) and grid.get(r, 1).strip() == L.BLOCK_START]
        blocks: dict[str, tuple[int, dict]] = {}
        for n, start in enumerate(starts):
            end = starts[n + 1] if n + 1 < len(starts) else grid.height + 1
            pid = convert(grid.get(start, 2), L.CHOICE)
            if pid is None:
                skip = (L.FUNDING_HEADER[0], L.FUNDING_TOTAL, L.INDICATOR_COLUMNS[0].header)  # headers and formulas
                if any(not _blank(grid.get(r, c)) for r in range(start + 1, end) if grid.get(r, 1) not in skip for c in (2, 3)):
                    self.error(grid.ref(start, 2), "a performance block needs its 项目编号")
                continue
            if pid in blocks:
                self.error(grid.ref(start, 2), f"项目编号 {pid} has a second performance block (first at row {blocks[pid][0]})")
                continue
            blocks[pid] = (start, self.block(grid, start, end, ("blocks", pid)))
        return blocks

    def block(self, grid: _Grid, start: int, end: int, loc: tuple) -> dict:
        labels: dict[str, int] = {}
        indicator_row = None
        for r in range(start + 1, end):
            label = grid.get(r, 1)
            if isinstance(label, str) and label.strip() == L.INDICATOR_COLUMNS[0].header:
                indicator_row = r
                break
            if isinstance(label, str) and label.strip():
                labels.setdefault(label.strip(), r)
        perf: dict = {}
        for field in L.PERFORMANCE_FIELDS + L.PERFORMANCE_TEXTS:
            if field.label in labels:
                value = self.cell(grid, labels[field.label], 2, field.kind, loc + (field.key,), field.label)
                if value is None and field.key != "goal_annual":
                    value = ""
                if value is not None:
                    perf[field.key] = value
        funding: dict = {}
        annual: dict = {}
        for key, label in L.FUNDING_ROWS:
            if label not in labels:
                self.error(f"{grid.name}!A{start}:A{end - 1}", f"row 「{label}」 is missing from the block of 项目编号 {grid.get(start, 2)}")
                continue
            funding[key] = self.cell(grid, labels[label], 2, L.AMOUNT, loc + ("funding", key), f"{label}（实施期）")
            annual[key] = self.cell(grid, labels[label], 3, L.AMOUNT, loc + ("funding_annual", key), f"{label}（年度）")
        perf["funding"] = funding
        if any(v is not None for v in annual.values()):
            perf["funding_annual"] = annual
        self.places[loc + ("funding",)] = (grid.ref(labels.get(L.FUNDING_TOTAL, start), 2), "资金合计（实施期）")
        self.places[loc + ("funding_annual",)] = (grid.ref(labels.get(L.FUNDING_TOTAL, start), 3), "资金合计（年度）")
        self.places[loc] = (grid.ref(start, 2), L.BLOCK_START)
        indicators = []
        if indicator_row is not None:
            for r in range(indicator_row + 1, end):
                if all(_blank(grid.get(r, c)) for c in range(1, len(L.INDICATOR_COLUMNS) + 1)):
                    continue
                i = len(indicators)
                indicator = {}
                for col, column in enumerate(L.INDICATOR_COLUMNS, 1):
                    value = self.cell(grid, r, col, column.kind, loc + ("indicators", i, column.key), column.header)
                    if value is None and column.key in ("level3", "value"):
                        value = ""
                    if value is not None and not (column.required and value == ""):
                        indicator[column.key] = value
                self.places[loc + ("indicators", i)] = (grid.ref(r, 1), "指标")
                indicators.append(indicator)
        perf["indicators"] = indicators
        return perf

    # ------------------------------------------------------------------ validation
    def place(self, loc: tuple) -> tuple[str, str]:
        for n in range(len(loc), 0, -1):
            if loc[:n] in self.places:
                return self.places[loc[:n]]
        return ("", "")

    def validate(self, data: dict) -> Budget:
        budget = None
        try:
            budget = Budget.model_validate(data)
        except ValidationError as exc:
            for err in exc.errors():
                loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and (p.startswith("function-") or "[" in p)))
                if any(loc[:n] in self.failed for n in range(1, len(loc) + 1)):
                    continue  # that cell already has its own error
                place, label = self.place(loc)
                message = "a value is required" if err["type"] == "missing" else err["msg"].removeprefix("Value error, ")
                self.error(place, f"{label}: {message}" if label else message)
        self.codes(data)
        if budget is not None:
            for loc, message in consistency_errors(budget):
                if loc in self.failed:
                    continue
                self.error(self.place(loc)[0], message)
        if self.errors:
            raise InputErrors(self.errors, self.more)
        return budget

    def codes(self, data: dict) -> None:
        """Unknown codes, with the same rule and words as for YAML (budget.code_errors)."""
        lines = [SimpleNamespace(func=str(l.get("func", "")), econ=str(l.get("econ", "")), gov_econ=l.get("gov_econ"))
                 for l in data.get("lines", [])]
        items = [SimpleNamespace(code=str(item.get("code", ""))) for item in data.get("income_items", [])]
        records = {"lines": lines, "income_items": items}
        for loc, message in code_errors(SimpleNamespace(lines=lines, income_items=items), self.catalog):
            if loc in self.failed or not getattr(records[loc[0]][loc[1]], loc[2]):
                continue
            self.error(self.place(loc)[0], message)


def _put(data: dict, loc: tuple, value: object) -> None:
    for part in loc[:-1]:
        data = data.setdefault(part, {})
    data[loc[-1]] = value


def read_workbook(path: str | Path, catalog=None) -> Budget:
    """The Budget of a filled workbook; raises InputErrors listing every error as sheet!cell (the
    first limits "errors" of them, then how many more at least)."""
    reader = _Reader(Path(path), catalog)
    try:
        return reader.read()
    except _Enough:
        raise InputErrors(reader.errors, reader.more, at_least=True) from None
