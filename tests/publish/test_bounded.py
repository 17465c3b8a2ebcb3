"""A series that lives for years: its feed, page, poster and events.json keep a window of
past sessions (calendar.feed_window, a year by default) and then a byte budget (the
sessions nearest today that fit); archive.ics, archive.json and the archive pages by year
(or month) keep every session; build and validate say what the budget cut."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from calendar_feed.cli import main
from calendar_feed.publish.build import build_site, size_check
from calendar_feed.server.live import Publisher
from calendar_feed.server.web import create_app
from calendar_feed.site.budget import SIZE_BUDGET_BYTES, Cut, fit, noting
from calendar_feed.site.merge import Site, load_site
from tests.helpers import DEPARTMENT, SHIPPED, uids, vevents

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


def _build(events: Path, today: dt.date, budget: int = SIZE_BUDGET_BYTES) -> dict[str, bytes]:
    return dict(build_site(events, None, history=None, today=today, budget=budget).files)


def _ids(data: bytes) -> list[str]:
    return [e["id"] for e in json.loads(data)["sessions"]]


def _nearest(days: list[dt.date], today: dt.date) -> list[dt.date]:
    """``days`` nearest ``today`` first; at the same distance the upcoming one first."""
    return sorted(days, key=lambda day: (abs((day - today).days), day < today))


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
    assert not any("/" in path and not path.startswith("events/") for path in files)
    assert b'id="terms"' not in files["index.html"]


def test_past_the_budget_feed_json_and_page_keep_the_sessions_nearest_today_that_fit(
    tmp_path: Path,
):
    events = tmp_path / "events.yaml"
    days = _series(events, 100, text="Long words. " * 40)  # 2015-01-07 to 2016-12-07
    today = days[50]  # every session is in the window: a year back, and all upcoming
    budget = 40_000
    result = build_site(events, None, history=None, today=today, budget=budget)
    files = result.files
    kept = {
        "calendar.ics": [dt.date.fromisoformat(u[5:15]) for u in uids(files["calendar.ics"])],
        "events.json": [dt.date.fromisoformat(i) for i in _ids(files["events.json"])],
        "index.html": [dt.date.fromisoformat(i) for i in _listed(files["index.html"])],
    }
    ranked = _nearest(days, today)
    for name, held in kept.items():
        assert len(files[name]) <= budget, name
        assert 5 < len(held) < 100, name
        assert sorted(held) == sorted(ranked[: len(held)]), name  # the nearest, no others
    # Measured on the rendered bytes: a budget of exactly the feed's size keeps the same
    # feed, one byte less keeps fewer sessions.
    feed = files["calendar.ics"]
    assert _build(events, today, len(feed))["calendar.ics"] == feed
    assert len(uids(_build(events, today, len(feed) - 1)["calendar.ics"])) < len(
        kept["calendar.ics"]
    )
    # The archives keep everything; the page says how many it leaves to them.
    assert len(uids(files["archive.ics"])) == 100
    left = 100 - len(kept["index.html"])
    assert f"{left} more sessions, further back or further ahead" in files["index.html"].decode()
    held = kept["calendar.ics"]
    past = sum(d < today for d in days) - sum(d < today for d in held)
    assert (
        f"calendar.ics: warning: feed keeps {len(held)} sessions, from {held[0]} to {held[-1]}, "
        "to stay within 39 KB (at about 1 MB Google Calendar stops importing subscribed "
        f"feeds); {past} earlier and {100 - len(held) - past} later ones it would hold "
        "(`feed_window`: 365 days) are only in the archive files"
    ) in [str(w) for w in result.warnings]
    assert {w.position.file for w in result.warnings} == set(kept)


def test_at_the_same_distance_the_upcoming_session_stays():
    week = dt.timedelta(weeks=1)
    today = FIRST + 10 * week
    days = [FIRST + n * week for n in range(21)]
    with noting() as cuts:
        kept = fit(days, lambda d: d, today, lambda held: b"x" * 10 * len(held), budget=25)
    assert kept == b"x" * 20
    assert cuts == [
        Cut(kept=2, first=today, last=today + week, dropped_past=10, dropped_upcoming=9)
    ]


def test_validate_warns_with_the_numbers_a_build_would_cut(runner, tmp_path: Path):
    events = tmp_path / "events.yaml"
    days = _series(events, 150, first=dt.date(2090, 1, 4), text="Long words. " * 700)
    built = build_site(events, None, history=None).files  # all upcoming, whatever today is
    feed = [dt.date.fromisoformat(u[5:15]) for u in uids(built["calendar.ics"])]
    data = [dt.date.fromisoformat(i) for i in _ids(built["events.json"])]
    assert feed == days[: len(feed)]
    assert data == days[: len(data)]
    result = runner.invoke(main, ["validate", str(events)])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        f"calendar.ics: warning: feed keeps {len(feed)} sessions, from {feed[0]} to {feed[-1]}, "
        "to stay within 900 KB (at about 1 MB Google Calendar stops importing subscribed "
        f"feeds); 0 earlier and {150 - len(feed)} later ones it would hold (`feed_window`: "
        "365 days) are only in the archive files",
        f"events.json: warning: file keeps {len(data)} sessions, from {data[0]} to {data[-1]}, "
        "to stay within 900 KB (at about 1 MB phones and scripts slow down); 0 earlier and "
        f"{150 - len(data)} later ones it would hold (`feed_window`: 365 days) are only in the "
        "archive files",
    ]
    assert result.stdout == f"{events}: OK, 150 sessions (150 talks, 0 cancelled, 0 open slots)\n"


def test_a_long_series_has_an_archive_page_per_year_or_per_month_when_a_year_is_too_large(
    tmp_path: Path,
):
    events = tmp_path / "events.yaml"
    days = _series(events, 150, text="Long words. " * 40)  # 2015-01-07 to 2017-11-22
    files = _build(events, today=dt.date(2017, 6, 7))
    years = {"2015": 52, "2016": 52, "2017": 46}
    for year, count in years.items():
        assert sorted(_listed(files[f"{year}/index.html"])) == [
            str(d) for d in days if str(d.year) == year
        ]
        assert len(uids(files[f"{year}/calendar.ics"])) == count
    page = files["index.html"].decode()
    links = re.findall(r'<a class="term" href="([0-9-]+)/index.html">', page)
    assert links == ["2017", "2016", "2015"]
    # A budget a year's page passes: the archive pages are the months, each within it.
    budget = 40_000
    files = _build(events, today=dt.date(2017, 6, 7), budget=budget)
    months = re.findall(
        r'<a class="term" href="([0-9-]+)/index.html">', files["index.html"].decode()
    )
    assert (months[0], months[-1], len(months)) == ("2017-11", "2015-01", 35)
    listed = [d for month in months for d in _listed(files[f"{month}/index.html"])]
    assert sorted(listed) == list(map(str, days))
    assert max(len(files[f"{month}/index.html"]) for month in months) <= budget
    march = files["2016-03/calendar.ics"]
    assert uids(march) == _uids([d for d in days if (d.year, d.month) == (2016, 3)])
    assert "2016/index.html" not in files


def test_a_file_that_passes_the_budget_anyway_is_warned_about(tmp_path: Path):
    result = build_site(
        DEPARTMENT / "site.yaml", None, history=None, today=dt.date(2025, 3, 1), budget=4_000
    )
    size = len(result.files["index.html"])
    warnings = {str(w.position.file): w.message for w in result.warnings}
    # The department page without a single session is still past the budget: it keeps
    # none of its 5 upcoming sessions, and says how large it is even so.
    assert warnings["index.html"] == (
        "page keeps 0 sessions, from none to none, to stay within 3 KB (at about 1 MB phones "
        "and scripts slow down); 0 earlier and 5 later ones it would hold (`feed_window`: "
        f"180 days) are only in the archive files; even so it is {size / 1024:,.0f} KB"
    )
    assert size > 4_000
    assert len(result.files["calendar.ics"]) <= 4_000
    assert warnings["calendar.ics"].startswith("feed keeps ")
    assert "even so" not in warnings["calendar.ics"]


def test_department_pages_keep_the_nearest_upcoming_sessions_within_the_budget(tmp_path: Path):
    """A department's page, a series' page and the embed list upcoming sessions only up
    to a count; long abstracts could still take them past the budget: they keep the
    sessions nearest today that fit, and name how many more there are."""
    (tmp_path / "long").mkdir()
    days = _series(tmp_path / "long" / "events.yaml", 60, first=dt.date(2030, 1, 2),
                   text="Long words. " * 300)  # fmt: skip
    (tmp_path / "site.yaml").write_text(
        "site:\n  name: Dept\n  base_url: https://example.edu/d/\nseries:\n  - long/events.yaml\n",
        encoding="utf-8",
    )
    budget = 15_000  # a few of the series page's items, and a few dozen short ones
    result = build_site(
        tmp_path / "site.yaml", None, history=None, today=dt.date(2030, 1, 1), budget=budget
    )
    files, warned = result.files, {str(w.position.file): w.message for w in result.warnings}
    department = files["index.html"].decode()
    listed = re.findall(r'<li class="session [a-z]+" id="long-s-([0-9-]+)"', department)
    assert 0 < len(listed) < 60
    assert listed == [str(day) for day in days[: len(listed)]]  # the nearest, in order
    assert len(files["index.html"]) <= budget
    assert f"{60 - len(listed)} more later; see each series' page." in department
    assert warned["index.html"].startswith(f"page keeps {len(listed)} sessions, from 2030-01-02")
    series = files["long/index.html"]
    assert len(series) <= budget
    assert 0 < len(_listed(series)) < 60
    assert _listed(series) == [str(day) for day in days[: len(_listed(series))]]
    kept = len(_listed(series))
    noun = "session" if kept == 1 else "sessions"
    assert warned["long/index.html"].startswith(f"page keeps {kept} {noun}, from 2030-01-02")
    assert len(files["embed.html"]) <= budget
    assert set(warned) >= {"index.html", "long/index.html"}


def test_an_archive_page_past_the_budget_even_by_month_is_warned_about(tmp_path: Path):
    """No archive page is split finer than a month: one that still passes the budget is
    named, by build and by validate, with its size and sessions."""
    events = tmp_path / "events.yaml"
    days = _series(events, 150, text="Long words. " * 40)
    budget = 12_000  # below a month of these sessions
    result = build_site(events, None, history=None, today=dt.date(2017, 6, 7), budget=budget)
    warned = {str(w.position.file): w.message for w in result.warnings}
    march = [d for d in days if (d.year, d.month) == (2016, 3)]
    size = len(result.files["2016-03/index.html"])
    assert size > budget
    assert warned["2016-03/index.html"] == (
        f"page is {size / 1024:,.0f} KB, past the about 1 MB where phones and scripts slow "
        f"down; it is the archive of 2016-03 and lists all its {len(march)} sessions"
    )
    months = {d.strftime("%Y-%m") for d in days}
    pages = {path for path in warned if path.endswith("/index.html")}
    assert pages == {
        f"{m}/index.html" for m in months if len(result.files[f"{m}/index.html"]) > budget
    }
    assert not any(path.endswith("/calendar.ics") and "/" in path for path in warned)
    checked = size_check(load_site(events, ""), today=dt.date(2017, 6, 7), budget=budget)
    assert {str(w.position.file): w.message for w in checked}["2016-03/index.html"] == (
        warned["2016-03/index.html"]
    )


def test_the_live_server_starts_a_new_version_each_day_while_the_budget_cuts_a_feed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Within a year (the window never drops a session), the sessions nearest today that
    fit the budget still change with the day."""
    events = tmp_path / "events.yaml"
    _series(events, 50, first=dt.date(2090, 1, 4), text="Long words. " * 2000)
    day = [dt.date(2090, 2, 1)]
    monkeypatch.setattr(Site, "today", lambda self: day[0])
    publisher = Publisher(events, check_interval=0, settle=0, history_file=None)
    before = publisher.state().version
    first = uids(before.files["calendar.ics"].body)
    assert 0 < len(first) < 50
    assert publisher.state().version is before
    day[0] = dt.date(2090, 9, 1)
    after = publisher.state().version
    assert after is not before
    later = uids(after.files["calendar.ics"].body)
    assert later[-1] > first[-1]


def test_the_live_server_serves_the_archive_pages_a_build_writes(tmp_path: Path):
    events = tmp_path / "events.yaml"
    _series(events, 150, text="Long words. " * 40)
    today = dt.date(2017, 6, 7)
    built = _build(events, today=today)
    app = create_app(
        {"EVENTS_FILE": str(events), "CHECK_INTERVAL": 0, "SETTLE_SECONDS": 0, "TODAY": str(today)}
    )
    client = app.test_client()
    page = client.get("/2016/index.html")
    assert (page.status_code, page.data) == (200, built["2016/index.html"])
    feed = client.get("/2016/calendar.ics")  # its own revision history: other DTSTAMPs
    assert (feed.status_code, uids(feed.data)) == (200, uids(built["2016/calendar.ics"]))
    assert b'href="2015/index.html"' in client.get("/").data


def test_a_build_and_a_live_version_split_the_archive_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Working out the archive pages renders every session of the series: the files,
    their size warnings and the live server's index of paths share one split."""
    from calendar_feed.site import pages

    events = tmp_path / "events.yaml"
    _series(events, 150, text="Long words. " * 40)
    today = dt.date(2017, 6, 7)
    rendered: list[int] = []
    real = pages.term_items
    monkeypatch.setattr(pages, "term_items", lambda *a: rendered.append(len(a[2])) or real(*a))
    result = build_site(events, tmp_path / "site", history=None, today=today)
    assert result.warnings == ()
    assert rendered == [52, 52, 46]  # each year's items once: 2015, 2016, 2017
    rendered.clear()
    app = create_app(
        {"EVENTS_FILE": str(events), "CHECK_INTERVAL": 0, "SETTLE_SECONDS": 0, "TODAY": str(today)}
    )
    assert app.test_client().get("/2016/index.html").status_code == 200
    assert rendered == [52, 52, 46]
