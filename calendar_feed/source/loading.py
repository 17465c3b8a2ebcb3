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
from .aliases import MAX_DEPTH, MAX_NODES, max_chars, refuse_alias_bombs, short_path

_TAG = "tag:yaml.org,2002:"
_KINDS = {f"{_TAG}{kind}": kind for kind in ("str", "int", "float", "bool", "null", "timestamp")}
"""Tags allowed on scalars, and the kind each gives."""
_SEQ, _MAP = _TAG + "seq", _TAG + "map"


_PLAIN = re.compile(
    r"(?P<bool>true|True|TRUE|false|False|FALSE)$"
    r"|(?P<int>[-+]?[0-9]+)$"
    r"|(?P<float>(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)))$"
    r"|(?P<null>(?:~|null|Null|NULL)$|\Z)"  # empty only when nothing at all, not a line break
    r"|(?P<timestamp>[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt ].*)?)$"
)
"""YAML 1.2 core-schema kinds of a plain scalar, tried in this order; anything else is a str."""
_PLAIN_TAGS = {kind: _TAG + kind for kind in _PLAIN.groupindex}
_STR = _TAG + "str"
_CONTENT_LINE = re.compile(r"^[ \t]*[^\s#]", re.MULTILINE)
"""A line with something other than a comment on it."""


class Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Safe loader with YAML 1.2 core-schema scalars.

    libyaml's C code parses and composes; it calls back into Python for each node's
    tag, so that call is one pattern match (PyYAML's resolver loops over a list of
    patterns and path resolvers for every node: a quarter of composing a large file).
    """

    def resolve(self, kind: type[yaml.Node], value: str, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode:
            if implicit[0]:  # plain, not quoted
                match = _PLAIN.match(value)
                if match is not None:
                    return _PLAIN_TAGS[match.lastgroup]  # type: ignore[index]
            return _STR
        return _SEQ if kind is yaml.SequenceNode else _MAP

    def descend_resolver(self, current_node: yaml.Node | None, current_index: object) -> None:
        """No path resolvers: nothing to follow into a node."""

    def ascend_resolver(self) -> None:
        """No path resolvers: nothing to leave."""


@dataclass(slots=True)
class Node:
    """Where a value was written; the Position is built only when asked for (most never are)."""

    file: str
    line: int
    column: int

    @property
    def position(self) -> Position:
        return Position(self.file, self.line, self.column)


@dataclass(slots=True)
class Scalar(Node):
    """A YAML scalar as written, with the type YAML would give it."""

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


@dataclass(slots=True)
class Sequence(Node):
    """A YAML list, each item with its place."""

    items: tuple[Node, ...]


@dataclass(slots=True)
class Entry:
    """A mapping's value, and where its key is: an error about the key points there."""

    key_line: int
    key_column: int
    value: Node

    @property
    def key_position(self) -> Position:
        return Position(self.value.file, self.key_line, self.key_column)


@dataclass(slots=True)
class Mapping(Node):
    """A YAML mapping; a repeated key is an error, so each key has one entry."""

    entries: dict[str, Entry]


def read_events_file(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Mapping:
    """Read and compose ``path``; raise ValidationError naming every structural problem."""
    data = read_events_bytes(path, max_bytes)
    return parse_events_bytes(data, str(path), max_bytes=max_bytes)


def read_events_bytes(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The bytes of ``path``, or ValidationError if it cannot be read or is too large."""
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
    return data


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
    if not text.strip() or (
        _CONTENT_LINE.search(text) is None  # found at once in any file with content
        and all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines())
    ):
        raise _fail(name, "file is empty; expected `calendar:`, `defaults:` and `sessions:`")
    try:
        documents = list(yaml.compose_all(text, Loader=Loader))
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
    root = convert_document(documents[0], name, len(text))
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


def convert_document(document: yaml.Node, name: str, text_length: int) -> Node:
    """Our nodes for a composed document; raise ValidationError with the converter's problems.

    Without aliases the converter's walk measures what refuse_alias_bombs would (every
    value and its characters), so that second walk of the whole tree runs only when an
    alias, a problem or a limit makes the two differ, and then first, as it always did.
    """
    converter = Converter(name, stop_at_alias=True)
    try:
        root = converter.convert(document, "", 0)
    except AliasFound:
        refuse_alias_bombs(document, name, text_length)
        converter = Converter(name)
        root = converter.convert(document, "", 0)
    except ValidationError:
        refuse_alias_bombs(document, name, text_length)
        raise
    else:
        if converter.problems or converter.chars > max_chars(text_length):
            refuse_alias_bombs(document, name, text_length)
    if converter.problems:
        raise ValidationError(converter.problems)
    return root


class AliasFound(Exception):
    """The converter met a node for the second time: the document uses an alias."""


class Converter:
    """Turn PyYAML nodes into our positioned nodes, collecting problems as it goes.

    ``first_line`` is the file line of the text's first line (a chunk of a file starts
    further down); ``count`` and ``chars`` measure what was converted.
    """

    def __init__(self, name: str, first_line: int = 1, *, stop_at_alias: bool = False):
        self.name = name
        self.first_line = first_line
        self.stop_at_alias = stop_at_alias
        self.problems: list[Problem] = []
        self.count = 0
        self.chars = 0
        self.seen: set[int] = set()

    def position(self, node: yaml.Node) -> Position:
        mark = node.start_mark
        return Position(self.name, mark.line + self.first_line, mark.column + 1)

    def convert(self, node: yaml.Node, path: str, depth: int) -> Node:
        self.count += 1
        if self.count > MAX_NODES or depth > MAX_DEPTH:
            raise self.limit(node, path)
        if self.stop_at_alias:
            if id(node) in self.seen:
                raise AliasFound
            self.seen.add(id(node))
        mark = node.start_mark
        line, column = mark.line + self.first_line, mark.column + 1
        if isinstance(node, yaml.ScalarNode):
            kind = _KINDS.get(node.tag)
            if kind is None:
                self.not_allowed(node, path)
                kind = node.tag.removeprefix(_TAG)
            self.chars += len(node.value)
            return Scalar(self.name, line, column, node.value, kind)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ:
                self.not_allowed(node, path)
            return Sequence(
                self.name,
                line,
                column,
                tuple(
                    self.convert(item, f"{path}[{index}]", depth + 1)
                    for index, item in enumerate(node.value)
                ),
            )
        assert isinstance(node, yaml.MappingNode)
        if node.tag != _MAP:
            self.not_allowed(node, path)
        return Mapping(self.name, line, column, self.entries(node, path, depth))

    def limit(self, node: yaml.Node, path: str) -> ValidationError:
        message = (
            f"document expands to more than {MAX_NODES:,} values "
            "(too many aliases?); refusing to load it"
            if self.count > MAX_NODES
            else f"nested more than {MAX_DEPTH} levels deep (or an alias refers to itself)"
        )
        return ValidationError([Problem(self.position(node), short_path(path), message)])

    def not_allowed(self, node: yaml.Node, path: str) -> None:
        self.problems.append(
            Problem(self.position(node), path, f"tag {_short_tag(node.tag)} is not allowed here")
        )

    def entries(self, node: yaml.MappingNode, path: str, depth: int) -> dict[str, Entry]:
        entries: dict[str, Entry] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.problems.append(
                    Problem(self.position(key_node), path, "a key must be plain text")
                )
                continue
            key = key_node.value
            key_path = f"{path}.{key}" if path else key
            if key == "<<" or key in entries:
                self.problems.append(self.bad_key(key_node, key_path, path, entries))
                continue
            mark = key_node.start_mark
            entries[key] = Entry(
                mark.line + self.first_line,
                mark.column + 1,
                self.convert(value_node, key_path, depth + 1),
            )
        return entries

    def bad_key(
        self, key_node: yaml.ScalarNode, key_path: str, path: str, entries: dict[str, Entry]
    ) -> Problem:
        key = key_node.value
        if key == "<<":
            return Problem(
                self.position(key_node), path, "merge keys (<<) are not supported; use `defaults:`"
            )
        first = entries[key].key_line
        return Problem(
            self.position(key_node),
            key_path,
            f"duplicate key `{key}` (first given at line {first})",
        )


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


def _char_at(text: str, mark: yaml.Mark) -> str:
    lines = text.splitlines()
    if mark.line < len(lines) and mark.column < len(lines[mark.line]):
        return lines[mark.line][mark.column]
    return ""


def _short_tag(tag: str) -> str:
    return "!!" + tag.removeprefix(_TAG) if tag.startswith(_TAG) else tag


def _fail(name: str, message: str) -> ValidationError:
    return ValidationError([Problem(Position(name), "", message)])
