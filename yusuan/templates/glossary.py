"""The standard 名词解释 of a template (a budget may give its own instead)."""
from __future__ import annotations

from functools import cache
from importlib import resources

import yaml

from ..report import Term


@cache
def _terms(template_id: str) -> tuple[tuple[str, str], ...]:
    text = resources.files(__package__).joinpath(f"{template_id}-glossary.yaml").read_text(encoding="utf-8")
    return tuple((t["term"], t["text"]) for t in yaml.safe_load(text))


def standard_glossary(template_id: str) -> list[Term]:
    return [Term(term=term, text=text) for term, text in _terms(template_id)]
