"""Field parsers: one YAML node in, one checked value (or a positioned problem) out.

Whole-document rules (which fields a session needs, duplicate identities,
weekdays) live in validation.py; this module only knows single values.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from typing import TypeVar
from urllib.parse import urlsplit

import pytz

from ..errors import Position, Problem
from ..fields import LINK_LABELS
from ..model import Kind, Link, Status
from .loading import Mapping, Node, Scalar, Sequence, describe

TIMEZONE_ALIASES = {
    "Asia/Beijing": "Asia/Shanghai",
    "Beijing": "Asia/Shanghai",
    "China": "Asia/Shanghai",
    "CST": "Asia/Shanghai",
    "Beijing Time": "Asia/Shanghai",
}
"""Names people often write for China's zone; IANA names it after Shanghai."""
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_TIME_RE = re.compile(r"^(\d{1,2}):(\d{2})$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ADDRESS_RE = re.compile(r"[^@\s<>(),;:\"\[\]]+@[^@\s<>(),;:\"\[\]]+\.[A-Za-z]{2,}")
_LANGUAGE_RE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
FORBIDDEN_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
"""Unicode's control characters (category Cc, a fixed set) except tab and newline, and the
line and paragraph separators; one regex search instead of a category lookup per character."""
NOT_CHARACTERS = re.compile("[\ud800-\udfff\ufffe\uffff]")
"""Surrogates, U+FFFE and U+FFFF: not characters, illegal in XML (the Atom feed) and refused
everywhere, so every output carries the same text; with FORBIDDEN_CONTROL this covers every
code point XML 1.0 forbids."""
MIN_YEAR, MAX_YEAR = 1900, 2200
"""Dates outside these years are typing mistakes, and near year 1 or 9999 date arithmetic
(timezones, durations) overflows."""
MAX_REFRESH_HOURS = 4 * 7 * 24
"""refresh_hours above four weeks would leave subscribers without edits for too long."""

T = TypeVar("T")


class Missing:
    """Marker for a field that was not given, distinct from one given as null."""


MISSING = Missing()


class FieldParser:
    """Reads one field at a time, recording a positioned problem for each bad value.

    Each parser returns the value, or None after reporting why it cannot be used;
    :meth:`get` returns MISSING for a field that was not given.
    """

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    # -- reporting ---------------------------------------------------------------

    def error(self, position: Position, path: str, message: str) -> None:
        self.problems.append(Problem(position, path, message))

    def warn(self, position: Position, path: str, message: str) -> None:
        self.problems.append(Problem(position, path, message, "warning"))

    # -- structure ---------------------------------------------------------------

    def mapping(self, node: Node, path: str, allowed: tuple[str, ...]) -> dict[str, Node] | None:
        """Check that ``node`` is a mapping with only known keys; return key -> value."""
        if not isinstance(node, Mapping):
            self.error(node.position, path, f"expected a mapping of fields, got {describe(node)}")
            return None
        fields: dict[str, Node] = {}
        for key, entry in node.entries.items():
            if key in allowed:
                fields[key] = entry.value
                continue
            import difflib  # only when there is a hint to give

            hint = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
            suggestion = f'; did you mean "{hint[0]}"?' if hint else ""
            known = ", ".join(allowed)
            where = join(path, key)
            self.error(
                entry.key_position,
                where,
                f'unknown field "{key}"{suggestion}'
                + ("" if hint else f" (known fields: {known})"),
            )
        return fields

    def get(
        self,
        fields: dict[str, Node],
        key: str,
        path: str,
        parse: Callable[[Node, str], T | None],
    ) -> T | Missing | None:
        """Parse one optional field; MISSING when absent or null, None when invalid."""
        node = fields.get(key)
        if node is None or (isinstance(node, Scalar) and node.kind == "null"):
            return MISSING
        return parse(node, join(path, key))

    def require(
        self,
        fields: dict[str, Node],
        key: str,
        path: str,
        where: Node,
        parse: Callable[[Node, str], T | None],
        hint: str = "",
    ) -> T | None:
        value = self.get(fields, key, path, parse)
        if isinstance(value, Missing):
            self.error(where.position, join(path, key), f"missing required field{hint}")
            return None
        return value

    # -- scalar parsers ----------------------------------------------------------

    def text(self, node: Node, path: str) -> str | None:
        if not isinstance(node, Scalar):
            self.error(node.position, path, f"expected text, got {describe(node)}")
            return None
        value = node.text.replace("\r\n", "\n").replace("\r", "\n").strip()
        found = FORBIDDEN_CONTROL.search(value)
        if found:
            self.error(
                node.position,
                path,
                f"contains the control character U+{ord(found.group()):04X} "
                f"(character {found.start() + 1}); remove it",
            )
            return None
        found = NOT_CHARACTERS.search(value)
        if found:
            self.error(
                node.position,
                path,
                f"contains U+{ord(found.group()):04X} (character {found.start() + 1}), which is "
                "not a character and cannot appear in XML or a calendar; remove it",
            )
            return None
        return value

    def text_list(self, node: Node, path: str) -> tuple[str, ...] | None:
        if isinstance(node, Scalar):
            single = self.text(node, path)
            return None if single is None else (single,)
        if not isinstance(node, Sequence):
            self.error(node.position, path, f"expected a list of names, got {describe(node)}")
            return None
        values = [self.text(item, f"{path}[{i}]") for i, item in enumerate(node.items)]
        if any(v is None for v in values):
            return None
        return tuple(v for v in values if v)

    def identifier(self, node: Node, path: str) -> str | None:
        value = self.text(node, path)
        if value is None:
            return None
        if not _ID_RE.match(value):
            self.error(
                node.position,
                path,
                f'{quote(value)} is not a valid id: use letters, digits, "-", "_" or "." '
                "(at most 64, starting with a letter or digit)",
            )
            return None
        return value

    def date(self, node: Node, path: str) -> dt.date | None:
        text = node.text if isinstance(node, Scalar) else ""
        if not isinstance(node, Scalar) or node.kind not in ("timestamp", "str"):
            self.error(
                node.position, path, f"expected a date like 2024-09-11, got {describe(node)}"
            )
            return None
        if not _DATE_RE.match(text):
            extra = " (put the time in `start:`)" if node.kind == "timestamp" else ""
            self.error(
                node.position, path, f"expected a date like 2024-09-11, got {quote(text)}{extra}"
            )
            return None
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            self.error(node.position, path, f"{quote(text)} is not a real date")
            return None
        if not MIN_YEAR <= day.year <= MAX_YEAR:
            self.error(
                node.position, path, f"{quote(text)} is outside the years {MIN_YEAR}–{MAX_YEAR}"
            )
            return None
        return day

    def time(self, node: Node, path: str) -> dt.time | None:
        if not isinstance(node, Scalar) or node.kind != "str":
            self.error(node.position, path, f'expected a time like "12:00", got {describe(node)}')
            return None
        match = _TIME_RE.match(node.text.strip())
        if not match:
            self.error(
                node.position,
                path,
                f'expected a 24-hour time like "12:00", got {quote(node.text)}',
            )
            return None
        hour, minute = int(match[1]), int(match[2])
        if hour > 23 or minute > 59:
            self.error(node.position, path, f"{quote(node.text)} is not a real time")
            return None
        return dt.time(hour, minute)

    def minutes(self, node: Node, path: str) -> int | None:
        if not isinstance(node, Scalar) or node.kind != "int":
            self.error(
                node.position,
                path,
                f"expected a number of minutes like 90, got {describe(node)}",
            )
            return None
        value = int(node.text)
        if not 0 < value < 24 * 60:
            self.error(node.position, path, f"{value} minutes is not a usable duration")
            return None
        return value

    def refresh_hours(self, node: Node, path: str) -> int | None:
        """1 hour to 4 weeks, so validate agrees with what the feed can carry."""
        if not isinstance(node, Scalar) or node.kind != "int":
            value = describe(node)
        elif 1 <= int(node.text) <= MAX_REFRESH_HOURS:
            return int(node.text)
        else:
            value = node.text
        self.error(
            node.position,
            path,
            f"expected a whole number of hours from 1 to {MAX_REFRESH_HOURS} (four weeks), "
            f"got {value}",
        )
        return None

    def positive_int(self, node: Node, path: str) -> int | None:
        if not isinstance(node, Scalar) or node.kind != "int" or int(node.text) <= 0:
            self.error(
                node.position, path, f"expected a whole number above 0, got {describe(node)}"
            )
            return None
        return int(node.text)

    def url(self, node: Node, path: str) -> str | None:
        value = self.text(node, path)
        if value is None:
            return None
        parts = urlsplit(value)
        if (
            parts.scheme not in ("http", "https")
            or not parts.netloc
            or any(c.isspace() for c in value)
        ):
            self.error(
                node.position,
                path,
                f"{quote(value)} is not a web address; write it as https://…",
            )
            return None
        return value

    def timezone(self, node: Node, path: str) -> str | None:
        value = self.text(node, path)
        if value is None:
            return None
        if value not in pytz.all_timezones_set:
            hint = [TIMEZONE_ALIASES[value]] if value in TIMEZONE_ALIASES else []
            import difflib  # only when there is a hint to give

            hint = hint or difflib.get_close_matches(value, pytz.common_timezones, n=1, cutoff=0.7)
            suggestion = f'; did you mean "{hint[0]}"?' if hint else ""
            self.error(
                node.position,
                path,
                f"unknown timezone {quote(value)}{suggestion} "
                "(use an IANA name like Asia/Shanghai)",
            )
            return None
        return value

    def weekday(self, node: Node, path: str) -> int | None:
        value = self.text(node, path)
        if value is None:
            return None
        if value.lower() not in WEEKDAYS:
            self.error(
                node.position, path, f'expected a weekday like "wednesday", got {quote(value)}'
            )
            return None
        return WEEKDAYS.index(value.lower())

    def language(self, node: Node, path: str) -> str | None:
        value = self.text(node, path)
        if value is None:
            return None
        if not _LANGUAGE_RE.match(value):
            self.error(
                node.position,
                path,
                f'expected a language tag like "zh" or "en", got {quote(value)}',
            )
            return None
        return value

    def status(self, node: Node, path: str) -> Status | None:
        value = self.text(node, path)
        if value is None:
            return None
        try:
            return Status(value.lower())
        except ValueError:
            self.error(
                node.position, path, f"expected one of talk, cancelled, open; got {quote(value)}"
            )
            return None

    def email(self, node: Node, path: str) -> str | None:
        """One mail address, bare or as ``Name <address>`` (a From or To header's form)."""
        value = self.text(node, path)
        if value is None:
            return None
        if not is_email_address(value):
            self.error(node.position, path, _not_an_address(value))
            return None
        return value

    def email_list(self, node: Node, path: str) -> tuple[str, ...] | None:
        """A list of mail addresses, or one."""
        if isinstance(node, Scalar):
            single = self.email(node, path)
            return None if single is None else (single,)
        if not isinstance(node, Sequence):
            self.error(node.position, path, f"expected a list of addresses, got {describe(node)}")
            return None
        values = [self.email(item, f"{path}[{i}]") for i, item in enumerate(node.items)]
        if any(v is None for v in values):
            return None
        return tuple(v for v in values if v)

    def by_kind(self, kind: Kind) -> Callable[[Node, str], object]:
        """The parser for a session detail of this kind."""
        parsers = {Kind.TEXT: self.text, Kind.URL: self.url, Kind.LINKS: self.links}
        return self.tags if kind is Kind.TAGS else parsers[kind]

    def tags(self, node: Node, path: str) -> tuple[str, ...] | None:
        """``[pde, numerics]`` (or one tag alone): short ids, each once."""
        items = node.items if isinstance(node, Sequence) else (node,)
        if not isinstance(node, Sequence | Scalar):
            self.error(node.position, path, f"expected a list of tags, got {describe(node)}")
            return None
        values = [self.identifier(item, f"{path}[{i}]") for i, item in enumerate(items)]
        if any(v is None for v in values):
            return None
        return tuple(dict.fromkeys(v.lower() for v in values if v))

    def links(self, node: Node, path: str) -> tuple[Link, ...] | None:
        fields = self.mapping(node, path, tuple(LINK_LABELS))
        if fields is None:
            return None
        links = []
        for key, label in LINK_LABELS.items():
            url = self.get(fields, key, path, self.url)
            if isinstance(url, str):
                links.append(Link(label, url))
        return tuple(links)


def is_email_address(value: str) -> bool:
    """``name@host.tld`` or ``Display Name <name@host.tld>``, as a mail header carries it."""
    from email.utils import parseaddr  # the email package only for an address

    _, address = parseaddr(value)
    return bool(address) and _ADDRESS_RE.fullmatch(address) is not None


def _not_an_address(value: str) -> str:
    return (
        f"{quote(value)} is not an e-mail address; write it as name@example.edu "
        "or as Name <name@example.edu>"
    )


def quote(value: str) -> str:
    """Echo a user's value in a message on one line, newlines and all made visible."""
    return json.dumps(value, ensure_ascii=False)


def join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key
