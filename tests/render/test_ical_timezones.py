"""VTIMEZONEs state each clock change at its exact instant, however short the period,
one RDATE per instant, so that libical, ical.js and icalendar read the same times."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar, Component

from calendar_feed.render.components import serialized, vtimezone
from calendar_feed.render.ical import render_calendar, render_session
from calendar_feed.source.validation import load_schedule_bytes
from tests.helpers import vevents

D = dt.date
UTC = dt.UTC
ZONES = (
    "Asia/Shanghai",  # no clock change since 1991
    "Europe/Berlin",
    "Europe/London",
    "America/New_York",
    "Australia/Lord_Howe",  # 30-minute DST
    "Pacific/Chatham",  # +12:45
    "Asia/Kathmandu",  # +05:45
    "America/Santiago",  # changes at midnight
    "America/Sao_Paulo",  # DST abolished in 2019
    "Africa/Casablanca",  # DST suspended for Ramadan, weeks long
    "Europe/Moscow",
    "UTC",
    "Etc/GMT+5",
)
RANGES = (
    (D(2024, 9, 11), D(2024, 9, 12)),  # one session, ordinary day
    (D(2025, 3, 30), D(2025, 3, 31)),  # the day of Europe's spring change
    (D(2024, 3, 9), D(2024, 3, 11)),  # over the US spring change
    (D(2024, 4, 6), D(2024, 4, 8)),  # Santiago and Lord Howe
    (D(2024, 9, 6), D(2024, 9, 8)),  # Santiago's spring change, at midnight
    (D(2024, 1, 2), D(2025, 12, 31)),  # two years, Casablanca's Ramadan changes in it
    (D(2009, 6, 2), D(2015, 1, 6)),  # Moscow's reforms
    (D(1940, 1, 2), D(1950, 1, 2)),  # wartime changes, some weeks long
    (D(1901, 1, 2), D(1903, 1, 2)),  # the first years after local mean time
    (D(2036, 1, 2), D(2040, 1, 2)),  # past pytz's 2037 horizon
    (D(2198, 1, 2), D(2200, 12, 31)),  # the validator's last years
)


@dataclass(frozen=True)
class Onset:
    """One clock change as a VTIMEZONE states it."""

    wall: dt.datetime
    """Local time in TZOFFSETFROM (RFC 5545 §3.6.5)."""
    offset_from: dt.timedelta
    offset_to: dt.timedelta
    name: str

    @property
    def instant(self) -> dt.datetime:
        return (self.wall - self.offset_from).replace(tzinfo=UTC)


def rdates(observance: Component) -> list[list[dt.datetime]]:
    """Each RDATE property's values, in order."""
    found = observance.get("RDATE", [])
    return [
        [value.dt for value in prop.dts] for prop in (found if isinstance(found, list) else [found])
    ]


def onsets(timezone: Component, reader: str = "rfc") -> list[Onset]:
    """The changes a reader sees: RFC 5545 and libical take DTSTART and every RDATE value;
    ical.js takes only the first value of each RDATE and, with any RDATE, not DTSTART
    (docs/user-guide/subscribing.md)."""
    found = []
    for observance in timezone.subcomponents:
        walls = [observance["DTSTART"].dt]
        if reader == "rfc":
            walls += [value for values in rdates(observance) for value in values]
        elif rdates(observance):
            walls = [values[0] for values in rdates(observance)]
        for wall in walls:
            found.append(
                Onset(
                    wall,
                    observance["TZOFFSETFROM"].td,
                    observance["TZOFFSETTO"].td,
                    str(observance["TZNAME"]),
                )
            )
    return sorted(set(found), key=lambda onset: onset.instant)


def offset_at(name: str, moment: dt.datetime) -> dt.timedelta:
    offset = moment.astimezone(ZoneInfo(name)).utcoffset()
    assert offset is not None
    return offset


def day_start(name: str, day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=ZoneInfo(name)).astimezone(UTC)


def offset_changes(name: str, start: dt.datetime, stop: dt.datetime) -> list[dt.datetime]:
    """zoneinfo's changes of offset, to the quarter hour: none in tzdata is shorter."""
    step = dt.timedelta(minutes=15)
    found, moment, before = [], start, offset_at(name, start)
    while moment < stop:
        moment += step
        now = offset_at(name, moment)
        if now != before:
            found.append(moment)
        before = now
    return found


@pytest.mark.parametrize("reader", ["rfc", "ical.js"])
@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize(("first", "last"), RANGES)
def test_every_change_at_its_instant_and_none_missing(zone, first, last, reader):
    timezone = vtimezone(zone, first, last)
    assert timezone is not None
    stated = onsets(timezone, reader)
    start, stop = day_start(zone, first), day_start(zone, last)
    # The first onset is the range's start, with the offset then in force.
    assert stated[0].instant == start
    assert stated[0].offset_to == offset_at(zone, start)
    for onset in stated[1:]:
        before = onset.instant - dt.timedelta(seconds=1)
        assert offset_at(zone, before) == onset.offset_from, onset
        assert offset_at(zone, onset.instant) == onset.offset_to, onset
        assert onset.instant.astimezone(ZoneInfo(zone)).tzname() == onset.name
        assert start < onset.instant <= stop
    changing = [o.instant for o in stated[1:] if o.offset_from != o.offset_to]
    scanned = offset_changes(zone, start, stop)
    assert len(changing) == len(scanned)
    for instant, seen in zip(changing, scanned, strict=True):
        assert seen - dt.timedelta(minutes=15) < instant <= seen


@pytest.mark.parametrize("zone", ZONES)
def test_one_rdate_per_instant_dtstart_among_them(zone):
    timezone = vtimezone(zone, D(1940, 1, 2), D(2200, 12, 31))
    assert timezone is not None
    text = timezone.to_ical().decode()
    assert not re.search(r"^RDATE[^\r\n]*,", text, re.MULTILINE)
    for observance in timezone.subcomponents:
        values = [value for values in rdates(observance) for value in values]
        if values:
            assert observance["DTSTART"].dt in values
            assert len(values) == len(set(values)) > 1


@pytest.mark.parametrize(
    ("zone", "day", "onset", "offsets"),
    [
        ("America/New_York", D(2025, 3, 9), "DTSTART:20250309T020000", ("-0500", "-0400")),
        ("Europe/Berlin", D(2025, 3, 30), "DTSTART:20250330T020000", ("+0100", "+0200")),
        ("Europe/London", D(2025, 3, 30), "DTSTART:20250330T010000", ("+0000", "+0100")),
        ("Australia/Lord_Howe", D(2025, 10, 5), "DTSTART:20251005T020000", ("+1030", "+11")),
        ("Pacific/Chatham", D(2025, 9, 28), "DTSTART:20250928T024500", ("+1245", "+1345")),
    ],
)
def test_spring_forward_onset_is_the_last_wall_time_before_the_gap(zone, day, onset, offsets):
    """RFC 5545's own example: DTSTART:19870405T020000, TZOFFSETFROM:-0500, TZOFFSETTO:-0400."""
    text = vtimezone(zone, day, day + dt.timedelta(days=1)).to_ical().decode()  # type: ignore[union-attr]
    daylight = text[text.index("BEGIN:DAYLIGHT") : text.index("END:DAYLIGHT")]
    assert f"{onset}\r\n" in daylight
    assert f"TZOFFSETFROM:{offsets[0]}" in daylight
    assert f"TZOFFSETTO:{offsets[1]}" in daylight


def document(zone: str, days: list[dt.date], start: str = "18:00", end: str = "19:30") -> bytes:
    head = (
        f"calendar:\n  id: demo\n  name: Demo\n  timezone: {zone}\n"
        f'defaults:\n  start: "{start}"\n  end: "{end}"\n  location: Room 1\nsessions:\n'
    )
    return (head + "".join(f"  - date: {d}\n    status: open\n" for d in days)).encode()


def weekly(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(weeks=n) for n in range((last - first).days // 7 + 1)]


def read_through_vtimezone(body: bytes) -> list[dt.datetime]:
    """Each event's start as icalendar reads it from the feed's own VTIMEZONE alone: the
    TZID renamed to one no library knows, so no built-in zone data can stand in."""
    tzid = re.search(rb"\r\nTZID:([^\r]+)\r\n", body)[1]  # type: ignore[index]
    # icalendar keeps the zones it has read by TZID: a name of this file's own.
    unique = b"X-" + hashlib.sha256(body).hexdigest().encode()
    renamed = body.replace(b"TZID:" + tzid, b"TZID:" + unique).replace(
        b"TZID=" + tzid, b"TZID=" + unique
    )
    events = Calendar.from_ical(renamed).walk("VEVENT")
    return [event["DTSTART"].dt.astimezone(UTC) for event in events]


def starts(body: bytes) -> list[dt.datetime]:
    return [event["DTSTART"].dt.astimezone(UTC) for event in vevents(body)]


def test_casablanca_ramadan_sessions_are_at_utc_plus_0():
    """Sessions at 18:00 during Ramadan 2024 (and on the days the clocks change) are at
    18:00Z, read from the feed's or their own file's VTIMEZONE alone, not at 17:00Z."""
    changes = [D(2024, 3, 10), D(2025, 2, 23)]  # Sundays: the Ramadan hour starts at 02:00Z
    days = sorted({*weekly(D(2024, 1, 2), D(2025, 12, 30)), *changes})
    schedule = load_schedule_bytes(document("Africa/Casablanca", days)).schedule
    feed = render_calendar(schedule)
    expected = [s.start.astimezone(UTC) for s in schedule.sessions]
    assert read_through_vtimezone(feed) == expected == starts(feed)
    ramadan = [s for s in schedule.sessions if D(2024, 3, 10) <= s.date <= D(2024, 4, 9)]
    ramadan += [s for s in schedule.sessions if D(2025, 2, 23) <= s.date <= D(2025, 3, 30)]
    assert len(ramadan) == 12
    for session in ramadan:
        assert session.start.astimezone(UTC).hour == 18
        own = render_session(schedule, session)
        assert b"TZOFFSETTO:+0000" in own
        assert read_through_vtimezone(own) == [session.start.astimezone(UTC)]
    for day in changes:  # the day's own file has the change itself, at 02:00Z
        own = render_session(schedule, next(s for s in schedule.sessions if s.date == day))
        assert b"TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0000" in own


@pytest.mark.parametrize(
    ("zone", "days", "time", "instant"),
    [
        ("America/Santiago", weekly(D(2022, 1, 4), D(2024, 12, 31)), "18:00", (2024, 4, 9, 22)),
        ("Europe/Moscow", weekly(D(2008, 1, 1), D(2011, 12, 27)), "18:00", (2010, 11, 2, 15)),
        (
            "America/New_York",
            [*weekly(D(2196, 1, 6), D(2199, 12, 29)), D(2199, 12, 17)],
            "15:00",
            (2199, 12, 17, 20),
        ),
    ],
    ids=["Santiago", "Moscow", "New York 2199"],
)
def test_read_as_ical_js_reads_it(zone, days, time, instant):
    """ical.js reads one value per RDATE and skips DTSTART when there is an RDATE:
    the feed's own VTIMEZONE, read that way, gives zoneinfo's instant for every session."""
    schedule = load_schedule_bytes(document(zone, sorted(set(days)), start=time)).schedule
    feed = render_calendar(schedule)
    timezone = Calendar.from_ical(feed).walk("VTIMEZONE")[0]
    stated = onsets(timezone, "ical.js")
    for session in schedule.sessions:
        wall = session.start.replace(tzinfo=None)
        # The change in force is the last whose onset, in wall time after it, is not later.
        active = [o for o in stated if o.instant <= (wall - o.offset_to).replace(tzinfo=UTC)]
        read = (wall - active[-1].offset_to).replace(tzinfo=UTC)
        assert read == session.start.astimezone(UTC), session.date
    moment = dt.datetime(*instant, tzinfo=UTC)
    assert moment in [s.start.astimezone(UTC) for s in schedule.sessions]


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(ZONES),
    st.dates(D(1901, 1, 2), D(2200, 12, 1)),
    st.integers(1, 3000),
)
def test_serialized_is_icalendars_own_serialization(zone, first, days):
    """components.serialized (our faster folding) writes exactly icalendar's to_ical()."""
    last = min(first + dt.timedelta(days=days), D(2200, 12, 31))
    timezone = vtimezone(zone, first, last)
    assert timezone is not None
    assert serialized(timezone) == timezone.to_ical()
    assert vtimezone(zone, first, last).to_ical() == timezone.to_ical()  # type: ignore[union-attr]


def test_unknown_zone_is_left_out():
    assert vtimezone("Nowhere/Atlantis", D(2024, 9, 11), D(2024, 9, 12)) is None
