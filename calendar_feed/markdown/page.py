"""Read the seminar's hand-kept Markdown page into events data, keeping every word.

The page is a title, an introduction naming the semester and the organizers, a
numbered list of dates (talks folded into ``<details>`` blocks, cancelled dates
struck through) and a maintainer footer. Text the reader cannot place is kept in
the session's note and reported with its line, so moving to events.yaml loses
nothing. The result is plain data; markdown_import writes and validates it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ..errors import Position, Problem, Severity, ValidationError
from ..source.vocabulary import WEEKDAYS
from .body import read_body
from .format import (
    DEFAULT_END,
    DEFAULT_LOCATION,
    DEFAULT_START,
    DEFAULT_TIMEZONE,
    MONTHS,
    RULE_RE,
    SCHEDULE_LEAD,
    SCHEDULE_SUFFIX,
    SEMESTER_RE,
    ImportOptions,
    next_year,
    semester_year,
)
from .hidden import HiddenData, apply_calendar, apply_sessions, take_block

PLACEHOLDER = "TBA"
"""Title or speaker of a talk whose page gives only the other one."""

_ITEM_RE = re.compile(r"^ {0,3}\d{1,3}[.)][ \t]+(?P<text>.*?)\s*$")
_STRUCK_RE = re.compile(r"^~~(?P<date>.+?)~~\s*(?P<rest>.*)$")
_MONTH_DATE_RE = re.compile(
    r"^(?P<month>[A-Za-z]{3,9})\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?(?![\d])"
    r"(?:,?\s*(?P<year>\d{4})(?!\d))?"
)
_CJK_DATE_RE = re.compile(r"^(?:(?P<year>\d{4})年)?(?P<month>\d{1,2})月(?P<day>\d{1,2})[日号]?")
_ISO_DATE_RE = re.compile(r"^(?P<year>\d{4})[-/.](?P<month>\d{1,2})[-/.](?P<day>\d{1,2})(?!\d)")
_FULL_MONTHS = (
    "january", "february", "march", "april", "may", "june", "july", "august",
    "september", "october", "november", "december",
)  # fmt: skip
_HEADING_RE = re.compile(r"^#{1,6}\s")
_ORGANIZERS_RE = re.compile(
    r"(?P<comma>[，,]?)\s*(?:本学期)?由\s*(?P<names>\*\*[^*]+\*\*(?:\s*(?:和|与|及|、|，|,)\s*"
    r"\*\*[^*]+\*\*)*)\s*(?:同学)?(?:共同)?负责[。.]?\s*$"
)
_MAINTAINER_RE = re.compile(
    r"^(?:this\s+(?:web\s*page|page|site|website)\s+is\s+)?maintained\s+by\s+(?P<who>.+?)\.?$",
    re.IGNORECASE,
)
_CJK_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def page_problem(file: str, line: int, message: str, severity: Severity = "error") -> Problem:
    """A problem on the page, rendered ``PAGE:LINE: message`` like a compiler's."""
    return Problem(Position(file, line), "", message, severity)


@dataclass(frozen=True)
class PageData:
    """The page as events data (dicts and lists, dates as ``datetime.date``) plus warnings."""

    data: dict[str, Any]
    warnings: tuple[Problem, ...]
    session_lines: tuple[int, ...]
    """Page line of each session in ``data["sessions"]``, to point warnings back at the page."""


@dataclass
class _Item:
    line: int
    text: str
    body: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class _Date:
    month: int
    day: int
    year: int | None


def read_page(text: str, name: str, options: ImportOptions | None = None) -> PageData:
    """Parse page ``text``; raise PageError listing every problem if it cannot be imported."""
    return _Reader(name, options or ImportOptions()).read(text)


class _Reader:
    def __init__(self, name: str, options: ImportOptions):
        self.name = name
        self.options = options
        self.problems: list[Problem] = []

    def error(self, line: int, message: str) -> None:
        self.problems.append(page_problem(self.name, line, message))

    def warn(self, line: int, message: str) -> None:
        self.problems.append(page_problem(self.name, line, message, "warning"))

    # -- the page as a whole -------------------------------------------------------

    def read(self, text: str) -> PageData:
        text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
        text, hidden = take_block(text, self.warn)
        lines = [(number, _expand_indent(line)) for number, line in enumerate(text.split("\n"), 1)]
        header, items, trailer = self.split(lines)
        if not items:
            self.error(0, "not a schedule page: found no numbered list of dates like `1. Sep 11`")
            raise ValidationError(self.problems)
        calendar = self.header(header)
        self.trailer(trailer, calendar)
        sessions, session_lines = self.sessions(items, calendar.get("semester", ""))
        if not calendar.get("name"):
            calendar["name"] = calendar.get("local_name", "")
            if not calendar["name"]:
                self.error(0, "no title line (`# Seminar name`) before the list of dates")
        self.complete(calendar, text, sessions, hidden)
        if any(p.severity == "error" for p in self.problems):
            raise ValidationError(sorted(self.problems, key=lambda p: p.position.line))
        options, usual = self.options, hidden.defaults
        data = {
            "calendar": calendar,
            "defaults": {
                "start": options.start or usual.get("start") or DEFAULT_START,
                "end": options.end or usual.get("end") or DEFAULT_END,
                "location": options.location or usual.get("location") or DEFAULT_LOCATION,
            },
            "sessions": apply_sessions(sessions, hidden, self.warn),
        }
        warnings = tuple(sorted(self.problems, key=lambda p: p.position.line))
        return PageData(data, warnings, tuple(session_lines))

    def complete(
        self,
        calendar: dict[str, Any],
        text: str,
        sessions: list[dict[str, Any]],
        hidden: HiddenData,
    ) -> None:
        """What the page does not say: options first, then the comment block, then guesses."""
        calendar["id"] = (
            self.options.series_id or hidden.calendar.get("id") or _slug(calendar.get("name", ""))
        )
        calendar["timezone"] = (
            self.options.timezone or hidden.calendar.get("timezone") or DEFAULT_TIMEZONE
        )
        calendar["language"] = "zh" if _CJK_RE.search(text) else "en"
        weekday = _usual_weekday([s["date"] for s in sessions])
        if weekday is not None:
            calendar["weekday"] = WEEKDAYS[weekday]
        apply_calendar(calendar, hidden)

    def split(
        self, lines: list[tuple[int, str]]
    ) -> tuple[list[tuple[int, str]], list[_Item], list[tuple[int, str]]]:
        """Cut the page into the introduction, one item per date, and what follows the list."""
        header: list[tuple[int, str]] = []
        items: list[_Item] = []
        trailer: list[tuple[int, str]] = []
        in_details = False
        for number, line in lines:
            stripped = line.strip()
            match = _ITEM_RE.match(line)
            if match and not trailer and (not in_details or _parse_date(match["text"])):
                items.append(_Item(number, match["text"]))
                in_details = False
                continue
            if not items or trailer:
                if stripped.startswith("<details"):
                    self.error(
                        number,
                        "<details> block outside the list of dates; "
                        "put it under the date it belongs to",
                    )
                (trailer if items else header).append((number, line))
                continue
            at_margin = stripped and not line[0].isspace()
            ends_list = RULE_RE.match(stripped) or _HEADING_RE.match(stripped)
            if at_margin and not in_details and (ends_list or _MAINTAINER_RE.match(stripped)):
                trailer.append((number, line))
                continue
            if stripped.startswith("<details"):
                in_details = True
            elif stripped == "</details>":
                in_details = False
            items[-1].body.append((number, line))
        return header, items, trailer

    def header(self, lines: list[tuple[int, str]]) -> dict[str, Any]:
        """Title lines, semester, organizers and the introduction (the description)."""
        calendar: dict[str, Any] = {}
        description: list[str] = []
        for _, text in _paragraphs(lines):
            if text.startswith("# ") and "name" not in calendar:
                calendar["name"] = text[2:].strip()
            elif text.startswith("## ") and "local_name" not in calendar:
                local = text[3:].strip().removesuffix(SCHEDULE_SUFFIX).strip()
                calendar["local_name"] = local
            elif text == SCHEDULE_LEAD:
                continue
            elif match := _MAINTAINER_RE.match(text):
                calendar["maintainer"] = match["who"]
            elif text := _take_organizers(text, calendar):
                description.append(text)
            semester = SEMESTER_RE.search(text)
            if semester and "semester" not in calendar:
                calendar["semester"] = semester[0]
        if description:
            calendar["description"] = "\n\n".join(description)
        return calendar

    def trailer(self, lines: list[tuple[int, str]], calendar: dict[str, Any]) -> None:
        """The maintainer footer; anything else after the list joins the description."""
        rest: list[tuple[int, str]] = []
        for number, line in lines:
            match = _MAINTAINER_RE.match(line.strip())
            if match and "maintainer" not in calendar:
                calendar["maintainer"] = match["who"]
            elif not RULE_RE.match(line.strip()):
                rest.append((number, line))
                continue
            rest.append((number, ""))  # a rule or the footer ends a paragraph
        for number, text in _paragraphs(rest):
            self.warn(number, "text after the list of dates; kept in calendar.description")
            previous = calendar.get("description", "")
            calendar["description"] = f"{previous}\n\n{text}" if previous else text

    # -- the list of dates ---------------------------------------------------------

    def sessions(self, items: list[_Item], semester: str) -> tuple[list[dict[str, Any]], list[int]]:
        year = self.options.year or (semester_year(semester) if semester else None)
        previous_month: int | None = None
        sessions: list[dict[str, Any]] = []
        lines: list[int] = []
        seen: dict[dt.date, int] = {}
        missing_year = False
        for item in items:
            struck = _STRUCK_RE.match(item.text)
            date_text = struck["date"].strip() if struck else item.text
            parsed = _parse_date(date_text)
            if parsed is None:
                self.error(
                    item.line,
                    f'cannot read the date "{item.text}"; write it like `Sep 11` or `2024-09-11`',
                )
                continue
            if parsed.year is not None:
                year = parsed.year
            elif year is None:
                if not missing_year:  # once is enough: every later date has the same cause
                    self.error(
                        item.line,
                        f"cannot tell the year of {date_text}: the page names no semester "
                        "like （2024秋）; give --year",
                    )
                missing_year = True
                continue
            else:
                year = next_year(year, previous_month, parsed.month)
            previous_month = parsed.month
            try:
                day = dt.date(year, parsed.month, parsed.day)
            except ValueError:
                self.error(item.line, f'"{date_text}" is not a real date')
                continue
            rest = struck["rest"] if struck else _date_rest(item.text)
            session = {"date": day, **self.item(item, day, rest, cancelled=struck is not None)}
            if day in seen:
                count = sum(1 for s in sessions if s["date"] == day) + 1
                session = {"id": f"{day.isoformat()}-{count}", **session}
                self.warn(
                    item.line,
                    f"{day.isoformat()} is listed again (first at line {seen[day]}); "
                    f"this session gets the id {session['id']}",
                )
            seen.setdefault(day, item.line)
            sessions.append(session)
            lines.append(item.line)
        return sessions, lines

    def item(self, item: _Item, day: dt.date, rest: str, cancelled: bool) -> dict[str, Any]:
        """One date's fields: status, speaker, title, details sections and the note."""
        fields: dict[str, Any] = {}
        notes: list[tuple[int, str]] = []
        if cancelled:
            fields["status"] = "cancelled"
            reason = re.fullmatch(r"[（(](.*)[)）]", rest)
            if rest:
                fields["reason"] = reason[1].strip() if reason else rest
        elif rest:
            self.warn(item.line, f"text after the date; kept in the note of {day.isoformat()}")
            notes.append((item.line, rest))
        body_fields, body_notes = read_body(item.body, day.isoformat(), self.warn)
        fields.update(body_fields)
        notes.extend(body_notes)
        talk = not cancelled and any(
            k in fields for k in ("speaker", "title", "affiliation", "abstract", "bio")
        )
        if talk:
            for key, label in (("title", "题目： line"), ("speaker", "**speaker** line")):
                if key not in fields:
                    fields[key] = PLACEHOLDER
                    self.warn(
                        item.line,
                        f'the talk on {day.isoformat()} has no {label}; its {key} is set to "TBA"',
                    )
        if notes:
            fields["note"] = "\n\n".join(text for _, text in sorted(notes))
        return fields


# -- small pure helpers ----------------------------------------------------------------


def _parse_date(text: str) -> _Date | None:
    """``Sep 11``, ``September 11, 2024``, ``9月11日`` or ``2024-09-11`` at the start of text."""
    text = text.strip()
    if match := _MONTH_DATE_RE.match(text):
        name = match["month"].lower()
        month = next(
            (i for i, m in enumerate(MONTHS, 1) if name in (m.lower(), _FULL_MONTHS[i - 1])),
            9 if name == "sept" else None,
        )
        if month is None:
            return None
    elif not (match := _CJK_DATE_RE.match(text) or _ISO_DATE_RE.match(text)):
        return None
    else:
        month = int(match["month"])
    year = int(match["year"]) if match["year"] else None
    return _Date(month, int(match["day"]), year)


def _date_rest(text: str) -> str:
    """What follows the date on its line."""
    for pattern in (_MONTH_DATE_RE, _CJK_DATE_RE, _ISO_DATE_RE):
        if match := pattern.match(text):
            return text[match.end() :].strip()
    return ""


def _expand_indent(line: str) -> str:
    """Tabs in the indentation count as four spaces, as Markdown reads them."""
    body = line.lstrip(" \t").rstrip()
    return line[: len(line) - len(line.lstrip(" \t"))].expandtabs(4) + body if body else ""


def _paragraphs(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Blank-line separated paragraphs (headings always on their own), with first lines."""
    paragraphs: list[tuple[int, list[str]]] = []
    for number, line in lines:
        text = line.strip()
        if not text:
            paragraphs.append((0, []))
        elif _HEADING_RE.match(text) or not paragraphs or not paragraphs[-1][1]:
            paragraphs.append((number, [text]))
            if _HEADING_RE.match(text):
                paragraphs.append((0, []))
        else:
            paragraphs[-1][1].append(text)
    return [(number, "\n".join(texts)) for number, texts in paragraphs if texts]


def _usual_weekday(days: list[dt.date]) -> int | None:
    """The weekday most dates fall on, if more than half do."""
    if not days:
        return None
    weekday, count = Counter(d.weekday() for d in days).most_common(1)[0]
    return weekday if count * 2 > len(days) else None


def _slug(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:64].strip("-")
    return slug or "seminar"


def _take_organizers(text: str, calendar: dict[str, Any]) -> str:
    """Move a "本学期由**A**和**B**同学负责" clause into ``calendar``; return the rest."""
    organizers = _ORGANIZERS_RE.search(text)
    if not organizers or "organizers" in calendar:
        return text
    calendar["organizers"] = re.findall(r"\*\*([^*]+)\*\*", organizers["names"])
    rest = text[: organizers.start()].rstrip()
    if rest and organizers["comma"]:
        rest += "。"  # the clause replaced the end of the sentence
    return rest
