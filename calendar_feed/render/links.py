"""Links that hand the feed or one session to a calendar app (Google, Apple, Outlook)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit, urlunsplit

from ..model import Series, Session
from ..texts import event_description, event_summary
from ..urls import FEED_FILE

GOOGLE_DETAILS_LIMIT = 1200
"""Characters of description put in a Google link; longer URLs are cut off by browsers."""


@dataclass(frozen=True)
class SubscribeLinks:
    https: str
    webcal: str
    google: str
    outlook: str


def subscribe_links(site_url: str, series: Series, query: str = "") -> SubscribeLinks | None:
    """Subscription links for a site published at ``site_url``; None when it is unknown."""
    if not site_url:
        return None
    https = site_url + FEED_FILE + (f"?{query}" if query else "")
    webcal = urlunsplit(("webcal", *urlsplit(https)[1:]))
    return SubscribeLinks(
        https=https,
        webcal=webcal,
        google="https://calendar.google.com/calendar/render?" + urlencode({"cid": webcal}),
        outlook="https://outlook.live.com/calendar/0/addfromweb?"
        + urlencode({"url": https, "name": series.display_name}),
    )


def google_event_link(series: Series, session: Session) -> str:
    """Google Calendar's 'add this event' template link, times in UTC."""
    details = event_description(series, session)
    if len(details) > GOOGLE_DETAILS_LIMIT:
        details = details[: GOOGLE_DETAILS_LIMIT - 1].rstrip() + "…"
    query = {
        "action": "TEMPLATE",
        "text": event_summary(series, session),
        "dates": f"{_utc(session.start)}/{_utc(session.end)}",
        "details": details,
        "location": session.location,
        "ctz": series.timezone,
    }
    return "https://calendar.google.com/calendar/render?" + urlencode(query)


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
