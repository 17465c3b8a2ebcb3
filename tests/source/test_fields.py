"""A session detail is declared once (model.Session) and every output follows the declaration."""

from __future__ import annotations

import dataclasses
import json

import pytest
import yaml

from calendar_feed.fields import DETAIL_NAMES, SESSION_KEYS, details_from_data
from calendar_feed.history.records import snapshot
from calendar_feed.history.store import read_history
from calendar_feed.model import Session
from calendar_feed.publish.build import build_site
from calendar_feed.render.json_export import schedule_data
from calendar_feed.source.writer import dump_events


def test_every_declared_detail_is_a_session_key_in_declaration_order():
    declared = [f.name for f in dataclasses.fields(Session) if "rule" in f.metadata]
    assert list(DETAIL_NAMES) == declared
    assert SESSION_KEYS[-len(declared) :] == tuple(declared)


def test_json_and_history_carry_every_detail(shipped):
    talk = shipped.session("2024-09-25")
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
