"""Rows from any source -> events data: dates, talks, cancellations, the usual slot.

The one place where meaning is decided, so every source behaves the same. What
the rows and the page do not say is taken from the options, and for the zone
alone from this machine (with a warning); nothing else is filled in. What cannot
be placed is reported as ``skipped`` with its line.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from .. import texts
from ..errors import Problem
from ..markdown.hidden import apply_calendar, apply_sessions
from ..source.vocabulary import WEEKDAYS
from .cells import looks_like_person, read_times, split_speaker
from .dates import Written, date_order, next_year, read_date
from .rows import ImportOptions, Row, Source, page_problem
from .words import CANCELLED_RE, CJK_RE, EXPLICIT_CANCELLED_RE, is_open
from .zone import machine_zone

PLACEHOLDER = "TBA"
"""Title or speaker of a talk whose source gives only the other one."""
_TRAILING_PERSON_RE = re.compile(r"^(?P<title>.+?)\s*[(（](?P<who>[^()（）]+)[)）]\s*$")
_GENERIC_CANCEL_RE = re.compile(
    r"^\W*(?:cancel+ed|no (?:seminar|meeting|talk|session)s?|取消|停课|休息)\W*$", re.IGNORECASE
)


@dataclass
class Normalized:
    """Events data ready for the writer, the source line of each session, and the counts."""

    data: dict[str, Any]
    lines: list[int]
    problems: list[Problem]
    skipped: int = 0
    counts: Counter[str] = field(default_factory=Counter)


class _Normalizer:
    def __init__(self, source: Source, name: str, options: ImportOptions):
        self.source = source
        self.name = name
        self.options = options
        self.problems: list[Problem] = list(source.problems)
        self.placeholders: dict[str, list[tuple[int, str]]] = {}
        """Talks without a title (or speaker): reported together when there are many."""

    def error(self, line: int, message: str) -> None:
        self.problems.append(page_problem(self.name, line, message))

    def warn(self, line: int, message: str) -> None:
        self.problems.append(page_problem(self.name, line, message, "warning"))

    def skip(self, line: int, what: str) -> None:
        self.warn(line, texts.import_skipped(what))

    # -- dates -----------------------------------------------------------------------

    def dates(self, rows: list[Row]) -> list[tuple[Row, dt.date]]:
        written: list[tuple[Row, Written | None]] = []
        for row in rows:
            found = None if row.day else read_date(row.date_text)
            if row.day is None and found is None:
                self.skip(row.line, texts.IMPORT_NO_DATE.format(text=row.date_text))
                continue
            written.append((row, found))
        order = self.options.date_order or None
        column = [(row, w) for row, w in written if w is not None]
        if order is None and any(w.swappable for _, w in column):
            years = [
                w.year or row.year or self.source.year or self.options.year for row, w in column
            ]
            order = date_order([w for _, w in column], years)
            if order is None:
                row, _ = next((r, w) for r, w in column if w.swappable)
                self.error(row.line, texts.IMPORT_DATE_ORDER.format(text=row.date_text.strip()))
                return []
        return self.years(written, order or "mdy")

    def years(
        self, written: list[tuple[Row, Written | None]], order: str
    ) -> list[tuple[Row, dt.date]]:
        year = self.options.year or self.source.year
        section: int | None = None
        previous_month: int | None = None
        result: list[tuple[Row, dt.date]] = []
        missing = False
        for row, found in written:
            if row.day is not None:
                result.append((row, row.day))
                year, previous_month = row.day.year, row.day.month
                continue
            assert found is not None
            month, day = found.candidates(order)
            if found.year is not None:
                year = found.year
            else:
                if row.year is not None and row.year != section:
                    section, year, previous_month = row.year, row.year, None
                if year is None:
                    if not missing:  # once is enough: every later date has the same cause
                        self.error(
                            row.line, texts.IMPORT_NO_YEAR.format(text=row.date_text.strip())
                        )
                    missing = True
                    continue
                year = next_year(year, previous_month, month)
            previous_month = month
            try:
                date = dt.date(year, month, day)
            except ValueError:
                self.skip(row.line, texts.IMPORT_NOT_A_DATE.format(text=row.date_text.strip()))
                continue
            if found.weekday is not None and found.weekday != date.weekday():
                self.warn(
                    row.line,
                    texts.IMPORT_WRONG_WEEKDAY.format(
                        date=date.isoformat(),
                        actual=WEEKDAYS[date.weekday()].title(),
                        written=WEEKDAYS[found.weekday].title(),
                    ),
                )
            result.append((row, date))
        return result

    # -- one row -----------------------------------------------------------------------

    def session(self, row: Row, date: dt.date) -> dict[str, Any]:
        where = date.isoformat()
        known = dict(row.fields)
        speaker = known.pop("speaker", "") or row.speaker
        title = known.pop("title", "") or row.title
        affiliation = known.pop("affiliation", "") or row.affiliation
        notes = list(row.notes)
        rest = row.text.strip().lstrip(":：-–—,;|").strip()
        rest = re.sub(r"^[*_]+|[*_]+$", "", rest).strip()
        cancelled, reason = row.cancelled, row.reason
        if cancelled and rest and not reason:
            inner = re.fullmatch(r"[（(](.*)[)）]", rest)
            reason, rest = (inner[1].strip() if inner else rest), ""
        if rest and not cancelled and not (speaker or title):
            speaker, title, rest = _talk_from_line(rest)
            if rest and not is_open(rest):
                notes.insert(0, rest)  # "no seminar this week …": read as a cancellation below
        elif rest and not cancelled and title and not speaker and looks_like_person(rest):
            speaker = rest  # "### Feb 3: Ada Lovelace" over a "Title:" line
        elif rest and not cancelled and speaker and not title:
            title = rest
        elif rest:
            notes.insert(0, rest)
            self.warn(row.line, texts.IMPORT_TEXT_IN_NOTE.format(date=where))
        speaker, title = _unless_open(speaker), _unless_open(title)
        if not cancelled:
            cancelled, reason, speaker, title, notes = _cancellation(speaker, title, notes)
        if speaker and not affiliation:
            speaker, affiliation = split_speaker(speaker)
        fields: dict[str, Any] = {}
        if cancelled:
            fields["status"] = "cancelled"
            if reason:
                fields["reason"] = reason
        talk = bool(speaker or title or affiliation or known.get("abstract") or row.abstract)
        if talk and not cancelled:
            for key, value in (("title", title), ("speaker", speaker)):
                if not value:
                    self.placeholders.setdefault(key, []).append((row.line, where))
            speaker, title = speaker or PLACEHOLDER, title or PLACEHOLDER
        fields.update(
            speaker=speaker,
            affiliation=affiliation,
            title=title,
            abstract=known.pop("abstract", "") or row.abstract,
            bio=known.pop("bio", "") or row.bio,
        )
        links = {**row.links, **known.pop("links", {})}
        if links:
            fields["links"] = links
        note = "\n\n".join([*notes, *([known.pop("note")] if "note" in known else [])])
        if note:
            fields["note"] = note
        times = (row.start, row.end) if row.start else _times(row.time_text)
        if times[0]:
            fields["start"] = times[0].strftime("%H:%M")
        if times[1]:
            fields["end"] = times[1].strftime("%H:%M")
        if row.room:
            fields["location"] = row.room
        return {"date": date, **{k: v for k, v in fields.items() if v}}

    # -- the whole schedule ----------------------------------------------------------

    def run(self) -> Normalized:
        source = self.source
        dated = self.dates(source.rows)
        sessions: list[dict[str, Any]] = []
        lines: list[int] = []
        seen: dict[dt.date, int] = {}
        for row, date in dated:
            session = self.session(row, date)
            if date in seen:
                count = sum(1 for s in sessions if s["date"] == date) + 1
                session = {"id": f"{date.isoformat()}-{count}", **session}
                self.warn(
                    row.line,
                    texts.IMPORT_DUPLICATE.format(
                        date=date.isoformat(), first=seen[date], id=session["id"]
                    ),
                )
            seen.setdefault(date, row.line)
            sessions.append(session)
            lines.append(row.line)
        self.report_placeholders()
        self.abstracts(sessions)
        defaults = self.defaults(sessions)
        calendar = self.calendar(sessions)
        sessions = apply_sessions(sessions, source.hidden, self.warn)
        data = {"calendar": calendar, "defaults": defaults, "sessions": sessions}
        return Normalized(data, lines, self.problems)

    def report_placeholders(self) -> None:
        for key, places in self.placeholders.items():
            if len(places) <= 3:
                for line, where in places:
                    self.warn(line, texts.IMPORT_PLACEHOLDER.format(date=where, key=key))
                continue
            lines = ", ".join(str(line) for line, _ in places[:5]) + (
                ", …" if len(places) > 5 else ""
            )
            self.warn(places[0][0], texts.IMPORT_PLACEHOLDERS.format(
                count=len(places), key=key, lines=lines))  # fmt: skip

    def abstracts(self, sessions: list[dict[str, Any]]) -> None:
        """Abstracts kept in a section after the schedule, matched by date, else by speaker.

        A section that names a date matches only that date; a speaker with several
        talks matches none, so an abstract never lands on the wrong talk.
        """
        speakers = Counter(s.get("speaker", "") for s in sessions)
        for _, text in self.source.after:
            heading, _, body = text.partition("\n")
            if not body.strip():
                continue
            found = read_date(heading) or read_date("\n".join(body.split("\n")[:3]))
            for session in sessions:
                speaker = session.get("speaker", "")
                if found is not None:
                    day = session["date"]
                    matches = (found.month, found.day) == (day.month, day.day) and (
                        found.year in (None, day.year)
                    )
                    named = speaker and speaker != PLACEHOLDER
                    only_date = not heading[found.end :].strip(" :-–—*_")
                    matches = matches and (not named or only_date or speaker in text)
                else:
                    matches = bool(speaker) and speaker != PLACEHOLDER and speakers[speaker] == 1
                    matches = matches and speaker in heading
                if matches and not session.get("abstract"):
                    session["abstract"] = body.strip()
                    break

    def defaults(self, sessions: list[dict[str, Any]]) -> dict[str, str]:
        """The usual start, end and room: options, then the page, then the rows' own."""
        options, source, hidden = self.options, self.source, self.source.hidden.defaults
        defaults: dict[str, str] = {}
        page_times = next(
            ((line, t) for line, text in source.time_text if (t := read_times(text))), None
        )
        row_times = Counter((s.get("start"), s.get("end")) for s in sessions if s.get("start"))
        start = options.start or str(hidden.get("start", ""))
        end = options.end or str(hidden.get("end", ""))
        line = 0
        if page_times and not start:
            line, times = page_times
            start = times.start.strftime("%H:%M")
            end = end or (times.end.strftime("%H:%M") if times.end else "")
        elif row_times and not start:
            (start, row_end), _ = row_times.most_common(1)[0]
            end = end or row_end or ""
        if not sessions:
            pass  # the rows' problems say why; a missing time would only add noise
        elif not start:
            self.error(0, texts.IMPORT_NO_TIME)
        elif not end:
            self.error(line, texts.IMPORT_NO_END.format(start=start))
        defaults.update(start=start, end=end)
        room = options.location or str(hidden.get("location", ""))
        if not room and source.room_text:
            room = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", source.room_text[0][1]).strip()
        rooms = Counter(s["location"] for s in sessions if s.get("location"))
        if not room and rooms:
            room = rooms.most_common(1)[0][0]
        if room:
            defaults["location"] = room
        for session in sessions:
            for key in ("start", "end", "location"):
                if session.get(key) == defaults.get(key):
                    session.pop(key, None)
        return defaults

    def calendar(self, sessions: list[dict[str, Any]]) -> dict[str, Any]:
        source, options, hidden = self.source, self.options, self.source.hidden
        calendar = dict(source.calendar)
        if not calendar.get("name"):
            calendar["name"] = calendar.get("local_name") or PurePath(self.name).stem
            if not calendar.get("local_name"):
                self.warn(0, texts.IMPORT_NAMED_AFTER_FILE.format(name=calendar["name"]))
        calendar["id"] = options.series_id or hidden.calendar.get("id") or _slug(calendar["name"])
        zone = options.timezone or source.timezone or hidden.calendar.get("timezone", "")
        if not zone:
            zone = machine_zone()
            if zone:
                self.warn(0, texts.IMPORT_MACHINE_ZONE.format(zone=zone))
            else:
                self.error(0, texts.IMPORT_NO_ZONE)
        calendar["timezone"] = zone
        calendar["language"] = options.language or _language(source.language_text, sessions)
        weekday = _usual_weekday([s["date"] for s in sessions])
        if weekday is not None:
            calendar["weekday"] = WEEKDAYS[weekday]
        apply_calendar(calendar, hidden)
        if options.language:
            calendar["language"] = options.language
        return calendar


def normalize(source: Source, name: str, options: ImportOptions) -> Normalized:
    """Turn ``source``'s rows into events data; problems are collected, not raised."""
    return _Normalizer(source, name, options).run()


def _times(text: str) -> tuple[dt.time | None, dt.time | None]:
    times = read_times(text) if text else None
    return (times.start, times.end) if times else (None, None)


def _unless_open(text: str) -> str:
    return "" if is_open(text) else text.strip()


def _talk_from_line(text: str) -> tuple[str, str, str]:
    """(speaker, title, rest) from a list item's words: ``Title (Speaker)``, ``Speaker: Title``."""
    if is_open(text) or CANCELLED_RE.search(text):
        return "", "", text
    trailing = _TRAILING_PERSON_RE.match(text)
    if trailing and looks_like_person(trailing["who"]):
        return trailing["who"].strip(), trailing["title"].strip(" ,;-–—"), ""
    who, colon, title = text.partition(": ")
    if colon and looks_like_person(who) and title.strip():
        return who.strip(), title.strip(), ""
    return "", text, ""


def _cancellation(
    speaker: str, title: str, notes: list[str]
) -> tuple[bool, str, str, str, list[str]]:
    """(cancelled, reason, speaker, title, notes): holidays and "No seminar" in any cell."""
    for text in (title, speaker):
        if text and EXPLICIT_CANCELLED_RE.search(text) and speaker and title:
            stripped = re.sub(r"\s*[(（\[]?\s*(?:cancel+ed|取消|停课)\s*[)）\]]?\s*", " ", text,
                              flags=re.IGNORECASE).strip()  # fmt: skip
            if text is title:
                return True, "", speaker, stripped, notes
            return True, "", stripped, title, notes
    if speaker and title and not is_open(speaker):
        return False, "", speaker, title, notes
    for text in (title, speaker, *notes):
        if text and CANCELLED_RE.search(text):
            reason = "" if _GENERIC_CANCEL_RE.match(text) else text.strip("*_ ")
            rest = [n for n in notes if n is not text]
            return True, reason, "", "", rest
    return False, "", speaker, title, notes


def _language(text: str, sessions: list[dict[str, Any]]) -> str:
    """``zh`` when Chinese makes up a good part of the page's letters, else ``en``."""
    cjk = len(CJK_RE.findall(text))
    latin = len(re.findall(r"[A-Za-z]", text))
    return "zh" if cjk and cjk * 3 >= latin else "en"


def _usual_weekday(days: list[dt.date]) -> int | None:
    """The weekday most dates fall on, if more than half do."""
    if not days:
        return None
    weekday, count = Counter(d.weekday() for d in days).most_common(1)[0]
    return weekday if count * 2 > len(days) else None


def _slug(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:64].strip("-")
    return slug or "seminar"
