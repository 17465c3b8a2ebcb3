"""Every file a site publishes, declared once: its path, media type, scope and renderer.

A site is one series (made from an events file: the series' files at the top) or
several (made from a site file: the department's page and feeds at the top, each
series in a folder of its own). ``calendar-feed build`` writes what
:func:`render_site` makes, the live server sends the same bytes and takes its
media types from here, and the docs list this table. A new output is a renderer
and one entry in ``OUTPUTS``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from enum import StrEnum
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import quote

from ..history import Release
from ..identity import session_uid
from ..model import Schedule, Session
from ..reuse import piece, series_digest, session_digest
from ..site.budget import Cut, fit, noting
from ..site.feeds import TAGS_DIR, TALKS_FILE, FeedQuery, render_query
from ..site.pages import EMBED_FILE, Archives, department_page, embed_page, series_page
from ..urls import ARCHIVE_FEED_FILE, ARCHIVE_JSON_FILE
from .atom import ATOM_FILE, render_atom
from .ical import FeedOptions, render_session
from .json_export import render_json, site_json
from .listing import SCRIPT, STYLESHEET, PageContext, render_listing, script, stylesheet
from .poster import POSTER_FILE, POSTER_STYLESHEET, poster_stylesheet, render_poster

if TYPE_CHECKING:  # site.merge takes the reserved series ids from here
    from ..site.merge import SeriesGroup, Site, Term


class Scope(StrEnum):
    """How many of an output a site has: one, or one per series, term, session or tag."""

    SITE = "site"
    SERIES = "series"
    TERM = "term"
    SESSION = "session"
    TAG = "tag"


class Sites(StrEnum):
    """Which sites have an output: every site, a site of one series, or one of several."""

    ALL = "every site"
    ONE = "one series"
    SEVERAL = "several series"


@dataclasses.dataclass(frozen=True)
class Target:
    """What one file is made from: the site, its releases, and what the file is about."""

    site: Site
    releases: Mapping[str, Release]
    context: PageContext
    group: SeriesGroup | None = None
    term: Term | None = None
    session: Session | None = None
    tag: str = ""
    query: FeedQuery | None = None
    """A feed's sessions (feeds only): the live server narrows it by a subscriber's options."""
    archives: Archives | None = None
    """The series' archive pages, worked out once for all the files made from this site."""

    @property
    def archive_pages(self) -> Archives:
        assert self.archives is not None, "published() gives every target the site's archives"
        return self.archives

    @property
    def series_group(self) -> SeriesGroup:
        assert self.group is not None, "a series output needs its series"
        return self.group

    @property
    def release(self) -> Release:
        return self.releases[self.series_group.id]


@dataclasses.dataclass(frozen=True)
class Output:
    """One kind of published file."""

    path: str
    """Relative path; ``{series}`` is the series' folder ("" on a site of one series),
    ``{term}``, ``{session}`` and ``{tag}`` the term's slug, session key and tag."""
    media_type: str
    scope: Scope
    render: Callable[[Target], bytes]
    sites: Sites = Sites.ALL
    page: bool = False
    """An HTML page the live server makes itself (its banner, the request's address)."""
    feed: Callable[[Target], FeedQuery] | None = None
    """A subscription feed: the sessions it holds, which the live server narrows by a
    subscriber's options (``?series=``, ``?tag=``, ``?tba=``, ...)."""
    static: bool = False
    """The same bytes on every site (style, script): cached for an hour, not a feed's time."""
    framed: bool = False
    """May be framed by the origins of the site file's ``embed.frame_ancestors``."""
    about: str = ""
    """What it is, in a few words, for the docs."""
    archive: bool = False
    """Keeps every session of its series or term, so it grows: no size is promised (the
    feeds, pages and events.json people open every day keep a window and stay small)."""

    def path_for(self, target: Target) -> str:
        group = target.group
        return self.path.format(
            series=series_folder(target.site, group) if group else "",
            term=target.term.slug if target.term else "",
            session=_file_name(target.session.key) if target.session else "",
            tag=target.tag,
        )


@lru_cache(maxsize=1 << 15)
def _file_name(key: str) -> str:
    """A session key as a file name; kept, as every build lists each session's file twice."""
    return quote(key, safe="")


def series_folder(site: Site, group: SeriesGroup) -> str:
    """Where a series' files are: the top of a site of one series, else its own folder."""
    return "" if site.one_series else f"{group.id}/"


def _static(read: Callable[[], bytes]) -> Callable[[Target], bytes]:
    return lambda _target: read()


def _feed(target: Target) -> bytes:
    """The sessions of ``target.query``."""
    query = target.query
    assert query is not None, "a feed's target has its query"
    context = target.context
    return render_query(target.site, target.releases, query, context.today, context.budget)


def _on_page(target: Target, render: Callable[[Schedule, int], str]) -> bytes:
    """A page of the one series (its listing, its poster): the sessions ``on_page`` and
    within the budget; ``render`` is told the schedule shown and how many it leaves out."""
    group = target.site.groups[0]
    everything = len(group.schedule.sessions)
    today = target.context.today

    def page(shown: Sequence[Session]) -> bytes:
        schedule = dataclasses.replace(group.schedule, sessions=tuple(shown))
        return render(schedule, everything - len(shown)).encode("utf-8")

    return fit(group.on_page(today), _day, today, page, target.context.budget)


def _day(session: Session) -> dt.date:
    return session.date


def _kept_json(target: Target) -> bytes:
    """events.json: the sessions of the subscription feed's window, within the budget."""
    group = target.series_group
    today = target.context.today

    def data(kept: Sequence[Session]) -> bytes:
        return render_json(dataclasses.replace(group.schedule, sessions=tuple(kept)))

    kept = group.kept(group.schedule.sessions, today)
    return fit(kept, _day, today, data, target.context.budget)


def _site_json(target: Target) -> bytes:
    """The department's events.json: each series' window, within the budget."""
    site, today = target.site, target.context.today
    kept = [(g, s) for g in site.groups for s in g.kept(g.schedule.sessions, today)]
    return fit(
        kept, lambda pair: pair[1].date, today, lambda c: site_json(site, c), target.context.budget
    )


def _session_file(target: Target) -> bytes:
    group, session = target.series_group, target.session
    assert session is not None
    revision = target.release.revisions.get(session_uid(group.series, session))
    return piece(  # with its own VTIMEZONE: worth keeping whole
        "session.ics",
        (series_digest(group.series), session_digest(session), repr(revision)),
        lambda: render_session(group.schedule, session, target.release.revisions),
    )


def _term_page(target: Target) -> bytes:
    assert target.term is not None
    return target.archive_pages.page(target.series_group, target.term)


def _series_query(target: Target) -> FeedQuery:
    return FeedQuery(series=frozenset({target.series_group.id}))


def _archive_query(target: Target) -> FeedQuery:
    return dataclasses.replace(_series_query(target), windowed=False)


def _term_query(target: Target) -> FeedQuery:
    assert target.term is not None
    return dataclasses.replace(_series_query(target), term=target.term.slug, windowed=False)


HTML, CALENDAR, JSON = "text/html", "text/calendar", "application/json"
# In this order in a build: the listing first, the largest single string of a build.
OUTPUTS: tuple[Output, ...] = (
    Output(
        "index.html", HTML, Scope.SITE, sites=Sites.ONE, page=True,
        render=lambda t: _on_page(t, lambda schedule, left_out: render_listing(
            schedule, t.context, archived=left_out,
            terms=t.archive_pages.terms(t.site.groups[0])[::-1],
        )),
        about="the listing: upcoming and past sessions, subscribe buttons",
    ),
    Output(
        POSTER_FILE, HTML, Scope.SITE, sites=Sites.ONE, page=True,
        render=lambda t: _on_page(t, lambda schedule, _: render_poster(schedule, t.context)),
        about="the term on one printed A4 page, with a QR code of the feed",
    ),
    Output(
        "index.html", HTML, Scope.SITE, sites=Sites.SEVERAL, page=True,
        render=lambda t: department_page(
            t.site, t.context.today, problems=t.context.problems, budget=t.context.budget
        ),
        about="the department: every series and the upcoming sessions of all",
    ),
    Output(
        EMBED_FILE, HTML, Scope.SITE, sites=Sites.SEVERAL, page=True, framed=True,
        render=lambda t: embed_page(t.site, t.context.today, t.context.budget),
        about="a compact list of upcoming sessions for other pages to frame",
    ),
    Output(
        "{series}index.html", HTML, Scope.SERIES, sites=Sites.SEVERAL, page=True,
        render=lambda t: series_page(
            t.site, t.series_group, t.context.today, t.context.problems, t.context.budget
        ),
        about="a series' page",
    ),
    Output(
        "{series}{term}/index.html", HTML, Scope.TERM, page=True, render=_term_page,
        about="a term's archive page; an events file longer than its `feed_window` has one "
        "per year (per month where a year's page would pass the byte budget)", archive=True,
    ),
    Output(
        STYLESHEET, "text/css", Scope.SITE, _static(stylesheet), static=True,
        about="the pages' style",
    ),
    Output(
        POSTER_STYLESHEET, "text/css", Scope.SITE, _static(poster_stylesheet), sites=Sites.ONE,
        static=True, about="the poster's style",
    ),
    Output(
        SCRIPT, "text/javascript", Scope.SITE, _static(script), static=True,
        about="the Copy button's script (the page works without it)",
    ),
    Output(
        "calendar.ics", CALENDAR, Scope.SITE, _feed, sites=Sites.SEVERAL,
        feed=lambda t: FeedQuery(), about="every series in one feed",
    ),
    Output(
        TALKS_FILE, CALENDAR, Scope.SITE, _feed, sites=Sites.SEVERAL,
        feed=lambda t: FeedQuery(options=FeedOptions(include_open=False)),
        about="every talk, no open slots",
    ),
    Output(
        f"{TAGS_DIR}/{{tag}}.ics", CALENDAR, Scope.TAG, _feed, sites=Sites.SEVERAL,
        feed=lambda t: FeedQuery(tags=frozenset({t.tag})),
        about="the sessions of one tag, across series",
    ),
    Output(
        "events.json", JSON, Scope.SITE, sites=Sites.SEVERAL,
        render=_site_json,
        about="every series and the sessions of their feeds' windows, as data",
    ),
    Output(
        "{series}calendar.ics", CALENDAR, Scope.SERIES, _feed, feed=_series_query,
        about="the series' subscription feed",
    ),
    Output(
        f"{{series}}{ARCHIVE_FEED_FILE}", CALENDAR, Scope.SERIES, _feed, feed=_archive_query,
        about="every session of the series, to download (it grows: subscribe to calendar.ics)",
        archive=True,
    ),
    Output(
        "{series}{term}/calendar.ics", CALENDAR, Scope.TERM, _feed, feed=_term_query,
        about="a term's (a year's, a month's) complete feed", archive=True,
    ),
    Output(
        "{series}events.json", JSON, Scope.SERIES, _kept_json,
        about="the series as data: the sessions of its feed's window",
    ),
    Output(
        f"{{series}}{ARCHIVE_JSON_FILE}", JSON, Scope.SERIES,
        lambda t: render_json(t.series_group.schedule), about="every session of the series as data",
        archive=True,
    ),
    Output(
        f"{{series}}{ATOM_FILE}", "application/atom+xml", Scope.SERIES,
        lambda t: render_atom(t.series_group.series, t.release.announcements),
        about="announcements of new talks, cancellations and moves (Atom)",
    ),
    Output(
        "{series}events/{session}.ics", CALENDAR, Scope.SESSION, _session_file,
        about="one session, to add to a calendar",
    ),
)  # fmt: skip


LIVE_ROUTES = frozenset({"healthz", "embed"})
"""The live server's own top-level paths besides the files (``/healthz``, ``/embed``)."""


def _top_level_names() -> frozenset[str]:
    """What a site of several series has at its top: each file's or folder's name."""
    return frozenset(
        output.path.split("/")[0]
        for output in OUTPUTS
        if output.sites is not Sites.ONE and not output.path.startswith("{series}")
    )


RESERVED_IDS = _top_level_names() | LIVE_ROUTES
"""Series ids a site of several series refuses: each series' folder sits beside these."""


def outputs_of(site: Site) -> tuple[Output, ...]:
    """The outputs a site has, in build order."""
    kind = Sites.ONE if site.one_series else Sites.SEVERAL
    return tuple(o for o in OUTPUTS if o.sites in (Sites.ALL, kind))


def targets(output: Output, base: Target) -> Iterator[Target]:
    """One target per file of ``output``: the site, each series, term, session or tag."""
    site = base.site
    if output.scope is Scope.SITE:
        yield base
    elif output.scope is Scope.TAG:
        for tag in site.tags:
            yield dataclasses.replace(base, tag=tag)
    else:
        for group in site.groups:
            one = dataclasses.replace(base, group=group)
            if output.scope is Scope.SERIES:
                yield one
            elif output.scope is Scope.TERM:
                for term in base.archive_pages.terms(group):
                    yield dataclasses.replace(one, term=term)
            else:
                # Made directly: dataclasses.replace costs 10,000 sessions a good part of a rebuild.
                site, releases, context = one.site, one.releases, one.context
                for session in group.schedule.sessions:
                    yield Target(site, releases, context, group, session=session)


def published(
    base: Target, only: Callable[[Output], bool] | None = None
) -> Iterator[tuple[str, Output, Target]]:
    """Every file of ``base.site`` (of the outputs ``only`` accepts): its path, its output
    and the target it is made from."""
    if base.archives is None:
        base = dataclasses.replace(base, archives=Archives(base.site, base.context.budget))
    for output in outputs_of(base.site):
        if only is not None and not only(output):
            continue
        for target in targets(output, base):
            if output.feed:
                target = dataclasses.replace(target, query=output.feed(target))
            yield output.path_for(target), output, target


def render_site(
    site: Site,
    releases: Mapping[str, Release],
    context: PageContext,
    *,
    pages: bool = True,
    progress: Callable[[int, int], None] | None = None,
    cuts: dict[str, Cut] | None = None,
    only: Callable[[Output], bool] | None = None,
    archives: Archives | None = None,
) -> Iterator[tuple[str, bytes]]:
    """(relative path, content) of every file of the site, one at a time: a build writes
    each as it comes, so a large site's files are never all in memory at once.

    ``pages`` False leaves out the HTML pages, which the live server makes itself;
    ``only`` keeps the outputs it accepts. Pieces (events, page items, JSON items)
    come from the table of the enclosing reuse.reusing() block, if any. ``progress``
    is told (files rendered, files in all) after each file, for a command's progress
    bar. ``cuts`` is given each file the budget narrowed (see site.budget). ``archives``
    are the site's archive pages, if worked out already (the split renders every session).
    """
    made = list(
        published(
            Target(site, releases, context, archives=archives),
            lambda output: (pages or not output.page) and (only is None or only(output)),
        )
    )
    assert len({path for path, _, _ in made}) == len(made), "two outputs write one path"
    for done, (path, output, target) in enumerate(made, 1):
        with noting() as noted:
            content = output.render(target)
        if noted and cuts is not None:
            cuts[path] = noted[-1]
        if progress is not None:
            progress(done, len(made))
        yield path, content


def bounded(output: Output) -> bool:
    """A file people open or subscribe to, which keeps within the budget: a page (the
    archive's pages too: a year split into months), a subscription feed or events.json;
    not a complete download (archive.ics, a term's feed), a style or script, nor one
    session's file."""
    if output.static or output.scope is Scope.SESSION:
        return False
    return output.page or not output.archive


def site_index(
    site: Site,
    releases: Mapping[str, Release],
    context: PageContext,
    archives: Archives | None = None,
) -> dict[str, tuple[Output, Target]]:
    """Path -> what makes the file there, for the live server to look a request up;
    ``archives`` are those the version's files were rendered with."""
    base = Target(site, releases, context, archives=archives)
    return {path: (output, target) for path, output, target in published(base)}


def described(kind: Sites) -> list[tuple[str, str, str]]:
    """(path as people read it, media type, what it is) of each output a kind of site has."""
    shown = {"series": "" if kind is Sites.ONE else "SERIES/", "term": "TERM"}
    return [
        (output.path.format(**shown, session="SESSION", tag="TAG"), output.media_type, output.about)
        for output in OUTPUTS
        if output.sites in (Sites.ALL, kind)
    ]


__all__ = [
    "OUTPUTS", "RESERVED_IDS", "Output", "Scope", "Sites", "Target", "render_site", "site_index",
]  # fmt: skip
