"""``calendar-feed build``: the nothing-to-do check, then the one build, then the report.

The check reads only small files and hashes them, before icalendar, Jinja2,
YAML or pytz are imported: a rebuild with nothing to do costs less than
importing them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from ..publish.cache import BuildCache

from .common import (
    HistoryChoice,
    Limits,
    build_errors_reported,
    plural,
    show_warnings,
    summary,
)


@dataclass(frozen=True)
class BuildRequest:
    """What `calendar-feed build` was asked to do."""

    file: Path
    out_dir: Path
    base_url: str
    today: dt.datetime | None
    history: HistoryChoice
    limits: Limits
    caching: bool = True
    cache_dir: Path | None = None
    """None: the default folder for this site (when caching)."""


def run_build(request: BuildRequest) -> None:
    """Build the file unless nothing that shapes the site changed since the last build."""
    from ..publish import stamp

    history_file = request.history.path_for(request.file)
    options = dict(
        out=request.out_dir.resolve(), base_url=request.base_url, today=request.today,
        history=history_file, keep_removed=request.history.keep_removed,
        reset_history=request.history.reset, max_bytes=request.limits.max_bytes,
        max_sessions=request.limits.max_sessions,
    )  # fmt: skip
    inputs = stamp.inputs_digest(request.file, options, request.limits.max_bytes)
    warnings = stamp.nothing_to_do(request.out_dir, stamp.with_history(inputs, history_file))
    if warnings is not None:
        for line in warnings:
            click.echo(line, err=True)
        click.echo(f"Nothing changed since the last build of {request.out_dir}/; left as it was.")
        return
    _build(request, inputs)


def _build(request: BuildRequest, inputs: hashlib._Hash) -> None:
    from ..department.site_file import is_site_file
    from ..history import describe_change
    from ..publish import stamp
    from ..publish.build import build_site

    file, out_dir, history = request.file, request.out_dir, request.history
    day = request.today.date() if request.today else None
    if is_site_file(file):  # a department: one site for every series the site file lists
        from .site import build_site_file

        build_site_file(file, out_dir, today=day, history=history, limits=request.limits)
        return
    history_file = history.path_for(file)
    with build_errors_reported(file):
        result = build_site(
            file,
            out_dir,
            history=history_file,
            keep_removed=history.keep_removed,
            today=day,
            base_url=request.base_url,
            reset_history=history.reset,
            cache=_cache(request),
            **request.limits.kwargs(),
        )
    show_warnings(result.warnings)
    if result.history_error:
        raise click.ClickException(
            f"site built, but the history was not saved: {result.history_error}"
        )
    feed = result.files["calendar.ics"]
    click.echo(
        f"Built {out_dir}/: {summary(result.schedule)}; calendar.ics is {len(feed):,} bytes, "
        f"{len(result.files)} files in all"
    )
    if not result.release.removed:  # a removed session leaves the feed at a set moment
        valid = stamp.valid_until(result.schedule.series.timezone, request.today is not None)
        built = stamp.with_history(inputs, history_file)  # the history as this build left it
        stamp.write_stamp(out_dir, built, valid, [str(w) for w in result.warnings])
    changes = result.release.changes
    if result.started_history:
        click.echo(f"Started the revision history with {plural(len(changes), 'event')}.")
    else:
        for change in changes:
            click.echo(f"  {describe_change(change, history.keep_removed)}")


def _cache(request: BuildRequest) -> BuildCache | None:
    from ..publish.cache import BuildCache, default_cache_dir

    if not request.caching:
        return None
    return BuildCache(request.cache_dir or default_cache_dir(request.out_dir))
