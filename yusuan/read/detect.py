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
def _patterns(ref: str) -> tuple[re.Pattern, ...]:
    words = load(ref, 2000).data.get("detect", ())
    return tuple(re.compile(re.escape(" ".join(str(w).split())).replace(r"\{year\}", r"\d{4}").replace(r"\ ", r"\s*")) for w in words)


def score(text: str, ref: str) -> float:
    patterns = _patterns(ref)
    return sum(1 for p in patterns if p.search(text)) / len(patterns) if patterns else 0.0


def detect(text: str, candidates: tuple[str, ...] | None = None) -> Detection:
    """The template ``text`` is of, among ``candidates`` (default: every built-in template)."""
    refs = candidates or tuple(builtin())
    scores = sorted(((score(text, ref), ref) for ref in refs), reverse=True)
    best, ref = scores[0]
    titles = tuple(dict.fromkeys(m.group(1) for m in TITLE.finditer(text)))
    return Detection(ref if best >= THRESHOLD else None, best, ref, titles)
