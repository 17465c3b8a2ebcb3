"""One build phase in a fresh process: ``python bench/measure.py PHASE EVENTS_FILE``.

Prints JSON with the phase's wall time (imports and the steps before it are not
counted) and the process's peak RSS at the end (which includes them). Run by
run.py; a fresh process per measurement keeps caches of one from helping the next.
"""

from __future__ import annotations

import datetime as dt
import json
import resource
import sys
import time

TODAY = dt.date(2024, 9, 20)
PHASES = ("load", "feed", "icalendar", "listing")
"""``icalendar`` is the feed with every component built and serialized by icalendar, the
judge of the bytes that render/ical_bytes.py writes directly: what that saves."""


def main(phase: str, events_file: str) -> None:
    from calendar_feed.render.ical import render_calendar
    from calendar_feed.render.listing import PageContext, render_listing
    from calendar_feed.source.validation import load_schedule

    if phase == "icalendar":
        from calendar_feed.render import ical_bytes

        for name in ("calendar_head", "vtimezone", "event_bytes"):  # as if it cannot vouch
            setattr(ical_bytes, name, lambda *_args: None)
    start = time.perf_counter()
    schedule = load_schedule(events_file, max_bytes=0).schedule
    if phase != "load":
        start = time.perf_counter()
        if phase in ("feed", "icalendar"):
            render_calendar(schedule)
        else:
            render_listing(schedule, PageContext(today=TODAY))
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"phase": phase, "seconds": seconds, "peak_rss_mb": peak}))


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in PHASES:
        sys.exit(f"usage: python bench/measure.py {{{','.join(PHASES)}}} EVENTS_FILE")
    main(sys.argv[1], sys.argv[2])
