"""Schedule -> RFC 5545 / RFC 7986 iCalendar bytes. The only module that imports icalendar.

Output is a pure function of its inputs: no wall clock, no random UIDs, so the
same events.yaml always gives the same bytes and caches see changes only when
the data changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from icalendar import (
    Alarm,
    Calendar,
    Component,
    Event,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vDuration,
)
from icalendar import vText as _LibraryText
from icalendar.timezone import tzp

from ..identity import FIXED_STAMP, Revision, session_uid
from ..model import Schedule, Series, Session, Status
from ..reuse import NO_REUSE, Reuse
from ..texts import event_description, event_summary
from ..urls import feed_url, session_url
from .folding import fold_lines

PRODID = "-//calendar-feed//calendar-feed//EN"
UTC = dt.UTC
_END = b"END:VCALENDAR\r\n"

_STATUS = {
    Status.TALK: "CONFIRMED",
    Status.CANCELLED: "CANCELLED",
    Status.OPEN: "TENTATIVE",
}


class vText(_LibraryText):  # shadows icalendar's, so every TEXT value here uses it
    """A TEXT value escaped exactly as RFC 5545 §3.3.11 says: every typed character survives.

    icalendar's own escaping first turns a literal ``\\N`` into a line break, so
    TeX such as ``$x \\in \\N$`` reached calendar apps as two lines. Here the
    backslash is escaped first, then ``;``, ``,`` and line breaks.
    """

    def to_ical(self) -> bytes:
        text = str(self).replace("\r\n", "\n").replace("\r", "\n")
        escaped = (
            text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")
        )
        return escaped.encode(self.encoding)


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
    reuse: Reuse = NO_REUSE,
) -> bytes:
    """The whole feed for subscription."""
    sessions = [s for s in (*schedule.sessions, *extra_sessions) if options.wants(s)]
    return _calendar(schedule.series, sessions, options, revisions or {}, True, reuse)


def render_session(
    schedule: Schedule,
    session: Session,
    revisions: Mapping[str, Revision] | None = None,
    reuse: Reuse = NO_REUSE,
) -> bytes:
    """One session as a stand-alone .ics for 'add this talk'."""
    return _calendar(schedule.series, [session], FeedOptions(), revisions or {}, False, reuse)


def _calendar(
    series: Series,
    sessions: list[Session],
    options: FeedOptions,
    revisions: Mapping[str, Revision],
    whole: bool,
    reuse: Reuse,
) -> bytes:
    # A calendar's bytes are its own lines followed by each subcomponent's, so it is
    # put together from parts that icalendar serialized once: the calendar's
    # properties, its VTIMEZONEs, then every event, before the closing line.
    events = [_reused_event(series, session, revisions, options, reuse) for session in sessions]
    parts = [_head(series, whole, options.query)]
    if sessions:
        first = min(s.start for s in sessions).date()
        last = max(s.end for s in sessions).date() + dt.timedelta(days=1)
        # Sorted, so that a feed with several zones has the same bytes in every process.
        for tzid in sorted(set().union(*(event.tzids for event in events))):
            parts.append(_vtimezone_ical(tzid, first, last))
    parts.extend(event.ical for event in events)
    parts.append(_END)
    return b"".join(parts)


@lru_cache(maxsize=64)
def _head(series: Series, whole: bool, query: str = "") -> bytes:
    """BEGIN:VCALENDAR and the calendar's properties: the same for every file of a series.

    SOURCE (RFC 7986: where the calendar is refreshed from) is the URL actually
    subscribed, with its ``query``, so a client that follows it keeps the choice.
    """
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if whole:
        # Explicit vText: icalendar 7 writes NAME / X-WR-* unescaped when given plain str.
        calendar.add("name", vText(series.display_name))
        calendar.add("x-wr-calname", vText(series.display_name))
        if series.description:
            calendar.add("description", vText(series.description))
            calendar.add("x-wr-caldesc", vText(series.description))
        calendar.add("x-wr-timezone", vText(series.timezone))
        refresh = dt.timedelta(hours=series.refresh_hours)
        calendar.add("refresh-interval", vDuration(refresh), parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", vDuration(refresh))
        if series.base_url:
            source = feed_url(series) + (f"?{query}" if query else "")
            calendar.add("source", source, parameters={"VALUE": "URI"})
            calendar.add("url", series.base_url, parameters={"VALUE": "URI"})
    return calendar.to_ical().removesuffix(_END)


def _serialized(component: Component) -> bytes:
    """``component.to_ical()``: icalendar's content lines, folded as it folds them, faster."""
    return fold_lines(component.content_lines())


def _reused_event(
    series: Series,
    session: Session,
    revisions: Mapping[str, Revision],
    options: FeedOptions,
    reuse: Reuse,
) -> _SerializedEvent:
    revision = revisions.get(session_uid(series, session))
    alarm = options.alarm_minutes
    ical, tzids = reuse.piece(  # kept as a plain tuple: quicker to unpickle
        "vevent",
        (reuse.series(series), reuse.session(session), repr(revision), alarm),
        lambda: tuple(_event_ical(series, session, revision, alarm)),
    )
    return _SerializedEvent(ical, tzids)


EVENT_CACHE = 20_000
"""Serialized events kept per process: as many as the largest schedule allowed by default."""


class _SerializedEvent(NamedTuple):
    ical: bytes
    tzids: frozenset[str]
    """TZID parameters the event uses, for which the calendar needs a VTIMEZONE."""


@lru_cache(maxsize=EVENT_CACHE)
def _event_ical(
    series: Series, session: Session, revision: Revision | None, alarm_minutes: int | None
) -> _SerializedEvent:
    """One VEVENT's bytes, made once for the feed, its own .ics and the next version.

    Serializing is most of the cost of a feed (icalendar folds lines character by
    character); a site has every event twice, and a new version of a large file
    mostly repeats the last one.
    """
    event = _event(series, session, revision, FeedOptions(alarm_minutes=alarm_minutes))
    # The event's own properties (the alarm's carry no TZID): dtstart and dtend.
    used = {getattr(value, "params", {}).get("TZID") for value in event.values()}
    return _SerializedEvent(_serialized(event), frozenset(used - {None, "UTC"}))


HOURLY_SPAN = dt.timedelta(days=7)
DAILY_SPAN = dt.timedelta(days=3653)
"""Ranges are probed for a clock change hourly up to a week, daily up to ten years (~1 us each)."""


@lru_cache(maxsize=4096)
def _vtimezone_ical(tzid: str, first: dt.date, last: dt.date) -> bytes:
    """What ``Calendar.add_missing_timezones`` adds, byte for byte, at a fraction of the cost.

    icalendar looks for the next clock change step by step from ``first``; in a zone
    that no longer changes its clocks (Asia/Shanghai) that walk goes on to the year
    9999, about 20 ms per calendar, which made every per-session .ics cost 20 ms.
    Empty for a zone icalendar does not know, which it leaves out too.
    """
    timezone = vtimezone(tzid, first, last)
    return b"" if timezone is None else _serialized(timezone)


def vtimezone(tzid: str, first: dt.date, last: dt.date) -> Timezone | None:
    """VTIMEZONE for ``tzid`` from ``first`` to ``last``, as ``Timezone.from_tzid`` makes it.

    A range without a clock change (every per-session file, nearly always, and a
    whole feed in a zone without DST) is one STANDARD or DAYLIGHT rule, built here
    directly; anything else goes to icalendar. Clock changes hold for weeks, so
    probing hourly or daily cannot step over one (icalendar's own search steps 64
    days at a time). None for a zone icalendar does not know, as
    add_missing_timezones.
    """
    zone = tzp.timezone(tzid)
    if zone is None:
        return None
    span = last - first
    if span <= DAILY_SPAN:
        step = dt.timedelta(hours=1) if span <= HOURLY_SPAN else dt.timedelta(days=1)
        steady = _steady_vtimezone(zone, tzid, first, last, step)
        if steady is not None:
            return steady
    return Timezone.from_tzinfo(zone, tzid, first_date=first, last_date=last)


def _steady_vtimezone(
    zone: dt.tzinfo, tzid: str, first: dt.date, last: dt.date, step: dt.timedelta
) -> Timezone | None:
    """The single-rule VTIMEZONE, or None if offset, DST or name change within the range."""
    start = dt.datetime(first.year, first.month, first.day, tzinfo=zone)
    end = dt.datetime(last.year, last.month, last.day, tzinfo=zone)
    facts = (start.utcoffset(), start.dst(), start.tzname())
    probe = start.astimezone(UTC)
    stop = end.astimezone(UTC)
    while probe < stop:  # in UTC, so wall-clock gaps cannot hide a change
        probe = min(probe + step, stop)
        local = probe.astimezone(zone)
        if (local.utcoffset(), local.dst(), local.tzname()) != facts:
            return None
    offset, dst, name = facts
    if offset is None:
        return None
    # The same calls, in the same order, as Timezone.from_tzinfo for one interval.
    timezone = Timezone()
    timezone.add("TZID", tzid)
    timezone.add("COMMENT", f"This timezone only works from {first} to {last}.")
    rule = TimezoneStandard() if dst == dt.timedelta() else TimezoneDaylight()
    rule.TZOFFSETFROM = offset
    rule.TZOFFSETTO = offset
    rule.add("TZNAME", name if name is not None else str(offset))
    rule.DTSTART = start.replace(tzinfo=None)
    timezone.add_component(rule)
    return timezone


def _event(
    series: Series, session: Session, revision: Revision | None, options: FeedOptions
) -> Event:
    revision = revision or Revision()
    event = Event()
    summary = event_summary(series, session)
    event.add("uid", session_uid(series, session))
    event.add("dtstamp", (revision.modified or FIXED_STAMP).astimezone(UTC))
    event.add("dtstart", session.start)
    event.add("dtend", session.end)
    event.add("summary", vText(summary))
    event.add("description", vText(event_description(series, session)))
    if session.location:
        event.add("location", vText(session.location))
    event.add("status", _STATUS[session.status])
    if not session.is_talk:  # cancelled sessions and open slots leave attendees free
        event.add("transp", "TRANSPARENT")
    url = session_url(series, session)
    if url:
        event.add("url", url, parameters={"VALUE": "URI"})
    _add_department_properties(event, series, session)
    if revision.sequence:
        event.add("sequence", revision.sequence)
    if revision.modified:
        event.add("last-modified", revision.modified.astimezone(UTC))
    if options.alarm_minutes is not None and session.is_talk:  # reminders for talks only
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", vText(summary))
        alarm.add("trigger", -dt.timedelta(minutes=options.alarm_minutes))
        event.add_component(alarm)
    return event


def _add_department_properties(event: Event, series: Series, session: Session) -> None:
    """RFC 7986 CONFERENCE for a meeting link, CATEGORIES for the tags (own and inherited)."""
    if session.online:
        event.add(
            "conference",
            session.online,
            parameters={"VALUE": "URI", "FEATURE": "VIDEO", "LABEL": "Join online"},
        )
    tags = series.session_tags(session)
    if tags:
        event.add("categories", list(tags))


def render_mixed(
    head: Series,
    items: Sequence[tuple[Series, Session]],
    options: FeedOptions = FeedOptions(),
    revisions: Mapping[str, Revision] | None = None,
) -> bytes:
    """One feed holding sessions of several series (a department's), each with its own UID.

    ``head`` names the calendar; every event is made exactly as in its own series' feed.
    """
    revisions = revisions or {}
    chosen = [(series, s) for series, s in items if options.wants(s)]
    events = [
        _event_ical(series, s, revisions.get(session_uid(series, s)), options.alarm_minutes)
        for series, s in chosen
    ]
    parts = [_head(head, True)]
    if chosen:
        first = min(s.start for _, s in chosen).date()
        last = max(s.end for _, s in chosen).date() + dt.timedelta(days=1)
        for tzid in sorted(set().union(*(event.tzids for event in events))):
            parts.append(_vtimezone_ical(tzid, first, last))
    parts.extend(event.ical for event in events)
    parts.append(_END)
    return b"".join(parts)


def render_published_session(
    schedule: Schedule,
    session: Session,
    revisions: Mapping[str, Revision] | None = None,
) -> bytes:
    """One session with ``METHOD:PUBLISH`` (RFC 5546), for a text/calendar mail attachment.

    The same event as its .ics (UID, SEQUENCE and all), so importing it from the mail
    updates, rather than duplicates, the event a subscriber already has.
    """
    calendar = Calendar.from_ical(render_session(schedule, session, revisions))
    calendar.add("method", "PUBLISH")
    return calendar.to_ical()
