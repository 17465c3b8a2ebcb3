"""The package's one build: events file -> validated schedule -> release -> rendered site.

``calendar-feed build`` writes the result to a directory; the live server calls
the same function for each new version of the file and keeps the bytes in
memory. Both therefore publish the same feed, page and files, and both update
the revision history the same way.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, MutableMapping
from pathlib import Path
from typing import Any, NamedTuple

from ..errors import Problem
from ..history import DEFAULT_KEEP_REMOVED_DAYS, started_history
from ..model import Schedule
from ..render.listing import PageContext, today_in
from ..render.site import render_site
from ..reuse import NO_REUSE, Reuse
from ..source.loading import DEFAULT_MAX_BYTES
from ..source.validation import (
    DEFAULT_MAX_SESSIONS,
    Loaded,
    load_schedule,
    load_schedule_bytes,
)
from ..urls import feed_url, normalize_base_url
from .cache import BuildCache
from .release import Release, releasing
from .site_dir import write_site


class EventsBytes(NamedTuple):
    """An events file already read into memory (the live server reads it itself)."""

    data: bytes
    name: str


@dataclasses.dataclass(frozen=True)
class BuildResult:
    """What a build published, for the command or the server to report."""

    loaded: Loaded
    release: Release
    files: Mapping[str, bytes]
    out_dir: Path | None
    history_error: str = ""
    """Why the revision history could not be saved after the site was published."""

    @property
    def schedule(self) -> Schedule:
        return self.loaded.schedule

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return (*self.loaded.warnings, *self.release.warnings)

    @property
    def started_history(self) -> bool:
        return started_history(self.release.changes, len(self.schedule.sessions))


def build_site(
    source: str | Path | EventsBytes,
    out_dir: str | Path | None,
    *,
    history: Path | None,
    keep_removed: int = DEFAULT_KEEP_REMOVED_DAYS,
    today: dt.date | None = None,
    base_url: str = "",
    page: bool = True,
    now: dt.datetime | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_sessions: int = DEFAULT_MAX_SESSIONS,
    reset_history: bool = False,
    cache: BuildCache | None = None,
) -> BuildResult:
    """Load ``source``, publish it against ``history`` and write the site to ``out_dir``.

    ``out_dir`` None renders without writing (the live server). ``page`` False
    leaves out index.html, which the server renders per request. Raises
    ValidationError for an invalid file, ValueError for a bad ``base_url``,
    BuildError when the site cannot be written (the old one stays) and OSError
    when the history cannot be read; the history is saved only after the site
    is in place, and a failure to save it is reported in ``history_error``. A
    damaged history without a usable backup is a ValidationError unless
    ``reset_history`` allows starting a new one. ``cache`` lends pieces of earlier
    builds and keeps this one's for the next; it never changes a byte of the result.
    """
    sessions = cache.table("sessions") if cache is not None else None
    loaded = load_events(
        source, base_url, max_bytes=max_bytes, max_sessions=max_sessions, cache=sessions
    )
    reuse = Reuse(cache.table("pieces")) if cache is not None else NO_REUSE
    context = _page_context(loaded.schedule, today, reuse) if page else None
    published: list[tuple[Release, Mapping[str, bytes]]] = []
    try:
        with releasing(
            loaded,
            history,
            now=now,
            keep_removed_days=keep_removed,
            reset_history=reset_history,
            reuse=reuse,
        ) as release:
            files = render_site(release, context, reuse)
            if out_dir is not None:
                write_site(files, out_dir, cache.table("written") if cache is not None else None)
            published.append((release, files))
    except OSError as exc:
        if not published:
            raise
        release, files = published[0]
        message = exc.strerror or str(exc)
        return BuildResult(loaded, release, files, _path(out_dir), history_error=message)
    release, files = published[0]
    if cache is not None:
        cache.save()
    return BuildResult(loaded, release, files, _path(out_dir))


def load_events(
    source: str | Path | EventsBytes,
    base_url: str = "",
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_sessions: int = DEFAULT_MAX_SESSIONS,
    cache: MutableMapping[bytes, Any] | None = None,
) -> Loaded:
    """Load and validate ``source``; ``base_url`` (if given) replaces calendar.base_url.

    Every command that renders or predicts what will be published reads the file
    through here, so ``diff`` sees the same URLs in descriptions as ``build``.
    """
    url = normalize_base_url(base_url)
    if isinstance(source, EventsBytes):
        loaded = load_schedule_bytes(
            source.data, source.name, max_bytes=max_bytes, max_sessions=max_sessions, cache=cache
        )
    else:
        loaded = load_schedule(source, max_bytes=max_bytes, max_sessions=max_sessions, cache=cache)
    if not url:
        return loaded
    series = dataclasses.replace(loaded.schedule.series, base_url=url)
    return dataclasses.replace(loaded, schedule=dataclasses.replace(loaded.schedule, series=series))


def _page_context(schedule: Schedule, today: dt.date | None, reuse: Reuse) -> PageContext:
    qr_svg = ""
    if schedule.series.base_url:  # the QR code is kept: importing segno alone takes 70 ms
        url = feed_url(schedule.series)
        qr_svg = reuse.piece("qr.svg", (url,), lambda: _qr_svg(url))
    return PageContext(today=today or today_in(schedule), qr_svg=qr_svg)


def _qr_svg(url: str) -> str:
    from ..render.qr import feed_qr_svg  # segno only when there is a URL to draw

    return feed_qr_svg(url)


def _path(out_dir: str | Path | None) -> Path | None:
    return None if out_dir is None else Path(out_dir)
