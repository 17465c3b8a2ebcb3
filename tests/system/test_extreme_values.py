"""Input small on disk but huge in memory, values at the edges, and bad command-line values:
each a positioned error (or click's one-line usage error, exit 2), never a traceback."""

from __future__ import annotations

import datetime as dt

import pytest

from calendar_feed.cli import main
from tests import helpers
from tests.helpers import SHIPPED, document

HEAD = helpers.HEAD.replace("  location: Room 101\n", "")
"""The shared head without a default room."""


def amplified(length: int, copies: int) -> str:
    """One anchored abstract of ``length`` characters, aliased by ``copies`` more sessions."""
    lines = [HEAD, "  - date: 2024-01-03\n    speaker: A\n    title: T\n"]
    lines.append(f"    abstract: &a {'x' * length}\n")
    day = dt.date(2024, 1, 10)
    for _ in range(copies):
        lines.append(f"  - date: {day}\n    speaker: A\n    title: T\n    abstract: *a\n")
        day += dt.timedelta(weeks=1)
    return "".join(lines)


@pytest.mark.parametrize("command", ["validate", "build"])
def test_an_aliased_megabyte_abstract_is_refused_before_rendering(tmp_path, runner, command):
    events = tmp_path / "events.yaml"
    events.write_text(amplified(1_000_000, 299), encoding="utf-8")
    assert events.stat().st_size < 1_100_000
    args = [command, str(events)] + (
        ["--out", str(tmp_path / "site")] if command == "build" else []
    )
    result = runner.invoke(main, args)
    assert result.exit_code == 1
    assert result.output == (
        f"{events}:9:3: sessions: document expands to more than 10,000,000 characters of text "
        "(too many aliases?); refusing to load it\n"
        f"{events}: 1 error; nothing published\n"
    )
    assert not (tmp_path / "site").exists()


def test_a_few_aliases_of_a_long_text_are_fine(tmp_path, runner):
    events = tmp_path / "events.yaml"
    events.write_text(amplified(100_000, 5), encoding="utf-8")
    result = runner.invoke(main, ["validate", str(events)])
    assert result.exit_code == 0, result.output


def test_a_large_file_without_aliases_is_bounded_by_its_own_size(tmp_path, runner):
    events = tmp_path / "events.yaml"
    events.write_text(amplified(6_000_000, 0), encoding="utf-8")
    result = runner.invoke(main, ["validate", str(events), "--max-bytes", "0"])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("session", "column", "text"),
    [
        ('- date: 9999-12-31\n  start: "23:00"\n  duration: 120\n', 11, "9999-12-31"),
        ('- date: 0001-01-01\n  start: "00:00"\n', 11, "0001-01-01"),
        ("- date: 1899-12-31\n", 11, "1899-12-31"),
        ("- date: 2201-01-01\n", 11, "2201-01-01"),
    ],
)
@pytest.mark.parametrize("command", ["validate", "build"])
def test_dates_outside_1900_to_2200_are_refused(tmp_path, runner, command, session, column, text):
    events = tmp_path / "events.yaml"
    events.write_bytes(document(session))
    args = [command, str(events)] + (
        ["--out", str(tmp_path / "site")] if command == "build" else []
    )
    result = runner.invoke(main, args)
    assert result.exit_code == 1
    assert result.output == (
        f'{events}:10:{column}: sessions[0].date: "{text}" is outside the years 1900–2200\n'
        f"{events}: 1 error; nothing published\n"
    )


@pytest.mark.parametrize(
    ("zone", "first"),
    [
        ("Europe/London", "1900-01-01"),
        # Shanghai kept local mean time (UTC+8:05:43) until 1901: the first day it publishes.
        ("Asia/Shanghai", "1901-01-01"),
    ],
)
def test_the_first_and_last_allowed_days_publish(tmp_path, runner, zone, first):
    events = tmp_path / "events.yaml"
    sessions = f'- date: {first}\n- date: 2200-12-31\n  start: "23:00"\n  duration: 120\n'
    events.write_bytes(document(sessions, HEAD.replace("Asia/Shanghai", zone)))
    result = runner.invoke(main, ["build", str(events), "--out", str(tmp_path / "site")])
    assert result.exit_code == 0, result.output


def with_refresh(value: str) -> bytes:
    head = HEAD.replace(
        "  timezone: Asia/Shanghai\n", f"  timezone: Asia/Shanghai\n  refresh_hours: {value}\n"
    )
    return document("- date: 2024-09-25\n", head)


@pytest.mark.parametrize(("value", "shown"), [
    ("0", "0"), ("673", "673"), ("100000000000", "100000000000"), ("-1", "-1"),
    ('"12"', 'the text "12"'), ("1.5", "the number 1.5"),
])  # fmt: skip
@pytest.mark.parametrize("command", ["validate", "build"])
def test_refresh_hours_out_of_range_is_refused_by_validate_and_build(
    tmp_path, runner, command, value, shown
):
    events = tmp_path / "events.yaml"
    events.write_bytes(with_refresh(value))
    args = [command, str(events)] + (
        ["--out", str(tmp_path / "site")] if command == "build" else []
    )
    result = runner.invoke(main, args)
    assert result.exit_code == 1
    assert result.output == (
        f"{events}:5:18: calendar.refresh_hours: expected a whole number of hours from 1 to 672 "
        f"(four weeks), got {shown}\n"
        f"{events}: 1 error; nothing published\n"
    )


@pytest.mark.parametrize(("value", "interval"), [("1", "PT1H"), ("672", "P28D")])
def test_refresh_hours_at_the_edges_publish(tmp_path, runner, value, interval):
    events = tmp_path / "events.yaml"
    events.write_bytes(with_refresh(value))
    assert runner.invoke(main, ["validate", str(events)]).exit_code == 0
    result = runner.invoke(main, ["build", str(events), "--out", str(tmp_path / "site")])
    assert result.exit_code == 0, result.output
    feed = (tmp_path / "site" / "calendar.ics").read_bytes().decode("utf-8")
    assert f"REFRESH-INTERVAL;VALUE=DURATION:{interval}\r\n" in feed


BAD_OPTIONS = [
    (["build", "--base-url", "https://a.example/\r\nX-Injected: 1"], "--base-url"),
    (["build", "--base-url", "javascript:alert(1)"], "--base-url"),
    (["diff", "--base-url", "https://a.example/\n"], "--base-url"),
    (["build", "--max-sessions", "0"], "--max-sessions"),
    (["validate", "--max-bytes", "-1"], "--max-bytes"),
    (["build", "--keep-removed", "-1"], "--keep-removed"),
    (["build", "--today", "2024-13-01"], "--today"),
    (["serve", "--port", "70000"], "--port"),
    (["serve", "--host", "127.0.0.1\r\nX: y"], "--host"),
    (["serve", "--proxies", "-1"], "--proxies"),
    (["import-markdown", "--year", "year"], "--year"),
]


@pytest.mark.parametrize(("args", "option"), BAD_OPTIONS)
def test_a_bad_command_line_value_is_one_line_and_exit_2(tmp_path, runner, args, option):
    events = tmp_path / "events.yaml"
    events.write_bytes(SHIPPED.read_bytes())
    page = tmp_path / "page.md"
    page.write_text("# Seminar\n", encoding="utf-8")
    command, *options = args
    file = page if command == "import-markdown" else events
    result = runner.invoke(main, [command, str(file), *options])
    assert result.exit_code == 2, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1
    assert errors[0].startswith(f"Error: Invalid value for '{option}'")
    assert "Traceback" not in result.output
    assert not (tmp_path / "site").exists()
