"""Schedule -> the HTML listing page, through autoescaping Jinja2 templates.

Text from events.yaml only ever reaches the page escaped; the one filter that
builds markup (``paragraphs``, in templating.py) escapes every piece before joining.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .. import texts
from ..errors import Problem
from ..model import Schedule, Session
from ..site.budget import SIZE_BUDGET_BYTES
from ..texts import speaker_line
from ..urls import (
    ARCHIVE_FEED_FILE,
    ARCHIVE_JSON_FILE,
    FEED_FILE,
    JSON_FILE,
    session_anchor,
    session_file,
)
from ..zones import offset_label
from .links import google_event_link, subscribe_links, volunteer_links
from .templating import render_with_items, rendered_items

if TYPE_CHECKING:  # a series' terms are made when the site is loaded, downstream of this
    from ..site.merge import Term

STYLESHEET = "style.css"
SCRIPT = "copy.js"
"""The page's one script (the copy-URL button), a file of its own so the CSP allows only 'self'."""


@dataclass(frozen=True)
class PageContext:
    """Everything about the page that does not come from events.yaml."""

    today: dt.date
    site_url: str = ""
    """Absolute URL of the site (ends in /) for subscribe links; empty when unknown."""
    qr_svg: str = ""
    problems: Sequence[Problem] = ()
    """Errors in the current events.yaml while an older version is served."""
    live: bool = False
    """True on the live server, which offers per-subscriber feed options."""
    budget: int = SIZE_BUDGET_BYTES
    """Bytes each feed, page and events.json people open keeps within (see site.budget)."""


def zone_label(session: Session) -> str:
    """'Beijing time (UTC+8)': what a reader needs to know the time is not theirs."""
    zone = session.start.tzinfo.key  # type: ignore[union-attr]
    utc = offset_label(session.start)
    city = zone.rsplit("/", 1)[-1].replace("_", " ")
    name = texts.ZONE_NAMES.get(zone) or texts.ZONE_TIME.format(city=city)
    return f"{name} ({utc})"


def render_listing(
    schedule: Schedule, context: PageContext, *, archived: int = 0, terms: Sequence[Term] = ()
) -> str:
    """The page of ``schedule``'s sessions; ``archived`` more are only in the archive files,
    and ``terms`` (the years of a long series, newest first) have archive pages."""
    series = schedule.series
    site_url = series.base_url or context.site_url
    upcoming = [s for s in schedule.sessions if s.date >= context.today]
    past = [s for s in schedule.sessions if s.date < context.today][::-1]
    next_session = next((s for s in upcoming if s.is_talk), None) or next(
        (s for s in upcoming if not s.is_cancelled), None
    )
    variables = {
        "series": series,
        "session_file": session_file,
        "session_anchor": session_anchor,
        "speaker_line": speaker_line,
        "google_link": lambda s: google_event_link(series, s),
        "zone_label": zone_label,
        "volunteer": lambda s: volunteer_links(series, s),
        "page_language": series.language,  # a talk in another language is marked with its own
    }

    def items(sessions: list[Session]) -> list[str]:
        return rendered_items("session.html", sessions, variables, (), next_session)

    return render_with_items(
        "index.html",
        {"upcoming_items": items(upcoming), "past_items": items(past)},
        series=series,
        upcoming=upcoming,
        past=past,
        next_session=next_session,
        counts={
            "talks": sum(s.is_talk for s in schedule.sessions),
            "cancelled": sum(s.is_cancelled for s in schedule.sessions),
            "open": sum(s.is_open for s in schedule.sessions),
        },
        subscribe=subscribe_links(site_url, series),
        context=context,
        feed_file=FEED_FILE,
        json_file=JSON_FILE,
        archived=archived,
        terms=terms,
        archive_feed=ARCHIVE_FEED_FILE,
        archive_json=ARCHIVE_JSON_FILE,
        stylesheet=STYLESHEET,
        script=SCRIPT,
        session_anchor=session_anchor,
        speaker_line=speaker_line,
    )


def stylesheet() -> bytes:
    """The page's CSS, kept in a file of its own so the CSP needs no inline styles."""
    return _static(STYLESHEET)


def script() -> bytes:
    """The copy-URL script; the page works without it."""
    return _static(SCRIPT)


def _static(name: str) -> bytes:
    from importlib.resources import files

    return files("calendar_feed").joinpath("static", name).read_bytes()
