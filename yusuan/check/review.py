"""What a human reviewer of a published report looks for, for every template (family ``review``).

These rules read the words of a report — the explanations, the profile, table titles, notes and
labels — and a table's printed codes, never a template's own vocabulary: a placeholder left in,
doubled punctuation, a reason announced and left empty, a growth rate without its figure, a zero
amount that "increased", an empty table's note about another fund, the list of tables a text
announces against the tables present, a code the year's catalog does not know or printed under
another parent. Most are warnings (what a reviewer wants to see); an error is a contradiction the
report cannot resolve (an amount of 0 that grew, a code printed under a parent it is not part of).
"""
from __future__ import annotations

import bisect
import re
from itertools import chain
from operator import attrgetter
from decimal import Decimal, InvalidOperation
from typing import Iterator

from ..catalog import Catalog, CatalogError
from ..report import Report, Table
from ..templates import Template
from . import Finding, Location, rule
from .support import is_empty, memo, row_name, spec_of

_LABELS = attrgetter("labels")
_CODE = attrgetter("code")
MARKS = "。，；、："  # the marks that end or split a clause: two in a row is always one too many
NUMBER = r"\d[\d,]*(?:\.\d+)?"
QUOTE = 12  # characters quoted on each side of what a finding points at


def _quote(text: str, start: int, end: int) -> str:
    """The words around text[start:end], on one line, as a finding quotes them."""
    return " ".join(text[max(0, start - QUOTE):end + QUOTE].split())


def _number(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None


# --- where the words are -----------------------------------------------------------------------

def prose(report: Report) -> list[tuple[Location, str]]:
    """The running text of a report, each piece with where it is: the explanations (title and
    text), the profile, and the notes a template keeps apart (其他说明) unless a section already
    holds them — so that one slip is reported once."""
    def compute(report: Report) -> list[tuple[Location, str]]:
        pieces = []
        for section in report.explanations:
            pieces.append((Location(section=section.number), section.title))
            pieces.append((Location(section=section.number), section.text))
        profile = report.profile
        pieces += [(Location(section="第一部分"), duty) for duty in profile.duties]
        pieces.append((Location(section="第一部分"), profile.structure))
        said = "\n".join(s.text for s in report.explanations)
        pieces += [(Location(section=key), text) for key, text in report.other_notes.items() if text.strip() not in said]
        return [(where, text) for where, text in pieces if text and text.strip()]

    return memo(("review.prose", id(report)), compute, report)


def _joined(report: Report, separator: str = "\n") -> tuple[str, list[int]] | None:
    """The prose pieces joined by ``separator``, with where each piece starts in it: a pattern that
    cannot match across the separator finds in it, in one scan, what it finds piece by piece
    (then each match is told in its piece's own terms). None when a piece holds the separator
    itself (a NUL, say): then the pieces are scanned one by one."""
    def compute(report):
        texts = [text for _, text in prose(report)]
        if separator != "\n" and any(separator in text for text in texts):
            return None
        starts, at = [], 0
        for text in texts:
            starts.append(at)
            at += len(text) + 1
        return separator.join(texts), starts

    return memo(("review.joined", id(report), separator), compute, report)


def _pieces(report: Report, pattern: re.Pattern, separator: str = "\n", joined_pattern: re.Pattern | None = None):
    """(piece index, where, text, offset, match) of every match of ``pattern`` in the prose, in
    reading order; positions in the match are of the joined text (less ``offset``: of the piece)."""
    pieces = prose(report)
    joined = _joined(report, separator)
    if joined is None:
        for k, (where, text) in enumerate(pieces):
            for m in pattern.finditer(text):
                yield k, where, text, 0, m
        return
    text, starts = joined
    for m in (joined_pattern or pattern).finditer(text):
        k = bisect.bisect_right(starts, m.start()) - 1
        where, piece = pieces[k]
        yield k, where, piece, starts[k], m


def printed(report: Report) -> list[tuple[Location, str]]:
    """The prose and what the tables print in words: titles, unit names, notes and row labels."""
    pieces = list(prose(report))
    for table in report.tables:
        pieces.append((Location(table=table.id), table.title))
        pieces.append((Location(table=table.id), table.unit_name))
        pieces.append((Location(table=table.id), table.note or ""))
        for row in table.rows:
            for key, label in row.labels.items():
                pieces.append((Location(table=table.id, row=row_name(row), column=key), label))
    return [(where, text) for where, text in pieces if text and text.strip()]


def _at(where: Location, text: str, start: int, end: int) -> Location:
    return where._replace(quote=_quote(text, start, end))


# --- placeholders --------------------------------------------------------------------------------

# A drafting template's blanks: XX / ＸＸ (not inside a Latin word), ×× (the sign, not a letter),
# 某某, a 【…】 field, a run of underscores. XXX万元 and 上海市XX局 are the same slip.
PLACEHOLDER_CHARS = frozenset("XxＸｘ×＊*某【_＿")  # a placeholder holds one of these
PLACEHOLDER = re.compile(r"(?<![A-Za-z])[XxＸｘ]{2,}(?![A-Za-z])|[×＊*]{2,}|某某|【[^】\n]{0,12}】|[_＿]{3,}")


@rule("R.placeholder", "A placeholder of the drafting template is left in the published text (XX, ××, 某某, 【】, ___).",
      severity="warning", identity="no XX / ＸＸ / ×× / 某某 / 【…】 / ___ in the explanations, profile, titles, notes or labels")
def placeholders(report: Report) -> list[Finding]:
    words = [text for _, text in prose(report)]
    for table in report.tables:
        words += (table.title, table.unit_name, table.note or "")
        words += chain.from_iterable(map(dict.values, map(_LABELS, table.rows)))  # every label, joined in C
    joined = "".join(words)
    if not any(c in joined for c in PLACEHOLDER_CHARS):
        return []  # the common case, found without a regex or a place made for each label
    out = []
    for where, text in printed(report):
        for m in PLACEHOLDER.finditer(text):
            out.append(Finding("R.placeholder", "warning", _at(where, text, m.start(), m.end()),
                               "a placeholder is left in", "the figure or name", m.group()))
    return out


# --- punctuation ---------------------------------------------------------------------------------

DOUBLED = re.compile(rf"[{MARKS}](?:[ \t\u3000]*[{MARKS}])+")
LEADING = re.compile(rf"^[ \t\u3000]*([{MARKS}])", re.M)


@rule("R.punctuation", "Punctuation is doubled (。。 ，， ；； 、。 。；) or a sentence starts with a mark.",
      severity="warning", identity=f"no two of {MARKS} in a row; no paragraph opening with one of them")
def punctuation(report: Report) -> list[Finding]:
    # Neither pattern reaches across a line break: each is run once over the joined prose, and
    # its matches are told piece by piece, doubled marks first, as each piece was scanned.
    found: dict[int, tuple[list, list]] = {}
    for k, where, text, at, m in _pieces(report, DOUBLED):
        found.setdefault(k, ([], []))[0].append((where, text, m.start() - at, m.end() - at, m.group()))
    for k, where, text, at, m in _line_starts(report):
        found.setdefault(k, ([], []))[1].append((where, text, m.start(1) - at, m.end(1) - at, m.group(1)))
    out = []
    for k in sorted(found):
        doubled, leading = found[k]
        for where, text, start, end, group in doubled:
            marks = "".join(group.split())
            out.append(Finding("R.punctuation", "warning", _at(where, text, start, end),
                               "punctuation is doubled", "one mark", marks))
        for where, text, start, end, mark in leading:
            if start > 0 and DOUBLED.match(text, _previous_mark(text, start)):
                continue  # a mark ends the line before: a doubled pair, reported as one
            out.append(Finding("R.punctuation", "warning", _at(where, text, start, end),
                               "a sentence starts with punctuation", "a word", mark))
    return out


# LEADING where a line starts, tried only there (the regex engine would try ^ at every character).
LEADING_AT = re.compile(rf"[ \t\u3000]*([{MARKS}])")
AFTER_LINE_BREAK = re.compile(rf"\n[ \t\u3000]*([{MARKS}])")  # LEADING_AT after a line break


def _line_starts(report: Report):
    """As ``_pieces(report, LEADING)``: LEADING matches at the start of a line, and only there —
    at the text's start, and after each line break (one scan that looks for line breaks only;
    a match's group 1 is LEADING_AT's at that line's start)."""
    text, starts = _joined(report)
    pieces = prose(report)
    first = LEADING_AT.match(text, 0)
    if first is not None:
        where, piece = pieces[0]
        yield 0, where, piece, starts[0], first
    for m in AFTER_LINE_BREAK.finditer(text):
        k = bisect.bisect_right(starts, m.start() + 1) - 1
        where, piece = pieces[k]
        yield k, where, piece, starts[k], m


def _previous_mark(text: str, at: int) -> int:
    """Where the last non-blank character before ``at`` is (a doubled pair may span a line break)."""
    i = at - 1
    while i > 0 and text[i].isspace():
        i -= 1
    return i


# --- an announced reason, left empty -------------------------------------------------------------

# 主要原因是 / 原因为 / 原因： / 主要用于 / 主要包括 followed by nothing but the clause's end.
EMPTY_REASON = re.compile(r"(主要原因(?:是|为|在于)?[：:]?|原因(?:是|为|在于)[：:]?|原因[：:]|主要用于[：:]?|用于[：:]|主要包括[：:]?)"
                          r"[ \t\u3000]*(?=等?[。，；、]|\s*$)")  # a colon is part of the announcement, not its end


@rule("R.empty-reason", "A reason or a use is announced and left empty (主要原因是。 主要用于。 原因：).",
      severity="warning", identity="原因是 / 原因： / 主要用于 / 主要包括 are followed by words before the clause ends")
def empty_reasons(report: Report) -> list[Finding]:
    out = []
    for _, where, text, at, m in _pieces(report, EMPTY_REASON, "\x00", EMPTY_REASON_JOINED):
        start, announced = m.start() - at, m.group(1)
        if announced.startswith(("主要包括", "主要用于", "用于")) and _lists_nothing(text, start):
            continue
        out.append(Finding("R.empty-reason", "warning", _at(where, text, start, m.end() - at),
                           f"{announced.rstrip('：:')} is announced and left empty", "a reason", "nothing"))
    return out


# The same, over the prose joined by NULs: a piece's end is a NUL or the text's end.
EMPTY_REASON_JOINED = re.compile(EMPTY_REASON.pattern.replace(r"|\s*$)", r"|\s*(?:\x00|\Z))"), EMPTY_REASON.flags)
assert EMPTY_REASON_JOINED.pattern != EMPTY_REASON.pattern


def _lists_nothing(text: str, at: int) -> bool:
    """An amount of 0 just before 主要包括 (公用经费0万元，主要包括：等): there is nothing to list."""
    begin = max((m.end() for m in re.finditer(r"[。；\n]", text[:at])), default=0)
    amounts = list(AMOUNT.finditer(text, begin, at))
    return bool(amounts) and _number(amounts[-1].group(1)) == 0


# --- a growth rate without its figure ------------------------------------------------------------

GROWTH = re.compile(rf"(增长|下降|增幅|降幅|增长率|下降率)(?:为|了|约)?[ \t\u3000]*(?:({NUMBER})[ \t\u3000]*(%|％|个百分点|百分点|倍|万元|亿元|元)?)?")


@rule("R.growth-figure", "A growth or decline the wording announces (增长, 下降, 增幅) comes with its figure in %.",
      severity="warning", identity="增长 / 下降 / 增幅 followed by a clause's end or a bare % ⇒ a missing rate; by a number with no unit ⇒ a missing %")
def growth_figures(report: Report) -> list[Finding]:
    out = []
    for _, where, text, at, m in _pieces(report, GROWTH):  # the pattern never crosses a line break
        if m.group(3) is not None:
            continue  # a figure with its unit: nothing missing
        end = m.end() - at
        after = text[end:end + 1]
        if m.group(2) is None:
            # 增长较快, 增长（下降）XX%: words follow, not a figure; only a bare end or % is a blank
            if after and after not in f"%％{MARKS}\n":
                continue
            found = f"{m.group(1)}{after if after in '%％' else ''}"
        else:
            if after and (after in "XxＸｘ" or after.isdigit()):
                continue
            found = m.group(0).strip()
        out.append(Finding("R.growth-figure", "warning", _at(where, text, m.start() - at, end),
                           f"{m.group(1)} is stated without its rate", f"{m.group(1)}N%", found))
    return out


# --- a zero amount that changed --------------------------------------------------------------------

AMOUNT = re.compile(rf"({NUMBER})[ \t\u3000]*(亿元|万元|元)")
CHANGE = re.compile(rf"(?:比|较|与)[^，。；\n]{{0,30}}?(增加|减少|增长|下降)[ \t\u3000]*({NUMBER})[ \t\u3000]*(亿元|万元|元|%|％)")
PRIOR = re.compile(rf"(?:上年|上一年|(\d{{4}})年)[^，。；\n]{{0,12}}?(?:为|是)[ \t\u3000]*({NUMBER})[ \t\u3000]*(亿元|万元|元)")
SUBJECT_START = re.compile(r"[。；\n]|其中[：:，,]")  # what begins a clause (found back from a change: _clause_start)
# A digit \d matches besides 0-9 (full-width, other scripts'): where one is, an amount may be 0
# without an ASCII 0 (Decimal reads them all).
OTHER_DIGIT = re.compile(r"[^\D0-9]")
RATE_DOWN = re.compile(rf"下降[ \t\u3000]*({NUMBER})[ \t\u3000]*[%％]")


@rule("R.zero-change", "An amount of 0 compared with last year changes by minus last year's amount: it cannot have increased, "
      "and a decrease is last year's amount (下降100%).", severity="error",
      identity="0万元 … 比上年增加 N ⇒ contradiction; 0万元 … 比上年减少 N ⇒ N = the prior year stated, rate = −100%")
def zero_changes(report: Report) -> list[Finding]:
    out = []
    for k, where, text, at, m in _pieces(report, CHANGE):  # CHANGE never crosses a line break
        value = _number(m.group(2))
        if not value:
            continue
        start = m.start() - at  # as when each piece was scanned on its own: positions in the piece
        # the amount the change is about: the only one since the clause began (其中： starts a
        # list whose items each carry their own change; two amounts there and it is ambiguous).
        begin = _clause_start(text, start)
        if text.find("0", begin, start) < 0 and OTHER_DIGIT.search(text, begin, start) is None:
            continue  # no digit 0 in the clause, so no amount of 0 (the common case): nothing more to read
        m = _Local(m, at)
        amounts = list(AMOUNT.finditer(text, begin, m.start()))
        if not any(_number(a.group(1)) == 0 for a in amounts):
            continue  # no amount of 0 in the clause (the common case): last year's figures need not be found
        stated = [(p.start(), p.end()) for p in PRIOR.finditer(text, begin, m.start())]  # last year's, not this
        amounts = [a for a in amounts if not any(s <= a.start() < e for s, e in stated)]
        if len(amounts) != 1 or _number(amounts[0].group(1)) != 0:
            continue
        end = _clause_end(text, m.end())
        verb, unit, zero = m.group(1), m.group(3), amounts[0]
        place = _at(where, text, zero.start(), m.end())
        if verb in ("增加", "增长"):
            out.append(Finding("R.zero-change", "error", place, f"an amount of 0 cannot have {verb}: last year would be negative",
                               "减少 (or 持平)", f"{verb}{m.group(2)}{unit}", f"0 − change = last year = −{m.group(2)}{unit}"))
            continue
        if unit in "%％":
            if value != 100:
                out.append(Finding("R.zero-change", "error", place, "an amount down to 0 fell by 100%", "100%",
                                   f"{m.group(2)}%", "(0 − last year) ÷ last year = −100%"))
            continue
        for prior in PRIOR.finditer(text, begin, end):
            year = prior.group(1)
            if year and int(year) != report.year - 1 or prior.group(3) != unit:
                continue
            if _number(prior.group(2)) != value:
                out.append(Finding("R.zero-change", "error", place, "a decrease to 0 is last year's amount",
                                   f"{prior.group(2)}{unit}", f"{m.group(2)}{unit}", f"0 − {prior.group(2)} = −{prior.group(2)}"))
        for rate in RATE_DOWN.finditer(text, m.end(), end):
            if _number(rate.group(1)) != 100:
                out.append(Finding("R.zero-change", "error", place, "an amount down to 0 fell by 100%", "100%",
                                   f"{rate.group(1)}%", "(0 − last year) ÷ last year = −100%"))
    return out


CLAUSE_MARKS = "。；\n"
LIST_OPENERS = "：:，,"  # 其中 followed by one of these opens a list (SUBJECT_START)


def _clause_start(text: str, at: int) -> int:
    """Where the clause holding ``at`` begins: the end of the last match of SUBJECT_START that ends
    at or before ``at`` (0 if none). Found by searching back from ``at`` rather than scanning the
    text from its start: a match of SUBJECT_START is one clause mark, or 其中 and an opener, and
    no match can hide inside another (其, 中 and the openers are not marks), so the last of either
    kind is the one."""
    mark = max(text.rfind(c, 0, at) for c in CLAUSE_MARKS) + 1  # 0 when there is none
    limit = at - 1  # 其中 and its opener end at or before ``at``: 其中 within text[:at - 1]
    while limit >= 2:  # (a negative limit would count from the text's end)
        i = text.rfind("其中", 0, limit)
        if i < 0 or i + 3 <= mark:
            return mark
        if text[i + 2] in LIST_OPENERS:
            return i + 3
        limit = i + 1  # an earlier 其中 (two never overlap)
    return mark


def _clause_end(text: str, at: int) -> int:
    """Where the first clause mark at or after ``at`` is (the text's end if none)."""
    found = [i for i in (text.find(c, at) for c in CLAUSE_MARKS) if i >= 0]
    return min(found) if found else len(text)


class _Local:
    """A match of the joined prose told in its piece's positions (what R.zero-change reads of it)."""

    __slots__ = ("_m", "_at")

    def __init__(self, m: re.Match, at: int):
        self._m, self._at = m, at

    def start(self, group: int = 0) -> int:
        return self._m.start(group) - self._at

    def end(self, group: int = 0) -> int:
        return self._m.end(group) - self._at

    def group(self, *groups):
        return self._m.group(*groups)


# --- an empty table's note -------------------------------------------------------------------------

FUNDS = ("一般公共预算", "政府性基金", "国有资本经营", "财政专户", "社会保险基金")


def _funds(text: str) -> set[str]:
    return {fund for fund in FUNDS if fund in (text or "")}


@rule("R.empty-note", "An empty table's note is about the table's own fund (a missing note is C.empty's).", severity="warning",
      identity="table without amounts: the funds its note names ⊆ the funds its title names (when both name one)")
def empty_notes(report: Report) -> list[Finding]:
    out = []
    for table in report.tables:
        if not is_empty(table) or not table.note:
            continue
        title, note = _funds(table.title), _funds(table.note)
        if title and note and not note <= title:
            out.append(Finding("R.empty-note", "warning", Location(table=table.id, quote=table.note.strip()),
                               "the note of an empty table names another fund than its title",
                               "、".join(sorted(title)), "、".join(sorted(note))))
    return out


# --- the tables a text announces ------------------------------------------------------------------

# An item of a list of tables (目录, 报表说明): a number, then a title ending in 表 (and its
# parenthesis), then leaders and a page number perhaps — 1. 2025年部门财务收支预算总表 …… 3.
# Not anchored to a line: a reader may join a list's lines into one paragraph.
LISTED = re.compile(r"(?<![\d.．])(?:\d{1,2}|[一二三四五六七八九十]{1,3})[ \t\u3000]*[.．、][ \t\u3000]*"
                    r"((?:\d{4}年度?)?[^\s，。；：…·\d]{2,40}?表(?:[（(][^）)\n]{0,20}[）)])?)")


def _title_key(title: str) -> str:
    """What two printings of a title share: no blanks, no year, no quotes or brackets' width."""
    text = "".join(title.split()).replace("(", "（").replace(")", "）")
    text = re.sub(r"\d{4}年度?", "", text)
    return re.sub(r"[“”\"《》〈〉]", "", text)


@rule("R.tables-listed", "The tables a text lists (目录, 报表说明) are the tables the report publishes.", severity="warning",
      identity="{titles listed} = {titles of the tables present}, year and blanks aside (a template table missing is C.tables's)")
def tables_listed(report: Report, template: Template) -> list[Finding]:
    listed: list[tuple[Location, str]] = []
    for where, text in prose(report):
        if text.count("表") < 2:
            continue
        found = [(where._replace(quote=m.group(1)), m.group(1)) for m in LISTED.finditer(text)]
        if len(found) >= 2:  # one numbered line ending in 表 is a sentence, not a list
            listed += found
    if not listed:
        return []
    present = {_title_key(t.title): t for t in report.tables}
    of_template = {_title_key(spec.title) for spec in template.tables}
    out = []
    for where, title in listed:
        key = _title_key(title)
        if key not in present and key not in of_template:
            out.append(Finding("R.tables-listed", "warning", where, "a table the text lists is not published", title, "absent"))
    keys = {_title_key(title) for _, title in listed}
    for key, table in present.items():
        if key not in keys:
            out.append(Finding("R.tables-listed", "warning", Location(table=table.id), "a published table is not in the list of tables",
                               table.title, "not listed"))
    return out


# --- printed codes --------------------------------------------------------------------------------

LOOKUP = {"1": Catalog.income, "2": Catalog.functional, "3": Catalog.dept_economic, "5": Catalog.gov_economic}
CODED = ("functional", "economic", "income", "functional_with_income")


def _catalog(year: int) -> Catalog | None:
    try:
        return Catalog.for_year(year)
    except CatalogError:
        return None  # a year without a packaged catalog: membership is not judged, the tree still is


_KNOWN: dict[int, tuple[Catalog, dict[str, bool]]] = {}  # per catalog (kept, so its id stays its own): code → known


def _known_codes(catalog: Catalog) -> dict[str, bool]:
    """The catalog's memo of the codes looked up in it so far: code → known."""
    memo = _KNOWN.get(id(catalog))
    if memo is None or memo[0] is not catalog:
        memo = _KNOWN[id(catalog)] = (catalog, {})
    return memo[1]


def _look_up(catalog: Catalog, code: str) -> bool:
    lookup = LOOKUP.get(code[:1])
    if lookup is None:
        return False
    try:
        lookup(catalog, code)
        return True
    except CatalogError:
        return False


def _coded_tables(report: Report, template: Template) -> Iterator[Table]:
    for table in report.tables:
        spec = spec_of(template, table.id)
        if spec is not None and spec.rows.dimension in CODED:
            yield table


@rule("R.codes", "A printed classification code is in the catalog of the report's year (warning) and stands under its parent row (error).",
      severity="error", identity="code ∈ Catalog.for_year(year); the nearest row above with a shorter code is its prefix (类 ⊃ 款 ⊃ 项 ⊃ 目)")
def codes(report: Report, template: Template) -> list[Finding]:
    catalog = _catalog(report.year)
    known_of = None if catalog is None else _known_codes(catalog)  # fetched once: a report prints ~150 codes
    out = []
    for table in _coded_tables(report, template):
        above: list[str] = []  # the codes of the rows above that are not yet closed, shortest first
        for code in map(_CODE, table.rows):  # the codes read in C
            if not code or not code.isdigit():
                above = []
                continue
            if known_of is not None:
                known = known_of.get(code)
                if known is None:
                    known = known_of[code] = _look_up(catalog, code)
                if not known:
                        out.append(Finding("R.codes", "warning", Location(table=table.id, row=code), f"code {code} is not in the {report.year} catalog",
                                       f"a code of the {report.year} catalog", code))
            while above and len(above[-1]) >= len(code):
                above.pop()
            if above and not code.startswith(above[-1]):
                out.append(Finding("R.codes", "error", Location(table=table.id, row=code), f"code {code} is printed under {above[-1]}, which is not its parent",
                                   f"under {code[:len(above[-1])]}", f"under {above[-1]}"))
            above.append(code)
    return out
