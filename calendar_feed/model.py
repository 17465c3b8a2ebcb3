"""The validated schedule: immutable, timezone-aware, and free of I/O.

Everything downstream (iCalendar, HTML, JSON, Markdown) reads these objects and
nothing else, so a value that reaches here has already been checked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import MISSING, dataclass, field, fields
from enum import StrEnum
from operator import attrgetter
from typing import Any, ClassVar


class Status(StrEnum):
    TALK = "talk"
    CANCELLED = "cancelled"
    OPEN = "open"


@dataclass(frozen=True)
class Link:
    """A labelled link of a session (its slides, video, the speaker's page)."""

    label: str
    url: str


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
"""Weekday names as events.yaml writes them; Series.weekday is an index into it."""


class Kind(StrEnum):
    """How a value is written in events.yaml and checked.

    Each kind has one parser (FieldParser.by_kind in source/parsers.py and
    source/vocabulary.py); a session detail may be TEXT, URL, LINKS, TAGS or LANGUAGE.
    """

    TEXT = "text"
    """Text on one line (its line breaks fold into spaces), or paragraphs if ``prose``."""
    URL = "url"
    LINKS = "links"
    """A mapping of known link names (slides, video, speaker_page) to web addresses."""
    TAGS = "tags"
    """A list of short identifiers (``[pde, numerics]``) that feeds can be filtered by."""
    TEXT_LIST = "list of text"
    """A list of names, or one written alone."""
    IDENTIFIER = "identifier"
    """Letters, digits, ``-``, ``_`` and ``.``: a series' or session's id."""
    BASE_URL = "base url"
    """A web address given the trailing ``/`` that links into it need."""
    TIMEZONE = "timezone"
    """An IANA timezone name such as ``Asia/Shanghai``."""
    LANGUAGE = "language tag"
    WEEKDAY = "weekday"
    """A weekday's English name, read as its index in WEEKDAYS."""
    HOURS = "hours"
    """A whole number of hours from 1 to four weeks (parsers.MAX_REFRESH_HOURS)."""
    EMAIL = "e-mail address"
    """``name@example.edu`` or ``Name <name@example.edu>``."""
    EMAIL_LIST = "e-mail addresses"
    """A list of e-mail addresses, or one written alone."""
    DATE = "date"
    TIME = "time"
    """A 24-hour ``"HH:MM"``."""
    MINUTES = "minutes"
    """A whole number of minutes, under a day."""
    STATUS = "status"
    """One of the values of Status."""
    DAYS = "days"
    """A whole number of days above 0."""
    ORIGINS = "origins"
    """Web origins (``https://host[:port]``) or ``'self'``, as frame-ancestors has them."""
    SECTION = "section"
    """A mapping of keys declared on a dataclass of their own (the setting's ``section``)."""


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
    help: str = ""
    """What it means: its row of the events.yaml reference (Markdown; see reference.py)."""
    joins_row: bool = False
    """Explained in the reference row of the key declared before it, with no help of its own."""
    section: type | None = None
    """For Kind.SECTION: the dataclass that declares the keys of the nested mapping."""


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
    speaker: str = detail(
        FieldRule(
            makes_talk=True,
            talk_needs=True,
            help="Who speaks and about what. A talk needs `speaker` and `title`.",
        )
    )
    affiliation: str = detail(FieldRule(makes_talk=True, joins_row=True))
    title: str = detail(FieldRule(makes_talk=True, talk_needs=True, joins_row=True))
    abstract: str = detail(
        FieldRule(
            makes_talk=True,
            prose=True,
            heading="Abstract",
            help="Several paragraphs each; use `|` block scalars and blank lines between "
            "paragraphs. Shown in full in the event description and on the page.",
        )
    )
    bio: str = detail(
        FieldRule(makes_talk=True, prose=True, heading="About the speaker", joins_row=True)
    )
    reason: str = detail(
        FieldRule(
            cancelled_only=True,
            help="For a cancelled session, why (e.g. `假期`); shown in the title line of the "
            "page and the first line of the event description.",
        )
    )
    links: tuple[Link, ...] = detail(
        FieldRule(
            Kind.LINKS,
            help="Optional `slides`, `video` and `speaker_page` URLs (`http://` or `https://` "
            "only).",
        ),
        default=(),
    )
    note: str = detail(
        FieldRule(prose=True, heading="", help="Any other text to show with the session.")
    )
    speaker_url: str = detail(
        FieldRule(
            Kind.URL,
            help="The speaker's homepage (`http(s)://`); the speaker's name links to it on the "
            "page.",
        )
    )
    online: str = detail(
        FieldRule(
            Kind.URL,
            heading="Join online",
            help="A meeting link for a hybrid or online session (`http(s)://`): RFC 7986 "
            '`CONFERENCE;VALUE=URI;FEATURE=VIDEO` in the event, a "Join online" paragraph '
            "in its description and a link on the page.",
        )
    )
    tags: tuple[str, ...] = detail(
        FieldRule(
            Kind.TAGS,
            help="Short tags (`[pde, numerics]`, or one tag alone; letters, digits, `-`, `_`, "
            "`.`; lower-cased), plus the series' own `calendar.tags`. In the event as "
            "`CATEGORIES`, in JSON, and the key of a department's per-tag feeds "
            "(`/tags/pde.ics`, `?tag=pde`).",
        ),
        default=(),
    )

    language: str = detail(
        FieldRule(
            Kind.LANGUAGE,
            help="The talk's language tag where it differs from the series' `language` (`en` "
            "for an English talk in a `zh` series): the pages mark its title and abstract with "
            "it, for screen readers, and the feed gives its SUMMARY and DESCRIPTION "
            "`LANGUAGE=en`.",
        )
    )
    """Language of the talk's own text; empty when it is the series' language."""

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

    def language_in(self, series: Series) -> str:
        """The language the talk is given in: its own ``language``, else the series'."""
        return self.language or series.language


_SESSION_FIELDS = tuple(f.name for f in fields(Session))
_ALL_VALUES = attrgetter(*_SESSION_FIELDS)
_START, _END, _STATUS, _LINKS = map(_SESSION_FIELDS.index, ("start", "end", "status", "links"))


def session_values(session: Session) -> tuple[Any, ...]:
    """Every field of ``session`` as plain data (text, numbers, booleans, tuples of them), in
    declaration order: what the build cache keeps, and what a digest of the session reads.
    A time is its ISO text with the offset, and the zone's name; a link is (label, url)."""
    values = list(_ALL_VALUES(session))
    for index in (_START, _END):
        time = values[index]
        values[index] = (time.isoformat(), str(time.tzinfo))
    values[_STATUS] = session.status.value
    values[_LINKS] = tuple((link.label, link.url) for link in session.links)
    return tuple(values)


def session_from_values(values: tuple[Any, ...], zone: dt.tzinfo) -> Session:
    """The session :func:`session_values` gave ``values`` for, its times in ``zone``.

    Raises ValueError or TypeError for values no session of ``zone`` gives (a damaged cache).
    """
    found = list(values)
    if len(found) != len(_SESSION_FIELDS):
        raise ValueError(f"{len(found)} values for {len(_SESSION_FIELDS)} fields")
    name = str(zone)
    for index in (_START, _END):
        text, zone_name = found[index]
        if zone_name != name:
            raise ValueError(f"a time in {zone_name}, not in {name}")
        found[index] = dt.datetime.fromisoformat(text).astimezone(zone)
    found[_STATUS] = Status(found[_STATUS])
    found[_LINKS] = tuple(Link(label, url) for label, url in found[_LINKS])
    return Session(*found)


@dataclass(frozen=True)
class SettingRule:
    """What a key of ``calendar:`` or ``defaults:`` is: its kind, whether it must be
    given, and what it means.

    A key is declared once, as a field of :class:`Series` (``calendar:``) or
    :class:`Timing` (``defaults:``) with a rule in its metadata (see :func:`setting`);
    calendar_feed.fields derives the key lists from these declarations, validation
    parses each key by its kind, the YAML writer lays it out by its kind, and
    calendar_feed.reference writes the events.yaml reference from its help.
    """

    kind: Kind = Kind.TEXT
    help: str = ""
    """What it means: its row of the events.yaml reference (Markdown; see reference.py)."""
    required: bool = False
    """Validation reports it missing (a required field needs no default)."""
    missing_hint: str = ""
    """Added to the "missing required field" message, e.g. what a value looks like."""
    prose: bool = False
    """Paragraphs of text: a ``|`` block in YAML once it is long."""
    joins_row: bool = False
    """Explained in the reference row of the key declared before it, with no help of its own."""
    section: type | None = None
    """For Kind.SECTION: the dataclass that declares the keys of the nested mapping."""


def setting(rule: SettingRule, default: Any = MISSING) -> Any:
    """A ``calendar:`` or ``defaults:`` key declared with its rule (a field with metadata).

    Without a default the field must be given when the dataclass is built.
    """
    return field(default=default, metadata={"setting": rule})


@dataclass(frozen=True)
class Series:
    """What the whole calendar is: names, people, timezone and where it is published.

    Its fields are the keys of ``calendar:``, each declared with its rule (see setting),
    in the order the YAML writer puts them.
    """

    id: str = setting(
        SettingRule(
            Kind.IDENTIFIER,
            required=True,
            help="Short series id (letters, digits, `-`, `_`, `.`), used in event UIDs and file "
            "names. **Never change it** after people subscribe: their apps would see every "
            "talk deleted and re-created.",
        )
    )
    name: str = setting(SettingRule(required=True, help="Name of the series (English here)."))
    """English name, used where one language must be chosen."""
    local_name: str = setting(
        SettingRule(
            help="Name in the seminar's own language; shown first on the page, and the "
            "calendar is named `local_name · name`."
        ),
        default="",
    )
    """Name in the seminar's own language (here Chinese); may be empty."""
    description: str = setting(
        SettingRule(
            prose=True,
            help="One or more paragraphs about the series (calendar DESCRIPTION and the page).",
        ),
        default="",
    )
    semester: str = setting(SettingRule(help="Label such as `2024秋`."), default="")
    organizers: tuple[str, ...] = setting(
        SettingRule(Kind.TEXT_LIST, help="A list of names (or one name)."), default=()
    )
    maintainer: str = setting(
        SettingRule(help="Who maintains the page, shown in the footer."), default=""
    )
    timezone: str = setting(
        SettingRule(
            Kind.TIMEZONE,
            required=True,
            missing_hint=" (an IANA name like Asia/Shanghai)",
            help="IANA timezone name, e.g. `Asia/Shanghai`. All times in the file are local "
            "times there.",
        ),
        default="UTC",
    )
    base_url: str = setting(
        SettingRule(
            Kind.BASE_URL,
            help="Public URL where the built site will live. Needed for subscribe buttons, "
            "event URLs and the feed's SOURCE; links that need it are left out while it is "
            "unset.",
        ),
        default="",
    )
    """Public URL of the published site, ending in ``/``; empty when unknown."""
    language: str = setting(
        SettingRule(
            Kind.LANGUAGE,
            help="Language tag of the page and its talks (`zh`, `en`, …; default `en`): the "
            "page's `lang`, and `LANGUAGE=` on each talk's SUMMARY and DESCRIPTION in the feed.",
        ),
        default="en",
    )
    weekday: int | None = setting(
        SettingRule(
            Kind.WEEKDAY,
            help="The series' usual weekday (`wednesday`); sessions on other days get a "
            "warning. When omitted, the most common weekday is used.",
        ),
        default=None,
    )
    """Usual weekday (Monday is 0), used only to warn about odd dates."""
    refresh_hours: int = setting(
        SettingRule(
            Kind.HOURS,
            help="How often calendar apps should poll the feed (REFRESH-INTERVAL and "
            "X-PUBLISHED-TTL; default 12; from 1 to 672, four weeks).",
        ),
        default=12,
    )
    feed_window: int | None = setting(
        SettingRule(
            Kind.DAYS,
            help="Days of past sessions that the subscription feed, the page and "
            "`events.json` keep (default 365), counted back from today or, when the last "
            "session is earlier, from it: a pause never empties them. Sessions to come "
            "always stay; `archive.ics` and `archive.json` keep every session.",
        ),
        default=None,
    )
    """Days of past sessions the bounded outputs keep; None: the default (a year)."""
    tags: tuple[str, ...] = setting(
        SettingRule(
            Kind.TAGS,
            help="Tags every session of the series has besides its own, e.g. `[analysis]` "
            "(see `tags` under sessions).",
        ),
        default=(),
    )
    contact: str = setting(
        SettingRule(
            Kind.EMAIL,
            help="An e-mail address (`name@example.edu` or `Name <name@example.edu>`): the "
            'From of `announce --format eml`, and where "Volunteer for this date" links on '
            "open slots write.",
        ),
        default="",
    )
    announce_to: tuple[str, ...] = setting(
        SettingRule(
            Kind.EMAIL_LIST,
            help="Address, or list of addresses, the weekly announcement goes to (its To).",
        ),
        default=(),
    )
    repository: str = setting(
        SettingRule(
            Kind.URL,
            help="Web address of the repository holding events.yaml; a "
            '`https://github.com/OWNER/REPO` address adds a prefilled "new issue" link to '
            "every open slot.",
        ),
        default="",
    )

    @property
    def display_name(self) -> str:
        if self.local_name and self.local_name != self.name:
            return f"{self.local_name} · {self.name}"
        return self.name

    def session_tags(self, session: Session) -> tuple[str, ...]:
        """The session's tags and the series' (inherited), each once, in order."""
        return tuple(dict.fromkeys((*session.tags, *self.tags)))


@dataclass(frozen=True)
class Timing:
    """The keys of ``defaults:``, which a session may also give for itself.

    Only a declaration, as Series is for ``calendar:``: validation reads these keys
    into a mapping of those given (a session's own over the defaults) and the session
    ends up with aware start and end times and a location.
    """

    start: dt.time | None = setting(
        SettingRule(
            Kind.TIME,
            help='Start time, 24-hour `"HH:MM"` (quoting is optional; `12:00` is read as a '
            "time, not as YAML 1.1's number 720).",
        ),
        default=None,
    )
    end: dt.time | None = setting(
        SettingRule(Kind.TIME, help='End time `"HH:MM"`, or instead:'), default=None
    )
    duration: int | None = setting(
        SettingRule(
            Kind.MINUTES,
            help="Length in minutes, e.g. `90`. Give `end` or `duration`, not both.",
        ),
        default=None,
    )
    location: str | None = setting(SettingRule(help="Where sessions take place."), default=None)

    IN_SESSION: ClassVar[str] = "Override the defaults for this session."
    """The meaning of these keys under a session: one row of the reference for all."""


SCHEDULE: tuple[tuple[str, SettingRule], ...] = (
    (
        "id",
        SettingRule(
            Kind.IDENTIFIER,
            help="Optional explicit identity. Without it a session is identified by its date, "
            "so **moving a session to another date changes its UID** (calendar apps see one "
            "event deleted and another created); give it an `id:` before moving it. Two "
            "sessions on the same date need ids.",
        ),
    ),
    ("date", SettingRule(Kind.DATE, required=True, help="`YYYY-MM-DD`.")),
    (
        "status",
        SettingRule(
            Kind.STATUS,
            help="`talk`, `cancelled` or `open`. Optional: a session with a speaker or title is "
            "a talk, one with nothing is an open slot; write `status: cancelled` to cancel.",
        ),
    ),
)
"""A session's own keys before its timing (Timing's keys) and its details: where the
session sits in the schedule. Validation reads them with its own rules (sessions.py)."""


@dataclass(frozen=True)
class Schedule:
    """A series and its sessions in date order: what every renderer takes."""

    series: Series
    sessions: tuple[Session, ...] = field(default=())

    @property
    def first_date(self) -> dt.date | None:
        return min((s.date for s in self.sessions), default=None)
