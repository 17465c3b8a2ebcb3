"""``calendar-feed build``: the nothing-to-do check, then the one build, then the report.

The check reads only small files and hashes them, before icalendar, Jinja2,
YAML or pytz are imported: a rebuild with nothing to do costs less than
importing them. Events files and site files take the same path.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from ..publish.build import BuildResult
    from ..publish.cache import BuildCache

from .common import (
    HistoryChoice,
    Limits,
    Progress,
    build_errors_reported,
    load_or_exit,
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
    quiet: bool = False
    """No progress bar, even on a terminal."""


def run_build(request: BuildRequest) -> None:
    """Build the file unless nothing that shapes the site changed since the last build."""
    from ..publish import stamp

    options = dict(
        out=request.out_dir.resolve(), base_url=request.base_url, today=request.today,
        history=request.history.path_for(request.file), keep_removed=request.history.keep_removed,
        reset_history=request.history.reset, max_bytes=request.limits.max_bytes,
        max_sessions=request.limits.max_sessions,
    )  # fmt: skip
    inputs = stamp.inputs_digest(request.file, options, request.limits.max_bytes)
    warnings = stamp.nothing_to_do(request.out_dir, inputs)
    if warnings is not None:
        for line in warnings:
            click.echo(line, err=True)
        click.echo(f"Nothing changed since the last build of {request.out_dir}/; left as it was.")
        return
    _build(request, inputs)


def _build(request: BuildRequest, inputs: str) -> None:
    from ..publish import stamp
    from ..publish.build import publish_site
    from ..site.merge import history_file
    from ..zones import zone_file_path

    file, out_dir, history = request.file, request.out_dir, request.history
    progress = Progress("Rendering", wanted=not request.quiet)
    cache = _cache(request)
    sessions = cache.table("sessions") if cache is not None else None
    site = load_or_exit(file, request.limits, request.base_url, sessions)
    histories = history.files_for(site)
    with build_errors_reported(file):
        result = publish_site(
            site,
            out_dir,
            history=histories,
            keep_removed=history.keep_removed,
            today=request.today.date() if request.today else None,
            reset_history=history.reset,
            cache=cache,
            progress=progress,
        )
    progress.finish()
    show_warnings(result.release_warnings)
    if result.history_error:
        raise click.ClickException(
            f"site built, but the history was not saved: {result.history_error}"
        )
    click.echo(f"Built {out_dir}/: {summary(site)}; {_files_line(result)}")
    if not any(release.removed for release in result.releases.values()):
        # A removed session leaves the feed at a set moment: no stamp outlives it.
        zone = site.groups[0].series.timezone
        valid = stamp.valid_until(zone, request.today is not None)
        read = [entry.path for entry in site.config.files if not site.one_series]
        read += [path for g in site.groups if (path := history_file(g, histories)) is not None]
        # The zone files the times came from: a tzdata update may move a clock change.
        zone_files = {zone_file_path(g.series.timezone) for g in site.groups}
        read += [Path(path) for path in sorted(zone_files - {None})]
        warnings = [str(w) for w in (*site.warnings, *result.release_warnings)]
        stamp.write_stamp(out_dir, inputs, valid, warnings, read)
    _report_changes(result, history)


def _files_line(result: BuildResult) -> str:
    sizes = result.sizes
    if result.site.one_series:
        return f"calendar.ics is {sizes['calendar.ics']:,} bytes, {len(sizes)} files in all"
    feeds = sorted((n, p) for p, n in sizes.items() if p.endswith(".ics") and "/events/" not in p)
    size, largest = feeds[-1]
    return f"{len(sizes)} files, largest feed {largest} ({size:,} bytes)"


def _report_changes(result: BuildResult, history: HistoryChoice) -> None:
    """What subscribers will see change, series by series (the series named when several)."""
    from ..history import describe_change

    if history.off:
        return
    for group in result.site.groups:
        changes = result.releases[group.id].changes
        name = "" if result.site.one_series else f"{group.id}: "
        if result.started_history(group):
            started = f"started the revision history with {plural(len(changes), 'event')}."
            click.echo(f"{name}{started}" if name else started.capitalize())
            continue
        for change in changes:
            click.echo(f"  {name}{describe_change(change, history.keep_removed)}")


def _cache(request: BuildRequest) -> BuildCache | None:
    if not request.caching:
        return None
    from ..publish.cache import BuildCache, default_cache_dir

    return BuildCache(request.cache_dir or default_cache_dir(request.out_dir))
