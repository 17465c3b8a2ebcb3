"""Every list of session keys, derived from the one declaration in model.Session.

Adding a plain text or URL detail to a session is one line in model.py (a field
with its rule); validation, the YAML writer, JSON, the revision history and the
event description pick it up from here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from .model import FieldRule, Kind, Link, Session

CALENDAR_KEYS = (
    "id", "name", "local_name", "description", "semester", "organizers", "maintainer",
    "timezone", "base_url", "language", "weekday", "refresh_hours", "tags",
    "contact", "announce_to", "repository",
)  # fmt: skip
"""Keys of ``calendar:``, in the order the YAML writer puts them."""
SCHEDULE_KEYS = ("id", "date", "status", "start", "end", "duration", "location")
"""Keys that place a session in time and space; read by validation's own rules."""
TIMING_KEYS = ("start", "end", "duration", "location")
"""The keys ``defaults:`` may give for every session."""
LINK_LABELS = {"slides": "Slides", "video": "Video", "speaker_page": "Speaker page"}
"""Keys allowed under a session's ``links:`` and the label each is shown with."""

DETAILS: tuple[tuple[str, FieldRule], ...] = tuple(
    (f.name, f.metadata["rule"]) for f in dataclasses.fields(Session) if "rule" in f.metadata
)
"""(name, rule) for each detail of a session, in declaration order."""
DETAIL_NAMES = tuple(name for name, _ in DETAILS)
SESSION_KEYS = (*SCHEDULE_KEYS, *DETAIL_NAMES)
"""Every key a session may have, in the order the YAML writer puts them."""
PROSE_KEYS = frozenset(name for name, rule in DETAILS if rule.prose)
URL_KEYS = frozenset([name for name, rule in DETAILS if rule.kind is Kind.URL] + list(LINK_LABELS))
TALK_NEEDS = tuple(name for name, rule in DETAILS if rule.talk_needs)
MAKES_TALK = frozenset(name for name, rule in DETAILS if rule.makes_talk)
CANCELLED_ONLY = frozenset(name for name, rule in DETAILS if rule.cancelled_only)
_DEFAULTS = {f.name: f.default for f in dataclasses.fields(Session) if f.name in DETAIL_NAMES}


def detail_data(session: Session) -> dict[str, Any]:
    """The session's details as JSON values (links as ``{label: url}``)."""
    return {name: _to_data(rule, getattr(session, name)) for name, rule in DETAILS}


def details_from_data(data: Mapping[str, Any]) -> dict[str, Any]:
    """Session keyword arguments from JSON values; a missing detail gets its default."""
    return {name: _from_data(rule, data.get(name, _DEFAULTS[name])) for name, rule in DETAILS}


def _to_data(rule: FieldRule, value: Any) -> Any:
    if rule.kind is Kind.TAGS:
        return list(value)
    if isinstance(value, tuple):
        return {link.label: link.url for link in value}
    return value


def _from_data(rule: FieldRule, value: Any) -> Any:
    if rule.kind is Kind.LINKS:
        items = value.items() if isinstance(value, Mapping) else ()
        return tuple(Link(str(label), str(url)) for label, url in items)
    if rule.kind is Kind.TAGS:
        return tuple(str(tag) for tag in value) if isinstance(value, list | tuple) else ()
    return "" if value is None else str(value)
