"""`calendar-feed new-semester`: the next term from the current file, holidays from `holidays`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from calendar_feed.cli import main
from calendar_feed.organize.new_semester import archive_name, semester_label, weekly_slots
from calendar_feed.source.validation import load_schedule
from tests.helpers import SHIPPED, TODAY

AUTUMN = ["--start", "2025-09-10", "--end", "2026-01-07", "--holidays", "CN"]


def test_autumn_2025_from_the_shipped_file(runner, events: Path, tmp_path: Path):
    out = tmp_path / "autumn.yaml"
    result = runner.invoke(
        main, ["new-semester", str(events), *AUTUMN, "--out", str(out), "--today", "2025-09-01"]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"Wrote {out}: 2025秋, 18 sessions (0 talks, 2 cancelled, 16 open slots)",
        "  2025-10-01 Wed: cancelled (国庆节)",
        "  2025-10-08 Wed: cancelled (休息日（由 2025-10-11 调休）)",
    ]
    schedule = load_schedule(out).schedule
    shipped = load_schedule(SHIPPED).schedule
    assert schedule.series.id == shipped.series.id  # subscribers keep one calendar
    assert schedule.series.semester == "2025秋"
    assert schedule.series.description == "本学期（2025秋）应用数学拔尖计划将开展午餐会。"
    assert schedule.series.organizers == shipped.series.organizers
    dates = [s.date for s in schedule.sessions]
    assert dates[0] == dt.date(2025, 9, 10)
    assert dates[-1] == dt.date(2026, 1, 7)
    assert all(d.weekday() == 2 for d in dates)
    assert len(dates) == 18
    cancelled = {s.date: s.reason for s in schedule.sessions if s.is_cancelled}
    assert cancelled == {
        dt.date(2025, 10, 1): "国庆节",
        dt.date(2025, 10, 8): "休息日（由 2025-10-11 调休）",
    }
    assert all(s.is_open for s in schedule.sessions if s.date not in cancelled)
    assert (schedule.sessions[0].start.hour, schedule.sessions[0].location) == (
        12,
        "地点待定 / Room to be announced",
    )
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# events.yaml: the one source of truth")
    assert "  # Short id used in event UIDs" in text
    assert events.read_bytes() == SHIPPED.read_bytes()  # --out leaves FILE alone


def test_without_out_the_old_term_is_archived(runner, events: Path):
    history = events.with_name("events.history.json")
    assert (
        runner.invoke(main, ["build", str(events), "--out", str(events.parent / "site")]).exit_code
        == 0
    )
    result = runner.invoke(main, ["new-semester", str(events), *AUTUMN, "--today", "2025-09-01"])
    assert result.exit_code == 0, result.output
    archive = events.with_name("events-2024-autumn.yaml")
    assert archive.read_bytes() == SHIPPED.read_bytes()
    assert events.with_name("events-2024-autumn.history.json").is_file()
    assert not history.exists()  # the new term starts a fresh history: no old UID is "removed"
    assert load_schedule(events).schedule.series.semester == "2025秋"
    taken = events.with_name("events-2025-autumn.yaml")
    taken.write_text("kept", encoding="utf-8")
    before = events.read_bytes()
    again = runner.invoke(main, ["new-semester", str(events), *AUTUMN, "--today", "2025-09-01"])
    assert again.exit_code == 1
    assert f"Error: {taken} already exists; give --out NEW.yaml instead" in again.output
    assert taken.read_text(encoding="utf-8") == "kept"
    assert events.read_bytes() == before


def test_skip_weekday_semester_and_warnings(runner, events: Path, tmp_path: Path):
    out = tmp_path / "spring.yaml"
    result = runner.invoke(
        main,
        [
            "new-semester", str(events), "--start", "2024-09-01", "--end", "2024-10-31",
            "--weekday", "thu", "--skip", "2024-09-26:运动会", "--skip", "2024-10-10",
            "--semester", "2024秋季", "--out", str(out), "--today", str(TODAY),
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "warning: --start 2024-09-01 is in the past (today is 2024-09-20)" in result.stderr
    schedule = load_schedule(out).schedule
    assert schedule.series.semester == "2024秋季"
    assert {s.date.weekday() for s in schedule.sessions} == {3}
    cancelled = {s.date: s.reason for s in schedule.sessions if s.is_cancelled}
    assert cancelled == {dt.date(2024, 9, 26): "运动会", dt.date(2024, 10, 10): ""}
    held = runner.invoke(
        main,
        ["new-semester", str(events), "--start", "2024-09-11", "--end", "2024-09-18", "--out", "-",
         "--today", "2024-09-01"],
    )  # fmt: skip
    assert held.exit_code == 0
    assert "warning: 2024-09-11 is already in the current file" in held.stderr
    assert "warning: 2024-09-18 is already in the current file" in held.stderr
    assert "  - date: 2024-09-11\n" in held.stdout


def test_bad_options_are_refused(runner, events: Path):
    backwards = runner.invoke(
        main, ["new-semester", str(events), "--start", "2025-09-10", "--end", "2025-09-01"]
    )
    assert backwards.exit_code == 1
    assert (
        "Error: --end 2025-09-01 is before --start 2025-09-10; nothing written" in backwards.output
    )
    country = runner.invoke(main, ["new-semester", str(events), *AUTUMN[:4], "--holidays", "XX"])
    assert country.exit_code == 1
    assert "the holidays package knows no country 'XX'" in country.output
    weekday = runner.invoke(main, ["new-semester", str(events), *AUTUMN[:4], "--weekday", "t"])
    assert weekday.exit_code == 2
    assert "'t' is not a weekday" in weekday.output
    skip = runner.invoke(main, ["new-semester", str(events), *AUTUMN[:4], "--skip", "Oct 1"])
    assert skip.exit_code == 2
    assert "expected YYYY-MM-DD" in skip.output
    assert events.read_bytes() == SHIPPED.read_bytes()


def test_a_skip_on_a_day_without_a_session_is_named_in_a_warning(runner, events: Path):
    result = runner.invoke(
        main,
        ["new-semester", str(events), *AUTUMN, "--skip", "2025-10-16:运动会", "--skip",
         "2025-10-15:运动会", "--out", "-", "--today", "2025-09-01"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        "warning: --skip 2025-10-16 (Thursday) is not a session of the new term (every "
        "Wednesday from 2025-09-10 to 2026-01-07); nothing cancelled that day"
    ]
    assert "  - date: 2025-10-15\n    status: cancelled\n    reason: 运动会\n" in result.stdout


def test_dates_past_2200_are_refused_at_once(runner, events: Path):
    result = runner.invoke(
        main, ["new-semester", str(events), "--start", "2025-09-10", "--end", "9999-12-31"]
    )
    assert result.exit_code == 2
    assert "Error: Invalid value for '--end': \"9999-12-31\" is outside the years 1900–2200" in (
        result.stderr
    )
    assert events.read_bytes() == SHIPPED.read_bytes()


def test_out_naming_file_itself_archives_the_old_term(runner, events: Path, monkeypatch):
    assert (
        runner.invoke(main, ["build", str(events), "--out", str(events.parent / "site")]).exit_code
        == 0
    )
    monkeypatch.chdir(events.parent)
    result = runner.invoke(
        main,
        ["new-semester", "events.yaml", *AUTUMN, "--out", "./events.yaml", "--today", "2025-09-01"],
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == (
        "Archived the old term as events-2024-autumn.yaml (history: "
        "events-2024-autumn.history.json)"
    )
    assert events.with_name("events-2024-autumn.yaml").read_bytes() == SHIPPED.read_bytes()
    assert events.with_name("events-2024-autumn.history.json").is_file()
    assert not events.with_name("events.history.json").exists()
    assert load_schedule(events).schedule.series.semester == "2025秋"


def test_out_naming_the_history_is_refused(runner, events: Path):
    history = events.with_name("events.history.json")
    result = runner.invoke(main, ["new-semester", str(events), *AUTUMN, "--out", str(history)])
    assert result.exit_code == 2
    assert (
        f"Error: Invalid value for '--out': {history} is the revision history of {events}; give "
        "the new term another name"
    ) in result.stderr
    assert not history.exists()
    assert events.read_bytes() == SHIPPED.read_bytes()


def test_other_countries_and_labels():
    us = weekly_slots(dt.date(2025, 7, 1), dt.date(2025, 7, 10), 4)
    assert us == [dt.date(2025, 7, 4)]
    assert semester_label(dt.date(2025, 2, 19), "2024秋") == "2025春"
    assert semester_label(dt.date(2026, 1, 5), "2025秋") == "2025秋"
    assert semester_label(dt.date(2025, 9, 1), "Spring 2025", "en") == "Autumn 2025"
    assert archive_name(load_schedule(SHIPPED).schedule) == "events-2024-autumn.yaml"


def test_us_holidays_cancel_independence_day(runner, events: Path, tmp_path: Path):
    out = tmp_path / "summer.yaml"
    result = runner.invoke(
        main,
        ["new-semester", str(events), "--start", "2025-07-01", "--end", "2025-07-31",
         "--weekday", "friday", "--holidays", "us", "--out", str(out), "--today", "2025-06-01"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    schedule = load_schedule(out).schedule
    assert [(s.date, s.reason) for s in schedule.sessions if s.is_cancelled] == [
        (dt.date(2025, 7, 4), "Independence Day")
    ]


def test_archive_names_and_empty_terms(runner, write_events):
    path = write_events(
        """\
        calendar:
          id: demo
          name: Demo
          timezone: UTC
          semester: Fall 2025
        defaults:
          start: "12:00"
          end: "13:00"
        sessions:
          - date: 2025-09-03
        """
    )
    schedule = load_schedule(path).schedule
    assert archive_name(schedule) == "events-2025-autumn.yaml"
    unlabeled = schedule.__class__(schedule.series.__class__(id="d", name="D"), schedule.sessions)
    assert archive_name(unlabeled, "talks") == "talks-2025-09.yaml"
    nothing = runner.invoke(
        main, ["new-semester", str(path), "--start", "2025-09-04", "--end", "2025-09-05",
               "--weekday", "wednesday"],
    )  # fmt: skip
    assert nothing.exit_code == 1
    assert "Error: no Wednesday from 2025-09-04 to 2025-09-05; nothing written" in nothing.output
    english = runner.invoke(
        main, ["new-semester", str(path), "--start", "2026-02-04", "--end", "2026-02-28",
               "--out", "-", "--today", "2026-01-01"],
    )  # fmt: skip
    assert english.exit_code == 0, english.output
    assert "  semester: Spring 2026\n" in english.stdout
