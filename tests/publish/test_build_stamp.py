"""A rebuild with nothing to do says so and leaves the site alone; any change rebuilds."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

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


# -- an output changed by hand (issue 21) ---------------------------------------------


def _edit_in_place(path: Path, old: bytes, new: bytes) -> None:
    """Replace ``old`` by ``new`` (same length) in place, and put the mtime back."""
    info = path.stat()
    data = path.read_bytes()
    assert len(old) == len(new)
    assert old in data
    with path.open("r+b") as stream:
        stream.write(data.replace(old, new, 1))
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert path.stat().st_size == info.st_size


def test_a_feed_edited_in_place_with_its_mtime_put_back_is_written_again(tmp_path, events, runner):
    """Issue 21: this printed "Nothing changed ..." and the altered feed stayed published."""
    out = tmp_path / "site"
    build(runner, str(events), "--out", str(out))
    first = site_files(out)
    _edit_in_place(out / "calendar.ics", b"SUMMARY:", b"SUMMARX:")
    assert build(runner, str(events), "--out", str(out)).startswith(f"Built {out}/:")
    assert site_files(out) == first


def test_a_file_or_folder_added_to_the_site_rebuilds_it(tmp_path, events, runner):
    out = tmp_path / "site"
    build(runner, str(events), "--out", str(out))
    first = site_files(out)
    (out / "events" / "extra").mkdir()
    assert build(runner, str(events), "--out", str(out)).startswith(f"Built {out}/:")
    assert not (out / "events" / "extra").exists()
    (out / "extra.html").write_text("hello")
    assert build(runner, str(events), "--out", str(out)).startswith(f"Built {out}/:")
    assert site_files(out) == first


def _as_on_a_coarse_clock(out: Path, name: str, clock: int | None = None) -> None:
    """Make the stamp say what a filesystem with coarse times would have left: the file
    recorded as it is now, changed in the same tick as the stamp was made (or ``clock``)."""
    stamp = out / STAMP_FILE
    data = json.loads(stamp.read_text())
    info = (out / name).stat()
    digest = data["files"][name][0]
    data["files"][name] = [digest, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns]
    data["clock"] = info.st_ctime_ns if clock is None else clock
    stamp.write_text(json.dumps(data))


def test_on_a_coarse_clock_a_file_as_new_as_the_stamp_is_compared_by_content(
    tmp_path, events, runner
):
    """A file changed in the same clock tick as the stamp was made may change again
    without its times showing it (git's "racy" entries): its bytes decide."""
    out = tmp_path / "site"
    build(runner, str(events), "--out", str(out))
    first = site_files(out)
    _as_on_a_coarse_clock(out, "calendar.ics")  # unchanged, but too new to trust its times
    assert build(runner, str(events), "--out", str(out)) == NOTHING.format(out=out)

    _edit_in_place(out / "calendar.ics", b"SUMMARY:", b"SUMMARX:")
    _as_on_a_coarse_clock(out, "calendar.ics")  # the edit came within the stamp's tick
    assert build(runner, str(events), "--out", str(out)).startswith(f"Built {out}/:")
    assert site_files(out) == first


def _cached_and_plain(runner, events: Path, tmp: Path, *extra: str) -> tuple[Path, Path]:
    """Build ``events`` into tmp/site with tmp/cache, and into a new folder without a cache."""
    common = ["--no-history", "--today", "2024-10-20", *extra]
    site, plain = tmp / "site", tmp / f"plain-{len(list(tmp.iterdir()))}"
    build(runner, str(events), "--out", str(site), "--cache", str(tmp / "cache"), *common)
    build(runner, str(events), "--out", str(plain), "--no-cache", *common)
    return site, plain


def test_a_hand_edited_file_is_written_again_never_linked(tmp_path, events, runner):
    """Issue 21: style.css edited in place (size and mtime kept), then a real edit of
    events.yaml: the new site linked the altered file and differed from a --no-cache build."""
    site, _ = _cached_and_plain(runner, events, tmp_path)
    _edit_in_place(site / "style.css", b":root", b":ROOT")
    events.write_text(events.read_text(encoding="utf-8").replace("Room", "Hall"), encoding="utf-8")
    site, plain = _cached_and_plain(runner, events, tmp_path)
    assert site_files(site) == site_files(plain)
    assert b":ROOT" not in (site / "style.css").read_bytes()
