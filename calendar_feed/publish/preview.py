"""What subscribers would see change if a schedule were published now (``calendar-feed diff``).

The prediction uses the same history planning as the build, so a diff right
after a build reports nothing, and the next build changes what diff said.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..errors import Position, Problem
from ..history import Change, History, plan, publish, uid_warnings
from ..history.late import late_change_warnings
from ..identity import FIXED_STAMP
from ..site.merge import Site, load_site
from ..site.site_file import EventsBytes
from ..source.validation import Loaded
from .release import read_history_or_none


class GitError(ValueError):
    """``git show`` could not give the file at a revision."""


@dataclass(frozen=True)
class Preview:
    """The changes a publish would make, and what to warn the organizer about first."""

    changes: tuple[Change, ...]
    warnings: tuple[Problem, ...]
    uid_problems: tuple[Problem, ...]
    """Edits that would change a session's UID (``diff --check`` fails on these)."""


def preview(
    loaded: Loaded,
    history: History | None,
    warnings: list[Problem],
    now: dt.datetime | None = None,
) -> Preview:
    """Changes from ``history`` (None: nothing published yet) to ``loaded``.

    Changes to sessions starting within a day (or the refresh interval) of ``now``
    (default: the current time) get a late-change warning.
    """
    changes = tuple(plan(history, loaded.schedule))
    uid_problems = tuple(uid_warnings(history, loaded.schedule, loaded.locations, changes))
    late = []
    if history is not None:
        moment = now or dt.datetime.now(dt.UTC)
        late = late_change_warnings(changes, loaded.schedule.series, moment, loaded.locations)
    return Preview(changes, (*warnings, *uid_problems, *late), uid_problems)


def against_history(
    loaded: Loaded, history_file: Path | None, now: dt.datetime | None = None
) -> Preview:
    """Compare with the revision history (what subscribers have now)."""
    history, warnings = read_history_or_none(history_file)
    if history is not None and history_file is not None:
        warnings += base_url_mismatch(history, loaded.schedule.series.base_url, history_file)
    return preview(loaded, history, warnings, now)


def base_url_mismatch(history: History, base_url: str, history_file: Path) -> list[Problem]:
    """A warning when the last publish used another base URL than this prediction.

    The URL is in every event's description, so a diff without the ``--base-url``
    that ``build`` was given would report every event as changed.
    """
    published = {
        str(record.snapshot.get("url") or "").partition("#")[0]
        for record in history.records.values()
        if record.removed is None
    }
    if len(published) != 1 or published == {base_url}:
        return []
    (used,) = published
    message = (
        f"the last publish used the base URL {used or '(none)'}, this diff uses "
        f"{base_url or '(none)'}: every link in the descriptions differs. Give the same "
        "--base-url as build, or set calendar.base_url in the events file"
    )
    return [Problem(Position(str(history_file)), "", message, "warning")]


def against_schedule(
    loaded: Loaded, baseline: Loaded | None, now: dt.datetime | None = None
) -> Preview:
    """Compare with another version of the file, as if it had been published (None: a
    version without this series)."""
    history = publish(None, baseline.schedule, FIXED_STAMP)[0] if baseline else None
    return preview(loaded, history, [], now)


def baseline_site(
    file: Path,
    other: Path | None,
    revision: str | None,
    base_url: str,
    *,
    max_bytes: int,
    max_sessions: int,
) -> Site:
    """What ``diff --against OTHER`` or ``diff --git REV`` compares FILE with."""
    source = other or EventsBytes(git_show(file, revision or ""), f"{file} at {revision}")
    return load_site(source, base_url, max_bytes=max_bytes, max_sessions=max_sessions)


def git_show(file: Path, revision: str) -> bytes:
    """FILE's content at a git revision, for ``diff --git REV``."""
    result = subprocess.run(
        ["git", "show", f"{revision}:./{file.name}"],
        cwd=file.resolve().parent,
        capture_output=True,
        check=False,
    )
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip() or "git show failed"
        raise GitError(f"cannot read {file} at {revision}: {message}")
    return result.stdout
