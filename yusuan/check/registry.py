"""``rules_for(template)``: exactly the rules a report of ``template`` is checked by."""
from __future__ import annotations

from ..templates import Template
from . import RULES, Rule
from .generated import generated_rules


_MADE: dict[tuple, tuple[Rule, ...]] = {}


def rules_for(template: Template) -> tuple[Rule, ...]:
    """The rules generated from the layout, the rules for every template, then the template's
    own (its ``rules`` module and its ancestors': importing one registers its rules). Made once
    per template and year (a batch checks thousands of reports of one layout)."""
    key = (template.lineage, template.year)
    if key not in _MADE:
        _MADE[key] = _rules_for(template)
    return _MADE[key]


def _rules_for(template: Template) -> tuple[Rule, ...]:
    own_modules = tuple(m.__name__ for m in template.modules("rules"))

    def own(rule: Rule) -> bool:
        module = rule.defined_in.split(":")[0]
        return any(module == name or module.startswith(name + ".") for name in own_modules)

    generic = [r for r in RULES if r.origin == "generic"]
    return (*generated_rules(template), *generic, *(r for r in RULES if r.origin == "template" and own(r)))


def select(rules: tuple[Rule, ...], chosen: list[str], ignored: list[str]) -> tuple[Rule, ...]:
    """--select / --ignore as linters have them: a rule id, or a prefix ending in a dot or a
    family (``T5.``, ``X.``, ``N``) — the first letter groups of the ids."""
    def matches(rule: Rule, patterns: list[str]) -> bool:
        return any(rule.id == p or (rule.id.startswith(p) and (p.endswith(".") or not p[-1:].isalnum() or len(p) == 1))
                   or rule.id.startswith(p + ".") for p in patterns)

    kept = [r for r in rules if not chosen or matches(r, chosen)]
    return tuple(r for r in kept if not matches(r, ignored))
