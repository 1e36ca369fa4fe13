"""Every kind of input mangled — report.json, a budget (YAML, workbook), a published report (text,
workbook, PDF: Shanxi and Shanghai layouts) — byte-wise and in its structure, then checked and
read as `yusuan check FILE` and `yusuan read FILE` do: a Report (whole or in part) or errors that
each name the file; never an exception of ours, never a hang, never a file half-written.

CI tries a few examples of each; ``YUSUAN_FUZZ=deep`` twenty times as many (tests/fuzz.py)."""
from __future__ import annotations

import functools
import io
import json
import random
import time
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yusuan.commands.check import check_one
from yusuan.commands.read import read_one, write_problems
from yusuan.context import Context
from yusuan.errors import InputError, InputErrors
from yusuan.inputs import load_report_json
from yusuan.render import write

from tests.fuzz import examples
from .run import DATA, ROOT, yusuan

LIMIT = 20.0  # seconds for one input checked and read: the largest seed takes about one
EXAMPLE_BUDGET = ROOT / "examples" / "tunliu-police-2024" / "budget.yaml"
SHANGHAI = sorted((DATA / "shanghai").glob("putuo-*.pdf"))
FUZZ = dict(deadline=None, suppress_health_check=list(HealthCheck), derandomize=False)

# Values that have broken readers before, or could: huge, negative, not numbers, not text.
HOSTILE = ["", " ", "0", "-0", "-1", "1e400", "1e-400", "NaN", "Infinity", "1" * 400, "9" * 30 + ".99",
           "1,234.5", "1.000,00", "０１", "合计", "=1+1", "\x00", "\u202e", "\ud800", "null", "[]", "{}"]


# ------------------------------------------------------------------ seeds, made once per session

@functools.cache
def _example():
    from yusuan.inputs import read_budget
    from yusuan.derive import derive
    from tests.contexts import SHANXI

    budget = read_budget(EXAMPLE_BUDGET)
    return budget, derive(budget, SHANXI)


@functools.cache
def seed(kind: str) -> bytes:
    from tests.contexts import rendering

    if kind == "json":
        return _example()[1].to_json().encode("utf-8")
    if kind == "yaml":
        return EXAMPLE_BUDGET.read_bytes()
    if kind == "budget.xlsx":
        from yusuan.workbook.write import write_workbook

        return write_workbook(_example()[0])
    if kind == "txt":
        return (DATA / "tunliu-police-2024.txt").read_bytes()
    if kind.startswith("shanghai.txt:"):  # the text of a real Shanghai PDF, as yusuan reads its lines
        from yusuan.read.pdf import pdf_lines

        return "\n".join(line.text for line in pdf_lines(kind.split(":", 1)[1])).encode("utf-8")
    if kind.startswith("shanghai.xlsx:"):  # a real Shanghai PDF read, and written as a report workbook
        from yusuan.read.published import published
        from yusuan.render import renderers

        report = published(Path(kind.split(":", 1)[1]), Context.create(None)).report
        return renderers()["xlsx"].render(Context.create(None).rendering(report))
    if kind == "xlsx":
        from yusuan.render import renderers

        return renderers()["xlsx"].render(rendering(_example()[1]))
    if kind == "pdf":
        from yusuan.render import renderers

        return renderers()["pdf"].render(rendering(_example()[1]))
    return Path(kind).read_bytes()  # a real PDF of tests/data


SUFFIX = {"json": ".json", "yaml": ".yaml", "budget.xlsx": ".xlsx", "txt": ".txt", "shanghai.txt": ".txt",
          "xlsx": ".xlsx", "shanghai.xlsx": ".xlsx", "pdf": ".pdf"}
TEXTS = ["txt", *(f"shanghai.txt:{pdf}" for pdf in SHANGHAI)]
WORKBOOKS = ["xlsx", *(f"shanghai.xlsx:{pdf}" for pdf in SHANGHAI)]


# ------------------------------------------------------------------ what must hold for any input

def assert_handled(path: Path, out: Path) -> None:
    """`yusuan check PATH` and `yusuan read PATH -o OUT`, in process: any exception but the
    user's errors (which name PATH) fails, as does a run over LIMIT or a temporary file left."""
    started = time.monotonic()
    findings, notes, errors = check_one(path)
    for line in errors:
        assert str(path) in line, line
    context = Context.create(None)
    try:
        result, _ = read_one(path, context)
    except InputErrors as exc:
        assert exc.errors and all(str(path) in line for line in exc.lines()), exc.lines()
    except InputError as exc:
        assert str(path) in str(exc), str(exc)
    else:
        assert result.report is not None or result.problems, "nothing read and nothing said"
        write_problems(result, path, out)
        if result.report is not None:
            write(context.rendering(result.report), ["json", "text"], out)
            load_report_json(out / "report.json")  # what `read` writes, `check` reads
    assert time.monotonic() - started < LIMIT, f"{time.monotonic() - started:.1f} s"
    assert not out.exists() or sorted(p.name for p in out.iterdir()) in ([], ["problems.json"], ["report.json", "report.txt"],
                                                                          ["problems.json", "report.json", "report.txt"])


def run_on(tmp_path_factory, kind: str, data: bytes) -> Path:
    folder = tmp_path_factory.mktemp("fuzz")
    path = folder / f"input{SUFFIX.get(kind.split(':')[0], '.pdf')}"
    path.write_bytes(data)
    assert_handled(path, folder / "out")
    return path


# ------------------------------------------------------------------ mutations

@st.composite
def bytewise(draw, data: bytes) -> bytes:
    """A few bytes flipped, runs deleted, duplicated or inserted, or the file cut short."""
    data = bytearray(data)
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, max(0, len(data) - 1)))
        size = draw(st.integers(1, 256))
        how = draw(st.sampled_from(["flip", "delete", "duplicate", "insert", "truncate", "zero"]))
        if how == "flip" and data:
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif how == "delete":
            del data[at:at + size]
        elif how == "duplicate":
            data[at:at] = data[at:at + size]
        elif how == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=32))
        elif how == "truncate":
            del data[at:]
        else:
            data[at:at + size] = bytes(len(data[at:at + size]))
    return bytes(data)


@st.composite
def linewise(draw, text: str) -> str:
    """Lines deleted, duplicated, swapped; numbers and words in them replaced by hostile ones."""
    import re

    lines = text.split("\n")
    for _ in range(draw(st.integers(1, 8))):
        i = draw(st.integers(0, len(lines) - 1))
        how = draw(st.sampled_from(["delete", "duplicate", "swap", "number", "word", "insert"]))
        if how == "delete" and len(lines) > 1:
            del lines[i]
        elif how == "duplicate":
            lines.insert(i, lines[i])
        elif how == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif how in ("number", "word"):
            tokens = list(re.finditer(r"-?\d[\d,.]*" if how == "number" else r"[^\s\d:,.]+", lines[i]))
            if tokens:
                m = tokens[draw(st.integers(0, len(tokens) - 1))]
                lines[i] = lines[i][:m.start()] + draw(st.sampled_from(HOSTILE)) + lines[i][m.end():]
        else:
            lines.insert(i, draw(st.sampled_from(HOSTILE)) + draw(st.text(max_size=20)))
    return "\n".join(lines)


def _paths(value, prefix=()):
    """Every (path, value) in a JSON tree."""
    yield prefix, value
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        yield from _paths(item, (*prefix, key))


json_values = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(-10**40, 10**40), st.sampled_from(HOSTILE),
                                     st.floats(allow_nan=False), st.text(max_size=8)),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
                           max_leaves=6)


AMOUNTS = ["0", "-0.01", "0.001", "-6037.95", "99999999999.99", "1", "6037.95", "2970000.5"]


def _like(value):
    """Another value of the kind of ``value``: an amount for an amount, a text, a small integer, null."""
    import re

    if isinstance(value, str) and re.fullmatch(r"-?\d+(\.\d+)?", value):
        return st.sampled_from(AMOUNTS + [None])
    if isinstance(value, str):
        return st.sampled_from(HOSTILE + ["2010101", "201", "一、一般公共预算", "合计", "x" * 3000]) | st.text(max_size=12)
    if isinstance(value, bool) or value is None:
        return st.sampled_from([None, True, False, "0", "1.00"])
    if isinstance(value, int):
        return st.sampled_from([-1, 0, 1, 2, 5, 99, 1900, 2024, 9999, 10**9])
    return st.just(value)


@st.composite
def jsonwise(draw, text: str) -> str:
    """A report.json with values replaced (any JSON), keys deleted, list items deleted or duplicated."""
    return json.dumps(_tree_mangled(draw, json.loads(text)), ensure_ascii=False)


@st.composite
def yamlwise(draw, text: str) -> str:
    """A budget YAML mangled as a report.json is (jsonwise), and written out again."""
    import yaml

    return yaml.safe_dump(_tree_mangled(draw, yaml.safe_load(text)), allow_unicode=True, sort_keys=False)


def _tree_mangled(draw, tree):
    for _ in range(draw(st.integers(1, 4))):
        nodes = list(_paths(tree))
        path, _ = nodes[draw(st.integers(1, len(nodes) - 1))]
        parent = functools.reduce(lambda node, key: node[key], path[:-1], tree)
        key = path[-1]
        how = draw(st.sampled_from(["typed", "typed", "replace", "delete", "duplicate"]))
        if how == "typed":  # a value of the same kind: still a Report, now a strange one for the rules
            parent[key] = draw(_like(parent[key]))
        elif how == "replace":
            parent[key] = draw(json_values)
        elif how == "delete":
            del parent[key]
        elif isinstance(parent, list):
            parent.insert(key, parent[key])
    return tree


@st.composite
def zipwise(draw, data: bytes) -> bytes:
    """A workbook whose parts (sheets, shared strings, styles …) are mangled byte-wise, deleted or
    swapped; the zip itself stays readable."""
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        parts = {info.filename: book.read(info) for info in book.infolist()}
    names = sorted(parts)
    for _ in range(draw(st.integers(1, 3))):
        name = draw(st.sampled_from(names))
        how = draw(st.sampled_from(["mangle", "mangle", "delete", "swap"]))
        if how == "mangle" and name in parts:
            parts[name] = draw(bytewise(parts[name]))
        elif how == "delete":
            parts.pop(name, None)
        elif how == "swap" and name in parts:
            other = draw(st.sampled_from(names))
            if other in parts:
                parts[name], parts[other] = parts[other], parts[name]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as book:
        for name, part in parts.items():
            book.writestr(name, part)
    return buffer.getvalue()


cell_values = st.one_of(st.none(), st.sampled_from(HOSTILE), st.integers(-10**20, 10**20), st.text(max_size=12),
                        st.floats(allow_nan=True, allow_infinity=False), st.decimals(allow_nan=False, allow_infinity=False, places=4))


@st.composite
def cellwise(draw, data: bytes) -> bytes:
    """A workbook with cells of any sheet typed over, as in Excel: amounts, texts, nothing."""
    from openpyxl import load_workbook
    from openpyxl.cell.cell import MergedCell
    from openpyxl.utils.exceptions import IllegalCharacterError

    book = load_workbook(io.BytesIO(data))
    for _ in range(draw(st.integers(1, 10))):
        sheet = book.worksheets[draw(st.integers(0, len(book.worksheets) - 1))]
        cell = sheet.cell(draw(st.integers(1, max(1, sheet.max_row))), draw(st.integers(1, max(1, sheet.max_column))))
        if not isinstance(cell, MergedCell):
            try:
                cell.value = draw(cell_values)
            except (IllegalCharacterError, ValueError):  # what openpyxl will not write, Excel cannot type
                pass
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@st.composite
def pagewise(draw, data: bytes) -> bytes:
    """A PDF remade by pdfium from its pages deleted, repeated, reordered; or from one page only."""
    import pypdfium2 as pdfium

    source = pdfium.PdfDocument(data)
    count = len(source)
    order = draw(st.lists(st.integers(0, count - 1), min_size=1, max_size=count + 3))
    made = pdfium.PdfDocument.new()
    made.import_pages(source, order)
    buffer = io.BytesIO()
    made.save(buffer)
    made.close()
    source.close()
    return buffer.getvalue()


@st.composite
def streamwise(draw, data: bytes) -> bytes:
    """A PDF whose content streams are inflated, mangled (numbers, operators, text) and deflated
    again, each /Length set to its new size: the file parses, the drawing is wrong."""
    import re
    import zlib

    streams = list(re.finditer(rb"/Length (\d+)(?P<rest>[^>]*>>\s*stream\r?\n)", data))
    if not streams:
        return draw(bytewise(data))
    chosen = set(draw(st.lists(st.integers(0, len(streams) - 1), min_size=1, max_size=4)))
    out, last = bytearray(), 0
    for i, m in enumerate(streams):
        start, length = m.end(), int(m.group(1))
        body = data[start:start + length]
        if i in chosen and b"FlateDecode" in data[max(0, m.start() - 200):m.end()]:
            try:
                plain = zlib.decompress(body)
            except zlib.error:
                continue
            mangled = draw(bytewise(plain)) if draw(st.booleans()) else _numbers_mangled(draw, plain)
            body = zlib.compress(mangled)
        elif i in chosen:
            body = draw(bytewise(body))
        out += data[last:m.start()] + b"/Length %d" % len(body) + m.group("rest") + body
        last = start + length
    out += data[last:]
    return bytes(out)


def _numbers_mangled(draw, plain: bytes) -> bytes:
    import re

    numbers = list(re.finditer(rb"-?\d+(?:\.\d+)?", plain))
    if not numbers:
        return plain
    out = bytearray(plain)
    for m in sorted(draw(st.lists(st.sampled_from(numbers), min_size=1, max_size=8)), key=lambda m: -m.start()):
        out[m.start():m.end()] = draw(st.sampled_from([b"0", b"-1", b"1e9", b"99999999", b"-99999", b"0.0001", b"nan"]))
    return bytes(out)


def _text(kind: str) -> str:
    return seed(kind).decode("utf-8")


# ------------------------------------------------------------------ the fuzz tests

@settings(max_examples=examples(4), **FUZZ)
@given(data=st.data())
def test_report_json_mangled(tmp_path_factory, data):
    text = data.draw(st.one_of(jsonwise(_text("json")), linewise(_text("json"))))
    run_on(tmp_path_factory, "json", text.encode("utf-8", "surrogatepass"))


@settings(max_examples=examples(2), **FUZZ)
@given(data=st.data())
def test_report_json_bytewise(tmp_path_factory, data):
    run_on(tmp_path_factory, "json", data.draw(bytewise(seed("json"))))


@settings(max_examples=examples(3), **FUZZ)
@given(data=st.data())
def test_budget_yaml_mangled(tmp_path_factory, data):
    texts = st.one_of(linewise(_text("yaml")), yamlwise(_text("yaml")))
    mangled = data.draw(st.one_of(texts.map(lambda t: t.encode("utf-8", "surrogatepass")), bytewise(seed("yaml"))))
    run_on(tmp_path_factory, "yaml", mangled)


@settings(max_examples=examples(2), **FUZZ)
@given(data=st.data())
def test_budget_workbook_mangled(tmp_path_factory, data):
    run_on(tmp_path_factory, "budget.xlsx", data.draw(st.one_of(zipwise(seed("budget.xlsx")), bytewise(seed("budget.xlsx")))))


@settings(max_examples=examples(1), **FUZZ)  # one: a Shanghai seed costs a PDF read and a workbook written
@given(data=st.data(), kind=st.sampled_from(WORKBOOKS))
def test_published_workbook_mangled(tmp_path_factory, data, kind):
    run_on(tmp_path_factory, kind, data.draw(st.one_of(cellwise(seed(kind)), zipwise(seed(kind)), bytewise(seed(kind)))))


@settings(max_examples=examples(3), **FUZZ)
@given(data=st.data(), kind=st.sampled_from(TEXTS))
def test_published_text_mangled(tmp_path_factory, data, kind):
    mangled = data.draw(st.one_of(linewise(_text(kind)).map(lambda t: t.encode("utf-8", "surrogatepass")), bytewise(seed(kind))))
    run_on(tmp_path_factory, kind, mangled)


PDFS = ["pdf", *map(str, SHANGHAI)]


@settings(max_examples=examples(2), **FUZZ)
@given(data=st.data(), kind=st.sampled_from(PDFS))
def test_pdf_bytewise(tmp_path_factory, data, kind):
    run_on(tmp_path_factory, "pdf", data.draw(bytewise(seed(kind))))


@settings(max_examples=examples(2), **FUZZ)
@given(data=st.data(), kind=st.sampled_from(PDFS))
def test_pdf_structure_mangled(tmp_path_factory, data, kind):
    run_on(tmp_path_factory, "pdf", data.draw(st.one_of(pagewise(seed(kind)), streamwise(seed(kind)))))


# ------------------------------------------------------------------ the command itself

def _mangled(kind: str, rnd: random.Random) -> bytes:
    """One mangled input of ``kind`` for the subprocess test, cheaply: bytes of the seed changed."""
    data = bytearray(seed(kind))
    for _ in range(rnd.randint(1, 4)):
        at = rnd.randrange(len(data))
        data[at:at + rnd.randint(1, 64)] = rnd.randbytes(rnd.randint(0, 8))
    return bytes(data)


@settings(max_examples=examples(1), **FUZZ)
@given(kind=st.sampled_from(["json", "yaml", "budget.xlsx", "txt", "xlsx", str(SHANGHAI[-1])]), rnd=st.randoms(use_true_random=False))
def test_the_command_on_a_mangled_file_exits_0_1_or_2_naming_it(tmp_path_factory, kind, rnd):
    folder = tmp_path_factory.mktemp("cli")
    path = folder / f"input{SUFFIX.get(kind, '.pdf')}"
    path.write_bytes(_mangled(kind, rnd))
    for args in (("check", path), ("read", path, "-o", folder / "out")):
        run = yusuan(*args, timeout=LIMIT)
        assert run.code in (0, 1, 2), (args, run.code, run.stderr[-2000:])
        assert "Traceback" not in run.stderr and "internal error" not in run.stderr, run.stderr[-2000:]
        if run.code == 2:
            assert str(path) in run.stderr, run.stderr[-2000:]
    assert not any(p.name.startswith(".") for p in (folder / "out").rglob("*")) if (folder / "out").exists() else True
