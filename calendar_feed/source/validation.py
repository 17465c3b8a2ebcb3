"""Turn the positioned YAML tree into a Schedule, collecting every problem on the way.

Validation never stops at the first mistake: each field is checked, problems are
gathered with their file, line, column and field path, and only then is the
result either a Schedule (plus warnings) or one ValidationError listing them all.
"""

from __future__ import annotations

import contextlib
import gc
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import Position, Problem, ValidationError
from ..fields import TIMING_KEYS
from ..limits import DEFAULT_MAX_SESSIONS
from ..model import Schedule, Series, Session
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
from .sessions import SessionRules
from .vocabulary import WEEKDAYS

TOP_FIELDS = ("calendar", "defaults", "sessions")
NO_SESSIONS = (
    "no sessions listed; publishing an empty feed would delete every event from "
    "subscribers' calendars"
)


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
    with gc_paused():
        return validate(read_events_file(path, max_bytes=max_bytes), max_sessions=max_sessions)


def load_schedule_bytes(
    data: bytes,
    name: str = "events.yaml",
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_sessions: int = DEFAULT_MAX_SESSIONS,
) -> Loaded:
    """load_schedule for text already read (a pasted or uploaded file)."""
    with gc_paused():
        root = parse_events_bytes(data, name, max_bytes=max_bytes)
        return validate(root, max_sessions=max_sessions)


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
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
    checker = Checker(max_sessions)
    return checker.loaded(checker.schedule(root))


def _problem_order(problem: Problem) -> tuple[int, int]:
    return (problem.position.line, problem.position.column)


class Checker(SessionRules):
    def __init__(self, max_sessions: int):
        super().__init__()
        self.max_sessions = max_sessions
        self.identities: list[tuple[str, str, bool, Node]] = []
        """(path, key, explicit, node of the id or date) for every session with a usable key."""

    # -- the document ------------------------------------------------------------

    def loaded(self, schedule: Schedule | None) -> Loaded:
        """The result of a check: Loaded, or ValidationError with every problem in file order."""
        errors = [p for p in self.problems if p.severity == "error"]
        if errors or schedule is None:
            raise ValidationError(sorted(self.problems, key=_problem_order))
        warnings = sorted((p for p in self.problems if p.severity == "warning"), key=_problem_order)
        locations = {
            key: (f"{path}.{'id' if explicit else 'date'}", node.position)
            for path, key, explicit, node in self.identities
        }
        return Loaded(schedule, tuple(warnings), locations)

    def settings(self, root: Mapping) -> tuple[dict[str, Node], Series | None, dict[str, Any]]:
        """The top-level fields, the series and the defaults: what every session is read with."""
        top = self.mapping(root, "", TOP_FIELDS)
        assert top is not None
        return top, self.series(top.get("calendar"), root), self.defaults(top.get("defaults"))

    def schedule(self, root: Mapping) -> Schedule | None:
        top, series, defaults = self.settings(root)
        sessions_node = top.get("sessions")
        if sessions_node is None:
            return self.refuse(root, "sessions", "missing required field")
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
            return self.refuse(sessions_node, "sessions", NO_SESSIONS)
        if len(sessions_node.items) > self.max_sessions:
            return self.refuse(
                sessions_node,
                "sessions",
                f"{len(sessions_node.items):,} sessions is more than the limit of "
                f"{self.max_sessions:,} (raise it with --max-sessions if this is intended)",
            )
        zone = series.timezone if series else None
        sessions: list[Placed] = []
        for index, node in enumerate(sessions_node.items):
            session = self.session(node, f"sessions[{index}]", defaults, zone, series)
            if session is not None:
                assert isinstance(node, Mapping)
                sessions.append(Placed(index, session, node.entries["date"].value))
        return self.conclude(series, sessions)

    def conclude(self, series: Series | None, sessions: list[Placed]) -> Schedule | None:
        """The document's own rules once every session is read; the schedule if all is well."""
        self.check_identities()
        if series is not None:
            self.check_weekdays(sessions, series)
        if series is None or any(p.severity == "error" for p in self.problems):
            return None
        ordered = sorted((p.session for p in sessions), key=lambda s: (s.start, s.key))
        return Schedule(series, tuple(ordered))

    def series(self, node: Node | None, root: Mapping) -> Series | None:
        if node is None:
            return self.refuse(root, "calendar", "missing required field")
        values = self.section(node, "calendar", Series)
        if values is None:
            return None
        return Series(**values)

    def defaults(self, node: Node | None) -> dict[str, Any]:
        if node is None:
            return {}
        fields = self.mapping(node, "defaults", TIMING_KEYS)
        if fields is None:
            return {}
        return self.timing(fields, "defaults")

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

    def check_weekdays(self, sessions: list[Placed], series: Series) -> None:
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
                self.warn(
                    placed.date.position,
                    f"{placed.path}.date",
                    f"{day:%Y-%m-%d} is a {WEEKDAYS[day.weekday()].title()}; "
                    f"the series usually meets on {WEEKDAYS[usual].title()}s",
                )


@dataclass(frozen=True)
class Placed:
    """A valid session together with where it stands in the file."""

    index: int
    session: Session
    date: Node
    """Where its date was written."""

    @property
    def path(self) -> str:
        return f"sessions[{self.index}]"
