"""Which template a document is: scored from its plain text (titles, captions, headings) before
any table is read, so that a document of an unknown layout is refused at once.

Each template lists the words it is recognised by (``detect`` in template.yaml; ``{year}``
matches any year). A document's score for a template is the share of those words it contains;
the best template with at least ``THRESHOLD`` of its marks is named (marks are chosen to be
distinctive — a caption like 预算公开表1 — so a fragment of a report, two tables, still names its
layout), else the nearest is said with what was found.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ..templates import builtin, load

THRESHOLD = 0.15
TITLE = re.compile(r"^\s*(?:\d+[.．、]\s*)?((?:\d{4}年)?\S*表)(?:（[^）]*）)?\s*$", re.M)


@dataclass(frozen=True)
class Detection:
    template: str | None  # the id (or folder) chosen, None when nothing fits
    score: float
    nearest: str  # the best-scoring template, chosen or not
    titles: tuple[str, ...]  # the table titles found in the text

    def describe(self) -> str:
        found = "、".join(self.titles[:12]) or "no table titles"
        return f"it resembles {self.nearest} most ({self.score:.0%} of its marks); found: {found}"


@cache
def _patterns(ref: str) -> tuple[tuple[str, str | None] | re.Pattern, ...]:
    """Each mark of a template without its whitespace, as (text before {year}, text after it) —
    found with str.find, not a regex: a pattern opening with \\d{4} is tried at every digit of a
    report full of figures (19 ms a document for the built-in marks)."""
    words = load(ref, 2000).data.get("detect", ())
    marks: list[tuple[str, str | None] | re.Pattern] = []
    for word in words:
        squeezed = "".join(str(word).split())
        pieces = squeezed.split("{year}")
        if len(pieces) > 2:  # a mark with two years: a regex after all
            marks.append(re.compile(r"\d{4}".join(re.escape(p) for p in pieces)))
        else:
            marks.append((pieces[0], pieces[1]) if len(pieces) == 2 else (pieces[0], None))
    return tuple(marks)


def _found(mark, squeezed: str) -> bool:
    if isinstance(mark, re.Pattern):
        return mark.search(squeezed) is not None
    before, after = mark
    if after is None:
        return before in squeezed
    # before + four digits + after: at each place ``after`` is printed, look behind it
    at = squeezed.find(after, 4 + len(before))
    while at >= 0:
        year = squeezed[at - 4:at]
        if year.isdigit() and year.isascii() and squeezed.startswith(before, at - 4 - len(before)):
            return True
        at = squeezed.find(after, at + 1)
    return False


def score(text: str, ref: str, squeezed: str | None = None) -> float:
    """The share of ``ref``'s marks printed in ``text``, whitespace aside (a title set with
    spaced letters, or a heading broken over two lines, still counts)."""
    marks = _patterns(ref)
    if squeezed is None:
        squeezed = "".join(text.split())
    return sum(1 for m in marks if _found(m, squeezed)) / len(marks) if marks else 0.0


def prepare(candidates: tuple[str, ...] | None = None) -> tuple[str, ...]:
    """The candidates' marks compiled now (they are cached): a forked reader process that detects
    inherits them instead of loading every template again for each document."""
    refs = candidates or tuple(builtin())
    for ref in refs:
        _patterns(ref)
    return refs


def detect(text: str, candidates: tuple[str, ...] | None = None) -> Detection:
    """The template ``text`` is of, among ``candidates`` (default: every built-in template)."""
    refs = candidates or tuple(builtin())
    squeezed = "".join(text.split())
    scores = sorted(((score(text, ref, squeezed), ref) for ref in refs), reverse=True)
    best, ref = scores[0]
    titles = tuple(dict.fromkeys(m.group(1) for m in TITLE.finditer(text)))
    return Detection(ref if best >= THRESHOLD else None, best, ref, titles)
