"""Schedule -> RFC 5545 / RFC 7986 iCalendar bytes, put together from pieces.

Each piece (the calendar's head, a VTIMEZONE, each event) is written directly by
ical_bytes.py where it can vouch for icalendar's bytes, else made by components.py,
the only module that imports icalendar; or it is found in the build cache. A build
that needs nothing from components.py never imports icalendar.

Output is a pure function of its inputs: no wall clock, no random UIDs, so the
same events.yaml always gives the same bytes and caches see changes only when
the data changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import ModuleType

from ..identity import Revision, session_uid
from ..model import Schedule, Series, Session
from ..reuse import piece, series_digest, session_digest
from ..zones import data_digest
from . import ical_bytes
from .folding import CALENDAR_END


@dataclass(frozen=True)
class FeedOptions:
    """Subscriber choices: which sessions to include and an optional reminder."""

    include_open: bool = True
    include_cancelled: bool = True
    alarm_minutes: int | None = None

    @property
    def query(self) -> str:
        """The options as the one canonical query string ('' for the whole feed).

        It names the feed in SOURCE, so equal options must always give equal bytes
        (and ETags) however the subscriber spelled or ordered them.
        """
        pairs = [
            *([("tba", "0")] if not self.include_open else []),
            *([("cancelled", "0")] if not self.include_cancelled else []),
            *([("alarm", str(self.alarm_minutes))] if self.alarm_minutes is not None else []),
        ]
        return "&".join(f"{name}={value}" for name, value in pairs)

    def wants(self, session: Session) -> bool:
        if session.is_open:
            return self.include_open
        if session.is_cancelled:
            return self.include_cancelled
        return True


def render_calendar(
    schedule: Schedule,
    options: FeedOptions = FeedOptions(),
    revisions: Mapping[str, Revision] | None = None,
    extra_sessions: Iterable[Session] = (),
) -> bytes:
    """The whole feed for subscription."""
    series = schedule.series
    items = [(series, s) for s in (*schedule.sessions, *extra_sessions) if options.wants(s)]
    return _calendar(series, options.query, items, revisions or {}, options)


def render_session(
    schedule: Schedule,
    session: Session,
    revisions: Mapping[str, Revision] | None = None,
) -> bytes:
    """One session as a stand-alone .ics for 'add this talk'."""
    items = [(schedule.series, session)]
    return _calendar(None, "", items, revisions or {}, FeedOptions())


def render_mixed(
    head: Series,
    items: Sequence[tuple[Series, Session]],
    options: FeedOptions = FeedOptions(),
    revisions: Mapping[str, Revision] | None = None,
) -> bytes:
    """One feed holding sessions of several series (a department's), each with its own UID.

    ``head`` names the calendar; every event is made exactly as in its own series' feed.
    """
    chosen = [(series, s) for series, s in items if options.wants(s)]
    return _calendar(head, options.query, chosen, revisions or {}, options)


def _calendar(
    head: Series | None,
    query: str,
    items: Sequence[tuple[Series, Session]],
    revisions: Mapping[str, Revision],
    options: FeedOptions,
) -> bytes:
    """A whole feed named after ``head`` (SOURCE with ``query``), or, with ``head`` None,
    the stand-alone file of the one session in ``items``.

    A calendar's bytes are its own lines followed by each subcomponent's, so it is put
    together from parts serialized once: the calendar's properties, its VTIMEZONEs,
    then every event, before the closing line.
    """
    events = [_reused_event(series, s, revisions, options) for series, s in items]
    named = head or items[0][0]
    whole = head is not None
    parts = [
        piece(
            "vcalendar",
            (series_digest(named), whole, query),
            lambda: (
                ical_bytes.calendar_head(named, whole, query)
                or _components().calendar_head(named, whole, query)
            ),
        )
    ]
    if items:
        first = min(s.start for _, s in items).date()
        last = max(s.end for _, s in items).date() + dt.timedelta(days=1)
        # Sorted, so that a feed with several zones has the same bytes in every process.
        for tzid in sorted(set().union(*(tzids for _, tzids in events))):
            parts.append(
                piece(
                    "vtimezone",
                    (tzid, first, last, data_digest(tzid)),
                    lambda tzid=tzid: _vtimezone(tzid, first, last),  # type: ignore[misc]
                )
            )
    parts.extend(ical for ical, _ in events)
    parts.append(CALENDAR_END)
    return b"".join(parts)


def _reused_event(
    series: Series,
    session: Session,
    revisions: Mapping[str, Revision],
    options: FeedOptions,
) -> tuple[bytes, tuple[str, ...]]:
    """The event's bytes and the TZIDs it uses (for which the calendar needs a VTIMEZONE)."""
    revision = revisions.get(session_uid(series, session))
    alarm = options.alarm_minutes
    return piece(  # a plain tuple: what the build cache stores
        "vevent",
        (series_digest(series), session_digest(session), repr(revision), alarm),
        lambda: (
            ical_bytes.event_bytes(series, session, revision, alarm)
            or tuple(_components().event_ical(series, session, revision, alarm))
        ),
    )


def _vtimezone(tzid: str, first: dt.date, last: dt.date) -> bytes:
    """The zone's VTIMEZONE; empty for a zone zoneinfo does not know (no event can use
    it: the validator refuses its name)."""
    direct = ical_bytes.vtimezone(tzid, first, last)
    return direct if direct is not None else _components().vtimezone_ical(tzid, first, last)


def _components() -> ModuleType:
    """render/components.py, imported only when a piece has to be made."""
    from . import components

    return components


def render_published_session(
    schedule: Schedule,
    session: Session,
    revisions: Mapping[str, Revision] | None = None,
) -> bytes:
    """One session with ``METHOD:PUBLISH`` (RFC 5546), for a text/calendar mail attachment.

    The same event as its .ics (UID, SEQUENCE and all), so importing it from the mail
    updates, rather than duplicates, the event a subscriber already has.
    """
    from .components import published

    return published(render_session(schedule, session, revisions))
