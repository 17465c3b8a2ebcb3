"""Our quick VTIMEZONE is byte for byte what icalendar's Timezone.from_tzid makes."""

from __future__ import annotations

import datetime as dt

import pytest
from icalendar import Timezone

from calendar_feed.render.components import vtimezone

D = dt.date
ZONES = (
    "Asia/Shanghai",  # no clock change since 1991: icalendar's slow case
    "Europe/Berlin",
    "America/New_York",
    "Australia/Lord_Howe",  # 30-minute DST
    "Asia/Kathmandu",  # +05:45
    "America/Santiago",  # changes at midnight
    "America/Sao_Paulo",  # DST abolished in 2019
    "Africa/Casablanca",  # DST suspended for Ramadan
    "UTC",
    "Etc/GMT+5",
)
RANGES = (
    (D(2024, 9, 11), D(2024, 9, 12)),  # one session, ordinary day
    (D(2024, 3, 30), D(2024, 4, 1)),  # over Europe's spring change
    (D(2024, 10, 26), D(2024, 10, 28)),  # over Europe's autumn change
    (D(2024, 3, 9), D(2024, 3, 11)),  # over the US spring change
    (D(2024, 4, 6), D(2024, 4, 8)),  # Santiago and Lord Howe
    (D(2024, 9, 6), D(2024, 9, 8)),  # Santiago's spring change, at midnight
    (D(2024, 2, 1), D(2024, 3, 1)),  # a month: icalendar's own path
    (D(2024, 9, 11), D(2025, 1, 9)),  # a semester, like the shipped feed
    (D(2024, 9, 11), D(2027, 9, 9)),  # three years, probed daily
    (D(2015, 12, 30), D(2026, 1, 6)),  # over ten years: icalendar's own path
    (D(1985, 1, 2), D(1993, 1, 2)),  # China's DST years (1986-91)
)


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize(("first", "last"), RANGES)
def test_same_bytes_as_icalendar(zone: str, first: dt.date, last: dt.date):
    expected = Timezone.from_tzid(zone, first_date=first, last_date=last).to_ical()
    ours = vtimezone(zone, first, last)
    assert ours is not None
    assert ours.to_ical() == expected


def test_unknown_zone_is_left_out_like_add_missing_timezones():
    assert vtimezone("Nowhere/Atlantis", D(2024, 9, 11), D(2024, 9, 12)) is None
