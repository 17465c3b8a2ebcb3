"""Render every file of the published site in memory: one renderer, two outlets.

``calendar-feed build`` writes these files to a directory; the live server keeps
them in memory and serves the same bytes.
"""

from __future__ import annotations

from ..history import Release
from ..identity import session_uid
from ..reuse import NO_REUSE, Reuse
from ..urls import FEED_FILE, JSON_FILE, session_file
from .atom import ATOM_FILE, render_atom
from .ical import render_calendar, render_session
from .json_export import render_json
from .listing import SCRIPT, STYLESHEET, PageContext, render_listing, script, stylesheet
from .poster import POSTER_FILE, POSTER_STYLESHEET, poster_stylesheet, render_poster


def render_site(
    release: Release, context: PageContext | None, reuse: Reuse = NO_REUSE
) -> dict[str, bytes]:
    """Relative path -> file content for the whole static site.

    The release carries the revision history's SEQUENCE and LAST-MODIFIED, the
    removed sessions and the announcements; without a history it is a plain
    snapshot. Without a ``context`` there is no index.html: the live server
    renders the listing per request's site URL and day instead. ``reuse`` holds
    pieces (events, page items, JSON items) from earlier builds.
    """
    schedule = release.schedule
    files: dict[str, bytes] = {}
    if context is not None:  # first: the page is the largest single string of a build
        files["index.html"] = render_listing(schedule, context, reuse).encode("utf-8")
        files[POSTER_FILE] = render_poster(schedule, context, reuse).encode("utf-8")
    files |= {
        STYLESHEET: stylesheet(),
        POSTER_STYLESHEET: poster_stylesheet(),
        SCRIPT: script(),
        FEED_FILE: render_calendar(
            schedule, revisions=release.revisions, extra_sessions=release.removed, reuse=reuse
        ),
        JSON_FILE: render_json(schedule, reuse),
        ATOM_FILE: render_atom(schedule.series, release.announcements),
    }
    series_digest = reuse.series(schedule.series)
    for session in schedule.sessions:
        revision = release.revisions.get(session_uid(schedule.series, session))
        files[session_file(session)] = reuse.piece(  # its own VTIMEZONE: worth keeping whole
            "session.ics",
            (series_digest, reuse.session(session), repr(revision)),
            lambda session=session: render_session(schedule, session, release.revisions, reuse),  # type: ignore[misc]
        )
    return files
