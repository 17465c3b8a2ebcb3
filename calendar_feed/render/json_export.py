"""Schedule -> JSON, for scripts and other sites that want the data, not the page."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..fields import detail_data
from ..identity import session_uid
from ..model import Schedule, Session
from ..reuse import piece, series_digest, session_digest
from ..urls import ARCHIVE_JSON_FILE, FEED_FILE, session_file, session_url

if TYPE_CHECKING:
    from ..site.merge import SeriesGroup, Site


def schedule_data(schedule: Schedule, *, with_sessions: bool = True) -> dict[str, Any]:
    series = schedule.series
    data = {
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
    }
    if with_sessions:
        data["sessions"] = [_session(schedule, s) for s in schedule.sessions]
    return data


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
    """UTF-8 JSON with Chinese kept as characters and a stable key order.

    The same text as ``json.dumps(schedule_data(schedule), indent=2)``, put together
    from each session's own ``json.dumps``, which a large schedule reuses after an edit.
    """
    series = series_digest(schedule.series)
    items = [  # UTF-8 from the start: the text of 10,000 sessions is 20 MB as str
        piece(
            "json",
            (series, session_digest(s)),
            lambda s=s: _item(schedule, s),  # type: ignore[misc]
        )
        for s in schedule.sessions
    ]
    head = _dumps({**schedule_data(schedule, with_sessions=False), "sessions": []})
    head = head.removesuffix("[]\n}").encode("utf-8")
    if not items:
        return head + b"[]\n}\n"
    return b"".join([head, b"[", _ITEM_BREAK, (b"," + _ITEM_BREAK).join(items), b"\n  ]\n}\n"])


def _item(schedule: Schedule, session: Session) -> bytes:
    """One session as ``json.dumps(..., indent=2)`` writes it inside the sessions list:
    a JSON string holds no raw newline, so each line is indented for its place."""
    text = _dumps(_session(schedule, session))
    return text.replace("\n", _ITEM_BREAK.decode()).encode("utf-8")


_ITEM_BREAK = b"\n    "
"""A line break inside the sessions list: items sit two levels deep."""


def _dumps(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


def site_json(site: Site, chosen: Sequence[tuple[SeriesGroup, Session]]) -> bytes:
    """A site of several series: every series and the ``chosen`` sessions (those of the
    feeds' windows, in the budget), each naming its series (a series' archive.json has
    all of them)."""
    series, sessions = [], []
    for group in site.groups:
        mine = tuple(session for owner, session in chosen if owner is group)
        kept = dataclasses.replace(group.schedule, sessions=mine)
        data = schedule_data(kept)
        data["calendar"]["terms"] = [
            {"slug": t.slug, "label": t.label, "feed": f"{group.id}/{t.slug}/{FEED_FILE}"}
            for t in group.terms
        ]
        data["calendar"]["feed"] = f"{group.id}/{FEED_FILE}"
        series.append(data["calendar"])
        data["calendar"]["archive"] = f"{group.id}/{ARCHIVE_JSON_FILE}"
        for item, session in zip(data["sessions"], kept.sessions, strict=True):
            item["series"] = group.id
            item["ics"] = f"{group.id}/{item['ics']}"
            item["tags"] = list(group.series.session_tags(session))
            sessions.append(item)
    sessions.sort(key=lambda s: (s["start"], s["series"], s["id"]))
    head = {"name": site.config.name, "base_url": site.config.base_url or None}
    text = json.dumps(
        {"site": head, "series": series, "sessions": sessions}, ensure_ascii=False, indent=2
    )
    return (text + "\n").encode("utf-8")
