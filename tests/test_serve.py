"""`calendar-feed serve` as the README starts it: gunicorn, live edits, a clean SIGTERM."""

from __future__ import annotations

import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from icalendar import Calendar

from calendar_feed.cli import main
from calendar_feed.server import production
from tests.helpers import SHIPPED

TIMEOUT = 30


def fetch(url: str) -> tuple[int, dict[str, str], bytes]:
    # No proxy, whatever the environment says: the request must stay on 127.0.0.1.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url, timeout=TIMEOUT) as response:
        return response.status, dict(response.headers), response.read()


def command() -> list[str]:
    """The installed `calendar-feed` script beside this Python, as the README runs it."""
    script = Path(sys.executable).with_name("calendar-feed")
    return [str(script)] if script.exists() else [sys.executable, "-m", "calendar_feed"]


def test_serve_is_a_production_server_that_follows_edits(tmp_path: Path):
    pytest.importorskip("gunicorn")
    events = tmp_path / "events.yaml"
    shutil.copyfile(SHIPPED, events)
    process = subprocess.Popen(
        [*command(), "serve", "--port", "0", "--workers", "2"],
        cwd=tmp_path,
        stderr=subprocess.STDOUT,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    log: list[str] = []

    def pump() -> None:
        for line in process.stdout:  # type: ignore[union-attr]
            lines.put(line)
        lines.put("")

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    try:
        port = None
        while port is None:
            line = lines.get(timeout=TIMEOUT)
            assert line, "serve exited before listening:\n" + "".join(log)
            log.append(line)
            if found := re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", line):
                port = int(found.group(1))
        base = f"http://127.0.0.1:{port}"
        status, headers, body = fetch(f"{base}/calendar.ics")
        assert status == 200
        assert headers["Server"].startswith("gunicorn")
        assert "Werkzeug" not in headers["Server"]
        assert len(list(Calendar.from_ical(body).walk("VEVENT"))) == 18
        status, headers, page = fetch(f"{base}/")
        assert status == 200
        assert "应用数学青年讨论班" in page.decode("utf-8")

        text = events.read_text(encoding="utf-8")
        events.write_text(text.replace("reason: 假期", "reason: 国庆节"), encoding="utf-8")
        deadline = time.monotonic() + TIMEOUT
        in_a_row = 0  # either worker may answer: wait until both serve the edit
        while time.monotonic() < deadline and in_a_row < 10:
            page = fetch(f"{base}/")[2].decode("utf-8")
            in_a_row = in_a_row + 1 if "国庆节" in page else 0
            time.sleep(0.05)
        assert in_a_row == 10, "the edit did not reach every worker:\n" + "".join(log)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=TIMEOUT)
        reader.join(timeout=TIMEOUT)
        process.stdout.close()  # type: ignore[union-attr]
    while not lines.empty():
        log.append(lines.get_nowait())
    output = "".join(log)
    assert process.returncode == 0, output
    assert "development server" not in output


def test_serve_hands_the_app_to_gunicorn(monkeypatch, events):
    calls: list[dict] = []
    monkeypatch.setattr(production, "run", lambda app, **kw: calls.append(kw))
    monkeypatch.setattr(Flask, "run", lambda self, **kw: pytest.fail("not the dev server"))
    result = CliRunner().invoke(main, ["serve", str(events), "--port", "8123", "--workers", "3"])
    assert result.exit_code == 0, result.output
    assert calls == [{"host": "127.0.0.1", "port": 8123, "workers": 3}]


def test_serve_dev_runs_flasks_server_with_its_reloader(monkeypatch, events):
    calls: list[dict] = []
    monkeypatch.setattr(Flask, "run", lambda self, **kw: calls.append(kw))
    result = CliRunner().invoke(main, ["serve", str(events), "--dev", "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert calls == [{"host": "127.0.0.1", "port": 8123, "debug": False, "use_reloader": True}]


def test_debug_needs_the_dev_server(events):
    result = CliRunner().invoke(main, ["serve", str(events), "--debug"])
    assert result.exit_code == 2
    assert "Error: --debug needs --dev (Flask's development server)" in result.output
