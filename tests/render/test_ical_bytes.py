"""The iCalendar bytes written directly are icalendar's bytes for the same thing, byte for byte.

icalendar is the judge. Every generated calendar head is also built as an
``icalendar.Calendar``, every VTIMEZONE (any zone tzdata has, any range from 1900 to
2200) as an ``icalendar.Timezone``, and every TZID is the one icalendar gives, for
every zone. Every generated event is also built as an ``icalendar.Event``
(components.event_component) and serialized by icalendar's own ``to_ical()``. Where
event_bytes declines (None), the build uses icalendar; where it answers, the answer
must be icalendar's. Text mixes CJK, emoji, combining marks, controls, tabs, CR/LF,
backslashes, ``;,:"^`` and long runs that fold; every property and parameter an
event has is generated: SUMMARY and DESCRIPTION with LANGUAGE, LOCATION, UID,
DTSTAMP, DTSTART/DTEND in zones with a TZID and in the zones icalendar writes as
UTC, SEQUENCE, LAST-MODIFIED, STATUS, TRANSP, CATEGORIES, CONFERENCE (FEATURE,
LABEL, VALUE), URL (VALUE) and a VALARM (ACTION, DESCRIPTION, TRIGGER).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calendar_feed.identity import Revision
from calendar_feed.model import Link, Series, Session, Status
from calendar_feed.render import components
from calendar_feed.render.components import event_component, event_ical
from calendar_feed.render.ical_bytes import calendar_head, event_bytes, vtimezone, zone_id
from calendar_feed.server.responses import MAX_ALARM_MINUTES
from tests.render.test_ical_timezones import RANGES
from tests.render.test_ical_timezones import ZONES as ZONE_NAMES

EXAMPLES = settings(
    max_examples=600,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

SPECIALS = [*"\\;,:\"'^’\t\r\n\x0b\x00 ", "\r\n", "\\N", "\\n", "中文", "é", "e\u0301", "𝔘", "😀"]
CHARACTERS = st.one_of(
    st.sampled_from(SPECIALS),
    st.characters(codec="utf-8", exclude_categories=("Cs",)),
)
TEXT = st.one_of(
    st.lists(CHARACTERS, max_size=60).map("".join),
    st.tuples(st.sampled_from(["a", "中", "😀", "\\", ",", "^"]), st.integers(60, 200)).map(
        lambda pair: pair[0] * pair[1]
    ),
    st.sampled_from(["", "学术报告，摘要：应用数学", "BEGIN:VEVENT\nUID:x\nEND:VEVENT"]),
)
WORD = st.text("abcXYZ0189-_.", min_size=1, max_size=12)
"""Identifiers, tags and language tags as validation lets them through."""
# Zones with a TZID, zones icalendar writes as UTC (Z), and one that is not a ZoneInfo.
ZONES = st.sampled_from(
    [
        ZoneInfo(name)
        for name in (
            "Asia/Shanghai",
            "America/New_York",
            "America/Port-au-Prince",
            "Etc/GMT+5",
            "Australia/Lord_Howe",
            "UTC",
            "Etc/UTC",
            "Africa/Abidjan",
            "GMT",
        )
    ]
    + [dt.UTC, dt.timezone(dt.timedelta(hours=8))]
)
URL = st.one_of(st.just(""), st.builds("https://example.org/{}".format, TEXT))


def _either(plain: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Mostly values as validation gives them, sometimes anything at all."""
    return st.one_of(plain, plain, plain, TEXT)


@st.composite
def events(draw: st.DrawFn, any_text: bool) -> tuple[Series, Session, Revision | None, int | None]:
    word = _either(WORD) if any_text else WORD
    language = _either(st.sampled_from(["zh", "en", "en-US", "zh-Hans-CN"]))
    series = Series(
        id=draw(word),
        name=draw(TEXT.filter(bool)),
        local_name=draw(TEXT),
        organizers=tuple(draw(st.lists(TEXT, max_size=2))),
        base_url=draw(URL if any_text else st.sampled_from(["", "https://example.org/s/"])),
        language=draw(language if any_text else st.sampled_from(["zh", "en", "en-US"])),
        tags=tuple(draw(st.lists(word, max_size=2, unique=True))),
    )
    zone = draw(ZONES if any_text else ZONES.filter(lambda z: isinstance(z, ZoneInfo)))
    start = draw(st.datetimes(dt.datetime(1970, 1, 1), dt.datetime(2100, 1, 1))).replace(
        tzinfo=zone
    )
    if not any_text:  # validation gives whole minutes; icalendar drops any fraction
        start = start.replace(second=0, microsecond=0)
    session = Session(
        key=draw(word),
        explicit_id=draw(st.booleans()),
        start=start,
        end=start + dt.timedelta(minutes=draw(st.integers(0, 3000))),
        location=draw(TEXT),
        status=draw(st.sampled_from(Status)),
        speaker=draw(TEXT),
        affiliation=draw(TEXT),
        title=draw(TEXT),
        abstract=draw(TEXT),
        bio=draw(TEXT),
        reason=draw(TEXT),
        links=tuple(draw(st.lists(st.builds(Link, TEXT, URL), max_size=2))),
        note=draw(TEXT),
        speaker_url=draw(URL),
        online=draw(URL if any_text else st.sampled_from(["", "https://meet.example.org/x"])),
        tags=tuple(draw(st.lists(word, max_size=3, unique=True))),
        language=draw(st.one_of(st.just(""), language if any_text else st.just("en"))),
    )
    modified = draw(st.none() | st.datetimes(dt.datetime(1970, 1, 2), dt.datetime(2100, 1, 1)))
    revision = draw(
        st.none()
        | st.builds(
            Revision,
            st.integers(0, 2**31 + 5) if any_text else st.integers(0, 1000),
            st.just(modified and modified.replace(tzinfo=dt.UTC)),
        )
    )
    alarm = draw(st.none() | st.integers(0, MAX_ALARM_MINUTES))
    return series, session, revision, alarm


def icalendars(event: tuple[Series, Session, Revision | None, int | None]) -> tuple[bytes, set]:
    """What icalendar writes for the event, and the TZIDs on its properties."""
    component = event_component(*event)
    tzids = {getattr(value, "params", {}).get("TZID") for value in component.values()}
    return component.to_ical(), tzids - {None, "UTC"}


@EXAMPLES
@given(events(any_text=False))
def test_every_event_as_validation_gives_it_is_written_directly_as_icalendar_writes_it(event):
    direct = event_bytes(*event)
    assert direct is not None
    ical, tzids = icalendars(event)
    assert direct[0] == ical
    assert set(direct[1]) == tzids


@EXAMPLES
@given(events(any_text=True))
def test_any_event_is_written_as_icalendar_writes_it_or_left_to_icalendar(event):
    try:
        ical, tzids = icalendars(event)
    except ValueError:  # icalendar refuses it (a line break in a URI, SEQUENCE out of range)
        assert event_bytes(*event) is None
        return
    direct = event_bytes(*event)
    if direct is not None:
        assert direct[0] == ical
        assert set(direct[1]) == tzids
    event_ical.cache_clear()
    assert (direct or event_ical(*event))[0] == ical  # what a build uses, either way


@pytest.mark.parametrize("minutes", [0, 1, 15, 59, 60, 61, 90, 1439, 1440, 1441, 2880, 10080])
def test_every_kind_of_reminder(minutes):
    series = Series(id="s", name="S")
    start = dt.datetime(2024, 9, 11, 12, tzinfo=ZoneInfo("Asia/Shanghai"))
    session = Session("k", False, start, start + dt.timedelta(hours=1), "", Status.TALK, title="T")
    event = (series, session, None, minutes)
    assert event_bytes(*event) == (icalendars(event)[0], ("Asia/Shanghai",))


def test_every_zone_gets_the_tzid_icalendar_gives_it():
    """ "UTC" (times with a Z) exactly for the zones icalendar counts as UTC, else the name."""
    from icalendar.timezone.tzid import tzid_from_tzinfo

    names = sorted(zoneinfo.available_timezones())
    assert len(names) > 500
    mine = {name: zone_id(ZoneInfo(name)) for name in names}
    assert mine == {name: tzid_from_tzinfo(ZoneInfo(name)) for name in names}
    assert (mine["Asia/Shanghai"], mine["Etc/UTC"]) == ("Asia/Shanghai", "UTC")


@st.composite
def heads(draw: st.DrawFn, any_text: bool) -> tuple[Series, bool, str]:
    language = _either(st.sampled_from(["zh", "en", "en-US"])) if any_text else st.just("zh")
    series = Series(
        id=draw(WORD),
        name=draw(TEXT.filter(bool)),
        local_name=draw(TEXT),
        description=draw(TEXT),
        timezone=draw(st.sampled_from(["Asia/Shanghai", "America/New_York", "UTC"])),
        base_url=draw(URL if any_text else st.sampled_from(["", "https://example.org/s/"])),
        language=draw(language),
        refresh_hours=draw(st.integers(1, 24 * 40)),
    )
    query = draw(st.sampled_from(["", "tba=0", "tba=0&cancelled=0&alarm=15", "alarm=1440"]))
    return series, draw(st.booleans()), query


@EXAMPLES
@given(heads(any_text=False))
def test_every_calendar_head_as_validation_gives_it_is_written_as_icalendar_writes_it(head):
    direct = calendar_head(*head)
    assert direct is not None
    assert direct == components.calendar_head(*head)


@EXAMPLES
@given(heads(any_text=True))
def test_any_calendar_head_is_written_as_icalendar_writes_it_or_left_to_icalendar(head):
    try:
        ical = components.calendar_head(*head)
    except ValueError:  # icalendar refuses it (a line break in a URI)
        assert calendar_head(*head) is None
        return
    assert calendar_head(*head) in (None, ical)


ALL_ZONES = sorted(zoneinfo.available_timezones())


def _written_as_icalendar_writes_it(name: str, first: dt.date, last: dt.date) -> None:
    timezone = components.vtimezone(name, first, last)
    assert timezone is not None
    assert vtimezone(name, first, last) == timezone.to_ical()


@pytest.mark.parametrize("name", ZONE_NAMES)
@pytest.mark.parametrize(("first", "last"), RANGES)
def test_the_vtimezones_of_the_zone_tests_are_written_as_icalendar_writes_them(name, first, last):
    """Every zone and period tests/render/test_ical_timezones.py checks, clock changes and
    all: written directly, never left to icalendar."""
    _written_as_icalendar_writes_it(name, first, last)


@settings(max_examples=1500, deadline=None)
@given(
    st.sampled_from(ALL_ZONES),
    st.dates(dt.date(1900, 1, 1), dt.date(2200, 1, 1)),
    st.integers(1, 3 * 366),
)
def test_any_zones_vtimezone_in_any_years_is_written_as_icalendar_writes_it(name, first, days):
    """Local mean time (offsets with seconds) included: Kathmandu's +054116 in 1901."""
    _written_as_icalendar_writes_it(name, first, first + dt.timedelta(days=days))


def test_a_zone_zoneinfo_does_not_know_is_left_to_icalendar_which_writes_nothing():
    first, last = dt.date(2024, 1, 1), dt.date(2024, 2, 1)
    assert vtimezone("Mars/Olympus_Mons", first, last) is None
    assert components.vtimezone_ical("Mars/Olympus_Mons", first, last) == b""
