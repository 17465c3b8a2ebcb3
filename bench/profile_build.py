"""``python bench/profile_build.py REPORT.json ARGS...``: ``calendar-feed ARGS`` under
pyinstrument, from before the first import to the end of the command.

Writes to REPORT.json the functions with the most time of their own (self time:
sampled time in the function itself, not in the functions it calls), with the time
including callees beside it. Run by profiles.py; sampling every millisecond makes a
build take about twice as long.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict

from pyinstrument import Profiler
from pyinstrument.frame import Frame

TOP = 12
INTERVAL = 0.001


def main(report: str, args: list[str]) -> int:
    sys.argv = ["calendar-feed", *args]
    profiler = Profiler(interval=INTERVAL)
    profiler.start()
    code: object = 0
    try:
        from calendar_feed.cli import main as cli  # importing is part of the command's time

        cli(prog_name="calendar-feed")
    except SystemExit as exit:
        code = exit.code
    finally:
        session = profiler.stop()
    root = session.root_frame()
    entries = top_functions(root) if root else []
    with open(report, "w", encoding="utf-8") as stream:
        json.dump({"duration": session.duration, "functions": entries}, stream)
    return code if isinstance(code, int) else 1


def top_functions(root: Frame) -> list[dict[str, object]]:
    """The TOP functions by self time, each with its time including callees (recursion once)."""
    own: dict[tuple[str, str, int], float] = defaultdict(float)
    total: dict[tuple[str, str, int], float] = defaultdict(float)
    stack: list[tuple[Frame, frozenset[tuple[str, str, int]]]] = [(root, frozenset())]
    while stack:
        frame, callers = stack.pop()
        if frame.is_synthetic:  # [self] and [await] leaves: counted in the parent's self time
            continue
        key = (frame.function, frame.file_path_short or frame.file_path or "?", frame.line_no or 0)
        own[key] += frame.total_self_time
        if key not in callers:
            total[key] += frame.time
        stack.extend((child, callers | {key}) for child in frame.children)
    ranked = sorted(own, key=own.__getitem__, reverse=True)[:TOP]
    return [
        {
            "function": function,
            "location": f"{path}:{line}" if line else path,
            "self_seconds": own[(function, path, line)],
            "total_seconds": total[(function, path, line)],
        }
        for function, path, line in ranked
    ]


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit("usage: python bench/profile_build.py REPORT.json CALENDAR-FEED-ARGS...")
    sys.exit(main(sys.argv[1], sys.argv[2:]))
