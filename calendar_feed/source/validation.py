"""Turn the positioned YAML tree into a Schedule, collecting every problem on the way.

Validation never stops at the first mistake: each field is checked, problems are
gathered with their file, line, column and field path, and only then is the
result either a Schedule (plus warnings) or one ValidationError listing them all.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import gc
import json
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import pytz

from ..errors import Position, Problem, ValidationError
from ..model import Link, Schedule, Series, Session, Status
from .loading import (
    DEFAULT_MAX_BYTES,
    Mapping,
    Node,
    Scalar,
    Sequence,
    describe,
    parse_events_bytes,
    read_events_file,
)

DEFAULT_MAX_SESSIONS = 20_000

CALENDAR_FIELDS = (
    "id", "name", "local_name", "description", "semester", "organizers", "maintainer",
    "timezone", "base_url", "language", "weekday", "refresh_hours",
)  # fmt: skip
DEFAULTS_FIELDS = ("start", "end", "duration", "location")
SESSION_FIELDS = (
    "id", "date", "start", "end", "duration", "location", "status", "speaker",
    "affiliation", "title", "abstract", "bio", "reason", "links", "note",
)  # fmt: skip
LINK_LABELS = {"slides": "Slides", "video": "Video", "speaker_page": "Speaker page"}
TOP_FIELDS = ("calendar", "defaults", "sessions")
NO_SESSIONS = (
    "no sessions listed; publishing an empty feed would delete every event from "
    "subscribers' calendars"
)
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
_LANGUAGE_RE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
_FORBIDDEN_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
"""Unicode's control characters (category Cc, a fixed set) except tab and newline, and the
line and paragraph separators; one regex search instead of a category lookup per character."""

T = TypeVar("T")


@dataclass(frozen=True)
class Loaded:
    """A valid schedule and the warnings an organizer should still read."""

    schedule: Schedule
    warnings: tuple[Problem, ...]
    locations: dict[str, tuple[str, Position]] = field(default_factory=dict)
    """Session key -> (field path, position) of its id or date, for later warnings."""


def load_schedule(
    path: str | Path,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_sessions: int = DEFAULT_MAX_SESSIONS,
) -> Loaded:
    """Read, parse and validate an events file; raise ValidationError with every problem."""
    with _gc_paused():
        root = read_events_file(path, max_bytes=max_bytes)
        return validate(root, max_sessions=max_sessions)


def load_schedule_bytes(
    data: bytes,
    name: str = "events.yaml",
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_sessions: int = DEFAULT_MAX_SESSIONS,
) -> Loaded:
    with _gc_paused():
        root = parse_events_bytes(data, name, max_bytes=max_bytes)
        return validate(root, max_sessions=max_sessions)


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while the node tree and the schedule are built.

    Neither has cycles to collect, yet the collector keeps re-examining the growing
    tree (a full pass each time it has grown by a quarter): 1.4 of the 2.5 s it took
    to load 10,000 sessions.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def validate(root: Mapping, *, max_sessions: int = DEFAULT_MAX_SESSIONS) -> Loaded:
    checker = _Checker(max_sessions)
    schedule = checker.schedule(root)
    errors = [p for p in checker.problems if p.severity == "error"]
    if errors or schedule is None:
        raise ValidationError(sorted(checker.problems, key=_problem_order))
    warnings = sorted((p for p in checker.problems if p.severity == "warning"), key=_problem_order)
    locations = {
        key: (f"{path}.{'id' if explicit else 'date'}", node.position)
        for path, key, explicit, node in checker.identities
    }
    return Loaded(schedule, tuple(warnings), locations)


def _problem_order(problem: Problem) -> tuple[int, int]:
    return (problem.position.line, problem.position.column)


class _Missing:
    """Marker for a field that was not given, distinct from one given as null."""


MISSING = _Missing()


class _Checker:
    def __init__(self, max_sessions: int):
        self.problems: list[Problem] = []
        self.max_sessions = max_sessions
        self.identities: list[tuple[str, str, bool, Node]] = []
        """(path, key, explicit, node of the id or date) for every session with a usable key."""

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
            hint = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
            suggestion = f'; did you mean "{hint[0]}"?' if hint else ""
            known = ", ".join(allowed)
            where = _join(path, key)
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
    ) -> T | _Missing | None:
        """Parse one optional field; MISSING when absent or null, None when invalid."""
        node = fields.get(key)
        if node is None or (isinstance(node, Scalar) and node.kind == "null"):
            return MISSING
        return parse(node, _join(path, key))

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
        if isinstance(value, _Missing):
            self.error(where.position, _join(path, key), f"missing required field{hint}")
            return None
        return value

    # -- scalar parsers ----------------------------------------------------------

    def text(self, node: Node, path: str) -> str | None:
        if not isinstance(node, Scalar):
            self.error(node.position, path, f"expected text, got {describe(node)}")
            return None
        value = node.text.replace("\r\n", "\n").replace("\r", "\n").strip()
        found = _FORBIDDEN_CONTROL.search(value)
        if found:
            self.error(
                node.position,
                path,
                f"contains the control character U+{ord(found.group()):04X} "
                f"(character {found.start() + 1}); remove it",
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
                f'{_quote(value)} is not a valid id: use letters, digits, "-", "_" or "." '
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
                node.position, path, f"expected a date like 2024-09-11, got {_quote(text)}{extra}"
            )
            return None
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            self.error(node.position, path, f"{_quote(text)} is not a real date")
            return None

    def time(self, node: Node, path: str) -> dt.time | None:
        if not isinstance(node, Scalar) or node.kind != "str":
            self.error(node.position, path, f'expected a time like "12:00", got {describe(node)}')
            return None
        match = _TIME_RE.match(node.text.strip())
        if not match:
            self.error(
                node.position,
                path,
                f'expected a 24-hour time like "12:00", got {_quote(node.text)}',
            )
            return None
        hour, minute = int(match[1]), int(match[2])
        if hour > 23 or minute > 59:
            self.error(node.position, path, f"{_quote(node.text)} is not a real time")
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
                f"{_quote(value)} is not a web address; write it as https://…",
            )
            return None
        return value

    def timezone(self, node: Node, path: str) -> str | None:
        value = self.text(node, path)
        if value is None:
            return None
        if value not in pytz.all_timezones_set:
            hint = [TIMEZONE_ALIASES[value]] if value in TIMEZONE_ALIASES else []
            hint = hint or difflib.get_close_matches(value, pytz.common_timezones, n=1, cutoff=0.7)
            suggestion = f'; did you mean "{hint[0]}"?' if hint else ""
            self.error(
                node.position,
                path,
                f"unknown timezone {_quote(value)}{suggestion} "
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
                node.position, path, f'expected a weekday like "wednesday", got {_quote(value)}'
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
                f'expected a language tag like "zh" or "en", got {_quote(value)}',
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
                node.position, path, f"expected one of talk, cancelled, open; got {_quote(value)}"
            )
            return None

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

    # -- the document ------------------------------------------------------------

    def schedule(self, root: Mapping) -> Schedule | None:
        top = self.mapping(root, "", TOP_FIELDS)
        assert top is not None
        series = self.series(top.get("calendar"), root)
        defaults = self.defaults(top.get("defaults"))
        sessions_node = top.get("sessions")
        if sessions_node is None:
            self.error(root.position, "sessions", "missing required field")
            return None
        if not isinstance(sessions_node, Sequence):
            if isinstance(sessions_node, Scalar) and sessions_node.kind == "null":
                self.error(sessions_node.position, "sessions", NO_SESSIONS)
            else:
                self.error(
                    sessions_node.position,
                    "sessions",
                    f"expected a list of sessions, got {describe(sessions_node)}",
                )
            return None
        if not sessions_node.items:
            self.error(sessions_node.position, "sessions", NO_SESSIONS)
            return None
        if len(sessions_node.items) > self.max_sessions:
            self.error(
                sessions_node.position,
                "sessions",
                f"{len(sessions_node.items):,} sessions is more than the limit of "
                f"{self.max_sessions:,} (raise it with --max-sessions if this is intended)",
            )
            return None
        zone = pytz.timezone(series.timezone) if series else None
        sessions: list[_Placed] = []
        for index, node in enumerate(sessions_node.items):
            session = self.session(node, f"sessions[{index}]", defaults, zone, series)
            if session is not None:
                sessions.append(_Placed(index, session, node))
        self.check_identities()
        if series is not None:
            self.check_weekdays(sessions, series)
        if series is None or any(p.severity == "error" for p in self.problems):
            return None
        ordered = sorted((p.session for p in sessions), key=lambda s: (s.start, s.key))
        return Schedule(series, tuple(ordered))

    def series(self, node: Node | None, root: Mapping) -> Series | None:
        if node is None:
            self.error(root.position, "calendar", "missing required field")
            return None
        path = "calendar"
        fields = self.mapping(node, path, CALENDAR_FIELDS)
        if fields is None:
            return None
        values: dict[str, Any] = {
            "id": self.require(fields, "id", path, node, self.identifier),
            "name": self.require(fields, "name", path, node, self.text),
            "timezone": self.require(
                fields, "timezone", path, node, self.timezone, " (an IANA name like Asia/Shanghai)"
            ),
        }
        optional: dict[str, Callable[[Node, str], Any]] = {
            "local_name": self.text,
            "description": self.text,
            "semester": self.text,
            "organizers": self.text_list,
            "maintainer": self.text,
            "base_url": self.url,
            "language": self.language,
            "weekday": self.weekday,
            "refresh_hours": self.positive_int,
        }
        for key, parse in optional.items():
            value = self.get(fields, key, path, parse)
            if not isinstance(value, _Missing):
                values[key] = value
        if any(v is None for v in values.values()):
            return None
        if values.get("base_url") and not values["base_url"].endswith("/"):
            values["base_url"] += "/"
        return Series(**values)

    def defaults(self, node: Node | None) -> dict[str, Any]:
        if node is None:
            return {}
        fields = self.mapping(node, "defaults", DEFAULTS_FIELDS)
        if fields is None:
            return {}
        return self.timing(fields, "defaults", node)

    def timing(self, fields: dict[str, Node], path: str, where: Node) -> dict[str, Any]:
        """Read start / end / duration / location; only the keys given come back."""
        result: dict[str, Any] = {}
        for key, parse in (
            ("start", self.time),
            ("end", self.time),
            ("duration", self.minutes),
            ("location", self.text),
        ):
            value = self.get(fields, key, path, parse)
            if not isinstance(value, _Missing):
                result[key] = value
        if "end" in result and "duration" in result:
            self.error(
                fields["duration"].position,
                _join(path, "duration"),
                "give either `end` or `duration`, not both",
            )
        return result

    def session(
        self,
        node: Node,
        path: str,
        defaults: dict[str, Any],
        zone: Any,
        series: Series | None,
    ) -> Session | None:
        fields = self.mapping(node, path, SESSION_FIELDS)
        if fields is None:
            return None
        before = len(self.problems)
        day = self.require(fields, "date", path, node, self.date)
        explicit_id = self.get(fields, "id", path, self.identifier)
        if isinstance(explicit_id, str):
            self.identities.append((path, explicit_id, True, fields["id"]))
        elif isinstance(day, dt.date) and isinstance(explicit_id, _Missing):
            self.identities.append((path, day.isoformat(), False, fields["date"]))
        texts = {
            key: self.get(fields, key, path, self.text)
            for key in ("speaker", "affiliation", "title", "abstract", "bio", "reason", "note")
        }
        links = self.get(fields, "links", path, self.links)
        status = self.get(fields, "status", path, self.status)
        timing = {**defaults, **self.timing(fields, path, node)}
        if "end" in fields and "duration" not in fields:
            timing.pop("duration", None)
        if "duration" in fields and "end" not in fields:
            timing.pop("end", None)
        given = {k: v for k, v in texts.items() if isinstance(v, str) and v}

        if isinstance(status, _Missing):
            status = Status.TALK if {"speaker", "title"} & given.keys() else Status.OPEN
            if status is Status.OPEN and {"abstract", "bio", "affiliation"} & given.keys():
                status = Status.TALK
        if status is Status.TALK:
            for key in ("title", "speaker"):
                if key not in given and texts[key] is not None:  # None: already reported
                    self.error(
                        node.position,
                        _join(path, key),
                        f"a talk needs a {key}; add `{key}:` or set `status: open`",
                    )
        elif status is Status.OPEN:
            for key in ("speaker", "title"):
                if key in given:
                    self.error(
                        fields[key].position,
                        _join(path, key),
                        "an open slot has no speaker or title; remove it or set `status: talk`",
                    )
        if "reason" in given and status is not Status.CANCELLED:
            self.warn(
                fields["reason"].position,
                _join(path, "reason"),
                "`reason` is only shown for cancelled sessions",
            )

        start_time = timing.get("start")
        if "start" not in timing:
            self.error(
                node.position,
                _join(path, "start"),
                "no start time; set `defaults.start` or `start:` here",
            )
        if "end" not in timing and "duration" not in timing:
            self.error(
                node.position,
                _join(path, "end"),
                "no end time; set `defaults.end`, `defaults.duration` or `end:` here",
            )
        if len(self.problems) > before and any(
            p.severity == "error" for p in self.problems[before:]
        ):
            return None
        if start_time is None or any(v is None for v in timing.values()):
            return None  # already reported where the bad value was written
        if "end" in timing:
            end_time = timing["end"]
            if end_time <= start_time:
                where = fields.get("end") or fields.get("start") or node
                self.error(
                    where.position,
                    _join(path, "end"),
                    f"end {end_time:%H:%M} is not after start {start_time:%H:%M}",
                )
                return None
        if not isinstance(day, dt.date) or series is None:
            return None
        if "end" in timing:
            end_naive = dt.datetime.combine(day, timing["end"])
        else:
            end_naive = dt.datetime.combine(day, start_time) + dt.timedelta(
                minutes=timing["duration"]
            )
        start = self.localize(
            zone, dt.datetime.combine(day, start_time), fields, node, path, "start"
        )
        end = self.localize(zone, end_naive, fields, node, path, "end")
        if start is None or end is None:
            return None
        key = explicit_id if isinstance(explicit_id, str) else day.isoformat()
        session = Session(
            key=key,
            explicit_id=isinstance(explicit_id, str),
            start=start,
            end=end,
            location=timing.get("location") or "",
            status=status,
            links=links if isinstance(links, tuple) else (),
            **{k: v for k, v in texts.items() if isinstance(v, str)},
        )
        return session

    def localize(
        self,
        zone: Any,
        naive: dt.datetime,
        fields: dict[str, Node],
        node: Node,
        path: str,
        key: str,
    ) -> dt.datetime | None:
        # pytz needs localize(); tzinfo=zone would silently use local mean time (+08:06).
        try:
            return zone.localize(naive, is_dst=None)
        except pytz.NonExistentTimeError:
            problem = "does not exist (the clocks skip it)"
        except pytz.AmbiguousTimeError:
            problem = "happens twice (the clocks go back)"
        where = fields.get(key) or fields.get("date") or node
        self.error(
            where.position,
            _join(path, key),
            f"{naive:%Y-%m-%d %H:%M} {problem} in {zone.zone}; choose another time",
        )
        return None

    def check_identities(self) -> None:
        """Every session needs its own key, or two events would share one UID."""
        seen: dict[str, tuple[str, Node]] = {}
        for path, key, explicit, node in self.identities:
            first = seen.setdefault(key, (path, node))
            if first[1] is node:
                continue
            if explicit:
                message = (
                    f'id "{key}" is already used by {first[0]} (line {first[1].position.line})'
                )
            else:
                message = (
                    f"{key} already has a session ({first[0]}, line {first[1].position.line}); "
                    "give one of them an `id:` so each keeps its own identity in calendars"
                )
            self.error(node.position, f"{path}.{'id' if explicit else 'date'}", message)

    def check_weekdays(self, sessions: list[_Placed], series: Series) -> None:
        usual = series.weekday
        if usual is None:
            counts = Counter(p.session.date.weekday() for p in sessions)
            if len(sessions) < 3:
                return
            usual, count = counts.most_common(1)[0]
            if count * 2 <= len(sessions):
                return  # no clear habit, nothing to warn about
        for placed in sessions:
            day = placed.session.date
            if day.weekday() != usual:
                assert isinstance(placed.node, Mapping)
                self.warn(
                    placed.node.entries["date"].value.position,
                    f"{placed.path}.date",
                    f"{day:%Y-%m-%d} is a {WEEKDAYS[day.weekday()].title()}; "
                    f"the series usually meets on {WEEKDAYS[usual].title()}s",
                )


@dataclass(frozen=True)
class _Placed:
    """A valid session together with where it stands in the file."""

    index: int
    session: Session
    node: Node

    @property
    def path(self) -> str:
        return f"sessions[{self.index}]"


def _quote(value: str) -> str:
    """Echo a user's value in a message on one line, newlines and all made visible."""
    return json.dumps(value, ensure_ascii=False)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key
