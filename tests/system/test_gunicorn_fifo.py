"""Under gunicorn (2 workers, --timeout 5), events.yaml replaced by a FIFO: no worker hangs,
the last good feed stays online with 200, /healthz names the FIFO, and the fix goes live."""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from pathlib import Path

import pytest
from icalendar import Calendar

from tests.helpers import SHIPPED, running_server
from tests.helpers import fetch as fetch_url

TIMEOUT = 30
CATCH_UP = 60
"""How long to wait for a state that should come within seconds: a guard, not a measurement."""


def fetch(url: str) -> tuple[int, bytes]:
    status, _, body = fetch_url(url)
    return status, body


def wait_for(condition, what: str):
    deadline = time.monotonic() + CATCH_UP
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"not within {CATCH_UP} s: {what}")


def summaries(body: bytes) -> list[str]:
    return [str(e["SUMMARY"]) for e in Calendar.from_ical(body).walk("VEVENT")]


def test_gunicorn_keeps_serving_while_events_yaml_is_a_fifo(tmp_path: Path):
    pytest.importorskip("gunicorn")
    events = tmp_path / "events.yaml"
    shutil.copyfile(SHIPPED, events)
    # Every worker looks at the file on each request: then whichever worker answers has
    # already seen the FIFO (with the default 1 s interval and 0.5 s settle time a worker
    # that has had no request for a while would still answer from before it).
    env = {
        **os.environ,
        "CALENDAR_FEED_EVENTS_FILE": str(events),
        "CALENDAR_FEED_CHECK_INTERVAL": "0",
        "CALENDAR_FEED_SETTLE_SECONDS": "0",
    }
    command = [
        sys.executable, "-m", "gunicorn",
        "--bind", "127.0.0.1:0",
        "--workers", "2",
        "--timeout", "5",
        "--graceful-timeout", "5",
        "calendar_feed:create_app()",
    ]  # fmt: skip
    with running_server(command, cwd=tmp_path, env=env) as server:
        base, log = server.base, server.log
        status, good = fetch(f"{base}/calendar.ics")
        assert status == 200

        events.unlink()
        os.mkfifo(events)

        def fifo_reported() -> bool:  # by every worker: several answers in a row
            answers = [json.loads(fetch(f"{base}/healthz")[1]) for _ in range(6)]
            return all(
                any("named pipe (FIFO)" in e["message"] for e in health["errors"])
                for health in answers
            )

        try:
            wait_for(fifo_reported, "/healthz names the FIFO on every worker")
        except OSError as error:
            raise AssertionError("".join(log)) from error
        for _ in range(20):  # both workers, many times: every answer is the last good feed
            status, body = fetch(f"{base}/calendar.ics")
            assert (status, body) == (200, good)
            health = json.loads(fetch(f"{base}/healthz")[1])
            assert (health["status"], health["serving"]) == ("error", "last-good")

        edited = SHIPPED.read_text(encoding="utf-8").replace("王泽昊", "王泽昊（修订）")
        fixed = tmp_path / "events.new"
        fixed.write_text(edited, encoding="utf-8")
        fixed.replace(events)

        def edit_live() -> bool:
            answers = [fetch(f"{base}/calendar.ics") for _ in range(6)]
            return all(
                status == 200 and any("王泽昊（修订）" in s for s in summaries(body))
                for status, body in answers
            )

        wait_for(edit_live, "the fixed file is served by every worker")

        def healthy() -> bool:  # six answers in a row: both workers, whichever answered above
            return all(json.loads(fetch(f"{base}/healthz")[1])["status"] == "ok" for _ in range(6))

        wait_for(healthy, "/healthz is ok on every worker once the file is fixed")
        assert server.process.poll() is None
        assert not [line for line in log if "WORKER TIMEOUT" in line or "Booting worker" in line][
            2:
        ], "".join(log)
