"""Field parsers: one YAML node in, one checked value (or a positioned problem) out.

Values with a vocabulary (timezones, weekdays, languages, statuses, mail
addresses) are in vocabulary.py, a session's rules in sessions.py and whole-
document rules in validation.py; this module knows single values and structure.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from ..errors import Position, Problem
from ..fields import LINK_LABELS, settings_of
from ..limits import MAX_YEAR, MIN_YEAR, outside_years
from ..model import FieldRule, Kind, Link, SettingRule
from ..urls import normalize_base_url
from .loading import Mapping, Node, Scalar, Sequence, describe

_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_TIME_RE = re.compile(r"^(\d{1,2}):(\d{2})$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
FORBIDDEN_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
"""Unicode's control characters (category Cc, a fixed set) except tab and newline, and the
line and paragraph separators; one regex search instead of a category lookup per character."""
NOT_CHARACTERS = re.compile("[\ud800-\udfff\ufffe\uffff]")
"""Surrogates, U+FFFE and U+FFFF: not characters, illegal in XML (the Atom feed) and refused
everywhere, so every output carries the same text; with FORBIDDEN_CONTROL this covers every
code point XML 1.0 forbids."""
LINE_BREAK = re.compile(r"\s*\n\s*")
"""A line break with any white space around it: one space in text shown on one line."""
_REFUSED = re.compile(f"{FORBIDDEN_CONTROL.pattern}|{NOT_CHARACTERS.pattern}")
"""Either kind, so clean text (nearly all of it) costs one search."""
MAX_REFRESH_HOURS = 4 * 7 * 24
"""refresh_hours above four weeks would leave subscribers without edits for too long."""

T = TypeVar("T")
_ORIGIN_RE = re.compile(r"^(?:'self'|https?://[A-Za-z0-9.*-]+(?::[0-9]{1,5})?)$")


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

    def refuse(self, node: Node, path: str, message: str) -> None:
        """Report why ``node``'s value cannot be used; what a parser returns for it (None)."""
        self.error(node.position, path, message)

    # -- structure ---------------------------------------------------------------

    def mapping(self, node: Node, path: str, allowed: tuple[str, ...]) -> dict[str, Node] | None:
        """Check that ``node`` is a mapping with only known keys; return key -> value."""
        if not isinstance(node, Mapping):
            return self.refuse(node, path, f"expected a mapping of fields, got {describe(node)}")
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
            return self.refuse(where, join(path, key), f"missing required field{hint}")
        return value

    # -- scalar parsers ----------------------------------------------------------

    def text(self, node: Node, path: str) -> str | None:
        if not isinstance(node, Scalar):
            return self.refuse(node, path, f"expected text, got {describe(node)}")
        value = node.text
        if "\r" in value:
            value = value.replace("\r\n", "\n").replace("\r", "\n")
        value = value.strip()
        if not _REFUSED.search(value):
            return value
        found = FORBIDDEN_CONTROL.search(value)
        if found:
            return self.refuse(
                node,
                path,
                f"contains the control character U+{ord(found.group()):04X} "
                f"(character {found.start() + 1}); remove it",
            )
        found = NOT_CHARACTERS.search(value)
        if found:
            return self.refuse(
                node,
                path,
                f"contains U+{ord(found.group()):04X} (character {found.start() + 1}), which is "
                "not a character and cannot appear in XML or a calendar; remove it",
            )
        return value

    def checked_text(
        self, node: Node, path: str, convert: Callable[[str], T | None], complaint: str
    ) -> T | None:
        """Text that ``convert`` accepts (None: it does not); else ``complaint`` is reported.

        ``complaint`` may use ``{value}``, the user's text quoted on one line.
        """
        value = self.text(node, path)
        if value is None:
            return None
        converted = convert(value)
        if converted is None:
            self.error(node.position, path, complaint.format(value=quote(value)))
        return converted

    def one_or_list(
        self, node: Node, path: str, item: Callable[[Node, str], T | None], plural: str
    ) -> tuple[T, ...] | None:
        """A list of values, or one written alone; None (reported) if any item is bad."""
        if isinstance(node, Scalar):
            single = item(node, path)
            return None if single is None else (single,)
        if not isinstance(node, Sequence):
            return self.refuse(node, path, f"expected a list of {plural}, got {describe(node)}")
        values = [item(entry, f"{path}[{i}]") for i, entry in enumerate(node.items)]
        if any(v is None for v in values):
            return None
        return tuple(v for v in values if v is not None and v != "")

    def text_list(self, node: Node, path: str) -> tuple[str, ...] | None:
        return self.one_or_list(node, path, self.text, "names")

    def identifier(self, node: Node, path: str) -> str | None:
        return self.checked_text(
            node,
            path,
            lambda v: v if _ID_RE.match(v) else None,
            '{value} is not a valid id: use letters, digits, "-", "_" or "." '
            "(at most 64, starting with a letter or digit)",
        )

    def date(self, node: Node, path: str) -> dt.date | None:
        text = node.text if isinstance(node, Scalar) else ""
        if not isinstance(node, Scalar) or node.kind not in ("timestamp", "str"):
            return self.refuse(node, path, f"expected a date like 2024-09-11, got {describe(node)}")
        if not _DATE_RE.match(text):
            extra = " (put the time in `start:`)" if node.kind == "timestamp" else ""
            return self.refuse(
                node, path, f"expected a date like 2024-09-11, got {quote(text)}{extra}"
            )
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            return self.refuse(node, path, f"{quote(text)} is not a real date")
        if not MIN_YEAR <= day.year <= MAX_YEAR:
            return self.refuse(node, path, outside_years(text))
        return day

    def time(self, node: Node, path: str) -> dt.time | None:
        if not isinstance(node, Scalar) or node.kind != "str":
            return self.refuse(node, path, f'expected a time like "12:00", got {describe(node)}')
        match = _TIME_RE.match(node.text.strip())
        if not match:
            return self.refuse(
                node, path, f'expected a 24-hour time like "12:00", got {quote(node.text)}'
            )
        hour, minute = int(match[1]), int(match[2])
        if hour > 23 or minute > 59:
            return self.refuse(node, path, f"{quote(node.text)} is not a real time")
        return dt.time(hour, minute)

    def minutes(self, node: Node, path: str) -> int | None:
        if not isinstance(node, Scalar) or node.kind != "int":
            return self.refuse(
                node, path, f"expected a number of minutes like 90, got {describe(node)}"
            )
        value = int(node.text)
        if not 0 < value < 24 * 60:
            return self.refuse(node, path, f"{value} minutes is not a usable duration")
        return value

    def hours(self, node: Node, path: str) -> int | None:
        """1 hour to 4 weeks (refresh_hours), so validate agrees with what the feed can carry."""
        if not isinstance(node, Scalar) or node.kind != "int":
            value = describe(node)
        elif 1 <= int(node.text) <= MAX_REFRESH_HOURS:
            return int(node.text)
        else:
            value = node.text
        return self.refuse(
            node,
            path,
            f"expected a whole number of hours from 1 to {MAX_REFRESH_HOURS} (four weeks), "
            f"got {value}",
        )

    def positive_int(self, node: Node, path: str) -> int | None:
        if not isinstance(node, Scalar) or node.kind != "int" or int(node.text) <= 0:
            return self.refuse(node, path, f"expected a whole number above 0, got {describe(node)}")
        return int(node.text)

    def url(self, node: Node, path: str) -> str | None:
        value = self.text(node, path)
        if value is None:
            return None
        try:
            parts = urlsplit(value)
        except ValueError:  # e.g. an unbalanced "[" in the host: not an address at all
            parts = urlsplit("")
        if (
            parts.scheme not in ("http", "https")
            or not parts.netloc
            or any(c.isspace() for c in value)
        ):
            return self.refuse(
                node, path, f"{quote(value)} is not a web address; write it as https://…"
            )
        return value

    def base_url(self, node: Node, path: str) -> str | None:
        """Where a site is published: a web address, given the ``/`` links into it need."""
        value = self.url(node, path)
        return None if value is None else normalize_base_url(value)

    def origins(self, node: Node, path: str) -> tuple[str, ...] | None:
        """Web origins or 'self', as a Content-Security-Policy's frame-ancestors has them."""
        sources = self.text_list(node, path)
        if sources is None:
            return None
        for index, source in enumerate(sources):
            if not _ORIGIN_RE.match(source):
                self.error(
                    node.position,
                    f"{path}[{index}]",
                    f"\"{source}\" is not an origin like https://math.example.edu or 'self'",
                )
        return sources

    def kind_parsers(self) -> dict[Kind, Callable[[Node, str], Any]]:
        """The parser of each kind of value (model.Kind) this class can read."""
        return {
            Kind.TEXT: self.text,
            Kind.URL: self.url,
            Kind.LINKS: self.links,
            Kind.TAGS: self.tags,
            Kind.TEXT_LIST: self.text_list,
            Kind.IDENTIFIER: self.identifier,
            Kind.BASE_URL: self.base_url,
            Kind.HOURS: self.hours,
            Kind.DATE: self.date,
            Kind.TIME: self.time,
            Kind.MINUTES: self.minutes,
            Kind.DAYS: self.positive_int,
            Kind.ORIGINS: self.origins,
        }

    def by_kind(self, kind: Kind) -> Callable[[Node, str], Any]:
        """The parser for a value of this kind (model.py)."""
        return self.kind_parsers()[kind]

    def by_rule(self, rule: FieldRule | SettingRule) -> Callable[[Node, str], Any]:
        """The parser for a key declared with ``rule`` (model.py): its kind's, and for
        text that is not prose (a title, a name, a place), :meth:`line`."""
        if rule.kind is Kind.TEXT and not rule.prose:
            return self.line
        return self.by_kind(rule.kind)

    def line(self, node: Node, path: str) -> str | None:
        """Text shown as one line: its line breaks fold into spaces, as YAML folds a plain
        scalar, so a feed's SUMMARY, a page and a mail's Subject show the same line."""
        value = self.text(node, path)
        return value if value is None or "\n" not in value else LINE_BREAK.sub(" ", value)

    def section(self, node: Node, path: str, declared: type) -> dict[str, Any] | None:
        """The keys ``declared`` (a dataclass of settings) of a mapping, each by its kind."""
        keys = settings_of(declared)
        fields = self.mapping(node, path, tuple(name for name, _ in keys))
        if fields is None:
            return None
        values: dict[str, Any] = {}
        for key, rule in keys:
            if rule.kind is Kind.SECTION:
                if key in fields:
                    assert rule.section is not None
                    inner = self.section(fields[key], f"{path}.{key}", rule.section)
                    values[key] = None if inner is None else rule.section(**inner)
                continue
            parse = self.by_rule(rule)
            if rule.required:
                values[key] = self.require(fields, key, path, node, parse, rule.missing_hint)
                continue
            value = self.get(fields, key, path, parse)
            if not isinstance(value, Missing):
                values[key] = value
        return None if any(v is None for v in values.values()) else values

    def tags(self, node: Node, path: str) -> tuple[str, ...] | None:
        """``[pde, numerics]`` (or one tag alone): short ids, each once, lower-case."""
        values = self.one_or_list(node, path, self.identifier, "tags")
        return None if values is None else tuple(dict.fromkeys(v.lower() for v in values))

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


def quote(value: str) -> str:
    """Echo a user's value in a message on one line, newlines and all made visible."""
    return json.dumps(value, ensure_ascii=False)


def join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key
