"""Where the time goes: one command run under pyinstrument (bench/profile_build.py)."""

from __future__ import annotations

import json
import sys

from harness import BENCH, CALENDAR_FEED, Harness
from procs import BenchError
from results import Profile, ProfileEntry, Sample


def profile(
    h: Harness, label: str, command: list[str], unprofiled: Sample | None = None
) -> Profile:
    """Run a ``calendar-feed`` ``command`` once under the profiler; a failure is recorded."""
    if command[: len(CALENDAR_FEED)] != CALENDAR_FEED:
        raise ValueError(f"not a calendar-feed command: {command}")
    report = h.tmp / f"profile-{len(h.results.profiles)}.json"
    script = [sys.executable, str(BENCH / "profile_build.py"), str(report)]
    found = Profile(label, unprofiled_seconds=unprofiled.median if unprofiled else None)
    try:
        timed = h.timed([*script, *command[len(CALENDAR_FEED) :]], timeout=1800)
    except BenchError as error:
        found.error = str(error)
        return found
    data = json.loads(report.read_text("utf-8"))
    found.wall_seconds = timed.seconds
    found.profiled_seconds = data["duration"]
    found.entries = [ProfileEntry(**entry) for entry in data["functions"]]
    return found
