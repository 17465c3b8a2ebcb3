"""One session's rules: its details, its status, and when and where it happens.

A session is checked field by field (parsers.py) and then as a whole here:
what a talk needs, what an open slot must not have, and start and end as
aware times in the series' zone. The document's own rules (identities,
weekdays) are in validation.py.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..fields import CANCELLED_ONLY, DETAILS, MAKES_TALK, SESSION_KEYS, TALK_NEEDS, TIMING
from ..model import Series, Session, Status
from ..zones import WallTimeError, localize
from .loading import Node, Scalar
from .parsers import MISSING, Missing, join
from .vocabulary import VocabularyParser


class SessionRules(VocabularyParser):
    identities: list[tuple[str, str, bool, Node]]
    """(path, key, explicit, node of the id or date), kept by the document's checker."""

    def __init__(self) -> None:
        super().__init__()
        self.detail_parsers = [(name, self.by_rule(rule)) for name, rule in DETAILS]
        self.timing_parsers = [(name, self.by_rule(rule)) for name, rule in TIMING]
        self.localized: dict[tuple[str, dt.datetime], dt.datetime] = {}
        """zones.localize for each (zone, wall time) seen: sessions share a few slots."""

    def timing(self, fields: dict[str, Node], path: str) -> dict[str, Any]:
        """Read start / end / duration / location; only the keys given come back."""
        result: dict[str, Any] = {}
        for key, parse in self.timing_parsers:
            value = self.get(fields, key, path, parse)
            if not isinstance(value, Missing):
                result[key] = value
        if "end" in result and "duration" in result:
            self.error(
                fields["duration"].position,
                join(path, "duration"),
                "give either `end` or `duration`, not both",
            )
        return result

    def session(
        self,
        node: Node,
        path: str,
        defaults: dict[str, Any],
        zone: str | None,
        series: Series | None,
    ) -> Session | None:
        fields = self.mapping(node, path, SESSION_KEYS)
        if fields is None:
            return None
        before = len(self.problems)
        day = self.require(fields, "date", path, node, self.date)
        explicit_id = self.get(fields, "id", path, self.identifier)
        if isinstance(explicit_id, str):
            self.identities.append((path, explicit_id, True, fields["id"]))
        elif isinstance(day, dt.date) and isinstance(explicit_id, Missing):
            self.identities.append((path, day.isoformat(), False, fields["date"]))
        details = self.details(fields, path)
        status = self.session_status(fields, path, node, details)
        timing = self.session_timing(fields, path, node, defaults)
        if any(p.severity == "error" for p in self.problems[before:]):
            return None
        if any(v is None for v in timing.values()) or status is None:
            return None  # already reported where the bad value was written
        if not isinstance(day, dt.date) or series is None or zone is None:
            return None
        moments = self.session_moments(fields, path, node, zone, day, timing)
        if moments is None:
            return None
        key = explicit_id if isinstance(explicit_id, str) else day.isoformat()
        return Session(
            key=key,
            explicit_id=isinstance(explicit_id, str),
            start=moments[0],
            end=moments[1],
            location=timing.get("location") or "",
            status=status,
            **{k: v for k, v in details.items() if v is not None and not isinstance(v, Missing)},
        )

    def details(self, fields: dict[str, Node], path: str) -> dict[str, Any]:
        """Each detail in declaration order: its value, MISSING, or None once reported.

        FieldParser.get inlined: this runs for every detail of every session.
        """
        details: dict[str, Any] = {}
        for name, parse in self.detail_parsers:
            node = fields.get(name)
            if node is None or (isinstance(node, Scalar) and node.kind == "null"):
                details[name] = MISSING
            else:
                details[name] = parse(node, f"{path}.{name}")
        return details

    def session_status(
        self, fields: dict[str, Node], path: str, node: Node, details: dict[str, Any]
    ) -> Status | None:
        """The written status, or talk / open from the details given; check it fits them."""
        status = self.get(fields, "status", path, self.status)
        given = {k for k, v in details.items() if v and not isinstance(v, Missing)}
        if isinstance(status, Missing):
            status = Status.TALK if given & MAKES_TALK else Status.OPEN
        for key in TALK_NEEDS:
            if status is Status.TALK and key not in given and details[key] is not None:
                self.error(  # None: the bad value was already reported
                    node.position,
                    join(path, key),
                    f"a talk needs a {key}; add `{key}:` or set `status: open`",
                )
            elif status is Status.OPEN and key in given:
                self.error(
                    fields[key].position,
                    join(path, key),
                    "an open slot has no speaker or title; remove it or set `status: talk`",
                )
        for key in sorted(CANCELLED_ONLY & given):
            if status is not Status.CANCELLED:
                self.warn(
                    fields[key].position,
                    join(path, key),
                    f"`{key}` is only shown for cancelled sessions",
                )
        return status

    def session_timing(
        self, fields: dict[str, Node], path: str, node: Node, defaults: dict[str, Any]
    ) -> dict[str, Any]:
        """start / end / duration / location from the session, else from ``defaults:``."""
        timing = {**defaults, **self.timing(fields, path)}
        if "end" in fields and "duration" not in fields:
            timing.pop("duration", None)
        if "duration" in fields and "end" not in fields:
            timing.pop("end", None)
        if "start" not in timing:
            self.error(
                node.position,
                join(path, "start"),
                "no start time; set `defaults.start` or `start:` here",
            )
        if "end" not in timing and "duration" not in timing:
            self.error(
                node.position,
                join(path, "end"),
                "no end time; set `defaults.end`, `defaults.duration` or `end:` here",
            )
        return timing

    def session_moments(
        self,
        fields: dict[str, Node],
        path: str,
        node: Node,
        zone: str,
        day: dt.date,
        timing: dict[str, Any],
    ) -> tuple[dt.datetime, dt.datetime] | None:
        """Start and end as aware datetimes in the series' zone; None after reporting why not."""
        start_time = timing["start"]
        if "end" in timing:
            end_time = timing["end"]
            if end_time <= start_time:
                where = fields.get("end") or fields.get("start") or node
                return self.refuse(
                    where,
                    join(path, "end"),
                    f"end {end_time:%H:%M} is not after start {start_time:%H:%M}",
                )
            end_naive = dt.datetime.combine(day, end_time)
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
        return start, end

    def localize(
        self,
        zone: str,
        naive: dt.datetime,
        fields: dict[str, Node],
        node: Node,
        path: str,
        key: str,
    ) -> dt.datetime | None:
        known = self.localized.get((zone, naive))
        if known is not None:
            return known
        try:
            aware = localize(naive, zone)
        except WallTimeError as problem:
            where = fields.get(key) or fields.get("date") or node
            return self.refuse(
                where,
                join(path, key),
                f"{naive:%Y-%m-%d %H:%M} {problem} in {zone}; {problem.advice}",
            )
        self.localized[zone, naive] = aware
        return aware
