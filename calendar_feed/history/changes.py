"""Revision history of published events: what subscribers saw, and when it changed.

Calendar apps decide whether an event changed by its UID, SEQUENCE and
LAST-MODIFIED. The history file beside events.yaml (``events.history.json``)
remembers, per UID, a digest of what subscribers see, so that a publish bumps
SEQUENCE exactly for the sessions whose visible content changed, keeps removed
sessions in the feed as CANCELLED for a while, and words each change for
organizers (``calendar-feed diff``) and for the announcements feed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from .. import texts, zones
from ..errors import Position, Problem
from ..fields import CANCELLED_ONLY, DETAIL_NAMES
from ..identity import Revision, session_uid
from ..limits import DEFAULT_KEEP_REMOVED_DAYS
from ..model import Schedule, Series, Session
from ..reuse import piece, series_digest, session_digest
from .records import Announcement, History, Record, digest, session_from_snapshot, snapshot

EDITABLE = tuple(name for name in DETAIL_NAMES if name not in CANCELLED_ONLY)
"""Details whose edit is reported as "text edited (field, ...)"."""


class ChangeKind(StrEnum):
    """One kind of change a subscriber will see; the value is its short name, which
    texts.CHANGE_WORDS words."""

    NEW_TALK = "new talk"
    NEW_OPEN_SLOT = "new open slot"
    NEW_CANCELLED = "new cancelled date"
    TALK_ANNOUNCED = "talk announced"
    TALK_WITHDRAWN = "talk withdrawn"
    CANCELLED = "cancelled"
    REOPENED = "reopened"
    RESTORED = "restored"
    MOVED = "moved"
    ROOM = "room"
    EDITED = "edited"
    DETAILS = "details"
    REMOVED = "removed"

    @property
    def words(self) -> str:
        """How ``diff``, ``build`` and the server's log word it for an organizer."""
        return texts.CHANGE_WORDS[self.value]

    @property
    def is_new(self) -> bool:
        return self in (ChangeKind.NEW_TALK, ChangeKind.NEW_OPEN_SLOT, ChangeKind.NEW_CANCELLED)


ANNOUNCED = frozenset(
    {
        ChangeKind.NEW_TALK, ChangeKind.NEW_CANCELLED, ChangeKind.TALK_ANNOUNCED,
        ChangeKind.CANCELLED, ChangeKind.REOPENED, ChangeKind.MOVED, ChangeKind.ROOM,
        ChangeKind.REMOVED,
    }
)  # fmt: skip
"""Kinds of change worth an entry in the announcements feed (not typo fixes)."""
_NEW_KIND = {"talk": ChangeKind.NEW_TALK, "cancelled": ChangeKind.NEW_CANCELLED}


@dataclass(frozen=True)
class Change:
    """What subscribers will see change for one event, in words."""

    uid: str
    key: str
    kinds: tuple[ChangeKind, ...]
    details: tuple[str, ...]
    sequence: int
    snapshot: Mapping[str, Any]
    """The new snapshot (the last one for a removed event)."""
    digest: str
    """The digest of what subscribers see: of ``snapshot`` (the last seen for a removal)."""

    @property
    def is_new(self) -> bool:
        return self.kinds[0].is_new

    @property
    def is_removal(self) -> bool:
        return self.kinds == (ChangeKind.REMOVED,)


def started_history(changes: Sequence[Change], sessions: int) -> bool:
    """True for the first publish: every session new, nothing else."""
    return bool(changes) and len(changes) == sessions and all(c.is_new for c in changes)


# -- comparing ---------------------------------------------------------------------


def plan(history: History | None, schedule: Schedule) -> list[Change]:
    """Every change a publish of ``schedule`` would make, in schedule order."""
    records = history.records if history else {}
    changes = []
    current = set()
    series = schedule.series
    for session in schedule.sessions:
        uid = session_uid(series, session)
        current.add(uid)
        old = records.get(uid)
        if old is None:
            new = snapshot(series, session)
            kind = _NEW_KIND.get(new["status"], ChangeKind.NEW_OPEN_SLOT)
            seen = _digest(series, session, new)
            changes.append(Change(uid, session.key, (kind,), (), 0, new, seen))
            continue
        seen = _digest(series, session)
        if old.removed is None and old.digest == seen:
            continue  # unchanged: the common case, decided without building the snapshot
        new = snapshot(series, session)
        kinds, details = compare(old.snapshot, new)
        if old.removed is not None:
            kinds = (ChangeKind.RESTORED, *kinds)
        changes.append(Change(uid, session.key, kinds, details, old.sequence + 1, new, seen))
    gone = [r for uid, r in records.items() if uid not in current and r.removed is None]
    for record in sorted(gone, key=lambda r: (r.snapshot["start"], r.uid)):
        removal = (ChangeKind.REMOVED,)
        key, sequence = record.snapshot["key"], record.sequence + 1
        changes.append(
            Change(record.uid, key, removal, (), sequence, record.snapshot, record.digest)
        )
    return changes


def compare(
    old: Mapping[str, Any], new: Mapping[str, Any]
) -> tuple[tuple[ChangeKind, ...], tuple[str, ...]]:
    """Name the kinds of change between two snapshots, with details for each."""
    kinds: list[ChangeKind] = []
    details: list[str] = []
    before, after = old["status"], new["status"]
    if before != after:
        if after == "cancelled":
            kinds.append(ChangeKind.CANCELLED)
            if new["reason"]:
                details.append(texts.change_reason(new["reason"]))
        elif before == "cancelled":
            kinds.append(ChangeKind.REOPENED)
        elif after == "talk":
            kinds.append(ChangeKind.TALK_ANNOUNCED)
        else:
            kinds.append(ChangeKind.TALK_WITHDRAWN)
    if (old["start"], old["end"]) != (new["start"], new["end"]):
        kinds.append(ChangeKind.MOVED)
        details.append(texts.change_time(_when(old), _when(new)))
    if old["location"] != new["location"]:
        kinds.append(ChangeKind.ROOM)
        details.append(texts.change_place(old["location"], new["location"]))
    edited = [f for f in EDITABLE if old.get(f) != new.get(f)]
    edited_too = sorted(f for f in CANCELLED_ONLY if old.get(f) != new.get(f))
    if before == after and (edited or edited_too):
        kinds.append(ChangeKind.EDITED)
        details.append(", ".join(edited or edited_too))
    if not kinds:
        kinds.append(ChangeKind.DETAILS)  # e.g. the series name or base URL in the description
    return tuple(kinds), tuple(details)


def describe_change(change: Change, keep_removed_days: int = DEFAULT_KEEP_REMOVED_DAYS) -> str:
    """One line an organizer understands, with the SEQUENCE the event will carry."""
    if change.is_removal:
        what = texts.removal(keep_removed_days)
    else:
        what = ", ".join(kind.words for kind in change.kinds)
    summary = change.snapshot["summary"]
    return texts.change_line(change.key, what, change.details, summary, change.sequence)


def _when(snap: Mapping[str, Any]) -> str:
    start = dt.datetime.fromisoformat(snap["start"])
    end = dt.datetime.fromisoformat(snap["end"])
    return f"{start:%a %Y-%m-%d %H:%M}–{end:%H:%M}"


# -- publishing --------------------------------------------------------------------


def _digest(series: Series, session: Session, snap: Mapping[str, Any] | None = None) -> str:
    """The digest of what subscribers see of ``session`` (``snap``, its snapshot, when
    made already), kept in the build cache: comparing 10,000 sessions meant 10,000
    snapshots. The publish that starts a history keeps them too, for the next one."""
    return piece(
        "history-digest",
        (series_digest(series), session_digest(session)),
        lambda: digest(snapshot(series, session) if snap is None else snap),
    )


def publish(
    history: History | None, schedule: Schedule, now: dt.datetime
) -> tuple[History, list[Change]]:
    """The history after publishing ``schedule`` at ``now``, and what changed."""
    now = now.astimezone(dt.UTC).replace(microsecond=0)
    changes = plan(history, schedule)
    if not changes and history is not None and history.series == schedule.series.id:
        return history, []
    records = dict(history.records) if history else {}
    announcements = list(history.announcements) if history else []
    for change in changes:
        old = records.get(change.uid)
        removed = now if ChangeKind.REMOVED in change.kinds else None
        records[change.uid] = Record(
            uid=change.uid,
            digest=change.digest,
            sequence=change.sequence,
            modified=now,
            first_published=old.first_published if old else now,
            snapshot=change.snapshot,
            removed=removed,
        )
        if newsworthy(change):
            announcements.append(announcement(change, now))
    return History(schedule.series.id, records, tuple(announcements)), changes


def newsworthy(change: Change) -> bool:
    """Talks and cancellations are news; open slots only when they become talks."""
    if change.snapshot["status"] == "open" and ChangeKind.TALK_WITHDRAWN not in change.kinds:
        return False
    return bool(ANNOUNCED & set(change.kinds))


def announcement(change: Change, now: dt.datetime) -> Announcement:
    snap = change.snapshot
    what = texts.without_cancelled_prefix(snap["summary"], snap["reason"])
    day = dt.datetime.fromisoformat(snap["start"])
    when = f"{day:%a %Y-%m-%d %H:%M}"
    if ChangeKind.REMOVED in change.kinds:
        title = texts.NEWS_REMOVED.format(what=what, when=when)
        body = texts.NEWS_REMOVED_TEXT
    elif {ChangeKind.CANCELLED, ChangeKind.NEW_CANCELLED} & set(change.kinds):
        title, body = texts.news_cancelled(what, when, snap["reason"]), snap["description"]
    elif {ChangeKind.NEW_TALK, ChangeKind.TALK_ANNOUNCED} & set(change.kinds):
        title, body = texts.NEWS_NEW_TALK.format(what=what, when=when), snap["description"]
    elif ChangeKind.REOPENED in change.kinds:
        title, body = texts.NEWS_BACK_ON.format(what=what, when=when), snap["description"]
    else:
        title = texts.NEWS_MOVED.format(what=what, when=when)
        body = "\n".join(change.details) + "\n\n" + snap["description"]
    return Announcement(f"{change.uid}/{change.sequence}", now, change.uid, change.key, title, body)


def removed_sessions(
    history: History | None, series: Series, now: dt.datetime, keep_days: int
) -> list[Session]:
    """Sessions taken out of events.yaml, kept as CANCELLED so calendars do not just drop them."""
    if history is None or keep_days <= 0:
        return []
    zone = zones.zone(series.timezone)
    keep = dt.timedelta(days=keep_days)
    sessions = [
        session_from_snapshot(record.snapshot, zone, texts.REMOVED_REASON)
        for record in history.records.values()
        if record.removed is not None and now - record.removed <= keep
    ]
    return sorted(sessions, key=lambda s: (s.start, s.key))


def uid_warnings(
    history: History | None,
    schedule: Schedule,
    locations: Mapping[str, tuple[str, Position]],
    changes: Sequence[Change] | None = None,
) -> list[Problem]:
    """Warn when a talk seems to have moved to another date without an explicit id.

    Its UID would change, and subscribers would see one talk deleted and another created.
    ``changes`` is what plan() gives for ``history`` and ``schedule``, if known already.
    """
    changes = plan(history, schedule) if changes is None else changes
    gone = [c for c in changes if c.is_removal and not c.snapshot["explicit_id"]]
    problems = []
    for change in changes:
        if not change.is_new or change.snapshot["explicit_id"]:
            continue
        new = change.snapshot
        label = (new["speaker"], new["title"])
        match = next(
            (
                g
                for g in gone
                if any(label) and (g.snapshot["speaker"], g.snapshot["title"]) == label
            ),
            None,
        )
        if match is None:
            continue
        path, position = locations.get(change.key, ("", Position("")))
        old_key = match.snapshot["key"]
        problems.append(
            Problem(
                position,
                path,
                f'"{new["summary"]}" moved from {old_key} to {change.key}: its UID will change, '
                "and subscribers will see one talk deleted and another created. Keep its "
                f'identity by adding `id: "{old_key}"` to this session.',
                "warning",
            )
        )
    return problems


@dataclass(frozen=True)
class Release:
    """Everything a renderer needs beyond the schedule itself."""

    schedule: Schedule
    revisions: dict[str, Revision] = field(default_factory=dict)
    removed: tuple[Session, ...] = ()
    announcements: tuple[Announcement, ...] = ()
    changes: tuple[Change, ...] = ()
    warnings: tuple[Problem, ...] = ()
