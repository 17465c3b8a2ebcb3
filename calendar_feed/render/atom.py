"""Announcements -> an Atom feed (RFC 4287): one entry per meaningful schedule change.

For people who follow news rather than calendars: new talks with their abstract,
cancellations with their reason, and moves of time or room.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from ..history.records import Announcement
from ..identity import FIXED_STAMP, rfc3339
from ..model import Series
from .templating import environment

ATOM_FILE = "announcements.atom"
MAX_ENTRIES = 50


def entry_id(series: Series, announcement: Announcement) -> str:
    """Stable across rebuilds: derived from the series, the UID and the SEQUENCE."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"calendar-feed:{series.id}/{announcement.id}").urn


def render_atom(series: Series, announcements: Sequence[Announcement]) -> bytes:
    # Newest publish first; within one publish, the schedule's order.
    order = sorted(enumerate(announcements), key=lambda p: (-p[1].published.timestamp(), p[0]))
    entries = [a for _, a in order][:MAX_ENTRIES]
    updated = entries[0].published if entries else FIXED_STAMP
    text = (
        environment()
        .get_template("announcements.atom")
        .render(
            series=series,
            feed_id=uuid.uuid5(uuid.NAMESPACE_URL, f"calendar-feed:{series.id}").urn,
            updated=rfc3339(updated),
            entries=[
                {
                    "id": entry_id(series, a),
                    "title": a.title,
                    "text": a.text,
                    "updated": rfc3339(a.published),
                    "link": f"{series.base_url}#s-{a.key}" if series.base_url else "",
                }
                for a in entries
            ],
            atom_file=ATOM_FILE,
        )
    )
    return text.encode("utf-8")
