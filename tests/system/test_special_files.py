"""Only regular files are read: a FIFO, directory, device, missing or unreadable events file
is a positioned error for the commands, and the live server keeps the last good feed."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from icalendar import Calendar

from calendar_feed.errors import ValidationError
from calendar_feed.server import live
from calendar_feed.server.live import Publisher
from tests.helpers import SHIPPED

GUARD = 60
"""Seconds after which a command that hangs is killed: a failure, never a timing check."""
SPECIAL = {
    "fifo": "is a named pipe (FIFO), not a regular file; only a regular file is read",
    "directory": "is a directory, not a regular file; only a regular file is read",
    "device": "is a device, not a regular file; only a regular file is read",
}


def make_special(path: Path, kind: str) -> None:
    """Put a FIFO, a directory or /dev/zero where ``path`` was."""
    if path.exists() or path.is_symlink():
        path.unlink()
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "directory":
        path.mkdir()
    else:
        path.symlink_to("/dev/zero")


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The real command in a child process, so a read that blocks cannot hang the suite."""
    command = [sys.executable, "-m", "calendar_feed", *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=GUARD)


@pytest.mark.parametrize("kind", ["fifo", "device"])
@pytest.mark.parametrize("command", ["validate", "build", "diff"])
def test_commands_refuse_a_special_events_file(tmp_path, kind, command):
    events = tmp_path / "events.yaml"
    make_special(events, kind)
    result = cli(command, "events.yaml", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"events.yaml: {SPECIAL[kind]}\nevents.yaml: 1 error; nothing published\n"
    )


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_diff_against_a_special_file_is_refused(tmp_path, kind):
    (tmp_path / "events.yaml").write_bytes(SHIPPED.read_bytes())
    make_special(tmp_path / "other.yaml", kind)
    result = cli("diff", "events.yaml", "--against", "other.yaml", "--no-history", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == (
        f"other.yaml: {SPECIAL[kind]}\nother.yaml: 1 error; nothing published\n"
    )


def test_a_directory_is_refused_by_click_before_any_read(tmp_path):
    (tmp_path / "events.yaml").mkdir()
    result = cli("validate", "events.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.endswith(
        "Error: Invalid value for '[FILE]': File 'events.yaml' is a directory.\n"
    )


def test_import_markdown_refuses_a_fifo(tmp_path):
    make_special(tmp_path / "page.md", "fifo")
    result = cli("import-markdown", "page.md", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == (
        "Error: cannot read page.md: is a named pipe (FIFO), not a regular file\n"
    )


def test_a_special_history_file_is_never_read(tmp_path):
    (tmp_path / "events.yaml").write_bytes(SHIPPED.read_bytes())
    make_special(tmp_path / "events.history.json", "fifo")
    result = cli("diff", "events.yaml", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stderr.startswith(
        "events.history.json: warning: the revision history is damaged: unreadable history "
        "(is a named pipe (FIFO), not a regular file)"
    )


# -- the live server ------------------------------------------------------------------


def unreadable(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """chmod 000, and what it does for a normal user: the tests run as root, who reads anyway."""
    path.chmod(0)
    real_open = os.open

    def refusing_open(file, flags, *args, **kwargs):
        if os.fspath(file) == os.fspath(path):
            raise PermissionError(13, "Permission denied", os.fspath(file))
        return real_open(file, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refusing_open)


DAMAGE: dict[str, tuple[Callable[[Path, pytest.MonkeyPatch], None], str]] = {
    "fifo": (lambda p, m: make_special(p, "fifo"), SPECIAL["fifo"]),
    "directory": (lambda p, m: make_special(p, "directory"), SPECIAL["directory"]),
    "dev-zero": (lambda p, m: make_special(p, "device"), SPECIAL["device"]),
    "deleted": (lambda p, m: p.unlink(), "file not found"),
    "renamed": (lambda p, m: p.rename(p.with_name("events.old")), "file not found"),
    "unreadable": (unreadable, "cannot read: Permission denied"),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_the_live_server_keeps_the_last_good_feed_and_recovers(
    make_app, events, damage, monkeypatch
):
    client = make_app().test_client()
    good = client.get("/calendar.ics")
    assert good.status_code == 200
    spoil, message = DAMAGE[damage]
    spoil(events, monkeypatch)

    response = client.get("/calendar.ics")
    assert response.status_code == 200
    assert response.data == good.data
    health = client.get("/healthz").get_json()
    assert (health["status"], health["serving"]) == ("error", "last-good")
    assert [e["text"] for e in health["errors"]] == [f"{events}: {message}"]
    assert client.get("/").status_code == 200

    monkeypatch.undo()
    if events.is_dir():
        events.rmdir()
    elif events.exists() or events.is_symlink():
        events.unlink()
    edited = SHIPPED.read_text(encoding="utf-8").replace("王泽昊", "王泽昊（修订）")
    events.write_text(edited, encoding="utf-8")
    calendar = Calendar.from_ical(client.get("/calendar.ics").data)
    assert any("王泽昊（修订）" in str(e["SUMMARY"]) for e in calendar.walk("VEVENT"))
    assert client.get("/healthz").get_json()["status"] == "ok"


def test_a_fifo_at_start_up_is_an_error_not_a_hang(tmp_path):
    make_special(tmp_path / "events.yaml", "fifo")
    result = cli("serve", "events.yaml", "--port", "0", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.endswith(
        f"events.yaml: {SPECIAL['fifo']}\nevents.yaml: 1 error; nothing published\n"
    )


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_healthz_reports_a_reload_check_that_does_not_finish(tmp_path, monkeypatch):
    events = tmp_path / "events.yaml"
    events.write_bytes(SHIPPED.read_bytes())
    clock = Clock()
    pub = Publisher(events, check_interval=1.0, settle=0, history_file=None, clock=clock)
    entered, release = threading.Event(), threading.Event()
    real_read = live.read_regular_file

    def stuck_read(path: Path, limit: int) -> bytes:
        entered.set()
        release.wait()  # a hung disk: what a regular-file read could still do
        return real_read(path, limit)

    monkeypatch.setattr(live, "read_regular_file", stuck_read)
    events.write_bytes(SHIPPED.read_bytes() + b"  - date: 2025-01-15\n")
    clock.now += 1
    checker = threading.Thread(target=pub.state)
    checker.start()
    try:
        assert entered.wait(GUARD)
        clock.now += 2  # within 3 intervals: still a normal check
        assert pub.health()["reload"] == "ok"
        clock.now += 2
        health = pub.health()
        assert (health["status"], health["reload"], health["serving"]) == (
            "error",
            "stalled",
            "current",
        )
        assert [e["message"] for e in health["errors"]] == [
            "reloading is stalled: the check started 4 s ago has not finished; "
            "still serving the last good version"
        ]
    finally:
        release.set()
        checker.join(GUARD)
    health = pub.health()
    assert (health["status"], health["reload"]) == ("ok", "ok")
    assert health["version"]["sessions"] == 19


def test_a_worker_starting_while_the_file_is_a_fifo_serves_the_last_good_copy(tmp_path):
    events = tmp_path / "events.yaml"
    events.write_bytes(SHIPPED.read_bytes())
    first = Publisher(events, history_file=None)  # an earlier worker published the file
    assert (tmp_path / ".events.yaml.last-good").read_bytes() == SHIPPED.read_bytes()
    make_special(events, "fifo")
    late = Publisher(events, history_file=None)  # a worker (re)started now: no hang, no failure
    assert late.state().version.sha256 == first.state().version.sha256
    health = late.health()
    assert (health["status"], health["serving"]) == ("error", "last-good")
    assert [e["text"] for e in health["errors"]] == [f"{events}: {SPECIAL['fifo']}"]


def test_without_a_last_good_copy_a_fifo_stops_the_start(tmp_path):
    events = tmp_path / "events.yaml"
    make_special(events, "fifo")
    with pytest.raises(ValidationError) as error:
        Publisher(events, history_file=None)
    assert [str(p) for p in error.value.problems] == [f"{events}: {SPECIAL['fifo']}"]
