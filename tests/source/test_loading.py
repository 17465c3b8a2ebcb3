"""What a YAML value is read as: YAML 1.2's core schema, as the organizer sees it in messages.

"yes", "no", "on" and "0x1F" stay text (YAML 1.1 made booleans and numbers of them);
quoting always gives text. libyaml composes the document; which kind a plain value is
gets decided in our loader, so each case is checked through the message it gives.
"""

from __future__ import annotations

import pytest

from calendar_feed.errors import ValidationError
from calendar_feed.source.validation import load_schedule_bytes
from tests.helpers import document

READ_AS = [
    ("true", "the boolean true"),
    ("FALSE", "the boolean FALSE"),
    ("true # a comment", "the boolean true"),
    ("1200", "the number 1200"),
    ("+12", "the number +12"),
    ("-0", "the number -0"),
    ("1.5", "the number 1.5"),
    (".5", "the number .5"),
    ("12.", "the number 12."),
    ("1e3", "the number 1e3"),
    ("-.inf", "the number -.inf"),
    (".NaN", "the number .NaN"),
    ("2024-09-11", "the date 2024-09-11"),
    ("2024-9-1 12:00", "the date 2024-9-1 12:00"),
]
READ_AS_TEXT = ["yes", "No", "on", "0x1F", "0o14", "1_000", "nan", "1200:00", "'true'", '"1200"']


def start_problem(value: str) -> str:
    data = document(
        f"""\
        - date: 2024-09-25
          speaker: A
          title: T
          start: {value}
        """
    )
    with pytest.raises(ValidationError) as caught:
        load_schedule_bytes(data, "events.yaml")
    (problem,) = caught.value.problems
    return str(problem)


@pytest.mark.parametrize(("value", "reading"), READ_AS)
def test_a_plain_value_is_read_by_the_core_schema(value, reading):
    assert start_problem(value) == (
        f'events.yaml:13:12: sessions[0].start: expected a time like "12:00", got {reading}'
    )


@pytest.mark.parametrize("value", READ_AS_TEXT)
def test_other_values_and_quoted_ones_are_text(value):
    text = value.strip("'\"")
    assert start_problem(value) == (
        f'events.yaml:13:12: sessions[0].start: expected a 24-hour time like "12:00", got "{text}"'
    )


@pytest.mark.parametrize("value", ["~", "null", "Null", "NULL", ""])
def test_null_in_every_spelling_is_nothing(value):
    data = document(
        f"""\
        - date: 2024-09-25
          speaker: A
          title: {value}
        """
    )
    with pytest.raises(ValidationError) as caught:
        load_schedule_bytes(data, "events.yaml")
    assert [str(p) for p in caught.value.problems] == [
        "events.yaml:10:5: sessions[0].title: a talk needs a title; "
        "add `title:` or set `status: open`"
    ]
