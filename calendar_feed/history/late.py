"""Late changes: edits that subscribers' calendars will probably not show in time.

Calendar apps poll a subscription on their own schedule: Google every 8 to 24
hours whatever the feed asks, others about every ``refresh_hours`` (12 by
default). A change to a session that starts sooner than that reaches many
subscribers only after the fact, so ``build``, ``diff`` and the live server's
log say so, and suggest telling people directly with ``calendar-feed announce``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from ..errors import Position, Problem
from ..model import Series
from .changes import Change

GOOGLE_REFRESH_HOURS = 24
"""The longest Google Calendar is known to wait between two fetches of a subscription."""


def late_window(series: Series) -> dt.timedelta:
    """How far ahead a change is late: the feed's refresh interval or 24 hours, the longer."""
    return dt.timedelta(hours=max(series.refresh_hours, GOOGLE_REFRESH_HOURS))


def is_late(start: dt.datetime, end: dt.datetime, now: dt.datetime, series: Series) -> bool:
    """True when a session that has not ended yet starts within the late window."""
    return end > now and start - now <= late_window(series)


def late_change_warnings(
    changes: Iterable[Change],
    series: Series,
    now: dt.datetime,
    locations: Mapping[str, tuple[str, Position]] | None = None,
) -> list[Problem]:
    """One warning per change to a session starting too soon for calendars to catch up."""
    warnings = []
    for change in changes:
        start = dt.datetime.fromisoformat(change.snapshot["start"])
        end = dt.datetime.fromisoformat(change.snapshot["end"])
        if not is_late(start, end, now, series):
            continue
        path, position = (locations or {}).get(change.key, ("", Position("")))
        warnings.append(Problem(position, path, _message(change, start, now, series), "warning"))
    return warnings


def _message(change: Change, start: dt.datetime, now: dt.datetime, series: Series) -> str:
    hours = max(0, round((start - now).total_seconds() / 3600))
    when = "has started" if start <= now else f"starts in {hours} hour{'s' if hours != 1 else ''}"
    return (
        f'late change: "{change.snapshot["summary"]}" ({start:%a %Y-%m-%d %H:%M}) {when}; '
        f"subscribers' calendars refresh only every {series.refresh_hours} hours "
        f"(Google: every 8 to 24 hours), so many will not see this change in time. "
        f"Tell them directly: calendar-feed announce --date {start:%Y-%m-%d}"
    )
