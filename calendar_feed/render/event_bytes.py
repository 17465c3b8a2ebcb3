"""A VEVENT's bytes written directly: icalendar's output for our events, without its objects.

Building an ``icalendar.Event`` and serializing it was most of a large build (per
property: a value object, a parameter dict, a content line). Our events are a fixed
shape, so their lines can be written here in the order and form icalendar gives
them: its canonical properties first (SUMMARY, DTSTART, DTEND, DTSTAMP, UID,
SEQUENCE), the others alphabetically, parameters sorted, TEXT escaped as
components.vText escapes it, each line folded by folding.fold_line.

icalendar stays the judge: :func:`event_bytes` returns None for any value whose
form here is not proven identical (a parameter value that icalendar would quote or
escape, a UID or tag with a TEXT special character, a URI with a line break, a
time zone other than a ``ZoneInfo``), and components.py then builds the event with
icalendar. tests/render/test_event_bytes.py compares the two on generated events.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Callable

from ..identity import FIXED_STAMP, Revision, session_uid
from ..model import Series, Session, Status
from ..texts import JOIN_ONLINE, event_description, event_summary
from ..urls import session_url
from .folding import LIMIT, fold_line

ZoneId = Callable[[dt.tzinfo], str]
"""The TZID icalendar gives a zone ("UTC" for a zone it counts as UTC: the value gets a Z)."""

STATUS = {
    Status.TALK: "CONFIRMED",
    Status.CANCELLED: "CANCELLED",
    Status.OPEN: "TENTATIVE",
}

_PLAIN_PARAMETER = re.compile(r"[-A-Za-z0-9_+./ ]+\Z")
"""A parameter value icalendar writes as it is: nothing to quote (``,;:``) or escape (RFC 6868)."""
_TEXT_SPECIALS = re.compile(r"[\\;,\r\n]")
"""Characters icalendar's own TEXT escaping changes (UID and CATEGORIES use it)."""
_MAX_INTEGER = 2**31 - 1
_SHORT = (LIMIT - 1) // 4
_CONFERENCE = f"CONFERENCE;FEATURE=VIDEO;LABEL={JOIN_ONLINE};VALUE=URI:"


def escape_text(text: str) -> str:
    """A TEXT value escaped as RFC 5545 §3.3.11 says: the backslash first, then ``;``,
    ``,`` and line breaks (any of CRLF, CR, LF), so every typed character survives."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def event_bytes(
    series: Series,
    session: Session,
    revision: Revision | None,
    alarm_minutes: int | None,
    zone_id: ZoneId,
) -> tuple[bytes, tuple[str, ...]] | None:
    """The VEVENT's bytes and the TZIDs it uses, as icalendar writes them; None where
    this module cannot vouch for icalendar's form (the caller then asks icalendar)."""
    revision = revision or Revision()
    start = _date_time("DTSTART", session.start, zone_id)
    end = _date_time("DTEND", session.end, zone_id)
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
    zones = {start[1], end[1]} - {""}
    # A line of at most 18 characters fits in 74 octets (4 at most each): nothing to fold.
    folded = [line.encode() if len(line) <= _SHORT else fold_line(line) for line in lines]
    return b"\r\n".join(folded) + b"\r\n", tuple(sorted(zones))


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


def _date_time(name: str, moment: dt.datetime, zone_id: ZoneId) -> tuple[str, str] | None:
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
