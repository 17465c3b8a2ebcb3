"""Each key is declared once (model.Series, model.Timing, model.Session) and all else follows."""

from __future__ import annotations

import dataclasses
import json

import pytest
import yaml

from calendar_feed.errors import ValidationError
from calendar_feed.fields import (
    CALENDAR,
    CALENDAR_KEYS,
    DETAIL_NAMES,
    SESSION_KEYS,
    TIMING_KEYS,
    calendar_data,
    details_from_data,
)
from calendar_feed.history.records import snapshot
from calendar_feed.history.store import read_history
from calendar_feed.model import Kind, Series, Session, Timing
from calendar_feed.publish.build import build_site
from calendar_feed.render.json_export import schedule_data
from calendar_feed.source.sessions import SessionRules
from calendar_feed.source.validation import load_schedule_bytes
from calendar_feed.source.writer import dump_events
from tests.helpers import session_of


def test_every_declared_detail_is_a_session_key_in_declaration_order():
    declared = [f.name for f in dataclasses.fields(Session) if "rule" in f.metadata]
    assert list(DETAIL_NAMES) == declared
    assert SESSION_KEYS[-len(declared) :] == tuple(declared)


def test_json_and_history_carry_every_detail(shipped):
    talk = session_of(shipped, "2024-09-25")
    [data] = [s for s in schedule_data(shipped)["sessions"] if s["id"] == "2024-09-25"]
    snap = snapshot(shipped.series, talk)
    for name in DETAIL_NAMES:
        assert name in data, name
        assert name in snap, name
    assert data["bio"] == talk.bio
    assert snap["abstract"] == talk.abstract


def test_the_writer_keeps_every_detail_in_declared_order():
    session = {name: f"{name} text" for name in DETAIL_NAMES if name != "links"}
    session |= {"date": "2024-09-11", "links": {"slides": "https://example.org/s.pdf"}}
    text = dump_events({"calendar": {"id": "x"}, "sessions": [dict(reversed(session.items()))]})
    [written] = yaml.safe_load(text)["sessions"]
    assert list(written) == [key for key in SESSION_KEYS if key in written]
    assert set(written) == set(session)


def test_a_stored_event_without_a_detail_gets_its_default():
    rebuilt = details_from_data({"speaker": "A", "links": {"Slides": "https://e.org/s"}})
    assert rebuilt["bio"] == ""
    assert rebuilt["speaker"] == "A"
    assert [(link.label, link.url) for link in rebuilt["links"]] == [("Slides", "https://e.org/s")]


@pytest.mark.parametrize("missing", ["bio", "abstract", "note", "links"])
def test_a_history_lacking_a_detail_still_builds(shipped_copy, missing):
    """The README promises a warning at worst; a missing detail is not even that."""
    history = shipped_copy.with_name("events.history.json")
    build_site(shipped_copy, None, history=history, page=False)
    data = json.loads(history.read_text(encoding="utf-8"))
    for event in data["events"].values():
        event["snapshot"].pop(missing)
    history.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert read_history(history) is not None
    text = shipped_copy.read_text(encoding="utf-8")
    shipped_copy.write_text(text.replace("  - date: 2024-10-09\n", ""), encoding="utf-8")
    result = build_site(shipped_copy, None, history=history, page=False)
    [removed] = result.release.removed
    assert removed.key == "2024-10-09"
    assert getattr(removed, missing) in ("", ())


SESSIONS = 'sessions:\n  - date: 2024-09-11\n    start: "12:00"\n    duration: 60\n'
SAMPLES = {
    Kind.TEXT: ("Some text", "Some text"),
    Kind.TEXT_LIST: (["Ada", "Grace"], ("Ada", "Grace")),
    Kind.IDENTIFIER: ("demo-1", "demo-1"),
    Kind.URL: ("https://example.edu/a/very/long/address/that/stays/on/one/line/when/written", None),
    Kind.BASE_URL: ("https://example.edu/lunch", "https://example.edu/lunch/"),
    Kind.TIMEZONE: ("Asia/Shanghai", "Asia/Shanghai"),
    Kind.LANGUAGE: ("zh", "zh"),
    Kind.WEEKDAY: ("wednesday", 2),
    Kind.HOURS: (6, 6),
    Kind.DAYS: (180, 180),
    Kind.TAGS: (["pde", "numerics"], ("pde", "numerics")),
    Kind.EMAIL: ("Ada <ada@example.edu>", "Ada <ada@example.edu>"),
    Kind.EMAIL_LIST: (["a@example.edu", "b@example.edu"], ("a@example.edu", "b@example.edu")),
}
"""A valid YAML value of each kind a calendar: key can have, and the value it is read as
(None: the same)."""


def calendar_problems(calendar: str) -> list[str]:
    text = f"calendar:\n{calendar}{SESSIONS}"
    with pytest.raises(ValidationError) as raised:
        load_schedule_bytes(text.encode("utf-8"), "events.yaml")
    return [str(p) for p in raised.value.problems]


def test_calendar_and_defaults_keys_are_the_declared_fields_in_order():
    assert tuple(f.name for f in dataclasses.fields(Series)) == CALENDAR_KEYS
    assert tuple(f.name for f in dataclasses.fields(Timing)) == TIMING_KEYS
    assert SESSION_KEYS[3:7] == TIMING_KEYS


def test_validation_knows_a_parser_for_every_kind():
    """SessionRules is what validation's checker reads every key with (a SECTION is a
    mapping of declared keys, read key by key with FieldParser.section)."""
    assert set(SessionRules().kind_parsers()) == set(Kind) - {Kind.SECTION}


def test_an_unknown_calendar_key_is_refused_listing_the_declared_keys():
    [problem] = calendar_problems("  id: x\n  name: X\n  timezone: UTC\n  flavour: mint\n")
    assert problem == (
        'events.yaml:5:3: calendar.flavour: unknown field "flavour" (known fields: '
        + ", ".join(CALENDAR_KEYS)
        + ")"
    )


def test_an_unknown_defaults_key_is_refused_listing_the_declared_keys():
    text = f"calendar:\n  id: x\n  name: X\n  timezone: UTC\ndefaults:\n  room: 101\n{SESSIONS}"
    with pytest.raises(ValidationError) as raised:
        load_schedule_bytes(text.encode("utf-8"), "events.yaml")
    assert [str(p) for p in raised.value.problems] == [
        'events.yaml:6:3: defaults.room: unknown field "room" '
        "(known fields: start, end, duration, location)"
    ]


def test_each_required_calendar_key_is_reported_missing_with_its_hint():
    assert calendar_problems("  semester: 2024秋\n") == [
        "events.yaml:2:3: calendar.id: missing required field",
        "events.yaml:2:3: calendar.name: missing required field",
        "events.yaml:2:3: calendar.timezone: missing required field "
        "(an IANA name like Asia/Shanghai)",
    ]


def test_each_calendar_key_is_checked_by_its_kind():
    """A mapping is wrong for every kind: each key reports it, in declaration order."""
    lines = "".join(f"  {name}: {{a: 1}}\n" for name in CALENDAR_KEYS)
    found = calendar_problems(lines)
    assert [p.split(": ")[1] for p in found] == [f"calendar.{name}" for name in CALENDAR_KEYS]


def full_calendar() -> dict[str, object]:
    return {name: SAMPLES[rule.kind][0] for name, rule in CALENDAR}


def test_the_writer_keeps_every_declared_calendar_key_in_declared_order():
    calendar = full_calendar()
    text = dump_events({"calendar": dict(reversed(calendar.items())), "sessions": []})
    written = yaml.safe_load(text)["calendar"]
    assert list(written) == list(CALENDAR_KEYS)
    assert written == calendar
    for name, rule in CALENDAR:  # addresses stay on one line, however long
        if rule.kind in (Kind.URL, Kind.BASE_URL):
            assert f"  {name}: {calendar[name]}\n" in text


def test_every_declared_calendar_key_round_trips_through_validation_and_the_writer():
    """events.yaml -> Series -> calendar_data (what new-semester writes) -> the same Series."""
    calendar = full_calendar()
    head = dump_events({"calendar": calendar, "sessions": []}).split("\nsessions:")[0]
    series = load_schedule_bytes(f"{head}\n{SESSIONS}".encode(), "events.yaml").schedule.series
    for name, rule in CALENDAR:
        written, read = SAMPLES[rule.kind]
        assert getattr(series, name) == (written if read is None else read), name
    again = dump_events({"calendar": calendar_data(series), "sessions": []}).split("\nsessions:")[0]
    reread = load_schedule_bytes(f"{again}\n{SESSIONS}".encode(), "events.yaml").schedule.series
    assert reread == series


def test_calendar_data_leaves_out_defaults_but_never_a_required_key():
    series = Series(id="x", name="X")
    assert calendar_data(series) == {"id": "x", "name": "X", "timezone": "UTC"}
    assert calendar_data(dataclasses.replace(series, weekday=0, tags=("a",)))["weekday"] == "monday"
