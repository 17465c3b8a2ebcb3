"""What makes a published event the same event over time: its UID and its revision.

Calendar apps match events by UID and accept an edit when SEQUENCE or
LAST-MODIFIED grows; the revision history, the feed and the JSON all take these
from here, so none of them needs the iCalendar module to know an event's name.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .model import Series, Session

FIXED_STAMP = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
"""DTSTAMP when no revision history is known, fixed so that builds are reproducible."""


@dataclass(frozen=True)
class Revision:
    """What the revision history knows about one published event."""

    sequence: int = 0
    modified: dt.datetime | None = None


def session_uid(series: Series, session: Session) -> str:
    """Stable UID: survives edits of title, speaker, abstract and (with an id) the date."""
    return f"{series.id}-{session.key}@calendar-feed"


def rfc3339(moment: dt.datetime) -> str:
    """``2024-09-11T04:00:00Z``: UTC to the second, as Atom and the history file write times."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
