"""Smoke test with the production WSGI server: gunicorn 'calendar_feed:create_app()'."""

from __future__ import annotations

import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path

import pytest
from icalendar import Calendar

from tests.helpers import SHIPPED

TIMEOUT = 30


def fetch(url: str) -> tuple[int, dict[str, str], bytes]:
    # No proxy, whatever the environment says: the request must stay on 127.0.0.1.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url, timeout=TIMEOUT) as response:
        return response.status, dict(response.headers), response.read()


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
    process = subprocess.Popen(
        command, cwd=tmp_path, env=env, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    lines: queue.Queue[str] = queue.Queue()
    log: list[str] = []

    def pump() -> None:
        for line in process.stderr:  # type: ignore[union-attr]
            lines.put(line)
        lines.put("")

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    try:
        port = None
        while port is None:
            line = lines.get(timeout=TIMEOUT)
            assert line, "gunicorn exited before listening:\n" + "".join(log)
            log.append(line)
            if found := re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", line):
                port = int(found.group(1))

        status, headers, body = fetch(f"http://127.0.0.1:{port}/calendar.ics")
        assert status == 200
        assert headers["Content-Type"] == "text/calendar; charset=utf-8"
        assert headers["ETag"].startswith('"')
        calendar = Calendar.from_ical(body)
        assert len(list(calendar.walk("VEVENT"))) == 18
        health = fetch(f"http://127.0.0.1:{port}/healthz")
        assert health[0] == 200
        assert b'"serving":"current"' in health[2]
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=TIMEOUT)
        reader.join(timeout=TIMEOUT)
        process.stderr.close()  # type: ignore[union-attr]
    assert process.returncode == 0, "".join(log)
