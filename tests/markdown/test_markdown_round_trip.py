"""export-markdown -> import-markdown keeps every UID: what the page cannot show travels
in an HTML comment block that Markdown renderers hide."""

from __future__ import annotations

import re
from pathlib import Path

from calendar_feed.cli import main
from calendar_feed.importing.importer import ImportOptions
from calendar_feed.importing.importer import import_source as import_page
from calendar_feed.markdown.exporter import render_markdown
from calendar_feed.markdown.hidden import BLOCK_START
from calendar_feed.source.validation import load_schedule
from tests.helpers import site_files

VARIED = """\
calendar:
  id: lab-talks
  name: Lab Talks
  description: Weekly talks of the lab (2025春).
  semester: 2025春
  timezone: Europe/Paris
  base_url: https://example.org/lab/
  refresh_hours: 6
  language: en
defaults:
  start: "16:00"
  end: "17:00"
  location: Room A -- ground floor <east>
sessions:
  - date: 2025-03-03
    id: kickoff
    speaker: Alice
    title: Opening
  - date: 2025-03-10
    start: "10:00"
    end: "11:30"
    location: Main hall
  - date: 2025-03-17
  - date: 2025-03-17
    id: second-talk
    speaker: Bob
    title: Two on one day
  - date: 2025-03-24
    status: cancelled
    reason: holiday
"""


def round_trip(path: Path, runner, *options: str) -> Path:
    page = path.with_name("page.md")
    back = path.with_name("back.yaml")
    exported = runner.invoke(main, ["export-markdown", str(path), "--out", str(page)])
    assert exported.exit_code == 0, exported.output
    imported = runner.invoke(main, ["import-markdown", str(page), "--out", str(back), *options])
    assert imported.exit_code == 0, imported.output
    return back


def test_shipped_file_round_trips_to_a_byte_identical_site(shipped_copy, runner, tmp_path):
    back = round_trip(shipped_copy, runner)
    sites = {}
    for name, source in (("original", shipped_copy), ("round-trip", back)):
        out = tmp_path / name
        args = ["build", str(source), "--out", str(out), "--no-history", "--today", "2024-09-20"]
        result = runner.invoke(main, args)
        assert result.exit_code == 0, result.output
        sites[name] = site_files(out)
    assert sites["round-trip"]["calendar.ics"] == sites["original"]["calendar.ics"]
    assert sites["round-trip"] == sites["original"]  # every file, the page and JSON too
    assert b"UID:pku-am-lunch-2024-09-11@calendar-feed" in sites["original"]["calendar.ics"]


def test_ids_times_rooms_zone_and_url_survive(write_events, runner):
    path = write_events(VARIED)
    back = round_trip(path, runner)
    assert load_schedule(back).schedule == load_schedule(path).schedule


def test_the_block_is_a_valid_comment_a_renderer_hides(write_events):
    page = render_markdown(load_schedule(write_events(VARIED)).schedule)
    visible, start, hidden = page.partition(BLOCK_START)
    assert "lab-talks" not in visible
    assert "Europe/Paris" not in visible
    comment = start + hidden
    assert comment.endswith("\n-->\n")
    body = comment.removeprefix("<!--").removesuffix("-->\n")
    # CommonMark ends an HTML comment block at the first "-->"; HTML forbids "--" inside.
    assert "--" not in body
    assert "<" not in body
    assert ">" not in body.removesuffix("\n")
    assert re.search(r'"location": "Room A -\\u002d ground floor \\u003ceast\\u003e"', body)


def test_options_still_override_the_block(write_events, runner):
    path = write_events(VARIED)
    back = round_trip(
        path, runner, "--id", "new-id", "--timezone", "Asia/Tokyo", "--location", "Room B"
    )
    schedule = load_schedule(back).schedule
    assert schedule.series.id == "new-id"
    assert schedule.series.timezone == "Asia/Tokyo"
    by_key = {s.key: s for s in schedule.sessions}
    assert by_key["2025-03-17"].location == "Room B"  # the usual room, from --location
    assert by_key["2025-03-10"].location == "Main hall"  # a session's own room stays
    assert by_key["kickoff"].start.strftime("%H:%M") == "16:00"


def test_a_page_without_the_block_imports_as_before(write_events):
    page = render_markdown(load_schedule(write_events(VARIED)).schedule)
    visible = page.partition(BLOCK_START)[0]
    options = ImportOptions(timezone="Asia/Shanghai", start="16:00", end="17:00")
    imported = import_page(visible.encode("utf-8"), "page.md", options)
    series = imported.loaded.schedule.series
    assert (series.id, series.timezone, series.base_url) == ("lab-talks", "Asia/Shanghai", "")
    assert [s.key for s in imported.loaded.schedule.sessions] == [
        "2025-03-03",
        "2025-03-10",
        "2025-03-17",
        "2025-03-17-2",
        "2025-03-24",
    ]


def test_a_broken_block_is_reported_and_ignored(write_events):
    page = render_markdown(load_schedule(write_events(VARIED)).schedule)
    broken = page.replace('"calendar": {', '"calendar": {{', 1)
    line = broken[: broken.index(BLOCK_START)].count("\n") + 1
    options = ImportOptions(timezone="Asia/Shanghai", start="16:00", end="17:00")
    imported = import_page(broken.encode("utf-8"), "page.md", options)
    messages = [str(w) for w in imported.warnings]
    assert any(
        m.startswith(f"page.md:{line}: warning: cannot read the calendar-feed comment block")
        for m in messages
    ), messages
    assert imported.loaded.schedule.series.id == "lab-talks"  # from the title, as before


def test_a_block_naming_a_date_not_on_the_page_is_reported(write_events):
    page = render_markdown(load_schedule(write_events(VARIED)).schedule)
    edited = page.replace("1. Mar 10\n", "1. Mar 11\n")
    imported = import_page(edited.encode("utf-8"), "page.md", ImportOptions())
    messages = [str(w) for w in imported.warnings]
    assert any(
        "the calendar-feed comment block names 2025-03-10, not on the page; ignored" in m
        for m in messages
    ), messages
    keys = [s.key for s in imported.loaded.schedule.sessions]
    assert keys == ["kickoff", "2025-03-11", "2025-03-17", "second-talk", "2025-03-24"]
