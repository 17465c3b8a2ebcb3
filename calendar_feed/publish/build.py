"""The package's one build: site source -> validated site -> releases -> rendered files.

A site is an events file (one series) or a site file (several); both take this
path. ``calendar-feed build`` writes the result to a directory; the live server
calls the same functions for each new version and keeps the bytes in memory.
Both therefore publish the same files, and update the revision histories the
same way.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from .. import texts
from ..errors import OptionError, Position, Problem
from ..history import DEFAULT_KEEP_REMOVED_DAYS, Release, started_history
from ..model import Schedule
from ..render.listing import PageContext
from ..render.outputs import Target, bounded, published, render_site
from ..reuse import piece, reusing
from ..site.budget import SIZE_BUDGET_BYTES, Cut
from ..site.merge import HistoryFiles, SeriesGroup, Site, history_file, load_site
from ..site.pages import Archives
from ..site.site_file import EventsBytes
from ..source.loading import DEFAULT_MAX_BYTES
from ..source.validation import DEFAULT_MAX_SESSIONS, Loaded
from ..urls import feed_url
from .release import releasing
from .site_dir import file_sizes, write_site

if TYPE_CHECKING:  # the cache's module (and msgpack) only for a build that has one
    from .cache import BuildCache


@dataclasses.dataclass(frozen=True)
class BuildResult:
    """What a build published, for the command or the server to report."""

    site: Site
    releases: Mapping[str, Release]
    files: Mapping[str, bytes]
    out_dir: Path | None
    today: dt.date
    """The day the files were made for: what is upcoming, past, and in a feed's window."""
    history_error: str = ""
    """Why a revision history could not be saved after the site was published."""
    cuts: Mapping[str, Cut] = dataclasses.field(default_factory=dict)
    """The files the byte budget narrowed, by path, and what each kept."""
    budget: int = SIZE_BUDGET_BYTES
    archives: Archives | None = None
    """The archive pages the files were rendered with (how each long year was split)."""

    @property
    def warnings(self) -> tuple[Problem, ...]:
        """Everything to warn about: the files' own warnings, then the publish's."""
        return (*self.site.warnings, *self.release_warnings)

    @property
    def sizes(self) -> Mapping[str, int]:
        """Each published file's size in bytes, by relative path."""
        return file_sizes(self.files)

    @property
    def release_warnings(self) -> tuple[Problem, ...]:
        """The publish's warnings: histories, late changes, feed sizes."""
        found = [w for release in self.releases.values() for w in release.warnings]
        out = f"{self.out_dir}/" if self.out_dir else ""
        context = PageContext(today=self.today, budget=self.budget)
        found.extend(
            size_warnings(
                self.site, self.releases, self.sizes, self.cuts, context, out, self.archives
            )
        )
        return tuple(found)

    # A site of one series, as most callers know it:
    @property
    def loaded(self) -> Loaded:
        return self.site.groups[0].loaded

    @property
    def schedule(self) -> Schedule:
        return self.site.groups[0].schedule

    @property
    def release(self) -> Release:
        return self.releases[self.site.groups[0].id]

    def started_history(self, group: SeriesGroup) -> bool:
        """This publish began ``group``'s revision history."""
        return started_history(self.releases[group.id].changes, len(group.schedule.sessions))


def build_site(
    source: str | Path | EventsBytes,
    out_dir: str | Path | None,
    *,
    history: HistoryFiles = True,
    keep_removed: int = DEFAULT_KEEP_REMOVED_DAYS,
    today: dt.date | None = None,
    base_url: str = "",
    page: bool = True,
    now: dt.datetime | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_sessions: int = DEFAULT_MAX_SESSIONS,
    reset_history: bool = False,
    cache: BuildCache | None = None,
    budget: int = SIZE_BUDGET_BYTES,
) -> BuildResult:
    """Load ``source`` (an events or a site file), publish it and write it to ``out_dir``.

    Raises ValidationError for an invalid file, ValueError for a bad ``base_url``;
    see :func:`publish_site` for the rest.
    """
    sessions = cache.table("sessions") if cache is not None else None
    site = load_site(
        source, base_url, max_bytes=max_bytes, max_sessions=max_sessions, cache=sessions
    )
    return publish_site(
        site, out_dir, history=history, keep_removed=keep_removed, today=today, page=page,
        now=now, reset_history=reset_history, cache=cache, budget=budget,
    )  # fmt: skip


def publish_site(
    site: Site,
    out_dir: str | Path | None,
    *,
    history: HistoryFiles = True,
    keep_removed: int = DEFAULT_KEEP_REMOVED_DAYS,
    today: dt.date | None = None,
    page: bool = True,
    now: dt.datetime | None = None,
    reset_history: bool = False,
    cache: BuildCache | None = None,
    progress: Callable[[int, int], None] | None = None,
    budget: int = SIZE_BUDGET_BYTES,
) -> BuildResult:
    """Release every series against its history, render the site and write it.

    ``out_dir`` None renders without writing (the live server); ``page`` False
    leaves out the HTML pages, which the server makes itself. Raises BuildError
    when the site cannot be written (the old one stays) and OSError when a history
    cannot be read; histories are saved only after the site is in place, and a
    failure to save one is reported in ``history_error``. A damaged history
    without a usable backup is a ValidationError unless ``reset_history`` allows
    starting a new one. ``cache`` lends pieces of earlier builds and keeps this
    one's for the next; it never changes a byte of the result. ``progress`` is told
    (files rendered, files in all) as rendering goes (see render.outputs.render_site).
    The feeds, pages and events.json people open keep within ``budget`` bytes.
    """
    if isinstance(history, Path) and not site.one_series:
        raise OptionError(
            "one history file was named, and a site file keeps one beside each series' events files"
        )
    published: list[tuple[dict[str, Release], Mapping[str, bytes]]] = []
    cuts: dict[str, Cut] = {}
    archives = Archives(site, budget)
    try:
        with contextlib.ExitStack() as stack:
            # Without a cache, a table for this build alone: a piece that two files share
            # (a session in events.json and archive.json) is still made once.
            stack.enter_context(reusing(cache.table("pieces") if cache is not None else {}))
            context = _page_context(site, today, page, budget)
            releases = {
                group.id: stack.enter_context(
                    releasing(
                        group.loaded,
                        history_file(group, history),
                        now=now,
                        keep_removed_days=keep_removed,
                        reset_history=reset_history,
                    )
                )
                for group in site.groups
            }
            rendered = render_site(
                site, releases, context, pages=page, progress=progress, cuts=cuts,
                archives=archives,
            )  # fmt: skip
            files: Mapping[str, bytes] = (
                dict(rendered)
                if out_dir is None
                else write_site(rendered, out_dir, link=cache is not None)
            )
            published.append((releases, files))
    except OSError as exc:
        if not published:
            raise
        releases, files = published[0]
        message = exc.strerror or str(exc)
        return BuildResult(
            site, releases, files, _path(out_dir), context.today, message, cuts, budget, archives
        )
    releases, files = published[0]
    if cache is not None:
        cache.save()
    return BuildResult(
        site, releases, files, _path(out_dir), context.today, "", cuts, budget, archives
    )


def _page_context(site: Site, today: dt.date | None, page: bool, budget: int) -> PageContext:
    day = today or site.today()
    series = site.groups[0].series
    if not (page and site.one_series and series.base_url):
        return PageContext(today=day, budget=budget)
    url = feed_url(series)  # the QR code is kept: importing segno alone takes 70 ms
    qr_svg = piece("qr.svg", (url,), lambda: _qr_svg(url))
    return PageContext(today=day, qr_svg=qr_svg, budget=budget)


def _qr_svg(url: str) -> str:
    from ..render.qr import feed_qr_svg  # segno only when there is a URL to draw

    return feed_qr_svg(url)


def size_warnings(
    site: Site,
    releases: Mapping[str, Release],
    sizes: Mapping[str, int],
    cuts: Mapping[str, Cut],
    context: PageContext,
    out: str = "",
    archives: Archives | None = None,
) -> list[Problem]:
    """A warning for each file people open or subscribe to (render.outputs.bounded) that
    the budget narrowed, and for each that passes it anyway, with what it keeps: Google
    Calendar stops importing a subscribed feed at about 1 MB, and phones slow down."""
    warnings = []
    today = context.today
    base = Target(site, releases, context, archives=archives)
    for path, output, target in sorted(published(base, bounded)):
        size = sizes.get(path, 0)
        if path not in cuts and size <= context.budget:
            continue
        groups = [target.group] if target.group else site.groups
        window = ", ".join(sorted({f"{g.feed_window} days" for g in groups}))
        kind = "feed" if output.feed else "page" if output.page else "file"
        what, why = texts.SIZE_WHAT[kind], texts.SIZE_WHY[kind]
        cut = cuts.get(path)
        if target.term is not None:  # an archive page lists its whole term
            count = len(target.term.schedule.sessions)
            message = texts.SIZE_TERM.format(
                what=what,
                size=size / 1024,
                why=why,
                count=texts.sessions(count),
                term=target.term.label,
            )
        elif cut is not None:
            message = texts.SIZE_CUT.format(
                what=what, kept=texts.sessions(cut.kept), first=cut.first or texts.SIZE_NO_SESSION,
                last=cut.last or texts.SIZE_NO_SESSION, budget=context.budget // 1024, why=why,
                past=cut.dropped_past, upcoming=cut.dropped_upcoming, window=window,
            )  # fmt: skip
            if size > context.budget:  # what the page has besides its sessions passes it
                message += texts.SIZE_STILL.format(size=size / 1024)
        else:
            kept = [
                s
                for g in groups
                for s in (g.on_page(today) if output.page else g.kept(g.schedule.sessions, today))
            ]
            upcoming = sum(s.date >= today for s in kept)
            message = texts.SIZE_PAST.format(
                what=what, size=size / 1024, why=why, past=len(kept) - upcoming,
                window=window, upcoming=upcoming,
            )  # fmt: skip
        warnings.append(Problem(Position(f"{out}{path}"), "", message, "warning"))
    return warnings


def size_check(
    site: Site, today: dt.date | None = None, budget: int = SIZE_BUDGET_BYTES
) -> list[Problem]:
    """The size warnings ``build`` would give (no history), rendering in memory only the
    files that keep within the budget, for ``validate``."""
    context = PageContext(today=today or site.today(), budget=budget)
    releases = {group.id: Release(group.schedule) for group in site.groups}
    cuts: dict[str, Cut] = {}
    archives = Archives(site, budget)
    files = dict(render_site(site, releases, context, cuts=cuts, only=bounded, archives=archives))
    return size_warnings(site, releases, file_sizes(files), cuts, context, archives=archives)


def _path(out_dir: str | Path | None) -> Path | None:
    return None if out_dir is None else Path(out_dir)
