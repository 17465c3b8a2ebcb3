"""Late changes: build, diff and the server's log warn about edits calendars will miss."""

from __future__ import annotations

import datetime as dt
import logging
import os
from pathlib import Path

import pytz

from calendar_feed.cli import main
from calendar_feed.history import plan
from calendar_feed.history.late import is_late, late_change_warnings, late_window
from calendar_feed.publish.build import build_site
from calendar_feed.server.live import Publisher
from calendar_feed.source.validation import load_schedule
from tests.helpers import SHIPPED, session_of

ZONE = pytz.timezone("Asia/Shanghai")
TALK_DAY = "2024-09-25"
MORNING = ZONE.localize(dt.datetime(2024, 9, 25, 8, 0))
"""Four hours before the 2024-09-25 talk."""
WARNING = (
    'sessions[2].date: warning: late change: "陈畅: Centauri v2" (Wed 2024-09-25 12:00) starts in '
    "4 hours; subscribers' calendars refresh only every 12 hours (Google: every 8 to 24 hours), "
    "so many will not see this change in time. Tell them directly: "
    "calendar-feed announce --date 2024-09-25"
)


def _retitle(events: Path) -> None:
    text = events.read_text(encoding="utf-8")
    start = text.index("    title: >-\n      Centauri")
    end = text.index("\n", text.index("Centauri", start))
    events.write_text(text[:start] + "    title: Centauri v2" + text[end:], encoding="utf-8")


def test_the_rule():
    series = load_schedule(SHIPPED).schedule.series
    assert late_window(series) == dt.timedelta(hours=24)
    start = MORNING + dt.timedelta(hours=4)
    end = start + dt.timedelta(minutes=90)
    assert is_late(start, end, MORNING, series)
    assert is_late(start, end, start + dt.timedelta(minutes=30), series)  # under way
    assert not is_late(start, end, end, series)  # over
    assert not is_late(start, end, start - dt.timedelta(hours=25), series)
    longer = series.__class__(**{**series.__dict__, "refresh_hours": 48})
    assert is_late(start, end, start - dt.timedelta(hours=47), longer)


def test_build_warns_about_a_late_change(events: Path, tmp_path: Path):
    history = tmp_path / "events.history.json"
    early = MORNING - dt.timedelta(days=7)
    first = build_site(events, tmp_path / "site", history=history, now=early)
    assert not [w for w in first.warnings if "late change" in str(w)]
    _retitle(events)
    result = build_site(events, tmp_path / "site", history=history, now=MORNING)
    late = [str(w) for w in result.warnings if "late change" in str(w)]
    assert late == [f"{events}:50:11: {WARNING}"]
    calm = build_site(events, tmp_path / "site", history=history, now=MORNING)
    assert not [w for w in calm.warnings if "late change" in str(w)]  # nothing changed again


def test_a_change_a_week_ahead_is_not_late(events: Path, tmp_path: Path):
    history = tmp_path / "events.history.json"
    build_site(events, None, history=history, now=MORNING - dt.timedelta(days=14))
    _retitle(events)
    result = build_site(events, None, history=history, now=MORNING - dt.timedelta(days=7))
    assert not [w for w in result.warnings if "late change" in str(w)]


def _soon_file(events: Path, title: str) -> None:
    """A session tomorrow at noon and refresh_hours 48: always within the window from now."""
    tomorrow = dt.datetime.now(ZONE).date() + dt.timedelta(days=1)
    events.write_text(
        "calendar:\n  id: demo\n  name: Demo\n  timezone: Asia/Shanghai\n  refresh_hours: 48\n"
        f'sessions:\n  - date: {tomorrow}\n    start: "12:00"\n    end: "13:00"\n'
        f"    speaker: A\n    title: {title}\n",
        encoding="utf-8",
    )


def test_build_and_diff_commands_print_it(runner, tmp_path: Path):
    events = tmp_path / "events.yaml"
    _soon_file(events, "First")
    assert (
        runner.invoke(main, ["build", str(events), "--out", str(tmp_path / "site")]).exit_code == 0
    )
    _soon_file(events, "Second")
    tomorrow = dt.datetime.now(ZONE).date() + dt.timedelta(days=1)
    diff = runner.invoke(main, ["diff", str(events)])
    assert diff.exit_code == 0
    assert f'{events}:7:11: sessions[0].date: warning: late change: "A: Second"' in diff.stderr
    assert "refresh only every 48 hours" in diff.stderr
    assert f"Tell them directly: calendar-feed announce --date {tomorrow}" in diff.stderr
    build = runner.invoke(main, ["build", str(events), "--out", str(tmp_path / "site")])
    assert build.exit_code == 0
    assert 'warning: late change: "A: Second"' in build.stderr


def test_the_live_server_logs_it(events: Path, tmp_path: Path, caplog):
    history = tmp_path / "events.history.json"
    build_site(events, None, history=history, now=MORNING - dt.timedelta(days=7))
    wall = [MORNING.timestamp()]
    publisher = Publisher(
        events, history_file=history, check_interval=0, settle=0, wall_clock=lambda: wall[0]
    )
    _retitle(events)
    os.utime(events, (wall[0] - 60, wall[0] - 60))
    with caplog.at_level(logging.WARNING):
        publisher.check()
    assert WARNING in caplog.text
    assert session_of(publisher.state().version.schedule, TALK_DAY).title == "Centauri v2"


def test_removed_sessions_count_too(tmp_path: Path):
    loaded = load_schedule(SHIPPED)
    from calendar_feed.history import publish

    history, _ = publish(None, loaded.schedule, MORNING - dt.timedelta(days=3))
    fewer = loaded.schedule.__class__(
        loaded.schedule.series, tuple(s for s in loaded.schedule.sessions if s.key != TALK_DAY)
    )
    changes = plan(history, fewer)
    (warning,) = late_change_warnings(changes, fewer.series, MORNING)
    assert warning.message.startswith('late change: "陈畅: Centauri')
