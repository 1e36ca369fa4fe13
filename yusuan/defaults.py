"""Default factories of the pydantic models (budget.py, report.py), written in Python.

Pydantic asks each ``default_factory`` for its signature; for the builtins ``list`` and ``dict``
inspect parses their text signatures with tokenize, whose regexes, compiled for that alone,
were ~5 ms of each cold command. A Python function's signature costs nothing to read.
"""
from __future__ import annotations


def empty_list() -> list:
    return []


def empty_dict() -> dict:
    return {}
