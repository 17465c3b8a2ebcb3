"""Calendar files (.ics from Google Calendar, Outlook, Indico) read with icalendar.

Each VEVENT is a row with an exact date and times; its zone is the file's. The
speaker and title are taken apart from a SUMMARY written ``Speaker: Title``
when the part before the colon reads as a name, and STATUS:CANCELLED events
become cancelled sessions.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from icalendar import Calendar

from .. import texts
from .cells import clean, looks_like_person
from .rows import ImportOptions, Row, Source, page_problem


def read_calendar(text: str, name: str, options: ImportOptions) -> Source:
    """Every VEVENT of the file, in time order, as rows."""
    source = Source([], language_text=text)
    try:
        calendar = Calendar.from_ical(text)
    except ValueError as exc:
        source.problems.append(page_problem(name, 0, f"cannot read the calendar file: {exc}"))
        return source
    source.calendar["name"] = _text(calendar.get("X-WR-CALNAME"))
    source.calendar["description"] = _text(calendar.get("X-WR-CALDESC"))
    source.timezone = _text(calendar.get("X-WR-TIMEZONE"))
    lines = _event_lines(text)
    events = list(calendar.walk("VEVENT"))
    for number, event in enumerate(events):
        line = lines[number] if number < len(lines) else 0
        row = _row(line, event, source)
        if row is None:
            summary = _text(event.get("SUMMARY"))
            source.warning(
                name, line, texts.import_skipped(texts.IMPORT_NO_DATE.format(text=summary))
            )
            continue
        source.rows.append(row)
    source.rows.sort(key=lambda r: (r.day or dt.date.min, r.start or dt.time.min))
    if not events:
        source.problems.append(page_problem(name, 0, texts.IMPORT_NO_SCHEDULE))
    return source


def _row(line: int, event: Any, source: Source) -> Row | None:
    start = event.get("DTSTART")
    if start is None:
        return None
    begins = start.dt
    ends = event.get("DTEND").dt if event.get("DTEND") is not None else None
    row = Row(line)
    if isinstance(begins, dt.datetime):
        zone = getattr(begins.tzinfo, "zone", None) or getattr(begins.tzinfo, "key", None)
        if zone and not source.timezone:
            source.timezone = str(zone)
        row.day, row.start = begins.date(), begins.time().replace(tzinfo=None)
        if isinstance(ends, dt.datetime):
            if ends.tzinfo is not None and begins.tzinfo is not None:
                ends = ends.astimezone(begins.tzinfo)
            row.end = ends.time().replace(tzinfo=None)
    else:
        row.day = begins
    row.date_text = row.day.isoformat()
    summary = _text(event.get("SUMMARY"))
    who, colon, what = summary.partition(": ")
    if colon and looks_like_person(who):
        row.speaker, row.title = who.strip(), what.strip()
    elif colon and looks_like_person(what) and not looks_like_person(who):
        row.speaker, row.title = what.strip(), who.strip()  # "Colloquium: Jane Doe"
    else:
        row.title = summary
    row.abstract = _text(event.get("DESCRIPTION"))
    row.room = _text(event.get("LOCATION"))
    url = _text(event.get("URL"))
    if url:
        row.notes.append(url)
    row.cancelled = _text(event.get("STATUS")).upper() == "CANCELLED"
    return row


def _text(value: Any) -> str:
    return clean(str(value)) if value is not None else ""


def _event_lines(text: str) -> list[int]:
    """The line of each BEGIN:VEVENT, to point problems at."""
    return [n for n, line in enumerate(text.splitlines(), 1) if line.strip() == "BEGIN:VEVENT"]
