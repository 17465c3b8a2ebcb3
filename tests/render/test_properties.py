"""Property-based tests: any valid schedule round-trips; any input gets an answer, never a crash."""

from __future__ import annotations

import datetime as dt
import json
import re
from zoneinfo import ZoneInfo

import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ical.calendar_stream import IcsCalendarStream
from icalendar import Calendar

from calendar_feed.cli import main
from calendar_feed.errors import ValidationError
from calendar_feed.render.ical import render_calendar
from calendar_feed.source.validation import load_schedule_bytes
from calendar_feed.texts import event_description, event_summary
from tests.helpers import session_of

EXAMPLES = settings(
    max_examples=150,
    deadline=dt.timedelta(seconds=5),  # generous: a bound against hangs, not a speed test
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Every zone here has DST except Shanghai; session times avoid the 00:00-04:00 switch hours.
ZONES = ["Asia/Shanghai", "America/New_York", "Europe/Berlin", "Australia/Sydney", "UTC"]


def printable(char: str) -> bool:
    """Characters YAML can carry and validation accepts (no control characters)."""
    code = ord(char)
    if char in "\n\t":
        return True
    if code < 0x20 or 0x7F <= code <= 0x9F or char in "\u2028\u2029\ufeff":
        return False
    return not (0xD800 <= code <= 0xDFFF or code in (0xFFFE, 0xFFFF))


CHARACTERS = st.characters(
    codec="utf-8",
    exclude_categories=("Cc", "Cs"),
    exclude_characters="\u2028\u2029\ufeff\ufffe\uffff",
    include_characters="\n\t",
).filter(printable)
SCRIPTS = st.sampled_from(
    [
        "学术报告，摘要：应用数学",  # Chinese with full-width punctuation
        "مرحبا بالعالم",  # Arabic
        "😀🎉👩‍🔬",  # emoji, including a ZWJ sequence
        "e\u0301a\u0308",  # combining marks
        ",;\\\"'<b>&amp;</b>:",  # iCalendar and HTML specials
        "BEGIN:VEVENT\nUID:x\nEND:VEVENT",  # injection attempt
        "x" * 200,  # a very long line
    ]
)
TEXT = (
    st.lists(
        st.one_of(SCRIPTS, st.text(CHARACTERS, max_size=30)),
        min_size=1,
        max_size=4,
    )
    .map("".join)
    .filter(lambda s: s.strip() != "")
)


@st.composite
def schedules(draw: st.DrawFn) -> tuple[str, list[dict]]:
    zone = draw(st.sampled_from(ZONES))
    count = draw(st.integers(1, 6))
    days = draw(
        st.lists(
            st.dates(dt.date(2000, 1, 1), dt.date(2037, 12, 31)),
            min_size=count,
            max_size=count,
            unique=True,
        )
    )
    sessions = []
    for day in days:
        status = draw(st.sampled_from(["talk", "cancelled", "open"]))
        hour = draw(st.integers(8, 20))
        minute = draw(st.sampled_from([0, 15, 30, 45]))
        session = {
            "date": day.isoformat(),
            "start": f"{hour:02d}:{minute:02d}",
            "duration": draw(st.integers(15, 180)),
            "status": status,
        }
        if status != "open":
            session |= {"speaker": draw(TEXT), "title": draw(TEXT)}
            for field in ("affiliation", "abstract", "bio", "location"):
                if draw(st.booleans()):
                    session[field] = draw(TEXT)
        if status == "cancelled" and draw(st.booleans()):
            session["reason"] = draw(TEXT)
        if draw(st.booleans()):
            session["id"] = draw(st.from_regex(r"[a-z0-9][a-z0-9._-]{0,20}", fullmatch=True))
        sessions.append(session)
    ids = [s.get("id", s["date"]) for s in sessions]
    if len(set(ids)) != len(ids):  # make keys unique the way an organizer would
        for index, session in enumerate(sessions):
            session["id"] = f"s{index}"
    return zone, sessions


def one_line(text: str) -> str:
    """What a title, a name or a place holds: trimmed, each line break (with the white space
    around it) one space."""
    return re.sub(r"\s*\n\s*", " ", text.strip())


def as_yaml(zone: str, name: str, sessions: list[dict]) -> bytes:
    """Write the schedule as an organizer's YAML, every string JSON-quoted (valid YAML)."""

    def scalar(value: object) -> str:
        return json.dumps(value, ensure_ascii=False)

    lines = [
        "calendar:",
        "  id: prop",
        f"  name: {scalar(name)}",
        f"  timezone: {zone}",
        "sessions:",
    ]
    for session in sessions:
        first = True
        for key, value in session.items():
            rendered = value if key in ("date", "duration") else scalar(value)
            lines.append(f"  {'- ' if first else '  '}{key}: {rendered}")
            first = False
    return ("\n".join(lines) + "\n").encode("utf-8")


@EXAMPLES
@given(schedules(), TEXT)
def test_any_valid_schedule_round_trips_through_both_parsers(generated, name):
    zone, sessions = generated
    loaded = load_schedule_bytes(as_yaml(zone, name, sessions))
    schedule = loaded.schedule
    data = render_calendar(schedule)
    assert render_calendar(schedule) == data  # deterministic

    for line in data.split(b"\r\n")[:-1]:
        assert len(line) <= 75
        line.decode("utf-8")
    assert data.endswith(b"\r\n")

    expected = {}
    for session in sessions:
        key = session.get("id", session["date"])
        day = dt.date.fromisoformat(session["date"])
        hour, minute = map(int, session["start"].split(":"))
        start = dt.datetime.combine(day, dt.time(hour, minute), ZoneInfo(zone))
        model = session_of(schedule, key)
        assert model is not None
        assert model.title == one_line(session.get("title", ""))
        assert model.abstract == session.get("abstract", "").strip()
        expected[f"prop-{key}@calendar-feed"] = {
            "start": start.astimezone(dt.UTC),
            "end": (start + dt.timedelta(minutes=session["duration"])).astimezone(dt.UTC),
            "status": {"talk": "CONFIRMED", "cancelled": "CANCELLED", "open": "TENTATIVE"}[
                session["status"]
            ],
            "summary": event_summary(schedule.series, model),
            "description": event_description(schedule.series, model),
            "location": one_line(session.get("location", "")),
        }

    parsed = {str(e["UID"]): e for e in Calendar.from_ical(data).walk("VEVENT")}
    assert parsed.keys() == expected.keys()
    for uid, want in expected.items():
        event = parsed[uid]
        assert event["DTSTART"].dt.astimezone(dt.UTC) == want["start"]
        assert event["DTEND"].dt.astimezone(dt.UTC) == want["end"]
        assert str(event["STATUS"]) == want["status"]
        assert str(event["SUMMARY"]) == want["summary"]
        assert str(event["DESCRIPTION"]) == want["description"]
        assert str(event.get("LOCATION", "")) == want["location"]
    # The summary holds the speaker and title as typed, each on one line.
    for session in sessions:
        if session["status"] == "talk":
            uid = f"prop-{session.get('id', session['date'])}@calendar-feed"
            assert str(parsed[uid]["SUMMARY"]) == (
                f"{one_line(session['speaker'])}: {one_line(session['title'])}"
            )

    strict = IcsCalendarStream.calendar_from_ics(data.decode("utf-8"))
    assert {e.uid for e in strict.events} == expected.keys()
    for event in strict.events:
        want = expected[event.uid]
        assert event.dtstart.astimezone(dt.UTC) == want["start"]
        assert event.summary == want["summary"]
        assert (event.description or "") == want["description"]
    unfolded = re.sub(rb"\r\n[ \t]", b"", data)
    assert unfolded.count(b"\r\nBEGIN:VEVENT\r\n") == len(sessions)


def answer(data: bytes) -> None:
    """The loader's contract: a model, or a ValidationError whose problems have positions."""
    try:
        load_schedule_bytes(data, "events.yaml")
    except ValidationError as error:
        assert_positioned(error)


def assert_positioned(error: ValidationError) -> None:
    assert error.errors
    for problem in error.problems:
        assert str(problem).startswith("events.yaml")
        assert problem.position.line >= 0
        assert problem.position.column >= 0


YAML_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20)
    | st.dates().map(str) | st.sampled_from(["12:00", "25:00", "2024-02-30", "no", "~", "&a", "*a"]),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(
        st.sampled_from(["calendar", "sessions", "defaults", "id", "name", "timezone", "date",
                         "start", "end", "speaker", "title", "status", "links", "x"]),
        children,
        max_size=5,
    ),
    max_leaves=25,
)  # fmt: skip


@EXAMPLES
@given(YAML_VALUES)
def test_any_yaml_document_gets_a_model_or_positioned_errors(value):
    answer(yaml.safe_dump(value, allow_unicode=True).encode("utf-8"))


@EXAMPLES
@given(st.binary(max_size=400))
def test_any_bytes_get_a_model_or_positioned_errors(data):
    answer(data)


@EXAMPLES
@given(st.text(max_size=300))
def test_any_text_gets_a_model_or_positioned_errors(text):
    answer(text.encode("utf-8", "surrogatepass"))


@settings(max_examples=40, deadline=dt.timedelta(seconds=5))
@given(st.binary(max_size=200) | YAML_VALUES.map(lambda v: yaml.safe_dump(v).encode()))
def test_cli_never_shows_a_traceback(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("cli") / "events.yaml"
    path.write_bytes(data)
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code in (0, 1), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
