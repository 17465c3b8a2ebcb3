"""Links that hand the feed or one session to a calendar app (Google, Apple, Outlook)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from email.utils import parseaddr
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

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


# -- volunteering for an open slot ---------------------------------------------------

MAILTO_LIMIT = 2000
"""Characters of a mailto: link that mail clients (Outlook, Gmail's handler) reliably accept."""
ISSUE_LINK_LIMIT = 8000
"""Characters of a URL GitHub accepts for a prefilled new issue (it refuses ~8 KB and more)."""
_GITHUB = re.compile(r"^https://github\.com/([\w.-]+)/([\w.-]+?)(?:\.git)?/?$")


@dataclass(frozen=True)
class VolunteerLinks:
    """One-click ways to offer a talk for an open date; either may be empty."""

    mailto: str
    issue: str


def volunteer_block(session: Session) -> str:
    """The YAML to paste into events.yaml's ``sessions:`` for this date, placeholders filled in."""
    ident = f'    id: "{session.key}"\n' if session.explicit_id else ""
    return (
        f"  - date: {session.date:%Y-%m-%d}\n{ident}"
        "    speaker: Your name / 姓名\n"
        "    affiliation: Your institution / 单位\n"
        "    title: Title of the talk / 题目\n"
        "    abstract: |\n"
        "      A paragraph or two about the talk. / 摘要\n"
        "    bio: |\n"
        "      A few lines about you. / 报告人信息\n"
    )


def volunteer_links(series: Series, session: Session) -> VolunteerLinks | None:
    """mailto: to the series' contact and a prefilled GitHub issue; None when neither is known."""
    subject = f"Volunteer for {session.date:%Y-%m-%d}: {series.name}"
    intro = (
        f"I would like to speak at {series.display_name} on {session.date:%a %d %b %Y}.\n"
        "The session for events.yaml:\n\n"
    )
    block = volunteer_block(session)
    mailto = ""
    address = parseaddr(series.contact)[1] if series.contact else ""
    if address:
        body = intro + block
        mailto = f"mailto:{quote(address, safe='@')}?" + urlencode(
            {"subject": subject, "body": body}, quote_via=quote
        )
        if len(mailto) > MAILTO_LIMIT:  # cannot happen with the fixed block; never send a cut one
            mailto = f"mailto:{quote(address, safe='@')}?" + urlencode(
                {"subject": subject}, quote_via=quote
            )
    issue = ""
    found = _GITHUB.match(series.repository or "")
    if found:
        body = intro + "```yaml\n" + block + "```\n"
        issue = f"https://github.com/{found[1]}/{found[2]}/issues/new?" + urlencode(
            {"title": subject, "body": body}, quote_via=quote
        )
        if len(issue) > ISSUE_LINK_LIMIT:
            issue = f"https://github.com/{found[1]}/{found[2]}/issues/new?" + urlencode(
                {"title": subject}, quote_via=quote
            )
    if not (mailto or issue):
        return None
    return VolunteerLinks(mailto, issue)
