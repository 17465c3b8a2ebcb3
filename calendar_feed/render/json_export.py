"""Schedule -> JSON, for scripts and other sites that want the data, not the page."""

from __future__ import annotations

import json
from typing import Any

from ..fields import detail_data
from ..identity import session_uid
from ..model import Schedule, Session
from ..urls import FEED_FILE, session_file, session_url


def schedule_data(schedule: Schedule) -> dict[str, Any]:
    series = schedule.series
    return {
        "calendar": {
            "id": series.id,
            "name": series.name,
            "local_name": series.local_name,
            "description": series.description,
            "semester": series.semester,
            "organizers": list(series.organizers),
            "maintainer": series.maintainer,
            "timezone": series.timezone,
            "base_url": series.base_url or None,
            "feed": FEED_FILE,
        },
        "sessions": [_session(schedule, s) for s in schedule.sessions],
    }


def _session(schedule: Schedule, session: Session) -> dict[str, Any]:
    return {
        "id": session.key,
        "uid": session_uid(schedule.series, session),
        "status": session.status.value,
        "date": session.date.isoformat(),
        "start": session.start.isoformat(),
        "end": session.end.isoformat(),
        "location": session.location,
        **detail_data(session),
        "ics": session_file(session),
        "url": session_url(schedule.series, session) or None,
    }


def render_json(schedule: Schedule) -> bytes:
    """UTF-8 JSON with Chinese kept as characters and a stable key order."""
    text = json.dumps(schedule_data(schedule), ensure_ascii=False, indent=2)
    return (text + "\n").encode("utf-8")
