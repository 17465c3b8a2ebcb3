"""``validate``, ``build`` and ``serve`` for a site file (a department of several series).

cli.py hands a FILE over here when it starts with a top-level ``site:`` key;
the single-series commands are unchanged.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from ..department.build import build_department, load_site
from ..department.merge import Department
from ..errors import ValidationError
from ..history import describe_change, started_history
from ..urls import FEED_FILE
from .common import (
    HistoryChoice,
    InvalidEvents,
    Limits,
    build_errors_reported,
    plural,
    show_warnings,
)


def department_summary(department: Department) -> str:
    parts = []
    for group in department.groups:
        terms = len(group.terms)
        term_text = f", {plural(terms, 'term')}" if terms > 1 else ""
        parts.append(f"{group.id} ({plural(len(group.schedule.sessions), 'session')}{term_text})")
    return f"{len(department.groups)} series: " + "; ".join(parts)


def validate_site(file: Path, limits: Limits) -> None:
    try:
        department = load_site(file, **limits.kwargs())
    except ValidationError as error:
        raise InvalidEvents(error, file) from None
    show_warnings(department.warnings)
    click.echo(f"{file}: OK, {department_summary(department)}")


def build_site_file(
    file: Path,
    out_dir: Path,
    *,
    today: dt.date | None,
    history: HistoryChoice,
    limits: Limits,
) -> None:
    """Each series keeps its history beside its own events files (--history is not used)."""
    with build_errors_reported(file):
        result = build_department(
            file,
            out_dir,
            history=not history.off,
            keep_removed=history.keep_removed,
            today=today,
            **limits.kwargs(),
        )
    show_warnings(result.warnings)
    feeds = sorted(
        (len(b), p) for p, b in result.files.items() if p.endswith(".ics") and "/events/" not in p
    )
    size, largest = feeds[-1] if feeds else (0, FEED_FILE)
    click.echo(
        f"Built {out_dir}/: {department_summary(result.department)}; "
        f"{len(result.files)} files, largest feed {largest} ({size:,} bytes)"
    )
    for group in result.department.groups:
        changes = result.releases[group.id].changes
        if history.off:
            continue
        if started_history(changes, len(group.schedule.sessions)):
            click.echo(
                f"{group.id}: started the revision history with {plural(len(changes), 'event')}."
            )
            continue
        for change in changes:
            click.echo(f"  {group.id}: {describe_change(change, history.keep_removed)}")
