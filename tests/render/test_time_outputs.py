"""Every output puts a session at the same instant, zoneinfo's, in every zone and every
year the validator accepts: the feed (read by icalendar, by the independent `ical`
parser, and through its own VTIMEZONE alone), the session's .ics, events.json, the
Google link, the page's <time> and its "UTC±" label. Outlook's and Microsoft 365's
buttons subscribe to the feed, and the viewer-local script reads the page's <time>."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import urllib.parse
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ical.calendar_stream import IcsCalendarStream
from icalendar import Calendar

from calendar_feed.errors import ValidationError
from calendar_feed.render.ical import render_calendar, render_session
from calendar_feed.render.json_export import render_json
from calendar_feed.render.links import google_event_link
from calendar_feed.render.listing import PageContext, render_listing, zone_label
from calendar_feed.source.validation import load_schedule_bytes

UTC = dt.UTC
ZONES = (
    "America/New_York",
    "Europe/Berlin",
    "Europe/London",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
    "Asia/Kathmandu",
    "Africa/Casablanca",
    "America/Santiago",
    "Europe/Moscow",
    "Asia/Shanghai",
    "America/St_Johns",
    "UTC",
)


def document(zone: str, sessions: list[tuple[dt.date, dt.time, int]]) -> bytes:
    lines = [
        "calendar:",
        "  id: times",
        "  name: Times",
        f"  timezone: {zone}",
        "sessions:",
    ]
    for day, start, minutes in sessions:
        lines += [
            f"  - date: {day}",
            f'    start: "{start:%H:%M}"',
            f"    duration: {minutes}",
            "    status: open",
        ]
    return ("\n".join(lines) + "\n").encode()


def readings(zone: str, wall: dt.datetime) -> list[dt.datetime]:
    """Every instant ``wall`` can be in ``zone``: none in a gap, two in an overlap."""
    tz = ZoneInfo(zone)
    candidates = {wall.replace(tzinfo=tz, fold=fold).utcoffset() for fold in (0, 1)}
    found = []
    for offset in candidates:
        assert offset is not None
        instant = (wall - offset).replace(tzinfo=UTC)
        if instant.astimezone(tz).replace(tzinfo=None) == wall:
            found.append(instant)
    return sorted(found)


def not_one_instant(zone: str, wall: dt.datetime) -> bool:
    """Refused: skipped, repeated, or in local mean time (an offset with seconds)."""
    found = readings(zone, wall)
    if len(found) != 1:
        return True
    offset = found[0].astimezone(ZoneInfo(zone)).utcoffset()
    return offset is None or offset % dt.timedelta(minutes=1) != dt.timedelta()


def through_own_vtimezone(body: bytes) -> list[dt.datetime]:
    """Starts as icalendar reads them from the file's VTIMEZONE alone (TZID renamed)."""
    match = re.search(rb"\r\nTZID:([^\r]+)\r\n", body)
    tzid = match[1] if match else b"UTC"  # UTC times are written with Z, no VTIMEZONE
    # icalendar keeps the zones it has read by TZID: a name of this file's own.
    unique = b"X-" + hashlib.sha256(body).hexdigest().encode()
    renamed = body.replace(b"TZID:" + tzid, b"TZID:" + unique).replace(
        b"TZID=" + tzid, b"TZID=" + unique
    )
    return [e["DTSTART"].dt.astimezone(UTC) for e in Calendar.from_ical(renamed).walk("VEVENT")]


def label_offset(label: str) -> dt.timedelta:
    """'Beijing time (UTC+8)' -> 8 hours; 'UTC-3:30' -> -3.5 hours."""
    match = re.search(r"\(UTC([+-])(\d+)(?::(\d\d))?\)$", label)
    assert match, label
    size = dt.timedelta(hours=int(match[2]), minutes=int(match[3] or 0))
    return size if match[1] == "+" else -size


def every_output(zone: str, sessions: list[tuple[dt.date, dt.time, int]]) -> None:
    """Each session's start and end in every output equal zoneinfo's reading of it."""
    schedule = load_schedule_bytes(document(zone, sessions)).schedule
    expected = sorted(
        (readings(zone, dt.datetime.combine(day, start))[0], minutes)
        for day, start, minutes in sessions
    )
    starts = [instant for instant, _ in expected]
    ends = [
        readings(zone, dt.datetime.combine(d, s) + dt.timedelta(minutes=m))[0]
        for d, s, m in sorted(
            sessions, key=lambda x: readings(zone, dt.datetime.combine(x[0], x[1]))[0]
        )
    ]
    assert [s.start.astimezone(UTC) for s in schedule.sessions] == starts

    feed = render_calendar(schedule)
    events = Calendar.from_ical(feed).walk("VEVENT")
    assert [e["DTSTART"].dt.astimezone(UTC) for e in events] == starts
    assert [e["DTEND"].dt.astimezone(UTC) for e in events] == ends
    parsed = IcsCalendarStream.calendar_from_ics(feed.decode())
    assert [e.dtstart.astimezone(UTC) for e in parsed.events] == starts
    assert through_own_vtimezone(feed) == starts
    for session, start in zip(schedule.sessions, starts, strict=True):
        assert through_own_vtimezone(render_session(schedule, session)) == [start]

    rows = json.loads(render_json(schedule))["sessions"]
    assert [dt.datetime.fromisoformat(r["start"]) for r in rows] == starts
    assert [dt.datetime.fromisoformat(r["end"]) for r in rows] == ends

    page = render_listing(schedule, PageContext(today=schedule.sessions[0].date))
    written = [dt.datetime.fromisoformat(t) for t in re.findall(r'<time datetime="([^"]+)"', page)]
    assert sorted(written) == starts
    for session, start, end in zip(schedule.sessions, starts, ends, strict=True):
        link = urllib.parse.parse_qs(
            urllib.parse.urlsplit(google_event_link(schedule.series, session)).query
        )
        assert link["dates"] == [f"{start:%Y%m%dT%H%M%SZ}/{end:%Y%m%dT%H%M%SZ}"]
        assert label_offset(zone_label(session)) == start.astimezone(ZoneInfo(zone)).utcoffset()


DAYS = st.dates(dt.date(1900, 1, 1), dt.date(2200, 12, 31))
TIMES = st.builds(dt.time, st.integers(0, 23), st.integers(0, 59))
SESSIONS = st.lists(
    st.tuples(DAYS, TIMES, st.integers(1, 240)), min_size=1, max_size=3, unique_by=lambda s: s[0]
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(ZONES), SESSIONS)
def test_every_output_gives_zoneinfos_instant(zone, sessions):
    walls = [
        moment
        for day, start, minutes in sessions
        for moment in (
            dt.datetime.combine(day, start),
            dt.datetime.combine(day, start) + dt.timedelta(minutes=minutes),
        )
    ]
    refused = [w for w in walls if not_one_instant(zone, w)]
    if refused:
        with pytest.raises(ValidationError):
            load_schedule_bytes(document(zone, sessions))
        return
    every_output(zone, sessions)


@pytest.mark.parametrize(
    ("zone", "day", "start", "iso", "dates", "label"),
    [
        (
            "Asia/Shanghai",
            dt.date(1901, 6, 5),
            dt.time(12),
            "1901-06-05T12:00:00+08:00",  # was +08:06, pytz's local mean time
            "19010605T040000Z/19010605T053000Z",  # was 035400Z: Google showed 11:54
            "Beijing time (UTC+8)",
        ),
        (
            "America/New_York",
            dt.date(2038, 7, 13),
            dt.time(15),
            "2038-07-13T15:00:00-04:00",  # was -05:00: pytz knows no DST after 2037
            "20380713T190000Z/20380713T203000Z",
            "New York time (UTC-4)",
        ),
        (
            "America/New_York",
            dt.date(2199, 7, 13),
            dt.time(15),
            "2199-07-13T15:00:00-04:00",
            "21990713T190000Z/21990713T203000Z",
            "New York time (UTC-4)",
        ),
    ],
)
def test_the_issues_sessions(zone, day, start, iso, dates, label):
    schedule = load_schedule_bytes(document(zone, [(day, start, 90)])).schedule
    session = schedule.sessions[0]
    assert json.loads(render_json(schedule))["sessions"][0]["start"] == iso
    assert f"dates={urllib.parse.quote(dates, safe='')}&" in google_event_link(
        schedule.series, session
    )
    assert zone_label(session) == label
    page = render_listing(schedule, PageContext(today=day))
    assert f'<time datetime="{iso}"' in page
    assert label in page
    every_output(zone, [(day, start, 90)])
