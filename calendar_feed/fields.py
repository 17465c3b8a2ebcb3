"""Every list of keys in events.yaml, derived from the one declaration of each in model.py.

``calendar:`` keys are the fields of model.Series, ``defaults:`` keys those of
model.Timing, and a session's keys are model.SCHEDULE, Timing's keys and the details
declared on model.Session. Adding a key to ``calendar:`` or a plain text or URL detail
to a session is one field in model.py (with its rule); validation, the YAML writer,
``new-semester``, JSON and the revision history (session details), the event
description and the events.yaml reference (calendar_feed.reference) pick it up from here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from .model import SCHEDULE, WEEKDAYS, FieldRule, Kind, Link, Series, Session, SettingRule, Timing


def settings_of(cls: type) -> tuple[tuple[str, SettingRule], ...]:
    """(name, rule) for each field of ``cls`` declared with model.setting, in order."""
    return tuple(
        (f.name, f.metadata["setting"]) for f in dataclasses.fields(cls) if "setting" in f.metadata
    )


CALENDAR = settings_of(Series)
"""(name, rule) for each key of ``calendar:``."""
CALENDAR_KEYS = tuple(name for name, _ in CALENDAR)
"""Keys of ``calendar:``, in the order the YAML writer puts them."""
TIMING = settings_of(Timing)
"""(name, rule) for each key of ``defaults:``, which a session may also give."""
TIMING_KEYS = tuple(name for name, _ in TIMING)
"""The keys ``defaults:`` may give for every session."""
SCHEDULE_KEYS = (*(name for name, _ in SCHEDULE), *TIMING_KEYS)
"""Keys that place a session in time and space; read by validation's own rules."""
SETTINGS = (*CALENDAR, *TIMING, *SCHEDULE)
"""Every key declared with a SettingRule, for rules that go by a key's name (the writer)."""
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
DETAIL_KINDS = frozenset({Kind.TEXT, Kind.URL, Kind.LINKS, Kind.TAGS, Kind.LANGUAGE})
"""The kinds a session detail may have: what JSON and the revision history can carry."""
if any(rule.kind not in DETAIL_KINDS for _, rule in DETAILS):
    raise TypeError(f"a session detail's kind must be one of {sorted(DETAIL_KINDS)}")
_CALENDAR_DEFAULTS = {f.name: f.default for f in dataclasses.fields(Series)}


def calendar_data(series: Series) -> dict[str, Any]:
    """The series as ``calendar:`` writes it: every required key and each other key whose
    value is not its default, as YAML values (lists, weekday names)."""
    data: dict[str, Any] = {}
    for name, rule in CALENDAR:
        value = getattr(series, name)
        if not rule.required and value == _CALENDAR_DEFAULTS[name]:
            continue
        if rule.kind is Kind.WEEKDAY and isinstance(value, int):
            value = WEEKDAYS[value]
        data[name] = list(value) if isinstance(value, tuple) else value
    return data


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
