"""Edit to live: the time from rewriting events.yaml to the server sending the new feed."""

from __future__ import annotations

import datetime as dt
import os
import re
import time
from pathlib import Path

import servers
from harness import Harness
from procs import BenchError, fetch
from results import STREAK, EditToLive

DATE_LINE = re.compile(rb"^\s*- date: (\d{4}-\d{2}-\d{2})\s*$", re.MULTILINE)


def edit_to_live(h: Harness, label: str, events: Path, port: int | None = None) -> None:
    """Append open slots to ``events`` (atomic rename, then in-place write), timing each."""
    if port is None:
        with servers.calendar_feed_serve(events, env=h.env, workdir=events.parent, timeout=60) as (
            shipped_port,
            _,
        ):
            edit_to_live(h, label, events, shipped_port)
        return
    sessions = len(re.findall(rb"^\s*- date: ", events.read_bytes(), re.MULTILINE))
    timeout = 300 if sessions >= 10_000 else 30
    for atomic in (True, False):
        mode = "atomic rename" if atomic else "in-place write"
        outcome = EditToLive(label, sessions, mode)
        h.results.edits.append(outcome)
        try:
            for _ in range(h.args.edits):
                etag = fetch(port, "/calendar.ics").header("ETag")
                marker, started = append_session(events, atomic=atomic)
                first, every = wait_new(port, etag, marker, started, timeout)
                outcome.first_seconds.append(first)
                outcome.all_seconds.append(every)
        except BenchError as error:
            outcome.error = str(error)


def wait_new(
    port: int, old_etag: str, marker: bytes, started: float, timeout: float
) -> tuple[float, float]:
    """Poll until the feed has ``marker``: when it first did, and when every reply did.

    Each worker notices the edit on its own; the second time is the start of
    the first run of STREAK consecutive replies with the new feed.
    """
    etag, first, streak, streak_start = old_etag, None, 0, 0.0
    deadline = started + timeout
    while time.perf_counter() < deadline:
        reply = fetch(port, "/calendar.ics", {"If-None-Match": etag})
        moment = time.perf_counter()
        if reply.status == 200 and marker in reply.body:
            fresh = True
            if first is None:
                first, etag = moment - started, reply.header("ETag")
        elif reply.status in (200, 304):
            fresh = reply.status == 304 and first is not None
        else:
            raise BenchError(f"GET /calendar.ics gave {reply.status} while waiting for an edit")
        if fresh:
            streak, streak_start = streak + 1, streak_start if streak else moment
            if streak >= STREAK and first is not None:
                return first, streak_start - started
        else:
            streak = 0
        time.sleep(0.01)
    raise BenchError(f"the edit did not show within {timeout:.0f} s")


def append_session(events: Path, *, atomic: bool) -> tuple[bytes, float]:
    """Add an open slot on the first free day after today, as an organizer adding the next
    talk would; when it landed. (A date after the last one would not reach calendar.ics
    of a long file: its byte budget keeps the sessions nearest today.)

    Atomic: write a new file and rename it over the old one (what most editors
    and deploy tools do). In place: truncate and rewrite the same file.
    """
    data = events.read_bytes()
    taken = {dt.date.fromisoformat(d.decode()) for d in DATE_LINE.findall(data)}
    new = dt.date.today() + dt.timedelta(days=1)
    while new in taken:
        new += dt.timedelta(days=1)
    updated = data.rstrip(b"\n") + f"\n  - date: {new.isoformat()}\n".encode()
    if atomic:
        temporary = events.with_name(events.name + ".new")
        temporary.write_bytes(updated)
        os.replace(temporary, events)
    else:
        with events.open("wb") as stream:
            stream.write(updated)
    return f"-{new.isoformat()}@calendar-feed".encode(), time.perf_counter()
