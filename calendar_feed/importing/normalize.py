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
from ..markdown.format import next_year
from ..markdown.hidden import apply_calendar, apply_sessions
from ..source.vocabulary import WEEKDAYS, machine_timezone
from .cells import looks_like_person, read_times, split_speaker
from .dates import Written, date_order, read_date
from .rows import ImportOptions, Row, Source, page_problem
from .words import BREAK_RE, CANCELLED_RE, CJK_RE, EXPLICIT_CANCELLED_RE, is_open

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
        """One session's fields: what the talk is (or why there is none), its time and room."""
        where = date.isoformat()
        known = dict(row.fields)
        talk = self.words(row, known, where)
        fields: dict[str, Any] = {}
        if talk.cancelled:
            fields.update(status="cancelled", reason=talk.reason)
        abstract = known.pop("abstract", "") or row.abstract
        if not talk.cancelled and (talk.speaker or talk.title or talk.affiliation or abstract):
            for key in ("title", "speaker"):
                if not getattr(talk, key):
                    self.placeholders.setdefault(key, []).append((row.line, where))
                    setattr(talk, key, PLACEHOLDER)
        fields.update(
            speaker=talk.speaker,
            affiliation=talk.affiliation,
            title=talk.title,
            abstract=abstract,
            bio=known.pop("bio", "") or row.bio,
            links={**row.links, **known.pop("links", {})},
            note="\n\n".join([*talk.notes, *([known.pop("note")] if "note" in known else [])]),
            **_timing(row),
        )
        return {"date": date, **{k: v for k, v in fields.items() if v}}

    def words(self, row: Row, known: dict[str, Any], where: str) -> _Talk:
        """Speaker, title and status from the row's cells and the words after its date."""
        talk = _Talk(
            known.pop("speaker", "") or row.speaker,
            known.pop("title", "") or row.title,
            known.pop("affiliation", "") or row.affiliation,
            row.cancelled,
            row.reason,
            list(row.notes),
        )
        rest = row.text.strip().lstrip(":：-–—,;|").strip()
        rest = re.sub(r"^[*_]+|[*_]+$", "", rest).strip()
        if talk.cancelled and rest and not talk.reason:
            inner = re.fullmatch(r"[（(](.*)[)）]", rest)
            talk.reason, rest = (inner[1].strip() if inner else rest), ""
        if rest and not talk.cancelled:
            rest = _place_rest(talk, rest)
        if rest:
            talk.notes.insert(0, rest)
            self.warn(row.line, texts.IMPORT_TEXT_IN_NOTE.format(date=where))
        talk.speaker, talk.title = _unless_open(talk.speaker), _unless_open(talk.title)
        if not talk.cancelled:
            _cancellation(talk)
        if talk.speaker and not talk.affiliation:
            talk.speaker, talk.affiliation = split_speaker(talk.speaker)
        return talk

    # -- the whole schedule ----------------------------------------------------------

    def run(self) -> Normalized:
        source = self.source
        dated = self.dates(source.rows)
        sessions: list[dict[str, Any]] = []
        lines: list[int] = []
        seen: dict[dt.date, int] = {}
        for row, date in dated:
            words = (row.title or row.text or row.speaker).strip(" :-–—*_")
            if not (row.speaker and row.title) and BREAK_RE.match(words):
                self.skip(row.line, texts.IMPORT_BREAK.format(text=words))
                continue
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
        """The usual start, end and room; a session keeps its own only where it differs."""
        start, end = self.usual_time(sessions)
        defaults = {"start": start, "end": end, "location": self.usual_room(sessions)}
        for session in sessions:
            for key in ("start", "end", "location"):
                if session.get(key) == defaults[key]:
                    session.pop(key, None)
        return {key: value for key, value in defaults.items() if value}

    def usual_time(self, sessions: list[dict[str, Any]]) -> tuple[str, str]:
        """Options (or the exporter's block), then the page's stated time, then the rows'."""
        hidden = self.source.hidden.defaults
        start = self.options.start or str(hidden.get("start", ""))
        end = self.options.end or str(hidden.get("end", ""))
        stated = [(line, t) for line, text in self.source.time_text if (t := read_times(text))]
        rows = Counter((s.get("start"), s.get("end")) for s in sessions if s.get("start"))
        line = 0
        if stated and not start:
            line, times = stated[0]
            start = times.start.strftime("%H:%M")
            end = end or (times.end.strftime("%H:%M") if times.end else "")
        elif rows and not start:
            (start, row_end), _ = rows.most_common(1)[0]
            end = end or row_end or ""
        if sessions and not start:  # without sessions the rows' problems say why
            self.error(0, texts.IMPORT_NO_TIME)
        elif sessions and not end:
            self.error(line, texts.IMPORT_NO_END.format(start=start))
        return start, end

    def usual_room(self, sessions: list[dict[str, Any]]) -> str:
        """Options (or the exporter's block), then the page's stated place, then the rows'."""
        room = self.options.location or str(self.source.hidden.defaults.get("location", ""))
        if not room and self.source.room_text:
            room = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", self.source.room_text[0][1]).strip()
        rooms = Counter(s["location"] for s in sessions if s.get("location"))
        if not room and rooms:
            room = rooms.most_common(1)[0][0]
        return room

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
            zone, found = machine_timezone()
            if found:
                self.warn(0, texts.IMPORT_MACHINE_ZONE.format(zone=zone))
            else:
                self.error(0, texts.IMPORT_NO_ZONE)
        calendar["timezone"] = zone
        calendar["language"] = options.language or _language(source.language_text)
        weekday = _usual_weekday([s["date"] for s in sessions])
        if weekday is not None:
            calendar["weekday"] = WEEKDAYS[weekday]
        apply_calendar(calendar, hidden)
        if options.language:
            calendar["language"] = options.language
        return calendar


@dataclass
class _Talk:
    speaker: str
    title: str
    affiliation: str
    cancelled: bool
    reason: str
    notes: list[str]


def _place_rest(talk: _Talk, rest: str) -> str:
    """Put the words after a date where they belong; return what is left for the note."""
    if not (talk.speaker or talk.title):
        talk.speaker, talk.title, rest = _talk_from_line(rest)
        if rest and not is_open(rest):
            talk.notes.insert(0, rest)  # "no seminar this week …": read as a cancellation
        return ""
    if talk.title and not talk.speaker and looks_like_person(rest):
        talk.speaker = rest  # "### Feb 3: Ada Lovelace" over a "Title:" line
        return ""
    if talk.speaker and not talk.title:
        talk.title = rest
        return ""
    return rest


def _timing(row: Row) -> dict[str, str]:
    """The row's own start, end and room, as written on it."""
    written = read_date(row.date_text)
    after_date = row.date_text[written.end :] if written else ""  # "March 25<br>12pm - 1pm"
    start, end = (row.start, row.end) if row.start else _times(row.time_text or after_date)
    return {
        "start": start.strftime("%H:%M") if start else "",
        "end": end.strftime("%H:%M") if end else "",
        "location": row.room,
    }


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


def _cancellation(talk: _Talk) -> None:
    """Holidays and "No seminar" in any cell; "(Cancelled)" beside a named talk."""
    for key in ("title", "speaker"):
        text = getattr(talk, key)
        if text and EXPLICIT_CANCELLED_RE.search(text) and talk.speaker and talk.title:
            stripped = re.sub(r"\s*[(（\[]?\s*(?:cancel+ed|取消|停课)\s*[)）\]]?\s*", " ", text,
                              flags=re.IGNORECASE).strip()  # fmt: skip
            setattr(talk, key, stripped)
            talk.cancelled = True
            return
    if talk.speaker and talk.title:
        return
    for text in (talk.title, talk.speaker, *talk.notes):
        if text and CANCELLED_RE.search(text):
            talk.reason = "" if _GENERIC_CANCEL_RE.match(text) else text.strip("*_ ")
            talk.notes = [n for n in talk.notes if n is not text]
            talk.cancelled, talk.speaker, talk.title = True, "", ""
            return


def _language(text: str) -> str:
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
