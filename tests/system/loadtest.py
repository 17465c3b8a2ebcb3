"""Load with concurrent edits against the production server (gunicorn, 2 workers, 127.0.0.1).

While client threads fetch the feed (200 and 304), the listing and per-session
downloads, a writer rewrites events.yaml over and over: valid edits by atomic
rename, valid edits written in place slowly (truncate, pause, finish), invalid
edits, and half-written files left for a moment. The promises checked:

- no 5xx response, ever;
- every 200 feed is a complete calendar equal to one of the valid versions
  (compared event by event: never a mix, never a truncated or empty feed);
- after the last valid edit the server catches up within CATCH_UP_LIMIT.

Short form (CI): tests/system/test_load.py. Long form:
    python -m tests.system.loadtest --seconds 120 --clients 8
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import http.client
import itertools
import json
import os
import random
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from icalendar import Calendar

from calendar_feed.render.ical import render_calendar
from calendar_feed.source.validation import load_schedule_bytes
from tests.helpers import running_server

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "events.yaml"
CATCH_UP_LIMIT = 3.0
"""Documented bound: check interval (1 s) + settle time (0.5 s) + render, with margin."""


def version_text(number: int) -> bytes:
    """Valid version ``number`` of the shipped file: its marker and talk titles change."""
    text = SHIPPED.read_text(encoding="utf-8")
    text = text.replace(
        "description: 本学期（2024秋）应用数学拔尖计划将开展午餐会。",
        f'description: "load version {number}"',
    )
    text = text.replace(
        "    title: >-\n      Centauri:", f"    title: >-\n      Centauri v{number}:"
    )
    if number % 2:  # odd versions also announce a talk and cancel a date
        text = text.replace(
            "  - date: 2024-10-09\n",
            "  - date: 2024-10-09\n    speaker: 张三\n    title: 随机矩阵\n",
        )
        text = text.replace(
            "  - date: 2024-10-16\n", "  - date: 2024-10-16\n    status: cancelled\n"
        )
    return text.encode("utf-8")


INVALID = SHIPPED.read_bytes().replace(b"date: 2024-10-23", b"date: 2024-10-32")


def fingerprint(feed: bytes) -> tuple[str, frozenset[tuple[str, str, str, str]]]:
    """(version marker, events) of a feed, ignoring DTSTAMP / SEQUENCE / LAST-MODIFIED."""
    calendar = Calendar.from_ical(feed)
    marker = str(calendar.get("X-WR-CALDESC", ""))
    events = frozenset(
        (str(e["UID"]), str(e["SUMMARY"]), e["DTSTART"].dt.isoformat(), str(e["STATUS"]))
        for e in calendar.walk("VEVENT")
    )
    return marker, events


@dataclass
class Figures:
    requests: int = 0
    statuses: Counter = field(default_factory=Counter)
    feeds_checked: int = 0
    bad_feeds: list[str] = field(default_factory=list)
    edits: Counter = field(default_factory=Counter)
    catch_up: list[float] = field(default_factory=list)
    versions_seen: set[str] = field(default_factory=set)
    final_caught_up: bool = False

    def as_dict(self) -> dict[str, object]:
        return {
            "requests": self.requests,
            "statuses": dict(sorted(self.statuses.items())),
            "feeds_checked": self.feeds_checked,
            "bad_feeds": self.bad_feeds[:5],
            "edits": dict(self.edits),
            "longest_catch_up_seconds": round(max(self.catch_up, default=0.0), 3),
            "versions_seen": len(self.versions_seen),
            "final_caught_up": self.final_caught_up,
        }


@contextlib.contextmanager
def gunicorn(events: Path, workers: int = 2) -> Iterator[int]:
    """Run the production server on a free port of 127.0.0.1; yield the port."""
    env = {
        **os.environ,
        "CALENDAR_FEED_EVENTS_FILE": str(events),
        "CALENDAR_FEED_TODAY": "2024-09-20",
    }
    command = [
        sys.executable, "-m", "gunicorn", "--bind", "127.0.0.1:0", "--workers", str(workers),
        "--threads", "4", "--graceful-timeout", "5", "calendar_feed:create_app()",
    ]  # fmt: skip
    with running_server(command, cwd=events.parent, env=env, workers_booted=workers) as server:
        yield int(server.base.rpartition(":")[2])


def write_in_place(path: Path, data: bytes, pause: float) -> None:
    """Like an editor saving in place: truncate, write half, pause, write the rest."""
    with path.open("wb") as stream:
        stream.write(data[: len(data) // 2])
        stream.flush()
        time.sleep(pause)
        stream.write(data[len(data) // 2 :])


def write_atomically(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def run(seconds: float, clients: int, directory: Path, seed: int = 2024) -> Figures:
    events = directory / "events.yaml"
    events.write_bytes(version_text(0))
    expected = {}
    for number in range(64):
        schedule = load_schedule_bytes(version_text(number)).schedule
        expected[f"load version {number}"] = fingerprint(render_calendar(schedule))[1]
    figures = Figures()
    lock = threading.Lock()
    stop = threading.Event()
    on_disk: dict[str, object] = {"marker": "load version 0", "since": time.monotonic()}
    """The valid version now in the file and when its write finished; None while invalid."""
    caught_up = threading.Event()
    caught_up.set()  # version 0 is what the server starts with

    def client(index: int, port: int) -> None:
        paths = ["/calendar.ics", "/calendar.ics#304", "/", "/events/2024-09-25.ics", "/healthz"]
        etag = ""
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            for turn in itertools.count(index):
                if stop.is_set():
                    break
                path = paths[turn % len(paths)]
                headers = {"If-None-Match": etag} if path.endswith("#304") and etag else {}
                try:
                    connection.request("GET", path.split("#")[0], headers=headers)
                    response = connection.getresponse()
                    body = response.read()
                except (OSError, http.client.HTTPException) as exc:
                    with lock:
                        figures.statuses[f"error {type(exc).__name__}"] += 1
                    connection.close()
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                    continue
                with lock:
                    figures.requests += 1
                    figures.statuses[response.status] += 1
                if path.startswith("/calendar.ics") and response.status == 200:
                    etag = response.getheader("ETag") or ""
                    check_feed(body)
        finally:
            connection.close()

    def check_feed(body: bytes) -> None:
        try:
            marker, events = fingerprint(body)
            ok = body.endswith(b"END:VCALENDAR\r\n") and expected.get(marker) == events
        except ValueError as exc:
            marker, ok = f"unparseable: {exc}", False
        now = time.monotonic()
        with lock:
            figures.feeds_checked += 1
            figures.versions_seen.add(marker)
            if not ok:
                figures.bad_feeds.append(f"{marker}: {body[:80]!r}… ({len(body)} bytes)")
            elif marker == on_disk["marker"] and not caught_up.is_set():
                figures.catch_up.append(now - float(on_disk["since"]))  # type: ignore[arg-type]
                caught_up.set()

    def wrote(marker: str | None) -> None:
        with lock:
            if marker != on_disk["marker"]:
                caught_up.clear()
            if marker is None or marker != on_disk["marker"]:
                on_disk.update(marker=marker, since=time.monotonic())

    rng = random.Random(seed)
    with gunicorn(events) as port:
        threads = [threading.Thread(target=client, args=(i, port)) for i in range(clients)]
        for thread in threads:
            thread.start()
        try:
            started = time.monotonic()
            number = 0
            kinds = ["atomic", "in-place", "invalid", "half-written"]
            while time.monotonic() - started < seconds:
                kind = kinds[figures.edits.total() % len(kinds)]
                if kind in ("atomic", "in-place"):
                    number = number % 63 + 1
                    data = version_text(number)
                    if kind == "atomic":
                        write_atomically(events, data)
                    else:
                        write_in_place(events, data, pause=rng.uniform(0.05, 0.3))
                    wrote(f"load version {number}")
                elif kind == "invalid":
                    write_in_place(events, INVALID, pause=0.01)
                    wrote(None)
                else:  # left half-written for less than the settle time, then completed
                    write_in_place(events, version_text(number), pause=rng.uniform(0.1, 0.4))
                    wrote(f"load version {number}")
                figures.edits[kind] += 1
                time.sleep(rng.uniform(0.2, 2.0))
            # End on a valid version and wait for it to be served.
            number = number % 63 + 1
            write_atomically(events, version_text(number))
            wrote(f"load version {number}")
            figures.edits["atomic"] += 1
            caught_up.wait(timeout=CATCH_UP_LIMIT + 5)
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=35)
    figures.final_caught_up = caught_up.is_set()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()
    import tempfile

    with tempfile.TemporaryDirectory() as directory:
        started = dt.datetime.now(dt.UTC)
        figures = run(args.seconds, args.clients, Path(directory), args.seed)
    result = {"started": started.isoformat(timespec="seconds"), "seconds": args.seconds,
              "clients": args.clients, **figures.as_dict()}  # fmt: skip
    print(json.dumps(result, indent=2))
    five_hundreds = sum(n for s, n in figures.statuses.items() if str(s).startswith("5"))
    late = max(figures.catch_up, default=0) > CATCH_UP_LIMIT or not figures.final_caught_up
    sys.exit(1 if five_hundreds or figures.bad_feeds or late else 0)


if __name__ == "__main__":
    main()
