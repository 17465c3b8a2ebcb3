"""icalendar components for one series: the only module that imports icalendar.

render/ical.py puts calendars together from bytes written directly (ical_bytes.py),
from the bytes made here where those decline, and from bytes made by earlier
builds (the build cache): a build that needs nothing from here never imports
icalendar at all.
"""

from __future__ import annotations

import datetime as dt
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

from .. import texts, zones
from ..identity import FIXED_STAMP, Revision, session_uid
from ..limits import DEFAULT_MAX_SESSIONS
from ..model import Series, Session
from ..texts import event_description, event_summary
from ..urls import feed_url, session_url
from .folding import CALENDAR_END, fold_lines
from .ical_bytes import PRODID, STATUS, escape_text

UTC = dt.UTC


class vText(_LibraryText):  # shadows icalendar's, so every TEXT value here uses it
    """A TEXT value escaped exactly as RFC 5545 §3.3.11 says: every typed character survives.

    icalendar's own escaping first turns a literal ``\\N`` into a line break, so
    TeX such as ``$x \\in \\N$`` reached calendar apps as two lines. Here the
    backslash is escaped first, then ``;``, ``,`` and line breaks.
    """

    def to_ical(self) -> bytes:
        return escape_text(str(self)).encode(self.encoding)


@lru_cache(maxsize=64)
def calendar_head(series: Series, whole: bool, query: str = "") -> bytes:
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
            calendar.add(
                "description", vText(series.description), parameters={"LANGUAGE": series.language}
            )
            calendar.add("x-wr-caldesc", vText(series.description))
        calendar.add("x-wr-timezone", vText(series.timezone))
        refresh = dt.timedelta(hours=series.refresh_hours)
        calendar.add("refresh-interval", vDuration(refresh), parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", vDuration(refresh))
        if series.base_url:
            source = feed_url(series) + (f"?{query}" if query else "")
            calendar.add("source", source, parameters={"VALUE": "URI"})
            calendar.add("url", series.base_url, parameters={"VALUE": "URI"})
    return calendar.to_ical().removesuffix(CALENDAR_END)


def serialized(component: Component) -> bytes:
    """``component.to_ical()``: icalendar's content lines, folded as it folds them, faster."""
    return fold_lines(component.content_lines())


EVENT_CACHE = DEFAULT_MAX_SESSIONS
"""Serialized events kept per process: as many as the largest schedule allowed by default."""


class SerializedEvent(NamedTuple):
    ical: bytes
    tzids: tuple[str, ...]
    """TZID parameters the event uses (sorted), for which the calendar needs a VTIMEZONE."""


@lru_cache(maxsize=EVENT_CACHE)
def event_ical(
    series: Series, session: Session, revision: Revision | None, alarm_minutes: int | None
) -> SerializedEvent:
    """One VEVENT's bytes as icalendar writes them, made once for the feed, its own .ics
    and the next version (for an event ical_bytes.py cannot vouch for)."""
    event = event_component(series, session, revision, alarm_minutes)
    # The event's own properties (the alarm's carry no TZID): dtstart and dtend.
    used = {getattr(value, "params", {}).get("TZID") for value in event.values()}
    return SerializedEvent(serialized(event), tuple(sorted(used - {None, "UTC"})))


@lru_cache(maxsize=4096)
def vtimezone_ical(tzid: str, first: dt.date, last: dt.date) -> bytes:
    """The VTIMEZONE's bytes, made once per zone and range; empty for a zone zoneinfo
    does not know (no event can use it: the validator refuses its name)."""
    timezone = vtimezone(tzid, first, last)
    return b"" if timezone is None else serialized(timezone)


def vtimezone(tzid: str, first: dt.date, last: dt.date) -> Timezone | None:
    """VTIMEZONE for ``tzid`` from midnight of ``first`` to midnight of ``last``: the
    offset in force at the start, then every clock change in the range, exactly.

    Each observance (STANDARD or DAYLIGHT) gathers the changes with the same offsets
    and name. Its DTSTART is the wall time of the first change as the clocks showed it
    just before (RFC 5545 reads it in TZOFFSETFROM: 02:00 for New York's spring change,
    not 03:00), and an observance with several changes lists each as an RDATE of its
    own, DTSTART among them: ical.js reads only the first value of an RDATE and
    ignores DTSTART once there is one (docs/user-guide/subscribing.md).
    """
    parts = zones.observances(tzid, first, last)
    if parts is None:
        return None
    timezone = Timezone()
    timezone.add("TZID", tzid)
    timezone.add("COMMENT", f"This timezone only works from {first} to {last}.")
    for part in parts:
        rule = TimezoneDaylight() if part.offset.is_dst else TimezoneStandard()
        rule.TZOFFSETFROM = part.offset_from
        rule.TZOFFSETTO = part.offset.utcoffset
        rule.add("TZNAME", part.offset.name)
        rule.DTSTART = part.walls[0]
        if len(part.walls) > 1:
            for wall in part.walls:
                rule.add("RDATE", wall)
        timezone.add_component(rule)
    return timezone


def event_component(
    series: Series, session: Session, revision: Revision | None, alarm_minutes: int | None
) -> Event:
    revision = revision or Revision()
    event = Event()
    summary = event_summary(series, session)
    event.add("uid", session_uid(series, session))
    event.add("dtstamp", (revision.modified or FIXED_STAMP).astimezone(UTC))
    event.add("dtstart", session.start)
    event.add("dtend", session.end)
    # RFC 5545 3.2.10: a talk's text is in its language (cancelled dates and open slots
    # are our own words about the series, in no one language).
    language = {"LANGUAGE": session.language_in(series)} if session.is_talk else None
    event.add("summary", vText(summary), parameters=language)
    event.add("description", vText(event_description(series, session)), parameters=language)
    if session.location:
        event.add("location", vText(session.location))
    event.add("status", STATUS[session.status])
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
    if alarm_minutes is not None and session.is_talk:  # reminders for talks only
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", vText(summary))
        alarm.add("trigger", -dt.timedelta(minutes=alarm_minutes))
        event.add_component(alarm)
    return event


def _add_department_properties(event: Event, series: Series, session: Session) -> None:
    """RFC 7986 CONFERENCE for a meeting link, CATEGORIES for the tags (own and inherited)."""
    if session.online:
        event.add(
            "conference",
            session.online,
            parameters={"VALUE": "URI", "FEATURE": "VIDEO", "LABEL": texts.JOIN_ONLINE},
        )
    tags = series.session_tags(session)
    if tags:
        event.add("categories", list(tags))


def published(calendar: bytes) -> bytes:
    """``calendar`` with ``METHOD:PUBLISH`` added (RFC 5546), for a mail attachment."""
    parsed = Calendar.from_ical(calendar)
    parsed.add("method", "PUBLISH")
    return parsed.to_ical()
