"""``calendar-feed build SITE.yaml``: every series published against its own history.

Each series is released with the single-series ``releasing()`` (its revision
history beside its events files); the site is written once, atomically, inside
all of them, so no history records a change that was not published.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
from collections.abc import Mapping
from pathlib import Path

import pytz

from ..errors import Problem
from ..history import DEFAULT_KEEP_REMOVED_DAYS, Release
from ..publish.release import releasing
from ..publish.site_dir import write_site
from ..source.loading import DEFAULT_MAX_BYTES
from ..source.validation import DEFAULT_MAX_SESSIONS
from .merge import Department, load_department
from .render import render_department, size_warnings
from .site_file import read_site_file


@dataclasses.dataclass(frozen=True)
class DepartmentBuild:
    department: Department
    releases: Mapping[str, Release]
    files: Mapping[str, bytes]
    warnings: tuple[Problem, ...]


def department_today(department: Department) -> dt.date:
    """Today where the first series meets (the split between upcoming and past)."""
    zone = department.groups[0].series.timezone if department.groups else "UTC"
    return dt.datetime.now(pytz.timezone(zone)).date()


def load_site(
    site_file: str | Path,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_sessions: int = DEFAULT_MAX_SESSIONS,
) -> Department:
    """The site file and every events file it lists; ValidationError lists all problems."""
    config = read_site_file(site_file, max_bytes=max_bytes)
    return load_department(config, max_bytes=max_bytes, max_sessions=max_sessions)


def build_department(
    site_file: str | Path,
    out_dir: str | Path | None,
    *,
    history: bool = True,
    keep_removed: int = DEFAULT_KEEP_REMOVED_DAYS,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_sessions: int = DEFAULT_MAX_SESSIONS,
    pages: bool = True,
) -> DepartmentBuild:
    """Load, release every series, render and (with ``out_dir``) write the site."""
    department = load_site(site_file, max_bytes=max_bytes, max_sessions=max_sessions)
    return publish_department(
        department, out_dir, history=history, keep_removed=keep_removed,
        today=today, now=now, pages=pages,
    )  # fmt: skip


def publish_department(
    department: Department,
    out_dir: str | Path | None,
    *,
    history: bool = True,
    keep_removed: int = DEFAULT_KEEP_REMOVED_DAYS,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
    pages: bool = True,
) -> DepartmentBuild:
    day = today or department_today(department)
    with contextlib.ExitStack() as stack:
        releases = {
            group.id: stack.enter_context(
                releasing(
                    group.loaded,
                    group.history_file if history else None,
                    now=now,
                    keep_removed_days=keep_removed,
                )
            )
            for group in department.groups
        }
        files = render_department(department, releases, day, pages=pages)
        if out_dir is not None:
            write_site(files, out_dir)
    warnings = [*department.warnings]
    for release in releases.values():
        warnings.extend(release.warnings)
    warnings.extend(size_warnings(files, f"{out_dir}/" if out_dir else ""))
    return DepartmentBuild(department, releases, files, tuple(warnings))
