"""Plain-text wording shared by every output: event summaries, descriptions and URLs.

Calendar apps show descriptions as plain text (Apple and Thunderbird print HTML
tags raw), so descriptions here are text with blank lines between parts and
links written out as bare URLs.
"""

from __future__ import annotations

from urllib.parse import quote

from .model import Series, Session

FEED_FILE = "calendar.ics"
JSON_FILE = "events.json"


def session_file(session: Session) -> str:
    """Relative path of a session's own .ics, the same on a static host and the server."""
    return f"events/{quote(session.key, safe='')}.ics"


def session_anchor(session: Session) -> str:
    return f"s-{session.key}"


def session_url(series: Series, session: Session) -> str:
    """Link to the session on the listing page; empty without a base URL."""
    return f"{series.base_url}#{session_anchor(session)}" if series.base_url else ""


def feed_url(series: Series) -> str:
    return f"{series.base_url}{FEED_FILE}" if series.base_url else ""


def speaker_line(session: Session) -> str:
    if session.speaker and session.affiliation:
        return f"{session.speaker} ({session.affiliation})"
    return session.speaker or session.affiliation


def event_summary(series: Series, session: Session) -> str:
    """The one line a calendar shows: speaker and title, or what kind of date this is."""
    if session.speaker and session.title:
        base = f"{session.speaker}: {session.title}"
    else:
        base = session.title or session.speaker or series.name
    if session.is_cancelled:
        return f"CANCELLED: {base}"
    if session.is_open:
        return f"Open slot: {series.name}"
    return base


def event_description(series: Series, session: Session) -> str:
    """Everything an attendee wants in the event body, paragraphs kept."""
    parts: list[str] = []
    if session.is_cancelled:
        parts.append(
            f"CANCELLED: {session.reason}" if session.reason else "CANCELLED: no session this week."
        )
    if session.is_open:
        who = ", ".join(series.organizers)
        parts.append(
            "Open slot: no speaker yet."
            + (f" Would you like to speak? Contact the organizers: {who}." if who else "")
        )
    heading = [line for line in (session.title, speaker_line(session)) if line]
    if heading:
        parts.append("\n".join(heading))
    if session.abstract:
        parts.append(f"Abstract:\n{session.abstract}")
    if session.bio:
        parts.append(f"About the speaker:\n{session.bio}")
    if session.links:
        parts.append("\n".join(f"{link.label}: {link.url}" for link in session.links))
    if session.note:
        parts.append(session.note)
    url = session_url(series, session)
    tail = [series.display_name]
    if url:
        tail.append(url)
    parts.append("\n".join(tail))
    return "\n\n".join(parts)
