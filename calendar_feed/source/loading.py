"""Read an events file into a tree of positioned nodes.

This is the only module that imports ``yaml``. It composes the document with a
safe loader (no Python tags), keeps the line and column of every key and value,
and resolves scalars the YAML 1.2 way: ``12:00`` stays the text "12:00" instead
of YAML 1.1's integer 720, and ``no`` stays "no" instead of False.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..errors import Position, Problem, ValidationError
from ..files import NotRegularFile, read_regular_file
from ..limits import DEFAULT_MAX_BYTES

MAX_NODES = 500_000
"""Bound on values after alias expansion, so a 'billion laughs' file fails fast."""
MAX_EXPANDED_CHARS = 10_000_000
"""Bound on the characters of text after alias expansion (or the file's own length, if
larger): one long anchored abstract repeated by aliases must not cost gigabytes to render."""
MAX_DEPTH = 64

_TAG = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {f"{_TAG}{name}" for name in ("str", "int", "float", "bool", "null", "timestamp")}


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Safe loader with YAML 1.2 core-schema scalars."""


_Loader.yaml_implicit_resolvers = {}
for _tag, _pattern, _first in [
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("int", r"^[-+]?[0-9]+$", "-+0123456789"),
    (
        "float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        "-+0123456789.",
    ),
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("timestamp", r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt ].*)?$", "0123456789"),
]:
    _Loader.add_implicit_resolver(_TAG + _tag, re.compile(_pattern), list(_first))


@dataclass(frozen=True, slots=True)
class Node:
    position: Position


@dataclass(frozen=True, slots=True)
class Scalar(Node):
    text: str
    """The scalar's text after YAML quoting and folding rules."""
    kind: str
    """One of str, int, float, bool, null, timestamp."""

    @property
    def value(self) -> Any:
        if self.kind == "int":
            return int(self.text)
        if self.kind == "float":
            return float(self.text.replace("inf", "Inf").replace("INF", "Inf"))
        if self.kind == "bool":
            return self.text.lower() == "true"
        if self.kind == "null":
            return None
        return self.text


@dataclass(frozen=True, slots=True)
class Sequence(Node):
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Entry:
    key_position: Position
    value: Node


@dataclass(frozen=True, slots=True)
class Mapping(Node):
    entries: dict[str, Entry]


def read_events_file(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Mapping:
    """Read and compose ``path``; raise ValidationError naming every structural problem."""
    name = str(path)
    try:
        data = read_regular_file(path, max_bytes)
    except OSError as exc:
        raise _fail(name, read_error_message(exc)) from None
    if 0 < max_bytes < len(data):
        raise _fail(
            name,
            f"file is larger than the limit of {max_bytes:,} bytes "
            "(raise it with --max-bytes if this is intended)",
        )
    return parse_events_bytes(data, name, max_bytes=max_bytes)


def read_error_message(exc: OSError) -> str:
    """Why an events file could not be read, in an organizer's words (one rule for all readers)."""
    if isinstance(exc, FileNotFoundError):
        return "file not found"
    if isinstance(exc, IsADirectoryError):
        return "is a directory, not an events file"
    if isinstance(exc, NotRegularFile):
        return f"{exc.strerror}; only a regular file is read"
    return f"cannot read: {exc.strerror or exc}"


def parse_events_bytes(data: bytes, name: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Mapping:
    if max_bytes > 0 and len(data) > max_bytes:
        raise _fail(name, f"file is larger than the limit of {max_bytes:,} bytes")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]  # a BOM from Windows editors is harmless
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ValidationError(
            [
                Problem(
                    Position(name, line, column),
                    "",
                    f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8",
                )
            ]
        ) from None
    return parse_events_text(text, name)


def parse_events_text(text: str, name: str) -> Mapping:
    if not text.strip() or all(
        not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()
    ):
        raise _fail(name, "file is empty; expected `calendar:`, `defaults:` and `sessions:`")
    try:
        documents = list(yaml.compose_all(text, Loader=_Loader))
    except (yaml.YAMLError, RecursionError) as exc:
        raise ValidationError([_syntax_problem(exc, text, name)]) from None
    documents = [d for d in documents if d is not None]
    if not documents:
        raise _fail(name, "file is empty; expected `calendar:`, `defaults:` and `sessions:`")
    if len(documents) > 1:
        second = documents[1].start_mark
        raise ValidationError(
            [
                Problem(
                    Position(name, second.line + 1, second.column + 1),
                    "",
                    "more than one YAML document (`---`); keep everything in one",
                )
            ]
        )
    _refuse_alias_bombs(documents[0], name, len(text))
    converter = _Converter(name)
    root = converter.convert(documents[0], path="", depth=0)
    if converter.problems:
        raise ValidationError(converter.problems)
    if not isinstance(root, Mapping):
        raise ValidationError(
            [
                Problem(
                    root.position,
                    "",
                    "the top level must be a mapping with `calendar:`, `defaults:` "
                    f"and `sessions:`, not {describe(root)}",
                )
            ]
        )
    return root


def _syntax_problem(exc: Exception, text: str, name: str) -> Problem:
    """Where and why PyYAML could not read the text, in an organizer's words."""
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        message = exc.problem or "could not parse"
        if mark and "cannot start any token" in message and _char_at(text, mark) == "\t":
            message = "a tab character; YAML indentation must use spaces"
        if exc.context:
            message = f"{exc.context}, {message}"
        return Problem(Position(name, line, column), "", f"YAML syntax error: {message}")
    if isinstance(exc, yaml.reader.ReaderError):
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        return Problem(
            Position(name, line, column),
            "",
            f"the control character U+{exc.character:04X} is not allowed in YAML; remove it",
        )
    if isinstance(exc, RecursionError):
        return Problem(Position(name), "", "YAML is nested too deeply")
    return Problem(Position(name), "", f"YAML syntax error: {exc}")


def _refuse_alias_bombs(root: yaml.Node, name: str, text_length: int = 0) -> None:
    """Measure the document as aliases would expand it (values and characters), expanding
    nothing: a 'billion laughs' file or one huge text aliased many times is refused at
    once. A file never expands beyond its own length without aliases, so ``text_length``
    raises the character bound for a large --max-bytes.
    """
    meter = _Expansion(max(MAX_EXPANDED_CHARS, text_length))
    meter.size(root, 0)
    if not meter.too_big(root):
        return
    node, path = root, ""
    while True:  # walk down to the innermost place that is still too big
        heavier = [(p, c) for p, c in _children(node) if meter.too_big(c)]
        if not heavier:
            break
        step, node = heavier[0]
        path = (path + step).removeprefix(".")
    mark = node.start_mark
    message = (
        f"document expands to more than {MAX_NODES:,} values"
        if meter.sizes[id(node)][0] > MAX_NODES
        else f"document expands to more than {meter.max_chars:,} characters of text"
    )
    raise ValidationError(
        [
            Problem(
                Position(name, mark.line + 1, mark.column + 1),
                _short_path(path),
                f"{message} (too many aliases?); refusing to load it",
            )
        ]
    )


class _Expansion:
    """Values and characters of text under each node once aliases are expanded, memoised."""

    def __init__(self, max_chars: int):
        self.max_chars = max_chars
        self.sizes: dict[int, tuple[int, int]] = {}

    def size(self, node: yaml.Node, depth: int) -> tuple[int, int]:
        if id(node) not in self.sizes:
            self.sizes[id(node)] = (1, 0)  # provisional: an alias loop is the converter's
            if depth <= MAX_DEPTH:
                nodes = 1
                chars = len(node.value) if isinstance(node, yaml.ScalarNode) else 0
                for _, child in _children(node):
                    child_nodes, child_chars = self.size(child, depth + 1)
                    nodes, chars = nodes + child_nodes, chars + child_chars
                self.sizes[id(node)] = (min(nodes, MAX_NODES + 1), min(chars, self.max_chars + 1))
        return self.sizes[id(node)]

    def too_big(self, node: yaml.Node) -> bool:
        nodes, chars = self.sizes.get(id(node), (0, 0))
        return nodes > MAX_NODES or chars > self.max_chars


def _children(node: yaml.Node) -> list[tuple[str, yaml.Node]]:
    if isinstance(node, yaml.SequenceNode):
        return [(f"[{i}]", item) for i, item in enumerate(node.value)]
    if isinstance(node, yaml.MappingNode):
        return [(f".{k.value}", v) for k, v in node.value if isinstance(k, yaml.ScalarNode)]
    return []


class _Converter:
    """Turn PyYAML nodes into our positioned nodes, collecting problems as it goes."""

    def __init__(self, name: str):
        self.name = name
        self.problems: list[Problem] = []
        self.count = 0

    def position(self, node: yaml.Node) -> Position:
        return Position(self.name, node.start_mark.line + 1, node.start_mark.column + 1)

    def convert(self, node: yaml.Node, path: str, depth: int) -> Node:
        self.count += 1
        if self.count > MAX_NODES:
            raise ValidationError(
                [
                    Problem(
                        self.position(node),
                        _short_path(path),
                        f"document expands to more than {MAX_NODES:,} values "
                        "(too many aliases?); refusing to load it",
                    )
                ]
            )
        if depth > MAX_DEPTH:
            raise ValidationError(
                [
                    Problem(
                        self.position(node),
                        _short_path(path),
                        f"nested more than {MAX_DEPTH} levels deep (or an alias refers to itself)",
                    )
                ]
            )
        position = self.position(node)
        if isinstance(node, yaml.ScalarNode):
            if node.tag not in _ALLOWED_TAGS:
                self.problems.append(
                    Problem(position, path, f"tag {_short_tag(node.tag)} is not allowed here")
                )
            return Scalar(position, node.value, node.tag.removeprefix(_TAG))
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _TAG + "seq":
                self.problems.append(
                    Problem(position, path, f"tag {_short_tag(node.tag)} is not allowed here")
                )
            return Sequence(
                position,
                tuple(
                    self.convert(item, f"{path}[{index}]", depth + 1)
                    for index, item in enumerate(node.value)
                ),
            )
        assert isinstance(node, yaml.MappingNode)
        return self.mapping(node, position, path, depth)

    def mapping(self, node: yaml.MappingNode, position: Position, path: str, depth: int) -> Mapping:
        if node.tag != _TAG + "map":
            self.problems.append(
                Problem(position, path, f"tag {_short_tag(node.tag)} is not allowed here")
            )
        entries: dict[str, Entry] = {}
        for key_node, value_node in node.value:
            key_position = self.position(key_node)
            if not isinstance(key_node, yaml.ScalarNode):
                self.problems.append(Problem(key_position, path, "a key must be plain text"))
                continue
            key = key_node.value
            key_path = f"{path}.{key}" if path else key
            if key == "<<":
                self.problems.append(
                    Problem(
                        key_position, path, "merge keys (<<) are not supported; use `defaults:`"
                    )
                )
                continue
            if key in entries:
                first = entries[key].key_position
                self.problems.append(
                    Problem(
                        key_position,
                        key_path,
                        f"duplicate key `{key}` (first given at line {first.line})",
                    )
                )
                continue
            entries[key] = Entry(key_position, self.convert(value_node, key_path, depth + 1))
        return Mapping(position, entries)


def describe(node: Node) -> str:
    """Name a node's type the way an organizer would, for error messages."""
    if isinstance(node, Mapping):
        return "a mapping"
    if isinstance(node, Sequence):
        return "a list"
    assert isinstance(node, Scalar)
    return {
        "int": f"the number {node.text}",
        "float": f"the number {node.text}",
        "bool": f"the boolean {node.text}",
        "null": "nothing",
        "timestamp": f"the date {node.text}",
    }.get(node.kind, f'the text "{node.text}"')


def _short_path(path: str, limit: int = 40) -> str:
    """Deep paths (from alias loops) are cut short: the start says where to look."""
    return path if len(path) <= limit else path[:limit] + "…"


def _char_at(text: str, mark: yaml.Mark) -> str:
    lines = text.splitlines()
    if mark.line < len(lines) and mark.column < len(lines[mark.line]):
        return lines[mark.line][mark.column]
    return ""


def _short_tag(tag: str) -> str:
    return "!!" + tag.removeprefix(_TAG) if tag.startswith(_TAG) else tag


def _fail(name: str, message: str) -> ValidationError:
    return ValidationError([Problem(Position(name), "", message)])
