"""The feed as calendar apps read it: parsed back with icalendar and with the strict `ical` parser."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from ical.calendar_stream import IcsCalendarStream
from icalendar import Calendar

from calendar_feed.identity import Revision, session_uid
from calendar_feed.render.ical import FeedOptions, render_calendar, render_session
from calendar_feed.source.validation import load_schedule_bytes
from tests.helpers import HEAD, document, session_of, unescape_text

HEAD_ZH = HEAD.replace("  timezone:", "  language: zh\n  timezone:")

HOSTILE = 'Comma, semi; back\\slash "quoted" <b>bold</b> & 😀 e\u0301\nBEGIN:VEVENT\nUID:evil'
ONE_LINE = 'Comma, semi; back\\slash "quoted" <b>bold</b> & 😀 e\u0301 BEGIN:VEVENT UID:evil'
"""HOSTILE in a field shown on one line (title, speaker, place): its line breaks folded."""


def parse(data: bytes) -> Calendar:
    return Calendar.from_ical(data)


def events(data: bytes) -> list:
    return parse(data).walk("VEVENT")


def test_calendar_properties(shipped):
    data = render_calendar(shipped)
    text = data.decode("utf-8")
    calendar = parse(data)
    assert calendar["PRODID"] == "-//calendar-feed//calendar-feed//EN"
    assert calendar["VERSION"] == "2.0"
    assert calendar["CALSCALE"] == "GREGORIAN"
    assert "METHOD" not in calendar
    name = "应用数学青年讨论班（午餐会） · PKU Applied Math Lunch Seminar"
    assert str(calendar["NAME"]) == name
    assert str(calendar["X-WR-CALNAME"]) == name
    assert str(calendar["X-WR-TIMEZONE"]) == "Asia/Shanghai"
    # icalendar 7 traps: VALUE=DURATION must be present, and the TTL must be a DURATION.
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT12H\r\n" in text
    assert "X-PUBLISHED-TTL:PT12H\r\n" in text
    # No base_url in the shipped file: no SOURCE/URL links.
    assert "SOURCE" not in calendar
    assert "URL" not in calendar


def test_calendar_name_with_special_characters_is_escaped():
    head = (
        document("- date: 2024-09-11\n")
        .decode()
        .replace("name: Demo Seminar", 'name: "Maths, Physics; and C:\\\\ drives"')
    )
    schedule = load_schedule_bytes(head.encode()).schedule
    text = render_calendar(schedule).decode()
    assert "NAME:Maths\\, Physics\\; and C:\\\\ drives\r\n" in text
    assert "X-WR-CALNAME:Maths\\, Physics\\; and C:\\\\ drives\r\n" in text
    # icalendar parses NAME as an unknown (raw) value, so unescape it as TEXT here.
    raw = str(parse(text.encode())["NAME"])
    assert unescape_text(raw) == "Maths, Physics; and C:\\ drives"


def test_one_event_per_session_with_stable_uids(shipped):
    parsed = events(render_calendar(shipped))
    assert [str(e["UID"]) for e in parsed] == [
        f"pku-am-lunch-{s.key}@calendar-feed" for s in shipped.sessions
    ]
    assert len(parsed) == 18


def test_talk_event(shipped):
    event = events(render_calendar(shipped))[0]
    assert str(event["SUMMARY"]) == (
        "王泽昊: 声音合成与处理中的高效计算：问题、技术及其在当代音乐与声音艺术中的应用"
    )
    assert event["DTSTART"].dt == dt.datetime(2024, 9, 11, 4, 0, tzinfo=dt.UTC)
    assert event["DTEND"].dt == dt.datetime(2024, 9, 11, 5, 30, tzinfo=dt.UTC)
    assert event["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["LOCATION"]) == "地点待定 / Room to be announced"
    assert event["DTSTAMP"].dt == dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    description = str(event["DESCRIPTION"])
    session = shipped.sessions[0]
    assert description.startswith(f"{session.title}\n王泽昊 (USCD)\n\nAbstract:\n")
    assert f"Abstract:\n{session.abstract}\n\nAbout the speaker:\n{session.bio}\n\n" in description
    assert "<" not in description


def test_english_abstract_keeps_its_paragraph_break(shipped):
    event = events(render_calendar(shipped))[2]
    assert "training environments.\nIn this talk, we introduce Centauri" in str(
        event["DESCRIPTION"]
    )


def test_cancelled_and_open_sessions(shipped):
    by_uid = {str(e["UID"]): e for e in events(render_calendar(shipped))}
    holiday = by_uid["pku-am-lunch-2024-10-02@calendar-feed"]
    assert str(holiday["STATUS"]) == "CANCELLED"
    assert str(holiday["TRANSP"]) == "TRANSPARENT"
    # Outlook shows cancelled events as normal: the reason must be in the title.
    assert str(holiday["SUMMARY"]) == "CANCELLED (假期): PKU Applied Math Lunch Seminar"
    assert str(holiday["DESCRIPTION"]).split("\n")[0] == "CANCELLED: 假期"
    plain = by_uid["pku-am-lunch-2024-09-18@calendar-feed"]
    assert str(plain["SUMMARY"]) == "CANCELLED: PKU Applied Math Lunch Seminar"
    assert str(plain["DESCRIPTION"]).split("\n")[0] == "CANCELLED: no session this week."
    slot = by_uid["pku-am-lunch-2024-10-09@calendar-feed"]
    assert str(slot["STATUS"]) == "TENTATIVE"
    assert str(slot["TRANSP"]) == "TRANSPARENT"  # an open Wednesday keeps attendees free
    assert str(slot["SUMMARY"]) == "Open slot: PKU Applied Math Lunch Seminar"
    assert str(slot["DESCRIPTION"]).startswith(
        "Open slot: no speaker yet. Would you like to speak? Contact the organizers: 吴清玉, 沈城烽."
    )


def test_vtimezone_for_every_tzid_covering_only_the_dates_used(shipped):
    data = render_calendar(shipped)
    calendar = parse(data)
    tzids = {p.params["TZID"] for e in calendar.walk("VEVENT") for p in (e["DTSTART"], e["DTEND"])}
    zones = {str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")}
    assert tzids == zones == {"Asia/Shanghai"}
    # China's 1986-91 daylight saving rules would appear if the range were not limited.
    assert b"DAYLIGHT" not in data
    assert b"19860" not in data


def test_dst_zone_gets_both_rules():
    head = document("- date: 2024-03-06\n- date: 2024-11-06\n").decode()
    schedule = load_schedule_bytes(head.replace("Asia/Shanghai", "Europe/Berlin").encode()).schedule
    calendar = parse(render_calendar(schedule))
    timezone = calendar.walk("VTIMEZONE")[0]
    assert {c.name for c in timezone.subcomponents} == {"STANDARD", "DAYLIGHT"}
    starts = [e["DTSTART"].dt.astimezone(dt.UTC).hour for e in calendar.walk("VEVENT")]
    assert starts == [11, 11]  # 12:00 CET (UTC+1) in March before the switch and in November


def test_lines_are_folded_at_75_octets_without_splitting_characters(shipped):
    data = render_calendar(shipped)
    assert data.endswith(b"\r\n")
    lines = data.split(b"\r\n")[:-1]
    assert b"\n" not in b"".join(lines)
    for line in lines:
        assert len(line) <= 75, line
        line.decode("utf-8")  # a split multi-byte character would fail here
    assert any(line.startswith(b" ") for line in lines)


def test_hostile_text_round_trips_and_cannot_inject_lines():
    quoted = json.dumps(HOSTILE, ensure_ascii=False)  # JSON strings are YAML strings
    fields = ("speaker", "title", "affiliation", "abstract", "bio", "location")
    sessions = "- date: 2024-09-11\n" + "".join(f"  {f}: {quoted}\n" for f in fields)
    schedule = load_schedule_bytes(document(sessions)).schedule
    data = render_calendar(schedule)
    parsed = events(data)
    assert len(parsed) == 1
    event = parsed[0]
    assert str(event["UID"]) == "demo-2024-09-11@calendar-feed"
    assert str(event["LOCATION"]) == ONE_LINE
    assert str(event["SUMMARY"]) == f"{ONE_LINE}: {ONE_LINE}"
    assert f"Abstract:\n{HOSTILE}\n" in str(event["DESCRIPTION"])
    unfolded = re.sub(rb"\r\n[ \t]", b"", data)
    assert unfolded.count(b"\r\nBEGIN:VEVENT\r\n") == 1
    assert b"\r\nUID:evil" not in unfolded
    strict = IcsCalendarStream.calendar_from_ics(data.decode())
    assert strict.events[0].summary == f"{ONE_LINE}: {ONE_LINE}"
    assert strict.events[0].location == ONE_LINE


def test_independent_strict_parser_agrees(shipped):
    data = render_calendar(shipped).decode()
    strict = IcsCalendarStream.calendar_from_ics(data)
    assert len(strict.events) == len(shipped.sessions)
    assert [e.dtstart for e in strict.events] == [s.start for s in shipped.sessions]
    assert [e.uid for e in strict.events] == [
        session_uid(shipped.series, s) for s in shipped.sessions
    ]
    assert [e.summary for e in strict.events] == [str(e["SUMMARY"]) for e in events(data.encode())]
    assert [tz.tz_id for tz in strict.timezones] == ["Asia/Shanghai"]


def test_output_is_deterministic(shipped):
    assert render_calendar(shipped) == render_calendar(shipped)
    session = shipped.sessions[0]
    assert render_session(shipped, session) == render_session(shipped, session)


def test_base_url_adds_source_and_session_urls():
    text = (
        document("- date: 2024-09-11\n")
        .decode()
        .replace(
            "  timezone: Asia/Shanghai\n",
            "  timezone: Asia/Shanghai\n  base_url: https://example.edu/lunch\n",
        )
    )
    schedule = load_schedule_bytes(text.encode()).schedule
    calendar = parse(render_calendar(schedule))
    assert str(calendar["SOURCE"]) == "https://example.edu/lunch/calendar.ics"
    assert str(calendar["URL"]) == "https://example.edu/lunch/"
    event = calendar.walk("VEVENT")[0]
    assert str(event["URL"]) == "https://example.edu/lunch/#s-2024-09-11"
    assert str(event["DESCRIPTION"]).endswith("https://example.edu/lunch/#s-2024-09-11")


def test_single_session_file(shipped):
    session = session_of(shipped, "2024-09-25")
    calendar = parse(render_session(shipped, session))
    assert [str(e["UID"]) for e in calendar.walk("VEVENT")] == [
        "pku-am-lunch-2024-09-25@calendar-feed"
    ]
    assert len(calendar.walk("VTIMEZONE")) == 1
    assert "REFRESH-INTERVAL" not in calendar


@pytest.mark.parametrize(
    ("options", "count"),
    [
        (FeedOptions(), 18),
        (FeedOptions(include_open=False), 4),
        (FeedOptions(include_cancelled=False), 16),
        (FeedOptions(include_open=False, include_cancelled=False), 2),
    ],
)
def test_feed_options_filter_sessions(shipped, options, count):
    assert len(events(render_calendar(shipped, options))) == count


def test_alarm(shipped):
    parsed = events(render_calendar(shipped, FeedOptions(alarm_minutes=15)))
    alarms = {str(e["UID"]): e.walk("VALARM") for e in parsed}
    talk = alarms["pku-am-lunch-2024-09-11@calendar-feed"]
    assert len(talk) == 1
    assert talk[0]["TRIGGER"].dt == -dt.timedelta(minutes=15)
    assert str(talk[0]["ACTION"]) == "DISPLAY"
    assert alarms["pku-am-lunch-2024-10-02@calendar-feed"] == []  # no reminder for a cancelled date
    assert alarms["pku-am-lunch-2024-10-09@calendar-feed"] == []  # nor for an open slot


def test_revisions_set_sequence_last_modified_and_dtstamp(shipped):
    changed = dt.datetime(2024, 9, 1, 8, 30, tzinfo=dt.UTC)
    uid = "pku-am-lunch-2024-09-11@calendar-feed"
    parsed = events(render_calendar(shipped, revisions={uid: Revision(3, changed)}))
    first, second = parsed[0], parsed[1]
    assert first["SEQUENCE"] == 3
    assert first["LAST-MODIFIED"].dt == changed
    assert first["DTSTAMP"].dt == changed
    assert "SEQUENCE" not in second
    assert "LAST-MODIFIED" not in second


BILINGUAL = document(
    """\
    - date: 2025-03-05
      speaker: 陈畅
      title: Centauri
      abstract: We introduce Centauri.
      language: en
    - date: 2025-03-12
      speaker: 王泽昊
      title: 声音合成
    - date: 2025-03-19
      status: cancelled
    """,
    head=HEAD_ZH,
)


def test_a_talks_text_carries_its_language():
    """RFC 5545 3.2.10: LANGUAGE on SUMMARY and DESCRIPTION, the talk's own or the series'."""
    english, chinese, cancelled = events(render_calendar(load_schedule_bytes(BILINGUAL).schedule))
    for event, language in ((english, "en"), (chinese, "zh")):
        assert event["SUMMARY"].params["LANGUAGE"] == language
        assert event["DESCRIPTION"].params["LANGUAGE"] == language
    assert "LANGUAGE" not in cancelled["SUMMARY"].params  # our own words, in no one language
    assert "LANGUAGE" not in cancelled["DESCRIPTION"].params
