"""iCalendar bytes written directly: icalendar's output for our calendars, without its objects.

Building icalendar objects and serializing them was most of a large build (per
property: a value object, a parameter dict, a content line), and importing
icalendar is a sixth of a small one. Our calendars have a fixed shape, so their
lines can be written here in the order and form icalendar gives them: a
component's canonical properties first (VCALENDAR: VERSION, PRODID, CALSCALE,
DESCRIPTION, X-WR-CALDESC, NAME, X-WR-CALNAME; VEVENT: SUMMARY, DTSTART, DTEND,
DTSTAMP, UID, SEQUENCE; VTIMEZONE: TZID), the others alphabetically, parameters
sorted, TEXT escaped as components.vText escapes it, each line folded by
folding.fold_line.

icalendar stays the judge: each function here returns None for any value whose
form here is not proven identical (a parameter value that icalendar would quote or
escape, a UID or tag with a TEXT special character, a URI with a line break, a
time zone other than a ``ZoneInfo``, a zone abbreviation with other characters than
letters, digits and signs), and render/ical.py then asks components.py, which
builds it with icalendar.
tests/render/test_ical_bytes.py compares the two on generated calendars, events
and every zone.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

from .. import zones
from ..identity import FIXED_STAMP, Revision, session_uid
from ..model import Series, Session, Status
from ..texts import JOIN_ONLINE, event_description, event_summary
from ..urls import feed_url, session_url
from .folding import LIMIT, fold_line, fold_lines

PRODID = "-//calendar-feed//calendar-feed//EN"
UTC_ZONES = frozenset((
    "Africa/Abidjan", "Africa/Accra", "Africa/Bamako", "Africa/Banjul", "Africa/Conakry",
    "Africa/Dakar", "Africa/Freetown", "Africa/Lome", "Africa/Nouakchott",
    "Africa/Ouagadougou", "Africa/Timbuktu", "Atlantic/Reykjavik", "Atlantic/St_Helena",
    "Etc/GMT", "Etc/GMT+0", "Etc/GMT-0", "Etc/GMT0", "Etc/Greenwich", "Etc/UCT", "Etc/UTC",
    "Etc/Universal", "Etc/Zulu", "GMT", "GMT+0", "GMT-0", "GMT0", "Greenwich", "Iceland",
    "UCT", "UTC", "Universal", "Zulu",
))  # fmt: skip
"""The zones icalendar writes as UTC (times with a Z, no TZID): those its table of
equivalent zones puts with UTC. Checked against icalendar for every zone tzdata has."""

STATUS = {
    Status.TALK: "CONFIRMED",
    Status.CANCELLED: "CANCELLED",
    Status.OPEN: "TENTATIVE",
}

_PLAIN_PARAMETER = re.compile(r"[-A-Za-z0-9_+./ ]+\Z")
"""A parameter value icalendar writes as it is: nothing to quote (``,;:``) or escape (RFC 6868)."""
_TEXT_SPECIALS = re.compile(r"[\\;,\r\n]")
"""Characters icalendar's own TEXT escaping changes (UID and CATEGORIES use it)."""
_TIME_ZONE_NAME = re.compile(r"[-+A-Za-z0-9]+\Z")
"""An abbreviation (EST, +1030) icalendar writes as it is."""
_MAX_INTEGER = 2**31 - 1
_SHORT = (LIMIT - 1) // 4
_CONFERENCE = f"CONFERENCE;FEATURE=VIDEO;LABEL={JOIN_ONLINE};VALUE=URI:"


def escape_text(text: str) -> str:
    """A TEXT value escaped as RFC 5545 §3.3.11 says: the backslash first, then ``;``,
    ``,`` and line breaks (any of CRLF, CR, LF), so every typed character survives."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def zone_id(zone: dt.tzinfo) -> str:
    """The TZID icalendar gives a ZoneInfo zone: "UTC" for the zones it counts as UTC, ""
    for one without a name (then nothing here vouches for its form)."""
    key = getattr(zone, "key", None) or ""
    return "UTC" if key in UTC_ZONES else key


def calendar_head(series: Series, whole: bool, query: str) -> bytes | None:
    """BEGIN:VCALENDAR and the calendar's properties, as components.calendar_head has
    icalendar write them; None where this module cannot vouch for icalendar's form."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN"]
    if whole:
        name = escape_text(series.display_name)
        refresh = _duration(dt.timedelta(hours=series.refresh_hours))
        if series.description:
            if not _PLAIN_PARAMETER.match(series.language):
                return None
            description = escape_text(series.description)
            lines += [f"DESCRIPTION;LANGUAGE={series.language}:{description}"]
            lines += [f"X-WR-CALDESC:{description}"]
        lines += [f"NAME:{name}", f"X-WR-CALNAME:{name}"]
        lines += [f"REFRESH-INTERVAL;VALUE=DURATION:{refresh}"]
        if series.base_url:
            source = feed_url(series) + (f"?{query}" if query else "")
            if _line_break(source) or _line_break(series.base_url):
                return None
            lines += [f"SOURCE;VALUE=URI:{source}", f"URL;VALUE=URI:{series.base_url}"]
        lines += [f"X-PUBLISHED-TTL:{refresh}", f"X-WR-TIMEZONE:{escape_text(series.timezone)}"]
    return fold_lines(lines)


def vtimezone(tzid: str, first: dt.date, last: dt.date) -> bytes | None:
    """The VTIMEZONE components.vtimezone has icalendar write (see there for what it
    holds); None for a zone zoneinfo does not know, or one this module cannot vouch for."""
    parts = zones.observances(tzid, first, last)
    if parts is None or not _PLAIN_PARAMETER.match(tzid):
        return None
    lines = ["BEGIN:VTIMEZONE", f"TZID:{tzid}"]
    lines += [f"COMMENT:This timezone only works from {first} to {last}."]
    for part in parts:
        kind = "DAYLIGHT" if part.offset.is_dst else "STANDARD"
        if not _TIME_ZONE_NAME.match(part.offset.name):
            return None
        lines += [f"BEGIN:{kind}", f"DTSTART:{_stamp(part.walls[0])}"]
        if len(part.walls) > 1:
            lines += [f"RDATE:{_stamp(wall)}" for wall in part.walls]
        lines += [f"TZNAME:{part.offset.name}", f"TZOFFSETFROM:{_offset(part.offset_from)}"]
        lines += [f"TZOFFSETTO:{_offset(part.offset.utcoffset)}", f"END:{kind}"]
    lines.append("END:VTIMEZONE")
    return fold_lines(lines)


def event_bytes(
    series: Series,
    session: Session,
    revision: Revision | None,
    alarm_minutes: int | None,
) -> tuple[bytes, tuple[str, ...]] | None:
    """The VEVENT's bytes and the TZIDs it uses, as icalendar writes them; None where
    this module cannot vouch for icalendar's form (the caller then asks icalendar)."""
    revision = revision or Revision()
    start = _date_time("DTSTART", session.start)
    end = _date_time("DTEND", session.end)
    language = _language(series, session)
    if start is None or end is None or language is None or not _plain(series, session, revision):
        return None
    summary = escape_text(event_summary(series, session))
    tags = series.session_tags(session)
    url = session_url(series, session)
    lines = [
        "BEGIN:VEVENT",
        f"SUMMARY{language}:{summary}",
        start[0],
        end[0],
        f"DTSTAMP:{_utc(revision.modified or FIXED_STAMP)}",
        f"UID:{session_uid(series, session)}",
        *([f"SEQUENCE:{revision.sequence}"] if revision.sequence else []),
        *([f"CATEGORIES:{','.join(tags)}"] if tags else []),
        *([_CONFERENCE + session.online] if session.online else []),
        f"DESCRIPTION{language}:{escape_text(event_description(series, session))}",
        *([f"LAST-MODIFIED:{_utc(revision.modified)}"] if revision.modified else []),
        *([f"LOCATION:{escape_text(session.location)}"] if session.location else []),
        f"STATUS:{STATUS[session.status]}",
        # Cancelled sessions and open slots leave attendees free; reminders for talks only.
        *([] if session.is_talk else ["TRANSP:TRANSPARENT"]),
        *([f"URL;VALUE=URI:{url}"] if url else []),
        *(_alarm(summary, alarm_minutes) if session.is_talk else []),
        "END:VEVENT",
    ]
    tzids = {start[1], end[1]} - {""}
    # A line of at most 18 characters fits in 74 octets (4 at most each): nothing to fold.
    folded = [line.encode() if len(line) <= _SHORT else fold_line(line) for line in lines]
    return b"\r\n".join(folded) + b"\r\n", tuple(sorted(tzids))


def _plain(series: Series, session: Session, revision: Revision) -> bool:
    """Whether the UID, tags, URIs and SEQUENCE are written as they are, as icalendar writes
    them (no TEXT escape it would apply, no line break in a URI, which it refuses)."""
    return (
        0 <= revision.sequence <= _MAX_INTEGER
        and not _TEXT_SPECIALS.search(session_uid(series, session))
        and not any(_TEXT_SPECIALS.search(tag) for tag in series.session_tags(session))
        and not _line_break(session_url(series, session))
        and not _line_break(session.online)
    )


def _language(series: Series, session: Session) -> str | None:
    """``;LANGUAGE=...`` for a talk's text (RFC 5545 3.2.10), "" for our own words about
    the series (cancelled dates, open slots); None for a value icalendar would quote."""
    if not session.is_talk:
        return ""
    value = session.language_in(series)
    return f";LANGUAGE={value}" if _PLAIN_PARAMETER.match(value) else None


def _alarm(summary: str, minutes: int | None) -> list[str]:
    if minutes is None:
        return []
    trigger = _duration(-dt.timedelta(minutes=minutes))
    return [
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        f"DESCRIPTION:{summary}",
        f"TRIGGER:{trigger}",
        "END:VALARM",
    ]


def _line_break(uri: str) -> bool:
    """icalendar refuses a URI with CR or LF: left to it, to say so."""
    return "\r" in uri or "\n" in uri


def _date_time(name: str, moment: dt.datetime) -> tuple[str, str] | None:
    """The property's line and its TZID ("" in UTC); None for a zone other than ZoneInfo's."""
    zone = moment.tzinfo
    if not isinstance(zone, zoneinfo.ZoneInfo):
        return None
    tzid = zone_id(zone)
    if tzid == "UTC":
        return f"{name}:{_stamp(moment)}Z", ""
    if not _PLAIN_PARAMETER.match(tzid):
        return None
    return f"{name};TZID={tzid}:{_stamp(moment)}", tzid


def _utc(moment: dt.datetime) -> str:
    return _stamp(moment.astimezone(dt.UTC)) + "Z"


def _stamp(moment: dt.datetime) -> str:
    """DATE-TIME's form (seconds, no fraction), as icalendar's vDatetime writes it."""
    return (
        f"{moment.year:04}{moment.month:02}{moment.day:02}"
        f"T{moment.hour:02}{moment.minute:02}{moment.second:02}"
    )


def _offset(delta: dt.timedelta) -> str:
    """UTC-OFFSET's form, as icalendar's vUTCOffset writes it (``+0800``, ``-0330``, and
    the seconds of a local mean time: ``+054116``)."""
    sign = "-" if delta < dt.timedelta(0) else "+"
    minutes, seconds = divmod(int(abs(delta).total_seconds()), 60)
    whole = f"{sign}{minutes // 60:02}{minutes % 60:02}"
    return f"{whole}{seconds:02}" if seconds else whole


def _duration(delta: dt.timedelta) -> str:
    """DURATION's form, as icalendar's vDuration writes it (``-PT15M``, ``-P1DT2H``, ``P0D``)."""
    sign = ""
    if delta.days < 0:
        sign, delta = "-", -delta
    time = ""
    if delta.seconds:
        hours, rest = divmod(delta.seconds, 3600)
        minutes, seconds = divmod(rest, 60)
        time = "T" + (f"{hours}H" if hours else "")
        time += f"{minutes}M" if minutes or (hours and seconds) else ""
        time += f"{seconds}S" if seconds else ""
    if delta.days == 0 and time:
        return f"{sign}P{time}"
    return f"{sign}P{delta.days}D{time}"
