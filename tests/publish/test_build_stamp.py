"""A rebuild with nothing to do says so and leaves the site alone; any change rebuilds."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from calendar_feed.cli import main
from calendar_feed.publish.stamp import STAMP_FILE
from tests.helpers import site_files

NOTHING = "Nothing changed since the last build of {out}/; left as it was.\n"


def build(runner, *args: str) -> str:
    result = runner.invoke(main, ["build", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_an_unchanged_rebuild_does_nothing_and_says_so(tmp_path, events, runner):
    out = tmp_path / "site"
    assert build(runner, str(events), "--out", str(out)).startswith(f"Built {out}/:")
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*")}
    assert build(runner, str(events), "--out", str(out)) == NOTHING.format(out=out)
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*")} == before
    assert json.loads((out / STAMP_FILE).read_text())["inputs"]


def test_the_check_imports_none_of_the_rendering_libraries(tmp_path, events):
    out = tmp_path / "site"
    command = [sys.executable, "-m", "calendar_feed", "build", str(events), "--out", str(out)]
    subprocess.run(command, check=True, capture_output=True)
    probe = (
        "import sys, runpy; sys.argv = ['calendar-feed', *sys.argv[1:]]\n"
        "try:\n    runpy.run_module('calendar_feed', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "heavy = {'icalendar', 'yaml', 'pytz', 'jinja2', 'flask', 'holidays', 'segno', 'email'}\n"
        "print(sorted(heavy & {m.split('.')[0] for m in sys.modules}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, "build", str(events), "--out", str(out)],
        check=True,
        capture_output=True,
        text=True,
    )
    assert result.stdout == NOTHING.format(out=out) + "[]\n"


def test_a_plain_build_imports_no_server_mail_or_holiday_library(tmp_path, events):
    probe = (
        "import sys, runpy; sys.argv = ['calendar-feed', *sys.argv[1:]]\n"
        "try:\n    runpy.run_module('calendar_feed', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "print(sorted({'flask', 'holidays', 'segno', 'email'} & {m.split('.')[0] for m in sys.modules}))\n"
    )
    out = tmp_path / "site"
    result = subprocess.run(
        [sys.executable, "-c", probe, "build", str(events), "--out", str(out), "--no-history"],
        check=True,
        capture_output=True,
        text=True,
    )
    assert result.stdout.endswith("\n[]\n")
    assert result.stdout.startswith(f"Built {out}/:")


def test_an_edit_of_the_events_file_rebuilds(tmp_path, events, runner):
    out = tmp_path / "site"
    build(runner, str(events), "--out", str(out))
    events.write_text(events.read_text(encoding="utf-8").replace("Room", "Hall"), encoding="utf-8")
    assert build(runner, str(events), "--out", str(out)).startswith(f"Built {out}/:")


def test_other_options_rebuild(tmp_path, events, runner):
    out = tmp_path / "site"
    build(runner, str(events), "--out", str(out))
    output = build(runner, str(events), "--out", str(out), "--base-url", "https://example.org/")
    assert output.startswith(f"Built {out}/:")
    assert b"https://example.org/" in (out / "calendar.ics").read_bytes()


def test_a_changed_or_missing_site_file_rebuilds_it(tmp_path, events, runner):
    out = tmp_path / "site"
    build(runner, str(events), "--out", str(out))
    first = site_files(out)
    (out / "calendar.ics").write_bytes(b"broken")
    assert build(runner, str(events), "--out", str(out)).startswith(f"Built {out}/:")
    (out / "events.json").unlink()
    assert build(runner, str(events), "--out", str(out)).startswith(f"Built {out}/:")
    assert site_files(out) == first


def test_a_new_day_rebuilds(tmp_path, events, runner):
    out = tmp_path / "site"
    build(runner, str(events), "--out", str(out))
    stamp = out / STAMP_FILE
    data = json.loads(stamp.read_text())
    data["valid_until"] = 0  # as if the day it was built for had ended
    stamp.write_text(json.dumps(data))
    os.utime(stamp)
    assert build(runner, str(events), "--out", str(out)).startswith(f"Built {out}/:")


def test_the_history_is_part_of_the_key(tmp_path, events, runner):
    out = tmp_path / "site"
    history = tmp_path / "h.json"
    build(runner, str(events), "--out", str(out), "--history", str(history))
    saved = history.read_bytes()
    assert build(runner, str(events), "--out", str(out), "--history", str(history)) == (
        NOTHING.format(out=out)
    )
    assert history.read_bytes() == saved
    history.write_bytes(saved.replace(b"{", b"{ ", 1))  # same history, other bytes
    output = build(runner, str(events), "--out", str(out), "--history", str(history))
    assert output.startswith(f"Built {out}/:")


def test_warnings_are_shown_again(tmp_path, events, runner):
    text = events.read_text(encoding="utf-8")
    events.write_text(text.replace("- date: 2024-09-11", "- date: 2024-09-12", 1), encoding="utf-8")
    out = tmp_path / "site"
    first = runner.invoke(main, ["build", str(events), "--out", str(out)])
    again = runner.invoke(main, ["build", str(events), "--out", str(out)])
    assert "2024-09-12 is a Thursday" in first.stderr
    assert (again.exit_code, again.stderr, again.stdout) == (
        0,
        first.stderr,
        NOTHING.format(out=out),
    )
