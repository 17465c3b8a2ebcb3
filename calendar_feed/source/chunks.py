"""Load a large events file incrementally: a session whose text is unchanged is not read again.

The block-style ``sessions:`` list is cut into one chunk of text per item (from one
``- `` at the list's indentation to the next). Each item that checks without a single
problem is cached under a digest of its text and of all else that shapes its result:
the defaults, the timezone and this code. The rest of the file (the header) is read
and checked in full every time, and so are the document's own rules (ids, weekdays),
from the cached sessions and the positions they were written at.

Cutting is only safe when each chunk reads on its own exactly as it reads in the
file. Whenever that, or equality with a whole-document load, cannot be guaranteed
(a parse error anywhere, an alias, an odd line ending, any error at all, a list not
in block style, ...), load_chunked returns None and the caller loads the whole
document the ordinary way; its errors are then the ordinary ones, in order.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import MutableMapping
from itertools import pairwise
from pathlib import Path
from typing import Any

import yaml

from .. import zones
from ..errors import ValidationError
from ..limits import DEFAULT_MAX_SESSIONS
from ..model import Series, Session, session_from_values, session_values
from .aliases import MAX_EXPANDED_CHARS, MAX_NODES, max_chars
from .loading import (
    DEFAULT_MAX_BYTES,
    AliasFound,
    Converter,
    Loader,
    Mapping,
    Node,
    Scalar,
    read_events_bytes,
)
from .validation import (
    Checker,
    Loaded,
    Placed,
    gc_paused,
    load_schedule_bytes,
)

CHUNKED_FROM = 200
"""Sessions above which a file with a cache is read item by item."""
"""Smaller files load whole: cutting them up would save little and cost start-up time."""
FORMAT = b"calendar-feed source chunks 2"
"""Part of every key: bump it when what a cached value holds changes."""

_BREAKS = (b"\xc2\x85", b"\xe2\x80\xa8", b"\xe2\x80\xa9")
"""NEL, LS and PS in UTF-8: YAML breaks lines there too, so line numbers would disagree."""
_SESSIONS_LINE = re.compile(rb"sessions:[ \t]*(?:#[^\r\n]*)?\r?\n")
_FIRST_ITEM = re.compile(rb"(?:[ \t]*(?:#[^\r\n]*)?\r?\n)*( *)-(?=[ \t\r\n]|\Z)")
"""Blank and comment lines, then the first item's dash; group 1 is the list's indentation."""

Record = tuple[Session, int, int, str, bool, int, int, int, int]
"""What the cache holds for one item: (session, values, characters, key, explicit id,
line and column of its id (or date), line and column of its date); lines count from
the chunk's first line (0), so an item that moves down the file keeps its record. The
session is kept as its plain values (model.session_values)."""
_RECORD_TYPES = [int, int, str, bool, int, int, int, int]


def load_cached(
    source: str | Path | bytes,
    name: str = "events.yaml",
    *,
    cache: MutableMapping[bytes, Any],
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_sessions: int = DEFAULT_MAX_SESSIONS,
) -> Loaded:
    """load_schedule (a path) or load_schedule_bytes (bytes and their ``name``) with a cache
    kept by the caller between runs: an unchanged session skips parsing and checking, and
    the result is always the one a load without it gives."""
    if not isinstance(source, bytes):
        name, source = str(source), read_events_bytes(source, max_bytes=max_bytes)
    with gc_paused():
        # Every session item holds "- ", so a file with fewer is read whole.
        if source.count(b"- ") > CHUNKED_FROM:
            loaded = load_chunked(
                source, name, max_bytes=max_bytes, max_sessions=max_sessions, cache=cache
            )
            if loaded is not None:
                return loaded
    return load_schedule_bytes(source, name, max_bytes=max_bytes, max_sessions=max_sessions)


def load_chunked(
    data: bytes,
    name: str,
    *,
    max_bytes: int,
    max_sessions: int,
    cache: MutableMapping[bytes, Any],
) -> Loaded | None:
    """The file's Loaded, from ``cache`` where it can be; None when only a whole load is exact.

    Also None for a file with errors: the whole load then reports them.
    """
    if 0 < max_bytes < len(data):
        return None
    data = data.removeprefix(b"\xef\xbb\xbf")  # as parse_events_bytes does: positions agree
    layout = _Layout.cut(data)
    if layout is None or not CHUNKED_FROM < len(layout.bounds) <= max_sessions + 1:
        return None
    checker = Checker(max_sessions)
    header = _read_header(layout, name, checker)
    if header is None:
        return None
    series, defaults, nodes, chars = header
    load = _Load(layout, name, checker, series, defaults, cache)
    if not load.sessions():
        return None
    nodes, chars = nodes + load.nodes, chars + load.chars
    if nodes > MAX_NODES or (chars > MAX_EXPANDED_CHARS and chars > max_chars(_length(data))):
        return None  # let the whole load measure and refuse it
    schedule = checker.conclude(series, load.placed)
    if schedule is None:
        return None
    return checker.loaded(schedule)


class _Layout:
    """Where the sessions list and each of its items begin, in the file's bytes."""

    def __init__(self, data: bytes, key: int, block: int, bounds: list[int]):
        self.data = data
        self.key_line = data.count(b"\n", 0, key) + 1
        """Line of ``sessions:`` (from 1)."""
        self.block = block
        """Where the line after ``sessions:`` starts."""
        self.bounds = bounds
        """Where each item's first line starts, and where the last item ends."""
        self.lines = [self.key_line + 1 + data.count(b"\n", block, bounds[0])]
        """The line each of ``bounds`` is on: with no lone CR, NEL, LS or PS (checked
        per piece, as it is read), YAML counts lines as b"\\n" does."""
        for start, stop in pairwise(bounds):
            self.lines.append(self.lines[-1] + data.count(b"\n", start, stop))

    @classmethod
    def cut(cls, data: bytes) -> _Layout | None:
        key = data.find(b"\nsessions:") + 1
        found = _SESSIONS_LINE.match(data, key) if key else None
        item = _FIRST_ITEM.match(data, found.end()) if found else None
        if found is None or item is None:
            return None
        indent = len(item[1])
        first = item.start(1)
        end = _block_end(indent).search(data, first)
        stop = len(data) if end is None else end.start() + 1
        if data[stop : stop + 1] in (b" ", b"\t"):
            return None  # a line indented less than the list but not at the top level
        dash = re.compile(rb"\n" + b" " * indent + rb"-(?=[ \t\r\n]|\Z)")
        starts = [first] + [m.start() + 1 for m in dash.finditer(data, first, stop)]
        return cls(data, key, found.end(), [*starts, stop])

    def header(self) -> bytes:
        """The file with the list's lines blanked: line numbers below stay where they were."""
        blanks = b"\n" * (self.lines[-1] - self.key_line - 1)
        return self.data[: self.block] + blanks + self.data[self.bounds[-1] :]


@functools.cache
def _block_end(indent: int) -> re.Pattern[bytes]:
    """The first line that is not blank, a comment, an item or inside one: the list's end."""
    return re.compile(rb"\n(?! {%d}-(?:[ \t\r\n]|\Z)) {0,%d}[^ \r\n#]" % (indent, indent))


def _read_header(
    layout: _Layout, name: str, checker: Checker
) -> tuple[Series, dict[str, Any], int, int] | None:
    """The series and defaults from the header, if it reads and checks without a problem."""
    text = layout.header()
    if text.startswith(b"%") or b"\n%" in text:
        return None  # directives apply to the whole document, not to a chunk read alone
    lead = layout.data[layout.block : layout.bounds[0]]  # blank and comment lines, blanked
    converted = _convert(text, name, 1) if _plain_lines(text + lead) else None
    if converted is None or not isinstance(converted[0], Mapping):
        return None
    root, nodes, chars = converted
    entry = root.entries.get("sessions")
    value = entry.value if entry else None
    if entry is None or (entry.key_line, entry.key_column) != (layout.key_line, 1):
        return None  # the `sessions:` we cut at is not the document's
    if not (isinstance(value, Scalar) and value.kind == "null"):
        return None
    _, series, defaults = checker.settings(root)
    if checker.problems or series is None:
        return None
    return series, defaults, nodes, chars


def _convert(data: bytes, name: str, first_line: int) -> tuple[Node, int, int] | None:
    """Our nodes (and values and characters) for one text alone; None unless it is clean."""
    converter = Converter(name, first_line, stop_at_alias=True)
    try:
        documents = [d for d in yaml.compose_all(data.decode("utf-8"), Loader=Loader) if d]
        if len(documents) != 1:
            return None
        root = converter.convert(documents[0], "", 0)
    except (UnicodeDecodeError, yaml.YAMLError, RecursionError, AliasFound, ValidationError):
        return None
    if converter.problems:
        return None
    return root, converter.count, converter.chars


class _Load:
    """Every item in file order: cached records where the cache has them, else read afresh."""

    def __init__(
        self,
        layout: _Layout,
        name: str,
        checker: Checker,
        series: Series,
        defaults: dict[str, Any],
        cache: MutableMapping[bytes, Any],
    ):
        self.layout, self.name, self.checker = layout, name, checker
        self.series, self.defaults, self.cache = series, defaults, cache
        self.zone = series.timezone
        self.placed: list[Placed] = []
        self.nodes = self.chars = 0
        data, self.bounds, self.lines = layout.data, layout.bounds, layout.lines
        context = _context(series.timezone, defaults)
        self.keys = [
            hashlib.blake2b(data[start:stop], digest_size=16, key=context).digest()
            for start, stop in pairwise(self.bounds)
        ]

    def sessions(self) -> bool:
        """Read every item; False as soon as one cannot be used as it is."""
        records = [self.record(key) for key in self.keys]
        index = 0
        while index < len(records):
            if records[index] is not None:
                self.reuse(index, records[index])
                index += 1
                continue
            stop = index
            while stop < len(records) and records[stop] is None:
                stop += 1
            if not self.read(index, stop):
                return False
            index = stop
        return True

    def record(self, key: bytes) -> Record | None:
        """The cached record of an item, or None (also for one no build of this code made)."""
        stored = self.cache.get(key)
        if stored is None:
            return None
        try:
            values, *rest = stored
            if [type(value) for value in rest] != _RECORD_TYPES:
                return None
            zone = zones.zone(self.zone)
            return (session_from_values(values, zone), *rest)  # type: ignore[return-value]
        except (ValueError, TypeError):
            return None

    def reuse(self, index: int, record: Record) -> None:
        session, nodes, chars, key, explicit, key_line, key_column, line, column = record
        first = self.lines[index]
        where = Node(self.name, first + key_line, key_column)
        self.checker.identities.append((f"sessions[{index}]", key, explicit, where))
        self.placed.append(Placed(index, session, Node(self.name, first + line, column)))
        self.nodes += nodes
        self.chars += chars

    def read(self, start: int, stop: int) -> bool:
        """Read items start..stop-1 (a run the cache lacks) as one text; False if unusable."""
        data = self.layout.data[self.bounds[start] : self.bounds[stop]]
        if not _plain_lines(data):
            return False
        converter = Converter(self.name, self.lines[start], stop_at_alias=True)
        try:
            documents = [d for d in yaml.compose_all(data.decode("utf-8"), Loader=Loader) if d]
            if len(documents) != 1 or not isinstance(documents[0], yaml.SequenceNode):
                return False
            items = documents[0].value
            if documents[0].tag != "tag:yaml.org,2002:seq" or len(items) != stop - start:
                return False  # a dash we cut at was inside a text or a flow list
            return all(self.item(index, item, converter) for index, item in enumerate(items, start))
        except (UnicodeDecodeError, yaml.YAMLError, RecursionError, AliasFound, ValidationError):
            return False

    def item(self, index: int, item: yaml.Node, converter: Converter) -> bool:
        """Convert and check one item; cache it if it has no problem at all."""
        nodes, chars = converter.count, converter.chars
        path = f"sessions[{index}]"
        node = converter.convert(item, path, 2)
        if converter.problems or not self.lines[index] <= node.line < self.lines[index + 1]:
            return False
        nodes, chars = converter.count - nodes, converter.chars - chars
        self.nodes += nodes
        self.chars += chars
        checker = self.checker
        before = len(checker.problems)
        session = checker.session(node, path, self.defaults, self.zone, self.series)
        if session is None or any(p.severity == "error" for p in checker.problems[before:]):
            return False
        assert isinstance(node, Mapping)
        date = node.entries["date"].value
        self.placed.append(Placed(index, session, date))
        if len(checker.problems) == before:  # a warning is reported afresh each time
            _, key, explicit, where = checker.identities[-1]
            first = self.lines[index]
            self.cache[self.keys[index]] = (
                *(session_values(session), nodes, chars, key, explicit),
                *(where.line - first, where.column, date.line - first, date.column),
            )
        return True


def _context(timezone: str, defaults: dict[str, Any]) -> bytes:
    """Everything besides an item's own text that shapes its record. The code is not in
    it: a table made by other code is never read (publish/cache.py's fingerprint)."""
    digest = hashlib.blake2b(FORMAT, digest_size=32)
    digest.update(zones.data_digest(timezone))
    digest.update(f"{timezone}\0{sorted(defaults.items())!r}".encode())
    return digest.digest()


def _plain_lines(data: bytes) -> bool:
    """No line break YAML sees besides LF and CRLF: then lines are counted right."""
    return data.count(b"\r") == data.count(b"\r\n") and not any(b in data for b in _BREAKS)


def _length(data: bytes) -> int:
    """Characters in the file, as the whole load measures its text."""
    return len(data.decode("utf-8", errors="replace"))
