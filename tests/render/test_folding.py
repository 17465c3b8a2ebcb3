"""Our line folding gives exactly icalendar's bytes, on every kind of line."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar, Event
from icalendar.parser import Contentline

from calendar_feed.render.folding import fold_line, fold_lines
from calendar_feed.render.ical import render_calendar
from calendar_feed.source.validation import load_schedule
from tests.helpers import SHIPPED

# Characters of one to four UTF-8 bytes, and the escapes a fold must not split.
ALPHABET = st.sampled_from([*'ab ,;:\\^"', "é", "中", "文", "𝔘", "😀", "\t"])


@settings(max_examples=500, deadline=None)
@given(st.text(ALPHABET, max_size=400))
def test_any_line_folds_as_icalendar_folds_it(text):
    line = "DESCRIPTION:" + text
    assert fold_line(line) == Contentline(line).to_ical()


@pytest.mark.parametrize("width", range(60, 90))
@pytest.mark.parametrize("filler", ["a", "中", "😀", "\\", "^"])
def test_every_boundary(width, filler):
    line = "SUMMARY:" + "x" * (width - 9) + filler * 40
    assert fold_line(line) == Contentline(line).to_ical()


def test_a_whole_feed_is_byte_for_byte_icalendars():
    loaded = load_schedule(SHIPPED)
    feed = render_calendar(loaded.schedule)
    calendar = Calendar.from_ical(feed)
    assert fold_lines(calendar.content_lines()) == calendar.to_ical()
    event = Event()
    event.add("description", "長い説明 " * 50 + "a\\b^c" * 30)
    assert fold_lines(event.content_lines()) == event.to_ical()
