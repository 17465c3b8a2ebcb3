"""`calendar-feed serve` as the README starts it: gunicorn, live edits, a clean SIGTERM."""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from icalendar import Calendar

from calendar_feed.cli import main
from calendar_feed.server import production
from tests.helpers import SHIPPED, fetch, running_server

TIMEOUT = 30


def command() -> list[str]:
    """The installed `calendar-feed` script beside this Python, as the README runs it."""
    script = Path(sys.executable).with_name("calendar-feed")
    return [str(script)] if script.exists() else [sys.executable, "-m", "calendar_feed"]


def test_serve_is_a_production_server_that_follows_edits(tmp_path: Path):
    pytest.importorskip("gunicorn")
    shutil.copyfile(SHIPPED, tmp_path / "events.yaml")
    events = tmp_path / "events.yaml"
    with running_server([*command(), "serve", "--port", "0", "--workers", "2"], cwd=tmp_path) as (
        server
    ):
        base = server.base
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
        assert in_a_row == 10, "the edit did not reach every worker:\n" + server.output
    assert server.process.returncode == 0, server.output
    assert "development server" not in server.output


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
