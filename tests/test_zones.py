"""zones.py: wall times to instants, offset labels, and each zone's exact clock changes."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from calendar_feed import zones

UTC = dt.UTC
ZONES = (
    "America/New_York",
    "Europe/Berlin",
    "Europe/London",
    "Australia/Lord_Howe",  # 30-minute DST
    "Pacific/Chatham",  # +12:45, changes at 02:45
    "Asia/Kathmandu",  # +05:45, +05:30 until 1986
    "Africa/Casablanca",  # DST suspended for Ramadan, weeks long
    "America/Santiago",  # changes at midnight
    "Europe/Moscow",  # 2010-2014 reforms
    "Asia/Shanghai",  # local mean time until 1901, DST 1940s and 1986-91
    "Europe/Dublin",  # negative DST in the zone data
    "America/Nuuk",  # a footer rule with a negative change time
    "UTC",
)
WINDOWS = (
    (1900, 1903),  # local mean time, and the first transitions
    (1940, 1950),  # wartime and post-war changes, some only weeks long
    (2010, 2012),
    (2024, 2026),
    (2036, 2040),  # pytz's 2037 horizon: from here on the footer's POSIX rule
    (2196, 2201),  # the validator's last years
)


def scanned_changes(name: str, start: dt.datetime, stop: dt.datetime) -> list[dt.datetime]:
    """Where zoneinfo's offset or abbreviation differs from 15 minutes before: each real
    change, to the quarter hour (every change in tzdata is longer than that apart)."""
    tz = ZoneInfo(name)
    step = dt.timedelta(minutes=15)
    found = []
    moment = start
    before = moment.astimezone(tz)
    while moment < stop:
        moment += step
        now = moment.astimezone(tz)
        if (now.utcoffset(), now.tzname()) != (before.utcoffset(), before.tzname()):
            found.append(moment)
        before = now
    return found


@pytest.mark.parametrize("name", ZONES)
@pytest.mark.parametrize(("first", "last"), WINDOWS)
def test_transitions_are_exactly_zoneinfos_changes(name: str, first: int, last: int):
    tz = ZoneInfo(name)
    start, stop = dt.datetime(first, 1, 1, tzinfo=UTC), dt.datetime(last, 1, 1, tzinfo=UTC)
    changes = zones.transitions(name, start, stop)
    for change in changes:  # exact to the second: the offsets either side are zoneinfo's
        assert (change.instant - dt.timedelta(seconds=1)).astimezone(tz).utcoffset() == (
            change.before.utcoffset
        )
        assert change.instant.astimezone(tz).utcoffset() == change.after.utcoffset
        assert change.instant.astimezone(tz).tzname() == change.after.name
    # None missing, however short the period it starts (and none made up).
    visible = [
        c
        for c in changes
        if (c.before.utcoffset, c.before.name) != (c.after.utcoffset, c.after.name)
    ]
    scanned = scanned_changes(name, start, stop)
    assert len(visible) == len(scanned)
    for change, seen in zip(visible, scanned, strict=True):
        assert seen - dt.timedelta(minutes=15) < change.instant <= seen


def test_short_periods_are_kept():
    """Casablanca's Ramadan hour of 2024 lasted five weeks; Shanghai's 1949 DST, weeks too."""
    year = dt.datetime(2024, 1, 1, tzinfo=UTC), dt.datetime(2025, 1, 1, tzinfo=UTC)
    ramadan = [
        (c.instant, c.after.utcoffset) for c in zones.transitions("Africa/Casablanca", *year)
    ]
    assert ramadan == [
        (dt.datetime(2024, 3, 10, 2, 0, tzinfo=UTC), dt.timedelta(0)),
        (dt.datetime(2024, 4, 14, 2, 0, tzinfo=UTC), dt.timedelta(hours=1)),
    ]
    shanghai = zones.transitions(
        "Asia/Shanghai", dt.datetime(1949, 1, 1, tzinfo=UTC), dt.datetime(1950, 1, 1, tzinfo=UTC)
    )
    assert [c.after.name for c in shanghai] == ["CDT", "CST"]
    assert shanghai[1].instant - shanghai[0].instant < dt.timedelta(days=64)  # icalendar's step


@pytest.mark.parametrize(
    ("name", "wall", "offset"),
    [
        ("Asia/Shanghai", dt.datetime(1901, 6, 5, 12), "+08:00"),  # pytz said +08:06
        ("America/New_York", dt.datetime(2038, 7, 13, 15), "-04:00"),  # pytz said -05:00
        ("America/New_York", dt.datetime(2199, 7, 13, 15), "-04:00"),
        ("Australia/Lord_Howe", dt.datetime(2200, 1, 5, 12), "+11:00"),
        ("Asia/Kathmandu", dt.datetime(2024, 9, 11, 12), "+05:45"),
    ],
)
def test_localize_is_zoneinfos_reading(name: str, wall: dt.datetime, offset: str):
    aware = zones.localize(wall, name)
    assert aware == wall.replace(tzinfo=ZoneInfo(name))
    assert aware.isoformat().endswith(offset)


@pytest.mark.parametrize(
    ("name", "wall", "problem"),
    [
        ("America/New_York", dt.datetime(2025, 3, 9, 2, 30), "does not exist (the clocks skip it)"),
        ("America/New_York", dt.datetime(2025, 11, 2, 1, 30), "happens twice (the clocks go back)"),
        (
            "America/New_York",
            dt.datetime(2199, 3, 10, 2, 30),
            "does not exist (the clocks skip it)",
        ),
        (
            "Australia/Lord_Howe",
            dt.datetime(2025, 10, 5, 2, 15),
            "does not exist (the clocks skip it)",
        ),
        (
            "Australia/Lord_Howe",
            dt.datetime(2025, 4, 6, 1, 45),
            "happens twice (the clocks go back)",
        ),
        ("Asia/Shanghai", dt.datetime(1900, 6, 5, 12), "is in local mean time (UTC+8:05:43)"),
    ],
)
def test_localize_refuses_what_names_no_single_instant(name: str, wall: dt.datetime, problem: str):
    with pytest.raises(zones.WallTimeError) as caught:
        zones.localize(wall, name)
    assert str(caught.value) == problem


@pytest.mark.parametrize(
    ("name", "wall", "label"),
    [
        ("Asia/Shanghai", dt.datetime(2024, 9, 11, 12), "UTC+8"),
        ("Asia/Kathmandu", dt.datetime(2024, 9, 11, 12), "UTC+5:45"),
        ("America/St_Johns", dt.datetime(2024, 12, 11, 12), "UTC-3:30"),
        ("America/New_York", dt.datetime(2038, 7, 13, 15), "UTC-4"),
        ("UTC", dt.datetime(2024, 9, 11, 12), "UTC+0"),
    ],
)
def test_offset_label(name: str, wall: dt.datetime, label: str):
    assert zones.offset_label(zones.localize(wall, name)) == label


def test_a_day_the_clocks_start_at_one_begins_at_one():
    """Santiago skipped 2024-09-08 00:00-00:59: the day's first instant reads 01:00."""
    first = zones.midnight(dt.date(2024, 9, 8), "America/Santiago")
    assert first.replace(tzinfo=None) == dt.datetime(2024, 9, 8, 1, 0)
    assert first.astimezone(UTC) == dt.datetime(2024, 9, 8, 4, 0, tzinfo=UTC)


def test_the_zone_file_is_the_one_zoneinfo_reads():
    """The data digest changes with the bytes: caches keyed on it see a tzdata update."""
    assert zones.data_digest("America/New_York") != zones.data_digest("Europe/Berlin")
    assert zones.known("America/New_York")
    assert not zones.known("Nowhere/Atlantis")
    assert not zones.known("../etc/passwd")
