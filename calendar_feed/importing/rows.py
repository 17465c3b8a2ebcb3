"""The one shape every source is read into: dated rows plus what the page says around them.

Readers (markdown_page, sheet, calendar_file) only find text and say where it was;
the normaliser decides what it means. Nothing here is guessed or defaulted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ..errors import Position, Problem, Severity
from ..markdown.hidden import NO_BLOCK, HiddenData


def page_problem(file: str, line: int, message: str, severity: Severity = "error") -> Problem:
    """A problem in the imported file, rendered ``PAGE:LINE: message`` like a compiler's."""
    return Problem(Position(file, line), "", message, severity)


@dataclass
class Row:
    """One dated line of a schedule as written: a table row, a list item, a heading, an event."""

    line: int
    date_text: str = ""
    day: dt.date | None = None
    """The exact date, when the source has one (a calendar file, a spreadsheet date cell)."""
    time_text: str = ""
    start: dt.time | None = None
    end: dt.time | None = None
    speaker: str = ""
    affiliation: str = ""
    title: str = ""
    abstract: str = ""
    bio: str = ""
    room: str = ""
    notes: list[str] = field(default_factory=list)
    links: dict[str, str] = field(default_factory=dict)
    text: str = ""
    """Free text after the date (a list item's line) for the normaliser to take apart."""
    cancelled: bool = False
    """Struck through, or marked cancelled by the source itself (STATUS:CANCELLED)."""
    reason: str = ""
    year: int | None = None
    """The year of the section the row is in (a ``Fall 2018`` heading or row), if any."""
    fields: dict[str, Any] = field(default_factory=dict)
    """Fields a source already knows for sure (the seed page's details block)."""


@dataclass
class Source:
    """A whole source read into rows, with the page's own words about the series."""

    rows: list[Row]
    calendar: dict[str, Any] = field(default_factory=dict)
    """Name, local name, description, semester, organizers, maintainer, as written."""
    time_text: list[tuple[int, str]] = field(default_factory=list)
    """Lines that state the usual time (``Time: 3:00-4:00pm``), with their line numbers."""
    room_text: list[tuple[int, str]] = field(default_factory=list)
    """Lines that state the usual place (``Location: Room 610C``)."""
    year: int | None = None
    """A year the page names outside the rows (``Fall 2023``, ``2024秋``)."""
    timezone: str = ""
    """A zone the source names (a calendar file's TZID)."""
    language_text: str = ""
    """The text whose script tells the page's language."""
    hidden: HiddenData = NO_BLOCK
    problems: list[Problem] = field(default_factory=list)
    after: list[tuple[int, str]] = field(default_factory=list)
    """Sections after the schedule (heading line, text): abstracts kept apart from the list."""

    def warning(self, file: str, line: int, message: str) -> None:
        """Note a warning at ``file:line``."""
        self.problems.append(page_problem(file, line, message, "warning"))


@dataclass(frozen=True)
class ImportOptions:
    """What the person importing says; an empty value was not given."""

    series_id: str = ""
    timezone: str = ""
    year: int | None = None
    start: str = ""
    end: str = ""
    location: str = ""
    language: str = ""
    date_order: str = ""
    """``dmy`` or ``mdy`` when numeric dates are ambiguous."""
    strict: bool = False
    columns: tuple[tuple[str, str], ...] = ()
    """``--column speaker=Presenter`` overrides: (field, heading as written)."""
