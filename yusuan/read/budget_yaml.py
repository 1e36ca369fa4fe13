"""Read a budget YAML file into a Budget, with every error naming file:line and the field."""
from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import yaml
from pydantic import ValidationError

from ..budget import Budget, code_errors, consistency_errors
from ..errors import InputError


class _LineLoader(yaml.SafeLoader):
    """SafeLoader that keeps decimals exact and remembers the line of every mapping and key."""


# YAML 1.1 reads 1:30 as 90, 0x10 as 16, 013 as 11 and .inf as infinity: for amounts and codes
# that is a silent misreading. Only plain numbers are numbers; anything else stays the text typed,
# which the model then refuses with its line ("'1:30' is not an amount") or keeps ("013", a code).
_PLAIN_INT = re.compile(r"[-+]?(?:0|[1-9]\d*)")
_PLAIN_DECIMAL = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")


def _decimal(loader: yaml.SafeLoader, node: yaml.Node) -> Decimal | str:
    text = loader.construct_scalar(node)
    plain = text.replace("_", "")
    return Decimal(plain) if _PLAIN_DECIMAL.fullmatch(plain) else text


def _int(loader: yaml.SafeLoader, node: yaml.Node) -> int | str:
    text = loader.construct_scalar(node)
    plain = text.replace("_", "")
    return int(plain) if _PLAIN_INT.fullmatch(plain) else text


class LineDict(dict):
    """A mapping that knows its line and the line of each of its keys (1-based)."""

    line: int = 0
    key_lines: dict


def _mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = value_node.start_mark.line + 1
    return result


class LineList(list):
    line: int = 0
    item_lines: list


def _sequence(loader: yaml.SafeLoader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


_LineLoader.add_constructor("tag:yaml.org,2002:float", _decimal)
_LineLoader.add_constructor("tag:yaml.org,2002:int", _int)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)


def line_of(data: object, loc: tuple) -> int | None:
    """The line of the deepest element of ``loc`` that exists in ``data``."""
    line = getattr(data, "line", None)
    node = data
    for part in loc:
        if isinstance(node, LineDict) and part in node:
            line = node.key_lines.get(part, line)
            node = node[part]
        elif isinstance(node, LineList) and isinstance(part, int) and 0 <= part < len(node):
            line = node.item_lines[part]
            node = node[part]
        else:
            break
    return line


def _field(loc: tuple) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def load_yaml(path: str | Path) -> object:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(path, None, f"cannot read: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise InputError(path, None, "not UTF-8 text") from None
    try:
        return yaml.load(text, Loader=_LineLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise InputError(path, line, f"malformed YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise InputError(path, None, f"malformed YAML: {exc}") from None


def read_budget(path: str | Path, catalog=None) -> Budget:
    """Load and validate a budget YAML file; raise InputError naming file:line and the field."""
    data = load_yaml(path)
    if not isinstance(data, dict):
        raise InputError(path, 1, "a budget file is a mapping with year, unit, lines, … (see docs/budget-format.md)")
    try:
        budget = Budget.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = tuple(p for p in first["loc"] if not (isinstance(p, str) and p in ("function-after", "function-before")) and "[" not in str(p))
        message = first["msg"].removeprefix("Value error, ")
        if first["type"] == "missing":
            message = "required field is missing"
        raise InputError(path, line_of(data, loc), f"{_field(loc)}: {message}") from None
    problems = consistency_errors(budget) + code_errors(budget, catalog)
    if problems:
        loc, message = problems[0]
        raise InputError(path, line_of(data, loc), f"{_field(loc)}: {message}")
    return budget
