"""Any schedule file -> events.yaml text, checked by the same validation as ``validate``.

The file is read into rows by the reader for its kind, the rows are normalised
into events data, written as friendly YAML (source/writer.py) and loaded back
through validation, so an import can only succeed with a file that
``calendar-feed validate`` and ``build`` accept.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath

from .. import texts
from ..errors import Problem, ValidationError
from ..source.loading import DEFAULT_MAX_BYTES
from ..source.validation import Loaded, load_schedule_bytes
from ..source.writer import dump_events
from .decoding import DecodeError, decode
from .markdown_page import read_markdown
from .normalize import normalize
from .rows import ImportOptions, Source, page_problem

__all__ = ["ImportOptions", "ImportedPage", "import_source"]

_SESSION_PATH_RE = re.compile(r"^sessions\[(\d+)\]")
SHEETS = (".csv", ".tsv", ".tab", ".xlsx")
CALENDARS = (".ics", ".ical", ".ifb")


@dataclass(frozen=True)
class ImportedPage:
    """The events file made from a source, its validated schedule and what to tell the user."""

    text: str
    loaded: Loaded
    warnings: tuple[Problem, ...]
    summary: str
    """``PAGE: 18 sessions found: 2 talks, …, 0 skipped``."""


IMPORT_STAGES = 4
"""Read the file, place its rows, write events.yaml, validate it: what progress counts."""


def import_source(
    data: bytes,
    name: str,
    options: ImportOptions | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportedPage:
    """Turn the file's bytes into events.yaml text; raise ValidationError if impossible.

    ``progress`` is told (stages done, IMPORT_STAGES) after each stage.
    """
    options = options or ImportOptions()
    told = progress or (lambda done, total: None)
    if len(data) > DEFAULT_MAX_BYTES:
        raise ValidationError([page_problem(name, 0, f"larger than {DEFAULT_MAX_BYTES:,} bytes")])
    source = _read(data, name, options)
    told(1, IMPORT_STAGES)
    result = normalize(source, name, options)
    told(2, IMPORT_STAGES)
    problems = _strict(result.problems) if options.strict else result.problems
    if any(p.severity == "error" for p in problems):
        raise ValidationError(_ordered(problems))
    origin = f"Imported from {PurePath(name).name} by `calendar-feed import`."
    text = dump_events(result.data, origin=origin)
    told(3, IMPORT_STAGES)
    try:
        loaded = load_schedule_bytes(text.encode("utf-8"), "events.yaml")
    except ValidationError as error:
        on_page = [_on_page(p, result.lines, name) for p in error.errors]
        raise ValidationError([*_ordered(problems), *on_page]) from None
    warnings = _ordered([*problems, *(_on_page(w, result.lines, name) for w in loaded.warnings)])
    skipped = sum(1 for p in problems if p.message.startswith(texts.import_skipped("")))
    told(IMPORT_STAGES, IMPORT_STAGES)
    return ImportedPage(text, loaded, tuple(warnings), _summary(name, loaded, skipped))


def _read(data: bytes, name: str, options: ImportOptions) -> Source:
    suffix = PurePath(name).suffix.lower()
    if suffix == ".xlsx" or data.startswith(b"PK\x03\x04"):
        from .sheet import read_workbook  # openpyxl only for workbooks

        return read_workbook(data, name, options)
    try:
        text = decode(data)
    except DecodeError as error:
        raise ValidationError([page_problem(name, error.line, str(error))]) from None
    if suffix in CALENDARS or text.lstrip().startswith("BEGIN:VCALENDAR"):
        from .calendar_file import read_calendar  # icalendar only for calendar files

        return read_calendar(text, name, options)
    if suffix in SHEETS:
        from .sheet import read_delimited

        return read_delimited(text, name, options, tab=suffix in (".tsv", ".tab"))
    return read_markdown(text, name, options)


def _strict(problems: list[Problem]) -> list[Problem]:
    """--strict: every ``skipped`` warning becomes an error."""
    prefix = texts.import_skipped("")
    return [
        page_problem(p.position.file, p.position.line, p.message)
        if p.severity == "warning" and p.message.startswith(prefix)
        else p
        for p in problems
    ]


def plural(count: int, noun: str) -> str:
    return f"{count} {noun if count == 1 else noun + 's'}"


def _ordered(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: p.position.line)


def _on_page(problem: Problem, lines: list[int], name: str) -> Problem:
    """A validation problem in the generated YAML, pointed at the source line it came from."""
    match = _SESSION_PATH_RE.match(problem.path)
    line = lines[int(match[1])] if match and int(match[1]) < len(lines) else 0
    message = f"{problem.path}: {problem.message}" if problem.path else problem.message
    return page_problem(name, line, message, problem.severity)


def _summary(name: str, loaded: Loaded, skipped: int) -> str:
    sessions = loaded.schedule.sessions
    kinds = Counter(s.status.value for s in sessions)
    return texts.IMPORT_SUMMARY.format(
        name=name,
        found=plural(len(sessions), "session"),
        talks=plural(kinds["talk"], "talk"),
        cancelled=f"{kinds['cancelled']} cancelled",
        open=plural(kinds["open"], "open slot"),
        skipped=f"{skipped} skipped",
    )
