"""Links that hand the feed or one session to a calendar app (Google, Apple, Outlook)."""

from __future__ import annotations

import datetime as dt
import re
import string
from dataclasses import dataclass
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

from .. import texts
from ..model import Series, Session
from ..texts import event_description, event_summary
from ..urls import FEED_FILE, session_url

GOOGLE_LINK_LIMIT = 2000
"""Bytes of a whole 'Add to Google Calendar' link, percent-encoded: Google answers 414
to longer template links (docs/user-guide/subscribing.md)."""
GOOGLE_TEMPLATE = "https://calendar.google.com/calendar/render?"
GOOGLE_FROM_URL = "https://calendar.google.com/calendar/u/0/r/settings/addbyurl"
"""Google Calendar's "From URL" settings page: the fallback when the cid shortcut fails."""
ELLIPSIS = "…"


@dataclass(frozen=True)
class SubscribeLinks:
    """The feed's URL as each calendar app takes it: each app wants its own form."""

    https: str
    webcal: str
    google: str
    google_from_url: str
    outlook: str
    office365: str


def subscribe_links(site_url: str, series: Series, query: str = "") -> SubscribeLinks | None:
    """Subscription links for a site published at ``site_url``; None when it is unknown."""
    if not site_url:
        return None
    https = site_url + FEED_FILE + (f"?{query}" if query else "")
    webcal = urlunsplit(("webcal", *urlsplit(https)[1:]))
    add_from_web = urlencode({"url": https, "name": series.display_name})
    return SubscribeLinks(
        https=https,
        webcal=webcal,
        google=GOOGLE_TEMPLATE + urlencode({"cid": webcal}),
        google_from_url=GOOGLE_FROM_URL,
        # Personal Microsoft accounts sign in on outlook.live.com, work and school ones
        # (Microsoft 365) on outlook.office.com; both take the https URL, not webcal.
        outlook="https://outlook.live.com/calendar/0/addfromweb?" + add_from_web,
        office365="https://outlook.office.com/calendar/0/addfromweb?" + add_from_web,
    )


def google_event_link(series: Series, session: Session) -> str:
    """Google Calendar's 'add this event' template link, times in UTC, within the limit.

    The details are cut on a character (never inside one) so that the whole
    percent-encoded link fits GOOGLE_LINK_LIMIT; cut details end with an ellipsis
    and the talk's URL, where the rest can be read.
    """
    query = {
        "action": "TEMPLATE",
        "text": event_summary(series, session),
        "dates": f"{_utc(session.start)}/{_utc(session.end)}",
        "details": "",
        "location": session.location,
        "ctz": series.timezone,
    }
    url = session_url(series, session)
    budget = GOOGLE_LINK_LIMIT - len(GOOGLE_TEMPLATE + _query(query))
    if budget < 0:  # an absurdly long title: give up the details, then cut the title
        query["text"] = _fit(query["text"], budget + _encoded_length(query["text"]), "")
        budget = 0
    query["details"] = _fit(event_description(series, session), budget, url)
    return GOOGLE_TEMPLATE + _query(query)


_QUOTED_RUN = re.compile(rb"[^A-Za-z0-9_.~ -]+")
"""Bytes ``quote_plus`` percent-encodes (a space becomes ``+``)."""


def _query(fields: dict[str, str]) -> str:
    """``urlencode(fields)``, encoding a run of bytes at a time rather than byte by byte:
    a page links every session to Google with its whole description."""
    return "&".join(f"{_quote_plus(name)}={_quote_plus(value)}" for name, value in fields.items())


def _quote_plus(text: str) -> str:
    quoted = _QUOTED_RUN.sub(_percent_run, text.encode("utf-8"))
    return quoted.replace(b" ", b"+").decode("ascii")


def _percent_run(run: re.Match[bytes]) -> bytes:
    return b"%" + run[0].hex("%").upper().encode("ascii")


def _fit(text: str, budget: int, url: str) -> str:
    """``text`` if it encodes within ``budget`` bytes, else its longest start that fits
    followed by an ellipsis (and the URL, when it fits too); '' when nothing does."""
    if _encoded_length(text) <= budget:
        return text
    for tail in (f"{ELLIPSIS}\n{url}" if url else ELLIPSIS, ELLIPSIS):
        room = budget - _encoded_length(tail)
        if room >= 0:
            return _prefix(text, room).rstrip() + tail
    return ""


def _prefix(text: str, budget: int) -> str:
    """The longest start of ``text`` whose encoding fits ``budget`` (whole characters only).

    Each character encodes on its own, so a start's length grows with it: a binary
    search over the number of characters needs a few encodings, not one per character.
    """
    low, high = 0, len(text)  # text[:low] fits; the answer is at most text[:high]
    while low < high:
        middle = (low + high + 1) // 2
        if _encoded_length(text[:middle]) <= budget:
            low = middle
        else:
            high = middle - 1
    return text[:low]


_UNQUOTED = (string.ascii_letters + string.digits + "_.-~ ").encode("ascii")
"""Bytes ``quote_plus`` leaves one byte long (a space becomes ``+``); every other is %XX."""


def _encoded_length(text: str) -> int:
    """Bytes ``text`` takes in a query string: ``len(quote_plus(text))``, without building it.

    Each character encodes on its own, so a start of the text never takes more than
    the whole.
    """
    data = text.encode("utf-8")
    return len(data) + 2 * len(data.translate(None, _UNQUOTED))


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
    fill = texts.VOLUNTEER_PLACEHOLDERS
    return (
        f"  - date: {session.date:%Y-%m-%d}\n{ident}"
        f"    speaker: {fill['speaker']}\n"
        f"    affiliation: {fill['affiliation']}\n"
        f"    title: {fill['title']}\n"
        "    abstract: |\n"
        f"      {fill['abstract']}\n"
        "    bio: |\n"
        f"      {fill['bio']}\n"
    )


def _address(contact: str) -> str:
    from email.utils import parseaddr  # the email package only for a series with a contact

    return parseaddr(contact)[1]


def volunteer_links(series: Series, session: Session) -> VolunteerLinks | None:
    """mailto: to the series' contact and a prefilled GitHub issue; None when neither is known."""
    subject = texts.VOLUNTEER_SUBJECT.format(date=f"{session.date:%Y-%m-%d}", series=series.name)
    intro = texts.VOLUNTEER_INTRO.format(
        series=series.display_name, date=f"{session.date:%a %d %b %Y}"
    )
    block = volunteer_block(session)
    mailto = ""
    address = _address(series.contact) if series.contact else ""
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
