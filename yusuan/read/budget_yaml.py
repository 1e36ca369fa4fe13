"""Read a budget YAML file into a Budget, with every error naming file:line and the field."""
from __future__ import annotations

import gc
import re
from decimal import Decimal
from pathlib import Path

import yaml
from pydantic import ValidationError
from yaml.composer import Composer, ComposerError
from yaml.constructor import ConstructorError
from yaml.events import (AliasEvent, DocumentEndEvent, DocumentStartEvent, MappingEndEvent, MappingStartEvent, ScalarEvent,
                         SequenceEndEvent, SequenceStartEvent, StreamEndEvent, StreamStartEvent)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..budget import Budget, code_errors, consistency_errors
from ..errors import InputError
from ..money import number

# What one budget file may be. A consolidated department's budget is a few MB and nests about
# six levels; the limits refuse, with the file's name and line, what would otherwise exhaust
# memory or the stack: a huge file, a deeply nested one ([[[[…), and an alias bomb (anchors
# that expand to each other twice over, or merge keys `<<` doing the same, grow exponentially
# once pydantic walks the data even though PyYAML shares the objects).
MAX_BYTES = 50 * 1024 * 1024
MAX_DEPTH = 100  # collections nested in each other
MAX_ALIASES = 100  # *name references in one file
MAX_ALIAS_NODES = 10_000  # nodes an alias repeats, counted as if written out


class _LimitError(yaml.MarkedYAMLError):
    """A file beyond one of the limits above: its own message, not "malformed YAML"."""


class _Composing:
    """Composes the nodes of a document from the parser's events, in a loop, within the limits.

    With libyaml the events come from C, but the nodes must not be composed by the C extension:
    its composer recurses in C without a limit, so ten thousand ``[`` crash the process (a
    segfault, not an exception). PyYAML's own Composer recurses in Python (RecursionError at
    ≈300 levels, and twice the calls per node). This one keeps the open collections on a list,
    so the depth is a number to compare, and costs ≈1 ms on the seed.

    It does what PyYAML's Composer does (an undefined alias or an anchor defined twice is a
    ComposerError with its place) except path resolvers, which a SafeLoader has none of.
    """

    get_single_node = Composer.get_single_node
    compose_document = Composer.compose_document

    def __init__(self, stream) -> None:
        super().__init__(stream)
        self.anchors = {}  # Composer's state; the C parser's __init__ does not set it
        self._nodes = 0  # nodes composed so far, an alias counting as the nodes it repeats
        self._aliases = 0
        self._alias_nodes = 0
        self._anchor_sizes: dict[str, int] = {}

    def _alias(self, event: AliasEvent) -> Node:
        if event.anchor not in self.anchors:
            raise ComposerError(None, None, f"found undefined alias {event.anchor!r}", event.start_mark)
        self._aliases += 1
        # An alias of a node still open (a recursive one) counts as one; the constructor refuses it.
        size = self._anchor_sizes.get(event.anchor, 1)
        self._alias_nodes += size
        self._nodes += size
        if self._aliases > MAX_ALIASES:
            raise _LimitError(None, None, f"more than {MAX_ALIASES} aliases (*name); write the values out", event.start_mark)
        if self._alias_nodes > MAX_ALIAS_NODES:
            raise _LimitError(None, None, f"aliases (*name, or merge keys <<) repeat more than {MAX_ALIAS_NODES} "
                                          "values; write the values out", event.start_mark)
        return self.anchors[event.anchor]

    def _anchor(self, anchor: str | None, node: Node, event) -> None:
        if anchor is None:
            return
        if anchor in self.anchors:
            raise ComposerError(f"found duplicate anchor {anchor!r}; first occurrence", self.anchors[anchor].start_mark,
                                "second occurrence", event.start_mark)
        self.anchors[anchor] = node

    def compose_node(self, parent, index) -> Node:
        # Each open collection: [node, its anchor, self._nodes when it opened, the key awaiting its value].
        open_: list[list] = []
        get_event, resolve = self.get_event, self.resolve
        while True:
            event = get_event()
            kind = type(event)
            if kind is ScalarEvent:
                tag = event.tag
                if tag is None or tag == "!":
                    tag = resolve(ScalarNode, event.value, event.implicit)
                node = ScalarNode(tag, event.value, event.start_mark, event.end_mark, style=event.style)
                self._anchor(event.anchor, node, event)
                self._nodes += 1
            elif kind is AliasEvent:
                node = self._alias(event)
            elif kind is SequenceStartEvent or kind is MappingStartEvent:
                if len(open_) >= MAX_DEPTH:  # collections within collections, the scalars in them not counted
                    raise _LimitError(None, None, f"nested deeper than {MAX_DEPTH} levels", event.start_mark)
                node_class = SequenceNode if kind is SequenceStartEvent else MappingNode
                tag = event.tag
                if tag is None or tag == "!":
                    tag = resolve(node_class, None, event.implicit)
                node = node_class(tag, [], event.start_mark, None, flow_style=event.flow_style)
                self._anchor(event.anchor, node, event)
                open_.append([node, event.anchor, self._nodes, None])
                continue
            else:  # the end of the innermost open collection
                node, anchor, first, _ = open_.pop()
                node.end_mark = event.end_mark
                self._nodes += 1
                if anchor is not None:
                    self._anchor_sizes[anchor] = self._nodes - first
            if not open_:
                return node
            top = open_[-1]
            if type(top[0]) is SequenceNode:
                top[0].value.append(node)
            elif top[3] is None:
                top[3] = node  # a key: its value comes next
            else:
                top[0].value.append((top[3], node))
                top[3] = None


# YAML 1.1 reads 1:30 as 90, 0x10 as 16, 013 as 11 and .inf as infinity: for amounts and codes
# that is a silent misreading. Only plain numbers are numbers (money.number, the one rule for the
# YAML, the workbook and report.json); anything else stays the text typed, which the model then
# refuses with its line ("'1:30' is not an amount") or keeps ("013", a code).
_PLAIN_INT = re.compile(r"[-+]?(?:0|[1-9]\d{0,39})")  # 40 digits at most: int() of 5,000 digits raises


def _decimal(loader: yaml.SafeLoader, node: yaml.Node) -> Decimal | str:
    text = loader.construct_scalar(node)
    value = number(text.replace("_", ""))
    return text if value is None else value


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
        try:
            hash(key)
        except TypeError:  # a list or a mapping as a key: said as PyYAML's own mapping constructor says it
            raise ConstructorError("while constructing a mapping", node.start_mark, "found unhashable key",
                                   key_node.start_mark) from None
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


# libyaml's parser is ≈7× faster than PyYAML's pure-Python one (the seed: ≈7 ms against ≈50 ms
# per load). PyYAML without libyaml has no CSafeLoader; the pure parser then does the same work.
class _LineLoader(_Composing, getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """SafeLoader that keeps decimals exact and remembers the line of every mapping and key."""


class _PureLineLoader(_Composing, yaml.SafeLoader):
    """The same loader on PyYAML's pure-Python parser: what the tests compare the C one with,
    and the baseline of benchmarks/bench_load.py."""


for _loader in (_LineLoader, _PureLineLoader):
    _loader.add_constructor("tag:yaml.org,2002:float", _decimal)
    _loader.add_constructor("tag:yaml.org,2002:int", _int)
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)


class _NotPlain(Exception):
    """Something the direct loader leaves to the full one (_LineLoader)."""


# The tags of plain scalars the direct loader builds itself; anything else (a timestamp, a merge
# key <<, the value key =) goes to the full loader.
_STR, _INT, _FLOAT = "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"
_NULL, _BOOL = "tag:yaml.org,2002:null", "tag:yaml.org,2002:bool"
_NO_KEY = object()  # a mapping's next event is a key


def _load_direct(text: str) -> object:
    """What ``yaml.load(text, Loader=_LineLoader)`` gives, built straight from libyaml's events
    (no node objects, no constructor calls: ≈2× faster on a unit's budget), for the documents
    budgets are: plain, quoted and block scalars in mappings and lists, without anchors,
    aliases, tags, merge keys or timestamps. Raises _NotPlain on anything else — a syntax
    error too — so that the full loader reads the file, with its limits and its errors."""
    loader = _LineLoader(text)
    resolve, bool_values = loader.resolve, loader.bool_values
    tags: dict[str, str] = {}  # a plain scalar's tag depends on its text alone: resolved once per text
    # Each open collection: [the LineDict or LineList, the key awaiting its value (mappings)].
    open_: list[list] = []
    try:
        get_event = loader.get_event
        if type(get_event()) is not StreamStartEvent or type(get_event()) is not DocumentStartEvent:
            raise _NotPlain
        while True:
            event = get_event()
            kind = type(event)
            if kind is ScalarEvent:
                if event.anchor is not None or event.tag is not None:
                    raise _NotPlain
                value = event.value
                if event.implicit[0]:  # plain: what it reads as, from its text
                    tag = tags.get(value)
                    if tag is None:
                        tag = tags[value] = resolve(ScalarNode, value, (True, False))
                    if tag == _STR:
                        pass
                    elif tag == _INT:
                        plain = value.replace("_", "")
                        value = int(plain) if _PLAIN_INT.fullmatch(plain) else value
                    elif tag == _FLOAT:
                        found = number(value.replace("_", ""))
                        value = value if found is None else found
                    elif tag == _NULL:
                        value = None
                    elif tag == _BOOL:
                        value = bool_values[value.lower()]
                    else:
                        raise _NotPlain
                elif not event.implicit[1]:
                    raise _NotPlain
                line = event.start_mark.line + 1
            elif kind is MappingStartEvent or kind is SequenceStartEvent:
                if event.anchor is not None or event.tag is not None or len(open_) >= MAX_DEPTH:
                    raise _NotPlain
                if kind is MappingStartEvent:
                    collection = LineDict()
                    collection.key_lines = {}
                else:
                    collection = LineList()
                    collection.item_lines = []
                collection.line = event.start_mark.line + 1
                open_.append([collection, _NO_KEY])
                continue
            elif kind is MappingEndEvent or kind is SequenceEndEvent:
                value = open_.pop()[0]
                line = value.line
            else:  # an alias
                raise _NotPlain
            if not open_:
                break
            top = open_[-1]
            collection = top[0]
            if collection.__class__ is LineList:
                collection.append(value)
                collection.item_lines.append(line)
            elif top[1] is _NO_KEY:  # a key: its value comes next
                if value.__class__ is LineDict or value.__class__ is LineList:
                    raise _NotPlain  # a collection as a key: the full loader says what is wrong
                top[1] = value
            else:
                collection[top[1]] = value
                collection.key_lines[top[1]] = line
                top[1] = _NO_KEY
        if type(get_event()) is not DocumentEndEvent or type(get_event()) is not StreamEndEvent:
            raise _NotPlain  # a second document: the full loader refuses it
        return value
    except yaml.YAMLError:
        raise _NotPlain from None
    finally:
        loader.dispose()


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
        # Refused before it is read: the limit is there to spare the memory.
        if path.stat().st_size > MAX_BYTES:
            raise InputError(path, None, f"{path.stat().st_size:,} bytes: larger than a budget file may be ({MAX_BYTES:,})")
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(path, None, f"cannot read: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise InputError(path, None, "not UTF-8 text") from None
    # Everything the loader makes stays alive until it returns, so the cyclic collector's passes
    # find nothing, yet they walk an ever larger heap: with them a 3 MB budget loaded at 1.9 µs a
    # byte, without them at 1.1 µs, as a small one does.
    collecting = gc.isenabled()
    gc.disable()
    try:
        try:
            return _load_direct(text)
        except _NotPlain:  # anchors, tags, an error …: the full loader, with its limits and messages
            pass
        return yaml.load(text, Loader=_LineLoader)
    except _LimitError as exc:
        raise InputError(path, exc.problem_mark.line + 1, exc.problem) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise InputError(path, line, f"malformed YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise InputError(path, None, f"malformed YAML: {exc}") from None
    finally:
        if collecting:
            gc.enable()


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
