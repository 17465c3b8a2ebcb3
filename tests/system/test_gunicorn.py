"""Smoke test with the production WSGI server: gunicorn 'calendar_feed:create_app()'."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
from icalendar import Calendar

from tests.helpers import SHIPPED, fetch, running_server


def test_gunicorn_serves_the_feed(tmp_path: Path):
    pytest.importorskip("gunicorn")
    events = tmp_path / "events.yaml"
    shutil.copyfile(SHIPPED, events)  # the history is written beside it, not in the repo
    env = {**os.environ, "CALENDAR_FEED_EVENTS_FILE": str(events)}
    command = [
        sys.executable, "-m", "gunicorn",
        "--bind", "127.0.0.1:0",  # the kernel picks a free port; gunicorn logs it
        "--workers", "2",
        "--graceful-timeout", "5",
        "calendar_feed:create_app()",
    ]  # fmt: skip
    with running_server(command, cwd=tmp_path, env=env) as server:
        status, headers, body = fetch(f"{server.base}/calendar.ics")
        assert status == 200
        assert headers["Content-Type"] == "text/calendar; charset=utf-8"
        assert headers["ETag"].startswith('"')
        calendar = Calendar.from_ical(body)
        assert len(list(calendar.walk("VEVENT"))) == 18
        health = fetch(f"{server.base}/healthz")
        assert health[0] == 200
        assert b'"serving":"current"' in health[2]
    assert server.process.returncode == 0, server.output
