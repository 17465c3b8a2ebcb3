"""Where things are published: file names, the site's base URL and links into it.

The same relative paths serve the static build and the live server, so a link
that works on one works on the other.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit

if TYPE_CHECKING:  # annotations only: the CLI's --base-url check needs no model
    from .model import Series, Session

FEED_FILE = "calendar.ics"
JSON_FILE = "events.json"
ARCHIVE_FEED_FILE = "archive.ics"
"""Every session of a series: the feed and events.json keep a window of the past."""
ARCHIVE_JSON_FILE = "archive.json"


def history_path_for(events_file: str | Path) -> Path:
    """events.yaml -> events.history.json, kept beside it and committed with it."""
    path = Path(events_file)
    return path.with_name(f"{path.stem}.history.json")


def normalize_base_url(url: str) -> str:
    """'' stays ''; anything else must be http(s) and gets the trailing slash links need.

    Raises ValueError naming the problem, for the caller to report as a bad option.
    """
    if not url:
        return ""
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"must start with http:// or https://, not {url!r}")
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in url):
        raise ValueError("must not contain spaces or control characters")
    try:
        host = urlsplit(url).hostname
    except ValueError as exc:  # "Invalid IPv6 URL": an unbalanced "[" or "]"
        raise ValueError(f"is not a valid web address ({exc})") from None
    if not host:
        raise ValueError(f"has no host name: {url!r}")
    return url if url.endswith("/") else url + "/"


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
