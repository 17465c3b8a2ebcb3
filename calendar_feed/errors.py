"""Problems in an events file or a Markdown page, each pinned to a file, line, column and field."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Position:
    """A place in a source file; line and column count from 1, as editors do."""

    file: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if not self.line:
            return self.file
        if not self.column:  # a Markdown page's problems name the line only
            return f"{self.file}:{self.line}"
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or suspicious) in the events file.

    Rendered as ``FILE:LINE:COLUMN: field.path: message`` so editors and CI logs
    can jump straight to it.
    """

    position: Position
    path: str
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        parts = [str(self.position)]
        if self.path:
            parts.append(self.path)
        prefix = "warning: " if self.severity == "warning" else ""
        parts.append(prefix + self.message)
        return ": ".join(parts)

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.position.file,
            "line": self.position.line,
            "column": self.position.column,
            "path": self.path,
            "message": self.message,
            "severity": self.severity,
            "text": str(self),
        }


class ValidationError(ValueError):
    """The events file cannot be published; carries every error found, not just the first."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = tuple(problems)
        self.errors = tuple(p for p in self.problems if p.severity == "error")
        self.warnings = tuple(p for p in self.problems if p.severity == "warning")
        super().__init__("\n".join(str(p) for p in self.errors))


class OptionError(ValueError):
    """An option that cannot apply to this kind of site (the command line says exit 2)."""
