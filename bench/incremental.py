"""The incremental rebuild of issue 15: one session's title edited in a large events file.

What an organizer does: build the site (which fills the build cache), fix one title in
events.yaml, build again into the same folder with the same cache. The same edit is also
rebuilt with ``--no-cache``, everything rendered again, for comparison.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import profiles
from harness import Harness, sample
from live import DATE_LINE
from procs import BenchError, Timed

_TITLE = re.compile(rb'^(\s+title: ")(Edited \d+: )?', re.MULTILINE)  # schedules.py quotes titles


def one_edit(h: Harness, events: Path) -> None:
    """Rebuild a site of ``events`` after each of several one-title edits, with and without
    the cache; the edited file is a copy, edited in place, so other parts keep the original."""
    work = h.tmp / "one-edit"
    work.mkdir()
    edited, site, cache = work / events.name, work / "site", work / "cache"
    shutil.copyfile(events, edited)
    h.results.one_edit_sessions = len(DATE_LINE.findall(edited.read_bytes()))
    h.timed(h.build(edited, site, cache=cache), timeout=1200)  # the whole build fills the cache
    if h.cache_flags and not any(p.is_file() for p in cache.rglob("*")):
        raise BenchError(f"a build with --cache {cache} left nothing in it")
    runs = h.runs_for(h.results.one_edit_sessions)
    edits = iter(range(1, 3 * runs + 3))
    # The user's sequence first (edit, rebuild, edit, rebuild: only the cache is shared),
    # then the same kind of edit without the cache.
    h.results.one_edit = sample([rebuild(h, edited, site, next(edits), cache) for _ in range(runs)])
    if not h.args.quick:  # profiled while the cache holds this site's pieces
        set_title_prefix(edited, next(edits))
        label = f"one-edit rebuild with the cache, {h.results.one_edit_sessions:,} sessions"
        command = h.build(edited, site, cache=cache)
        h.results.profiles.append(profiles.profile(h, label, command, h.results.one_edit))
    cold = [rebuild(h, edited, site, next(edits), None) for _ in range(runs)]
    h.results.one_edit_no_cache = sample(cold)
    # The same with the revision history, as `calendar-feed build` runs by default, into
    # a site and cache of its own (a cache keeps only what its last build used): the
    # first build renders every event again (each gets its SEQUENCE), then edits follow.
    history, history_site = work / "events.history.json", work / "site-history"
    history_cache = work / "cache-history"
    h.timed(h.build(edited, history_site, cache=history_cache, history=history), timeout=1200)
    h.results.one_edit_history = sample(
        [
            rebuild(h, edited, history_site, next(edits), history_cache, history=history)
            for _ in range(runs)
        ]
    )


def rebuild(
    h: Harness, events: Path, site: Path, edit: int, cache: Path | None, history: Path | None = None
) -> Timed:
    """Edit the first title of ``events`` in place, build ``site`` again, check the edit is in."""
    set_title_prefix(events, edit)
    timed = h.timed(h.build(events, site, cache=cache, history=history), timeout=1200)
    if timed.stdout.startswith(b"Nothing changed"):
        raise BenchError(f"the build after edit {edit} found nothing changed")
    feed = (site / "calendar.ics").read_bytes().replace(b"\r\n ", b"")  # unfolded
    if f"Edited {edit}: ".encode() not in feed:
        raise BenchError(f"edit {edit} is not in {site / 'calendar.ics'} after the rebuild")
    return timed


def set_title_prefix(events: Path, edit: int) -> None:
    """Make the first session's title start with "Edited EDIT: ", rewriting the file in place."""
    data = events.read_bytes()
    title = _TITLE.search(data)
    if title is None:
        raise BenchError(f"no title in {events}")
    prefix = f"Edited {edit}: ".encode()
    with events.open("wb") as stream:  # the same file, truncated and written again
        stream.write(data[: title.end(1)] + prefix + data[title.end() :])
