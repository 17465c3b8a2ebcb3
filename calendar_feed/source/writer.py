"""Write events data as YAML an organizer is happy to edit by hand.

loading.py stays the only module that *reads* YAML; this one only emits it, and
lets PyYAML decide the quoting of every scalar, so values like ``12:00``, ``no``,
``# note`` or ``- item`` can never come back as something else. The layout
(comments, key order, blank lines, block scalars) follows the shipped events.yaml.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any

import yaml

from ..fields import CALENDAR_KEYS, PROSE_KEYS, SESSION_KEYS, SETTINGS, TIMING_KEYS, URL_KEYS
from ..model import Kind

LONG_TEXT_KEYS = PROSE_KEYS | {name for name, rule in SETTINGS if rule.prose}
"""Prose fields: written as ``|`` blocks once they are long or have several lines."""
LONG = 60
"""Characters after which a one-line value reads better as a block than inline."""
TIME_KEYS = frozenset(name for name, rule in SETTINGS if rule.kind is Kind.TIME)
ADDRESS_KEYS = URL_KEYS | {
    name for name, rule in SETTINGS if rule.kind in (Kind.URL, Kind.BASE_URL)
}
"""Addresses stay on one plain line, however long, so they can be copied."""

HEADER = """\
# events.yaml: the one source of truth for the seminar's schedule.
#
# {origin}
# Edit this file, then run `calendar-feed validate` to check it and
# `calendar-feed build` (or `calendar-feed serve`) to publish it.
# Every field is described in calendar-feed's docs/user-guide/events-yaml.md. Long text
# uses YAML block scalars ("|"): indent it under the key, paragraphs as in an email.
"""
ID_COMMENT = """\
  # Short id used in event UIDs and file names. Never change it once people
  # have subscribed: calendar apps would see every talk as deleted and re-added.
"""
BASE_URL_COMMENT = """\
  # Where the built site will be published, e.g. https://math.example.edu/lunch/
  # Leave it out until you know: links that need it are then omitted.
  # base_url: https://example.edu/lunch-seminar/
"""
DEFAULTS_COMMENT = """\
# Every session uses these unless it says otherwise: change them here, once,
# for all sessions.
"""
SESSIONS_COMMENT = """\
# One entry per date. A session with a speaker and title is a talk;
# `status: cancelled` (with an optional `reason`) marks a cancelled date;
# a date with nothing else is an open slot.
"""


class _Literal(str):
    """Text to write as a ``|`` block."""


class _Folded(str):
    """One long line to write as ``>-``, so it is not squeezed after its key."""


class _Quoted(str):
    """Text to write in double quotes, as the shipped file writes times."""


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # Indent list items under their key (`organizers:\n  - A`), as people write them.
        return super().increase_indent(flow, False)


for _kind, _style in ((_Literal, "|"), (_Folded, ">"), (_Quoted, '"')):
    _Dumper.add_representer(
        _kind, lambda d, v, s=_style: d.represent_scalar("tag:yaml.org,2002:str", str(v), style=s)
    )


def dump_events(data: Mapping[str, Any], origin: str = "") -> str:
    """Render ``{"calendar": ..., "defaults": ..., "sessions": [...]}`` as commented YAML.

    ``origin`` is one line saying where the data came from, for the header.
    """
    origin = origin or "Written by calendar-feed."
    parts = [HEADER.format(origin=origin)]
    calendar = _ordered(data.get("calendar", {}), CALENDAR_KEYS)
    calendar_text = _dump({"calendar": calendar})
    head, _, rest = calendar_text.partition("\n")
    id_comment = ID_COMMENT if "id" in calendar else ""
    url_comment = "" if "base_url" in calendar else BASE_URL_COMMENT
    parts.append(f"{head}\n{id_comment}{rest}{url_comment}")
    defaults = _ordered(data.get("defaults", {}), TIMING_KEYS)
    if defaults:
        parts.append(DEFAULTS_COMMENT + _dump({"defaults": defaults}))
    sessions = [_ordered(session, SESSION_KEYS) for session in data.get("sessions", [])]
    parts.append(SESSIONS_COMMENT + "sessions:\n" + _sessions(sessions))
    return "\n".join(parts)


def _sessions(sessions: list[dict[str, Any]]) -> str:
    """One list item per session; a blank line after each that takes several lines."""
    chunks = []
    for index, session in enumerate(sessions):
        text = _dump([session])
        chunk = "".join(f"  {line}" if line.strip() else "\n" for line in text.splitlines(True))
        if len(session) > 1 and index < len(sessions) - 1:
            chunk += "\n"
        chunks.append(chunk)
    return "".join(chunks)


def _dump(value: Any) -> str:
    return yaml.dump(
        value,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=float("inf"),
    )


def _ordered(fields: Mapping[str, Any], order: tuple[str, ...]) -> dict[str, Any]:
    """Known keys in their natural order, then any others; empty values left out."""
    keys = [k for k in order if k in fields] + [k for k in fields if k not in order]
    result = {}
    for key in keys:
        value = fields[key]
        if value is None or value == "" or value == [] or value == {}:
            continue
        result[key] = _styled(key, value)
    return result


def _styled(key: str, value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _styled(k, v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_styled(key, v) for v in value]
    if not isinstance(value, str):
        return value
    if key in TIME_KEYS:
        return _Quoted(value)
    if "\n" in value or (key in LONG_TEXT_KEYS and len(value) > LONG):
        return _Literal(value.strip("\n") + "\n")
    if len(value) > LONG and key not in ADDRESS_KEYS:
        return _Folded(value)
    return value


def yaml_scalar(value: str, *, quoted: bool = False) -> str:
    """``value`` as one YAML scalar on one line: plain when that reads back the same text,
    double-quoted (with escapes) otherwise, so no answer can add a key or a line."""
    if not quoted and "#" not in value:
        with contextlib.suppress(yaml.YAMLError):
            if yaml.safe_load(f"k: {value}") == {"k": value}:
                return value
    return yaml.safe_dump(
        value, default_style='"', width=float("inf"), allow_unicode=True
    ).removesuffix("\n")
