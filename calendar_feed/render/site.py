"""Render every file of the published site in memory: one renderer, two outlets.

``calendar-feed build`` writes these files to a directory; the live server keeps
them in memory and serves the same bytes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..history.changes import Announcement
from ..model import Schedule, Session
from ..texts import FEED_FILE, JSON_FILE, session_file
from .atom import ATOM_FILE, render_atom
from .ical import Revision, render_calendar, render_session
from .json_export import render_json
from .listing import STYLESHEET, PageContext, render_listing, stylesheet


def render_site(
    schedule: Schedule,
    context: PageContext | None,
    revisions: Mapping[str, Revision] | None = None,
    removed: Sequence[Session] = (),
    announcements: Sequence[Announcement] = (),
) -> dict[str, bytes]:
    """Relative path -> file content for the whole static site.

    ``revisions``, ``removed`` and ``announcements`` come from the revision history;
    without them the feed is a plain snapshot of ``schedule``. Without a ``context``
    there is no index.html: the live server renders the listing per request's site
    URL and day instead.
    """
    files: dict[str, bytes] = {}
    if context is not None:  # first: the page is the largest single string of a build
        files["index.html"] = render_listing(schedule, context).encode("utf-8")
    files |= {
        STYLESHEET: stylesheet(),
        FEED_FILE: render_calendar(schedule, revisions=revisions, extra_sessions=removed),
        JSON_FILE: render_json(schedule),
        ATOM_FILE: render_atom(schedule.series, announcements),
    }
    for session in schedule.sessions:
        files[session_file(session)] = render_session(schedule, session, revisions)
    return files
