"""The validated schedule: immutable, timezone-aware, and free of I/O.

Everything downstream (iCalendar, HTML, JSON, Markdown) reads these objects and
nothing else, so a value that reaches here has already been checked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    TALK = "talk"
    CANCELLED = "cancelled"
    OPEN = "open"


@dataclass(frozen=True)
class Link:
    label: str
    url: str


class Kind(StrEnum):
    """How a session detail is written in events.yaml and checked."""

    TEXT = "text"
    URL = "url"
    LINKS = "links"
    """A mapping of known link names (slides, video, speaker_page) to web addresses."""
    TAGS = "tags"
    """A list of short identifiers (``[pde, numerics]``) that feeds can be filtered by."""


@dataclass(frozen=True)
class FieldRule:
    """What a session detail means; validation, the YAML writer, JSON and history read it.

    A detail is declared once, as a field of :class:`Session` with a rule in its
    metadata (see :func:`detail`); calendar_feed.fields derives every list of keys
    from these declarations.
    """

    kind: Kind = Kind.TEXT
    makes_talk: bool = False
    """Giving it makes a session without an explicit ``status`` a talk."""
    talk_needs: bool = False
    """A talk must have it, and an open slot must not."""
    cancelled_only: bool = False
    """Only meaningful for cancelled sessions (warn elsewhere)."""
    prose: bool = False
    """Paragraphs of text: a ``|`` block in YAML, paragraphs on the page."""
    heading: str | None = None
    """Its paragraph's heading in calendar descriptions ("" for none); None when the
    description shows it another way (title line, CANCELLED line, link list)."""


def detail(rule: FieldRule = FieldRule(), default: Any = "") -> Any:
    """A session detail declared with its rule (a dataclass field with metadata)."""
    return field(default=default, metadata={"rule": rule})


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
    # The details an organizer writes, in the order events.yaml lists them.
    speaker: str = detail(FieldRule(makes_talk=True, talk_needs=True))
    affiliation: str = detail(FieldRule(makes_talk=True))
    title: str = detail(FieldRule(makes_talk=True, talk_needs=True))
    abstract: str = detail(FieldRule(makes_talk=True, prose=True, heading="Abstract"))
    bio: str = detail(FieldRule(makes_talk=True, prose=True, heading="About the speaker"))
    reason: str = detail(FieldRule(cancelled_only=True))
    links: tuple[Link, ...] = detail(FieldRule(Kind.LINKS), default=())
    note: str = detail(FieldRule(prose=True, heading=""))
    speaker_url: str = detail(FieldRule(Kind.URL))
    """The speaker's homepage: their name links to it on the page."""
    online: str = detail(FieldRule(Kind.URL, heading="Join online"))
    """A meeting link for hybrid sessions: RFC 7986 CONFERENCE in the event."""
    tags: tuple[str, ...] = detail(FieldRule(Kind.TAGS), default=())

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
    tags: tuple[str, ...] = ()
    """Tags every session of the series has, besides its own."""
    contact: str = ""
    """Address organizers read (``Name <addr>`` or ``addr``): From of announcements,
    and where volunteers for open slots write."""
    announce_to: tuple[str, ...] = ()
    """Addresses the weekly announcement goes to (its To header)."""
    repository: str = ""
    """Web address of the repository holding events.yaml (e.g. on GitHub), for
    "volunteer for this date" issue links."""

    @property
    def display_name(self) -> str:
        if self.local_name and self.local_name != self.name:
            return f"{self.local_name} · {self.name}"
        return self.name

    def session_tags(self, session: Session) -> tuple[str, ...]:
        """The session's tags and the series' (inherited), each once, in order."""
        return tuple(dict.fromkeys((*session.tags, *self.tags)))


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
