"""What the revision history remembers of each published event.

A record keeps a snapshot of what subscribers saw (plain JSON values) and a
digest of its visible part; the snapshot's details come from the one field
declaration in model.Session, so a new detail is remembered without code here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..fields import detail_data, details_from_data
from ..identity import Revision
from ..model import Series, Session, Status
from ..texts import event_description, event_summary
from ..urls import session_url

VISIBLE = ("start", "end", "status", "summary", "description", "location", "url")
"""What a subscriber's calendar shows; a change in any of these is a new revision."""
REQUIRED = (*VISIBLE, "key", "explicit_id")
"""Snapshot keys a stored record cannot do without; a missing detail is just empty."""


@dataclass(frozen=True)
class Record:
    """One published event as subscribers last saw it."""

    uid: str
    digest: str
    sequence: int
    modified: dt.datetime
    first_published: dt.datetime
    snapshot: Mapping[str, Any]
    removed: dt.datetime | None = None


@dataclass(frozen=True)
class Announcement:
    """One change told to people who follow announcements.atom, kept in the history."""

    id: str
    """Stable across publishes: the UID and the SEQUENCE the change produced."""
    published: dt.datetime
    uid: str
    key: str
    title: str
    text: str


@dataclass(frozen=True)
class History:
    """What subscribers have seen of one series: a record per UID, and the announcements."""

    series: str
    records: Mapping[str, Record]
    announcements: tuple[Announcement, ...] = ()

    def revisions(self) -> dict[str, Revision]:
        return {uid: Revision(r.sequence, r.modified) for uid, r in self.records.items()}


def snapshot(series: Series, session: Session) -> dict[str, Any]:
    """What subscribers see of ``session``, plus its details, as JSON values."""
    return {
        "key": session.key,
        "explicit_id": session.explicit_id,
        "start": session.start.isoformat(),
        "end": session.end.isoformat(),
        "status": session.status.value,
        "summary": event_summary(series, session),
        "description": event_description(series, session),
        "location": session.location,
        "url": session_url(series, session),
        **detail_data(session),
    }


def digest(snap: Mapping[str, Any]) -> str:
    visible = {key: snap[key] for key in VISIBLE}
    if snap.get("tags"):  # CATEGORIES; only when given, so older digests stay the same
        visible["tags"] = snap["tags"]
    for key in ("start", "end"):  # the instant matters, not how its offset is written
        moment = dt.datetime.fromisoformat(visible[key]).astimezone(dt.UTC)
        visible[key] = moment.isoformat()
    data = json.dumps(visible, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return "sha256:" + hashlib.sha256(data).hexdigest()


def session_from_snapshot(snap: Mapping[str, Any], zone: dt.tzinfo, reason: str) -> Session:
    """The session a snapshot shows, as CANCELLED with ``reason`` unless it has its own."""
    details = details_from_data(snap)
    details["reason"] = details["reason"] or reason
    return Session(
        key=snap["key"],
        explicit_id=bool(snap["explicit_id"]),
        start=dt.datetime.fromisoformat(snap["start"]).astimezone(zone),
        end=dt.datetime.fromisoformat(snap["end"]).astimezone(zone),
        location=snap["location"],
        status=Status.CANCELLED,
        **details,
    )
