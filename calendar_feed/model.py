"""The validated schedule: immutable, timezone-aware, and free of I/O.

Everything downstream (iCalendar, HTML, JSON, Markdown) reads these objects and
nothing else, so a value that reaches here has already been checked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum


class Status(StrEnum):
    TALK = "talk"
    CANCELLED = "cancelled"
    OPEN = "open"


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True)
class Session:
    """One meeting of the series: a talk, a cancelled date or an open slot."""

    key: str
    """Stable identity: the explicit ``id`` or else the ISO date; the UID is built from it."""
    explicit_id: bool
    start: dt.datetime
    end: dt.datetime
    location: str
    status: Status
    speaker: str = ""
    affiliation: str = ""
    title: str = ""
    abstract: str = ""
    bio: str = ""
    reason: str = ""
    note: str = ""
    links: tuple[Link, ...] = ()

    @property
    def date(self) -> dt.date:
        return self.start.date()

    @property
    def is_talk(self) -> bool:
        return self.status is Status.TALK

    @property
    def is_cancelled(self) -> bool:
        return self.status is Status.CANCELLED

    @property
    def is_open(self) -> bool:
        return self.status is Status.OPEN


@dataclass(frozen=True)
class Series:
    """What the whole calendar is: names, people, timezone and where it is published."""

    id: str
    name: str
    """English name, used where one language must be chosen."""
    local_name: str = ""
    """Name in the seminar's own language (here Chinese); may be empty."""
    description: str = ""
    semester: str = ""
    organizers: tuple[str, ...] = ()
    maintainer: str = ""
    timezone: str = "UTC"
    base_url: str = ""
    """Public URL of the published site, ending in ``/``; empty when unknown."""
    language: str = "en"
    weekday: int | None = None
    """Usual weekday (Monday is 0), used only to warn about odd dates."""
    refresh_hours: int = 12

    @property
    def display_name(self) -> str:
        if self.local_name and self.local_name != self.name:
            return f"{self.local_name} · {self.name}"
        return self.name


@dataclass(frozen=True)
class Schedule:
    series: Series
    sessions: tuple[Session, ...] = field(default=())

    def session(self, key: str) -> Session | None:
        for session in self.sessions:
            if session.key == key:
                return session
        return None

    @property
    def first_date(self) -> dt.date | None:
        return min((s.date for s in self.sessions), default=None)

    @property
    def last_date(self) -> dt.date | None:
        return max((s.end.date() for s in self.sessions), default=None)
