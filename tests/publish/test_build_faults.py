"""A build killed at any moment leaves a complete site: the old one or the new one."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.helpers import site_files

SESSIONS = 1500
FIRST = dt.date(2000, 1, 5)


def big_schedule(path: Path, title: str) -> None:
    lines = [
        "calendar: {id: big, name: Big Seminar, timezone: Asia/Shanghai}",
        'defaults: {start: "12:00", duration: 90, location: Hall}',
        "sessions:",
    ]
    for week in range(SESSIONS):
        lines += [
            f"  - id: s{week}",
            f"    date: {FIRST + dt.timedelta(weeks=week)}",
            "    speaker: 某某",
            f"    title: {title} {week}",
            "    abstract: |",
            "      " + "摘要内容。" * 60,
        ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def build(events: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "calendar_feed", "build", str(events), "--out", str(out),
         "--no-history", "--today", "2024-01-01", "--max-sessions", "5000"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip


def test_killing_a_build_at_any_moment_never_breaks_the_published_site(tmp_path):
    events, out = tmp_path / "events.yaml", tmp_path / "site"
    big_schedule(events, "First")
    started = time.perf_counter()
    assert build(events, out).wait(timeout=120) == 0
    duration = time.perf_counter() - started
    old = site_files(out)
    years = len({(FIRST + dt.timedelta(weeks=week)).year for week in range(SESSIONS)})
    # + page, poster, 2 styles, script, 2 feeds, 2 JSON, Atom, marker, and a page and a
    # feed for each year of the archive (29 years is longer than the feed's window).
    assert len(old) == SESSIONS + 11 + 2 * years

    big_schedule(events, "Second")
    assert build(events, tmp_path / "reference").wait(timeout=120) == 0
    new = site_files(tmp_path / "reference")
    outcomes = []
    for step in range(1, 10):
        process = build(events, out)
        time.sleep(duration * step / 10)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        now = site_files(out)
        assert now in (old, new), f"partial site after a kill at step {step}"
        outcomes.append("old" if now == old else "new")
    # Most kills land before the swap; a later full build still works.
    assert "old" in outcomes
    assert build(events, out).wait(timeout=120) == 0
    assert site_files(out) == new
