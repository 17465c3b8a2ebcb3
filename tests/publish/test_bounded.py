"""A series that lives for years: its feed, page, poster and events.json keep a window of
past sessions (calendar.feed_window, a year by default); archive.ics and archive.json
keep every session; a file people open that passes about 1 MB anyway is warned about."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from calendar_feed.cli import main
from calendar_feed.publish.build import build_site
from calendar_feed.site.budget import SIZE_BUDGET_BYTES
from tests.helpers import SHIPPED, uids, vevents

FIRST = dt.date(2015, 1, 7)  # a Wednesday


def _series(path: Path, weeks: int, first: dt.date = FIRST, calendar: str = "", text: str = ""):
    """A weekly series of ``weeks`` talks from ``first``; ``text`` as every abstract."""
    lines = [
        "calendar:\n  id: long\n  name: Long Seminar\n  timezone: Europe/Berlin\n",
        f"  base_url: https://example.edu/long/\n{calendar}",
        'defaults:\n  start: "16:00"\n  end: "17:00"\n  location: Room 1\nsessions:\n',
    ]
    for week in range(weeks):
        day = first + dt.timedelta(weeks=week)
        lines.append(f"  - date: {day}\n    speaker: Speaker {week}\n    title: Talk {week}\n")
        if text:
            lines.append(f"    abstract: {text}\n")
    path.write_text("".join(lines), encoding="utf-8")
    return [first + dt.timedelta(weeks=week) for week in range(weeks)]


def _uids(days: list[dt.date]) -> list[str]:
    return [f"long-{day}@calendar-feed" for day in days]


def _build(events: Path, today: dt.date) -> dict[str, bytes]:
    return dict(build_site(events, None, history=None, today=today).files)


def _listed(page: bytes) -> list[str]:
    return re.findall(r'<li id="s-([0-9-]+)"', page.decode())


def test_feed_page_and_json_keep_a_year_and_the_archives_keep_everything(tmp_path: Path):
    events = tmp_path / "events.yaml"
    days = _series(events, 520)  # 2015-01-07 to 2024-12-18
    files = _build(events, today=dt.date(2024, 6, 5))
    kept = [d for d in days if d >= dt.date(2023, 6, 6)]  # a year back, and all upcoming
    assert uids(files["calendar.ics"]) == _uids(kept)
    assert uids(files["archive.ics"]) == _uids(days)
    assert [e["id"] for e in json.loads(files["events.json"])["sessions"]] == list(map(str, kept))
    archive = json.loads(files["archive.json"])["sessions"]
    assert [e["id"] for e in archive] == list(map(str, days))
    assert sorted(_listed(files["index.html"])) == list(map(str, kept))
    page = files["index.html"].decode()
    assert (
        f"{len(days) - len(kept)} more sessions, further back or further ahead than this page "
        'shows, are in the complete archive: <a href="archive.ics">archive.ics</a> (iCalendar) '
        'and <a href="archive.json">archive.json</a>.'
    ) in page
    poster = files["poster.html"].decode()
    assert "Talk 438<" not in poster  # 2023-06-07, Talk 439, is the oldest session kept
    assert "Talk 439<" in poster
    assert "Talk 519" in poster
    # The archive is a download, not the subscribed feed: it has no SOURCE of its own.
    assert b"SOURCE;VALUE=URI:https://example.edu/long/calendar.ics" in files["calendar.ics"]
    assert b"SOURCE" not in files["archive.ics"]
    # Every event is the same in both: only which events each holds differs.
    archived = {str(e["UID"]): e.to_ical() for e in vevents(files["archive.ics"])}
    assert all(archived[str(e["UID"])] == e.to_ical() for e in vevents(files["calendar.ics"]))


def test_calendar_feed_window_narrows_it(tmp_path: Path):
    events = tmp_path / "events.yaml"
    days = _series(events, 100, calendar="  feed_window: 30\n")
    today = days[60]
    files = _build(events, today=today)
    kept = [d for d in days if d >= today - dt.timedelta(days=30)]
    assert uids(files["calendar.ics"]) == _uids(kept)
    assert len(uids(files["archive.ics"])) == 100


def test_a_series_that_pauses_keeps_its_last_year(tmp_path: Path):
    """The window counts back from the last session once it is past: no feed empties."""
    events = tmp_path / "events.yaml"
    days = _series(events, 300)  # to 2020-09-30
    files = _build(events, today=dt.date(2026, 12, 3))
    kept = [d for d in days if d >= days[-1] - dt.timedelta(days=365)]
    assert len(kept) == 53
    assert uids(files["calendar.ics"]) == _uids(kept)
    assert sorted(_listed(files["index.html"])) == list(map(str, kept))


def test_the_page_looks_as_far_ahead_as_back_and_the_feed_keeps_every_upcoming_session(
    tmp_path: Path,
):
    events = tmp_path / "events.yaml"
    days = _series(events, 200, first=dt.date(2025, 1, 1))  # planned almost four years ahead
    today = dt.date(2025, 1, 1)
    files = _build(events, today=today)
    assert uids(files["calendar.ics"]) == _uids(days)
    shown = [d for d in days if d <= today + dt.timedelta(days=365)]
    assert sorted(_listed(files["index.html"])) == list(map(str, shown))
    assert f"{len(days) - len(shown)} more sessions" in files["index.html"].decode()


def test_the_shipped_site_keeps_every_session_and_says_nothing_of_archives():
    files = _build(SHIPPED, today=dt.date(2026, 12, 3))  # two years after its one term
    assert uids(files["calendar.ics"]) == uids(files["archive.ics"])
    assert len(_listed(files["index.html"])) == 18
    assert b"complete archive" not in files["index.html"]


def test_files_people_open_past_about_1_mb_are_warned_about_with_what_they_hold(
    runner, tmp_path: Path
):
    events = tmp_path / "events.yaml"
    _series(events, 300, first=dt.date(2024, 1, 3), text="Long words. " * 700)
    out = tmp_path / "site"
    result = runner.invoke(
        main, ["build", str(events), "--out", str(out), "--no-history", "--today", "2025-06-04"]
    )
    assert result.exit_code == 0, result.output
    size = {name: (out / name).stat().st_size for name in ("calendar.ics", "index.html")}
    assert min(size.values()) > SIZE_BUDGET_BYTES
    # 2024-06-05 to 2025-05-28: 52 past sessions; 2025-06-04 to 2029-09-26: 226 upcoming.
    assert (
        f"{out}/calendar.ics: warning: feed is {size['calendar.ics'] / 1024:,.0f} KB, past the "
        "about 1 MB where Google Calendar stops importing subscribed feeds; it holds 52 past "
        "sessions (`feed_window`: 365 days) and 226 upcoming ones"
    ) in result.stderr.splitlines()
    assert (
        f"{out}/index.html: warning: page is {size['index.html'] / 1024:,.0f} KB, past the "
        "about 1 MB where phones and scripts slow down; it holds 52 past sessions "
        "(`feed_window`: 365 days) and 53 upcoming ones"
    ) in result.stderr.splitlines()
    assert "archive" not in result.stderr
