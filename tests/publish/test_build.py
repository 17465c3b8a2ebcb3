"""The static site on disk: complete, reproducible, and never half-replaced."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from icalendar import Calendar

from calendar_feed.cli import main
from calendar_feed.publish.site_dir import BuildError, write_site
from tests.helpers import site_files


def build(runner_args: list[str], runner) -> str:
    result = runner.invoke(main, runner_args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_build_writes_a_complete_site(tmp_path, shipped, shipped_copy, runner):
    out = tmp_path / "site"
    output = build(["build", str(shipped_copy), "--out", str(out), "--today", "2024-09-20"], runner)
    files = site_files(out)
    assert sorted(files) == sorted(
        [
            ".calendar-feed",
            "index.html",
            "poster.css",
            "poster.html",
            "style.css",
            "copy.js",
            "calendar.ics",
            "archive.ics",
            "events.json",
            "archive.json",
            "announcements.atom",
        ]
        + [f"events/{s.key}.ics" for s in shipped.sessions]
    )
    assert len([f for f in files if f.startswith("events/")]) == 18
    feed = Calendar.from_ical(files["calendar.ics"])
    assert len(feed.walk("VEVENT")) == 18
    one = Calendar.from_ical(files["events/2024-09-25.ics"])
    assert [str(e["UID"]) for e in one.walk("VEVENT")] == ["pku-am-lunch-2024-09-25@calendar-feed"]
    data = json.loads(files["events.json"])
    assert data["calendar"]["organizers"] == ["吴清玉", "沈城烽"]
    assert data["sessions"][9]["status"] == "open"
    assert data["sessions"][2]["start"] == "2024-09-25T12:00:00+08:00"
    assert data["sessions"][2]["uid"] == "pku-am-lunch-2024-09-25@calendar-feed"
    assert data["sessions"][3]["reason"] == "假期"
    assert "假期".encode() in files["events.json"]  # characters, not \u escapes
    # Put together from one piece per session, it is still what json.dumps writes.
    expected = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    assert files["events.json"].decode("utf-8") == expected
    assert output == (
        f"Built {out}/: 18 sessions (2 talks, 2 cancelled, 14 open slots); "
        f"calendar.ics is {len(files['calendar.ics']):,} bytes, 28 files in all\n"
        "Started the revision history with 18 events.\n"
    )
    assert (tmp_path / "events.history.json").is_file()
    assert (out / "index.html").stat().st_mode & 0o777 == 0o644
    assert out.stat().st_mode & 0o777 == 0o755


def test_build_without_history_is_reproducible(tmp_path, shipped_path, runner):
    for name in ("one", "two"):
        out = str(tmp_path / name)
        build(
            ["build", str(shipped_path), "--out", out, "--today", "2024-09-20", "--no-history"],
            runner,
        )
    assert site_files(tmp_path / "one") == site_files(tmp_path / "two")


def test_feed_does_not_depend_on_the_build_date(tmp_path, shipped_path, runner):
    for day in ("2024-09-01", "2025-06-01"):
        build(
            [
                "build",
                str(shipped_path),
                "--out",
                str(tmp_path / day),
                "--today",
                day,
                "--no-history",
            ],
            runner,
        )
    first, second = site_files(tmp_path / "2024-09-01"), site_files(tmp_path / "2025-06-01")
    assert first["calendar.ics"] == second["calendar.ics"]
    assert first["index.html"] != second["index.html"]


def test_failed_validation_leaves_the_previous_site(tmp_path, shipped_copy, runner, write_events):
    out = tmp_path / "site"
    build(["build", str(shipped_copy), "--out", str(out), "--today", "2024-09-20"], runner)
    before = site_files(out)
    broken = write_events("calendar:\n  id: x\nsessions: nope\n", name="broken.yaml")
    result = runner.invoke(main, ["build", str(broken), "--out", str(out)])
    assert result.exit_code == 1
    assert "nothing published" in result.output
    assert site_files(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site")] == []


def test_failed_write_leaves_the_previous_site(tmp_path):
    out = tmp_path / "site"
    write_site({"index.html": b"old"}.items(), out)

    def exploding():
        yield "index.html", b"new"
        raise OSError(28, "No space left on device")

    with pytest.raises(BuildError, match="No space left on device"):
        write_site(exploding(), out)
    assert (out / "index.html").read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_each_file_is_written_as_it_is_rendered(tmp_path):
    """A large site's files are never all in memory: each is on disk before the next is made,
    and the result reads them back from the published site."""
    out = tmp_path / "site"
    on_disk_when_the_second_was_made = []

    def rendered():
        yield "index.html", "日程".encode()
        on_disk_when_the_second_was_made.extend(
            p.name for p in tmp_path.glob(".site.new-*/*") if not p.name.startswith(".")
        )
        yield "events/a.ics", b"BEGIN:VCALENDAR"

    files = write_site(rendered(), out)
    assert on_disk_when_the_second_was_made == ["index.html"]
    assert dict(files) == {"events/a.ics": b"BEGIN:VCALENDAR", "index.html": "日程".encode()}
    assert (out / "index.html").read_bytes() == files["index.html"]
    with pytest.raises(KeyError):
        files[".calendar-feed"]


def test_unwritable_destination_is_reported(tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where a folder should be")
    with pytest.raises(BuildError, match=r"^cannot write next to .*/not-a-dir/site: "):
        write_site({"index.html": b"x"}.items(), blocker / "site")


def test_refuses_to_replace_a_directory_it_did_not_make(tmp_path):
    precious = tmp_path / "home"
    precious.mkdir()
    (precious / "thesis.tex").write_text("years of work")
    with pytest.raises(
        BuildError,
        match=r"refusing to replace .*: it is not empty and was not made by calendar-feed",
    ):
        write_site({"index.html": b"x"}.items(), precious)
    assert (precious / "thesis.tex").read_text() == "years of work"


PROGRESS_RUN = (
    "import sys; from calendar_feed.commands import common; from calendar_feed.cli import main; "
    "common.SHOW_PROGRESS_AFTER = 0; main(sys.argv[1:])"
)
"""`calendar-feed` with the progress bar shown from the first file, not after a second."""


def _on_a_terminal(args: list[str], cwd: Path) -> str:
    """What ``calendar-feed ARGS`` shows on a terminal (a pseudo-terminal on stdout, stderr)."""
    import os
    import pty
    import subprocess
    import sys

    leader, follower = pty.openpty()
    command = [sys.executable, "-c", PROGRESS_RUN, *args]
    process = subprocess.Popen(command, cwd=cwd, stdout=follower, stderr=follower)
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the process closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    assert process.wait(timeout=120) == 0, shown
    return shown.decode()


def test_a_build_on_a_terminal_shows_files_rendered_and_time(shipped_copy, tmp_path):
    site = str(tmp_path / "site")
    args = ["build", str(shipped_copy), "--out", site, "--no-history", "--no-cache"]
    shown = _on_a_terminal(args, tmp_path)
    assert "Rendering" in shown
    files = re.search(r"(\d+) files in all", shown)  # the summary line after the bar
    assert files, shown
    # Every file of the site rendered, out of all, and the seconds so far.
    assert re.search(rf"{files[1]}/{files[1]} +\d+\.\d s", shown), shown
    assert "Rendering" not in _on_a_terminal([*args, "--quiet"], tmp_path)


def test_an_import_on_a_terminal_shows_its_stages_and_time(tmp_path):
    sheet = tmp_path / "talks.csv"
    sheet.write_text(
        "Date,Speaker,Title\n"
        + "".join(f"2025-01-{day:02d},Speaker {day},Talk {day}\n" for day in range(1, 29)),
        encoding="utf-8",
    )
    args = ["import", str(sheet), "--timezone", "Europe/Berlin", "--start", "16:00"]
    args += ["--end", "17:00", "--out", str(tmp_path / "events.yaml")]
    shown = _on_a_terminal(args, tmp_path)
    assert re.search(r"Importing .*4/4 +\d+\.\d s", shown), shown
    assert "28 sessions found" in shown
    assert "Importing" not in _on_a_terminal([*args, "--quiet"], tmp_path)


def test_a_build_not_on_a_terminal_shows_no_progress(shipped_copy, tmp_path, runner):
    out = tmp_path / "site"
    result = runner.invoke(main, ["build", str(shipped_copy), "--out", str(out), "--no-cache"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Built ")  # the summary only: no bar, no label
