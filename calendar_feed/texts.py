"""Plain-text wording shared by every output: event summaries, descriptions and URLs.

Calendar apps show descriptions as plain text (Apple and Thunderbird print HTML
tags raw), so descriptions here are text with blank lines between parts and
links written out as bare URLs.
"""

from __future__ import annotations

import unicodedata

from .fields import DETAILS
from .model import Kind, Series, Session
from .urls import session_url

REASON_LIMIT = 30
"""Columns of a cancellation's reason kept in its summary, so the title still shows."""


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
        # Outlook shows a cancelled event like any other: the title is all its users see.
        return cancelled_prefix(session.reason) + base
    if session.is_open:
        return f"Open slot: {series.name}"
    return base


def cancelled_prefix(reason: str) -> str:
    """'CANCELLED (假期): ' before a cancelled session's title; 'CANCELLED: ' without a reason."""
    short = short_reason(reason)
    return f"CANCELLED ({short}): " if short else "CANCELLED: "


def short_reason(reason: str) -> str:
    """The reason on one line, at most REASON_LIMIT columns (a Chinese character takes two),
    cut between characters with an ellipsis when longer."""
    text = " ".join(reason.split())
    if _width(text) <= REASON_LIMIT:
        return text
    used = 0
    for index, char in enumerate(text):
        used += _width(char)
        if used > REASON_LIMIT - 1:  # one column for the ellipsis
            cut = text[:index]
            space = cut.rfind(" ")
            if space > len(cut) // 2:  # between words, where there are words
                cut = cut[:space]
            return cut.rstrip(" ,，、;；:：") + "…"
    return text  # pragma: no cover - the whole text was shown to be too wide


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


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
    for name, rule in DETAILS:  # abstract, bio, links, note: each a paragraph of its own
        value = getattr(session, name)
        if not value or (rule.heading is None and rule.kind is not Kind.LINKS):
            continue
        if rule.kind is Kind.LINKS:
            parts.append("\n".join(f"{link.label}: {link.url}" for link in value))
        else:
            parts.append(f"{rule.heading}:\n{value}" if rule.heading else value)
    url = session_url(series, session)
    tail = [series.display_name]
    if url:
        tail.append(url)
    parts.append("\n".join(tail))
    return "\n\n".join(parts)
