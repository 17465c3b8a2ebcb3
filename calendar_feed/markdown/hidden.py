"""What the Markdown page cannot show, carried in an HTML comment that renderers hide.

Without it an export -> import round trip would make up a new series id (and so
new UIDs: subscribers would see every event deleted and re-created), and lose
the timezone, the usual time and place, and each session's own id, time, room and
language.
The exporter appends the block; the importer reads it back before reading the
page, and its command-line options still override it. A page without the block
imports as before.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..model import Schedule, Session
from ..source.vocabulary import WEEKDAYS

BLOCK_START = "<!-- calendar-feed:"
BLOCK_LEAD = f"{BLOCK_START} kept for `calendar-feed import-markdown`; not shown on the page"
BLOCK_END = "-->"
_BLOCK_RE = re.compile(
    rf"^{re.escape(BLOCK_START)}[^\n]*\n(?P<json>.*?)^{re.escape(BLOCK_END)}[ \t]*$",
    re.MULTILINE | re.DOTALL,
)
CALENDAR_HIDDEN = ("id", "timezone", "base_url", "refresh_hours", "language", "weekday", "semester")
"""calendar: keys the page has no place for (or shows only in passing, like the semester)."""
GUESSED = ("weekday", "semester")
"""Keys the importer guesses from the page when the block does not say."""
TIMING = ("start", "end", "location")
SESSION_HIDDEN = ("id", *TIMING, "language")
"""A session's keys the page has no place for: its id, own time and room, and language."""


def hidden_block(schedule: Schedule) -> str:
    """The comment block for the end of an exported page."""
    series = schedule.series
    calendar = {
        "id": series.id,
        "timezone": series.timezone,
        "base_url": series.base_url,
        "refresh_hours": series.refresh_hours,
        "language": series.language,
        "weekday": WEEKDAYS[series.weekday] if series.weekday is not None else None,
        "semester": series.semester,
    }
    defaults = usual_timing(schedule)
    sessions: dict[str, dict[str, str]] = {}
    seen: Counter[str] = Counter()
    for session in schedule.sessions:
        day = session.date.isoformat()
        seen[day] += 1
        own = {k: v for k, v in session_timing(session).items() if defaults.get(k) != v}
        if session.explicit_id:
            own = {"id": session.key, **own}
        if session.language:
            own["language"] = session.language
        if own:
            sessions[day if seen[day] == 1 else f"{day}#{seen[day]}"] = own
    data = {
        # An empty semester or weekday is kept: the importer would otherwise guess one.
        "calendar": {k: v for k, v in calendar.items() if v or k in GUESSED},
        "defaults": defaults,
        "sessions": sessions,
    }
    text = json.dumps(data, ensure_ascii=False, indent=1)
    # Inside an HTML comment "--" may not appear; JSON reads the escapes back as the same text.
    text = text.replace("--", "-\\u002d").replace("<", "\\u003c").replace(">", "\\u003e")
    return f"{BLOCK_LEAD}\n{text}\n{BLOCK_END}"


def usual_timing(schedule: Schedule) -> dict[str, str]:
    """The most common start, end and place: what ``defaults:`` gives every session."""
    usual = Counter(tuple(session_timing(s).items()) for s in schedule.sessions).most_common(1)
    return dict(usual[0][0]) if usual else {}


def session_timing(session: Session) -> dict[str, str]:
    return {
        "start": session.start.strftime("%H:%M"),
        "end": session.end.strftime("%H:%M"),
        "location": session.location,
    }


@dataclass(frozen=True)
class HiddenData:
    """The block's content, or empty when the page has none."""

    calendar: Mapping[str, Any]
    defaults: Mapping[str, str]
    sessions: Mapping[str, Mapping[str, str]]
    line: int = 0
    """Page line where the block starts, for warnings."""


NO_BLOCK = HiddenData({}, {}, {})


def take_block(text: str, problem: Any) -> tuple[str, HiddenData]:
    """The page without its block (blank lines keep line numbers) and the block's data.

    ``problem(line, message)`` reports a block that cannot be read; the page is then
    imported as if it had none.
    """
    match = _BLOCK_RE.search(text)
    if not match:
        return text, NO_BLOCK
    line = text.count("\n", 0, match.start()) + 1
    rest = text[: match.start()] + "\n" * match[0].count("\n") + text[match.end() :]
    try:
        data = json.loads(match["json"])
        hidden = HiddenData(
            _mapping(data.get("calendar")),
            _mapping(data.get("defaults")),
            {str(k): _mapping(v) for k, v in _mapping(data.get("sessions")).items()},
            line,
        )
    except (ValueError, AttributeError, TypeError) as exc:
        problem(line, f"cannot read the calendar-feed comment block ({exc}); ignored")
        return rest, NO_BLOCK
    return rest, hidden


def _mapping(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise TypeError(f"expected an object, got {type(value).__name__}")
    return value


def apply_calendar(calendar: dict[str, Any], hidden: HiddenData) -> None:
    """The block's calendar keys over the page's guesses (id and timezone: see the reader)."""
    for key in CALENDAR_HIDDEN:
        if key in ("id", "timezone") or key not in hidden.calendar:
            continue
        if hidden.calendar[key] in (None, ""):
            calendar.pop(key, None)  # the block says there is none: no guess
        else:
            calendar[key] = hidden.calendar[key]


def apply_sessions(
    sessions: list[dict[str, Any]], hidden: HiddenData, warn: Any
) -> list[dict[str, Any]]:
    """Each session's own id, time, room and language from the block, matched by date
    (and order)."""
    seen: Counter[str] = Counter()
    used: set[str] = set()
    result = []
    for session in sessions:
        day = session["date"].isoformat()
        seen[day] += 1
        key = day if seen[day] == 1 else f"{day}#{seen[day]}"
        own = {k: str(v) for k, v in hidden.sessions.get(key, {}).items() if k in SESSION_HIDDEN}
        if own:
            used.add(key)
        result.append({**session, **own})
    for key in sorted(set(hidden.sessions) - used):
        warn(hidden.line, f"the calendar-feed comment block names {key}, not on the page; ignored")
    return result
