"""Markdown page -> events.yaml text, checked by the same validation as ``validate``.

The page is read into plain data (markdown_page), written as friendly YAML
(events_writer) and then loaded back through validation, so an import can only
succeed with a file that ``calendar-feed validate`` and ``build`` accept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePath

from ..errors import Problem, ValidationError
from ..source.loading import DEFAULT_MAX_BYTES
from ..source.validation import Loaded, load_schedule_bytes
from ..source.writer import dump_events
from .page import ImportOptions, PageData, page_problem, read_page

__all__ = ["ImportOptions", "ImportedPage", "import_page"]

_SESSION_PATH_RE = re.compile(r"^sessions\[(\d+)\]")


@dataclass(frozen=True)
class ImportedPage:
    """The events file made from a page, its validated schedule and what to tell the user."""

    text: str
    loaded: Loaded
    warnings: tuple[Problem, ...]


def import_page(data: bytes, name: str, options: ImportOptions | None = None) -> ImportedPage:
    """Turn the page's bytes into events.yaml text; raise ValidationError if impossible."""
    page = read_page(_decode(data, name), name, options)
    origin = f"Imported from {PurePath(name).name} by `calendar-feed import-markdown`."
    text = dump_events(page.data, origin=origin)
    try:
        loaded = load_schedule_bytes(text.encode("utf-8"), "events.yaml")
    except ValidationError as error:
        problems = [_on_page(problem, page, name) for problem in error.errors]
        raise ValidationError([*page.warnings, *problems]) from None
    warnings = page.warnings + tuple(_on_page(w, page, name) for w in loaded.warnings)
    return ImportedPage(text, loaded, warnings)


def _decode(data: bytes, name: str) -> str:
    if len(data) > DEFAULT_MAX_BYTES:
        raise ValidationError([page_problem(name, 0, f"larger than {DEFAULT_MAX_BYTES:,} bytes")])
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ValidationError(
            [page_problem(name, line, "not valid UTF-8; save the page as UTF-8")]
        ) from None


def _on_page(problem: Problem, page: PageData, name: str) -> Problem:
    """A validation problem in the generated YAML, pointed at the page line it came from."""
    match = _SESSION_PATH_RE.match(problem.path)
    line = page.session_lines[int(match[1])] if match else 0
    message = f"{problem.path}: {problem.message}" if problem.path else problem.message
    return page_problem(name, line, message, problem.severity)
