"""Revision history of published events: what subscribers saw, and when it changed.

Calendar apps decide whether an event changed by its UID, SEQUENCE and
LAST-MODIFIED. The history file beside events.yaml (``events.history.json``)
remembers, per UID, a digest of what subscribers see, so that a publish bumps
SEQUENCE exactly for the sessions whose visible content changed, keeps removed
sessions in the feed as CANCELLED for a while, and words each change for
organizers (``calendar-feed diff``) and for the announcements feed.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import fcntl
import hashlib
import json
import os
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytz

from ..errors import Position, Problem
from ..model import Link, Schedule, Series, Session, Status
from ..render.ical import Revision, session_uid
from ..texts import event_description, event_summary, session_url

FORMAT = 1
DEFAULT_KEEP_REMOVED_DAYS = 30
VISIBLE = ("start", "end", "status", "summary", "description", "location", "url")
"""What a subscriber's calendar shows; a change in any of these is a new revision."""
TEXT_FIELDS = ("title", "speaker", "affiliation", "abstract", "bio", "links", "note")
ANNOUNCED = {
    "new talk", "new cancelled date", "talk announced", "cancelled", "reopened", "moved",
    "room", "removed",
}  # fmt: skip
"""Kinds of change worth an entry in the announcements feed (not typo fixes)."""


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
    id: str
    """Stable across publishes: the UID and the SEQUENCE the change produced."""
    published: dt.datetime
    uid: str
    key: str
    title: str
    text: str


@dataclass(frozen=True)
class History:
    series: str
    records: Mapping[str, Record]
    announcements: tuple[Announcement, ...] = ()

    def revisions(self) -> dict[str, Revision]:
        return {uid: Revision(r.sequence, r.modified) for uid, r in self.records.items()}


@dataclass(frozen=True)
class Change:
    """What subscribers will see change for one event, in words."""

    uid: str
    key: str
    kinds: tuple[str, ...]
    details: tuple[str, ...]
    sequence: int
    snapshot: Mapping[str, Any]
    """The new snapshot (the last one for a removed event)."""


def history_path_for(events_file: str | Path) -> Path:
    """events.yaml -> events.history.json, kept beside it and committed with it."""
    path = Path(events_file)
    return path.with_name(f"{path.stem}.history.json")


# -- what subscribers see ----------------------------------------------------------


def snapshot(series: Series, session: Session) -> dict[str, Any]:
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
        "speaker": session.speaker,
        "affiliation": session.affiliation,
        "title": session.title,
        "abstract": session.abstract,
        "bio": session.bio,
        "reason": session.reason,
        "note": session.note,
        "links": {link.label: link.url for link in session.links},
    }


def digest(snap: Mapping[str, Any]) -> str:
    visible = {key: snap[key] for key in VISIBLE}
    for key in ("start", "end"):  # the instant matters, not how its offset is written
        moment = dt.datetime.fromisoformat(visible[key]).astimezone(dt.UTC)
        visible[key] = moment.isoformat()
    data = json.dumps(visible, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return "sha256:" + hashlib.sha256(data).hexdigest()


# -- comparing ---------------------------------------------------------------------


def plan(history: History | None, schedule: Schedule) -> list[Change]:
    """Every change a publish of ``schedule`` would make, in schedule order."""
    records = history.records if history else {}
    changes = []
    current = set()
    for session in schedule.sessions:
        uid = session_uid(schedule.series, session)
        current.add(uid)
        new = snapshot(schedule.series, session)
        old = records.get(uid)
        if old is None:
            kind = {"talk": "new talk", "cancelled": "new cancelled date"}.get(
                new["status"], "new open slot"
            )
            changes.append(Change(uid, session.key, (kind,), (), 0, new))
            continue
        if old.removed is None and old.digest == digest(new):
            continue
        kinds, details = compare(old.snapshot, new)
        if old.removed is not None:
            kinds, details = ("restored", *kinds), details
        changes.append(Change(uid, session.key, kinds, details, old.sequence + 1, new))
    gone = [r for uid, r in records.items() if uid not in current and r.removed is None]
    for record in sorted(gone, key=lambda r: (r.snapshot["start"], r.uid)):
        changes.append(
            Change(record.uid, record.snapshot["key"], ("removed",), (), record.sequence + 1,
                   record.snapshot)
        )  # fmt: skip
    return changes


def compare(
    old: Mapping[str, Any], new: Mapping[str, Any]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Name the kinds of change between two snapshots, with details for each."""
    kinds: list[str] = []
    details: list[str] = []
    before, after = old["status"], new["status"]
    if before != after:
        if after == "cancelled":
            kinds.append("cancelled")
            if new["reason"]:
                details.append(f"reason: {new['reason']}")
        elif before == "cancelled":
            kinds.append("reopened")
        elif after == "talk":
            kinds.append("talk announced")
        else:
            kinds.append("talk withdrawn")
    if (old["start"], old["end"]) != (new["start"], new["end"]):
        kinds.append("moved")
        details.append(f"time: {_when(old)} -> {_when(new)}")
    if old["location"] != new["location"]:
        kinds.append("room")
        details.append(f"place: {old['location'] or '(none)'} -> {new['location'] or '(none)'}")
    edited = [f for f in TEXT_FIELDS if old.get(f) != new.get(f)]
    if before == after and (edited or (old["reason"] != new["reason"])):
        kinds.append("edited")
        details.append(", ".join(edited or ["reason"]))
    if not kinds:
        kinds.append("details")  # e.g. the series name or base URL in the description
    return tuple(kinds), tuple(details)


CHANGE_WORDS = {
    "new talk": "new talk announced",
    "new open slot": "new open slot",
    "new cancelled date": "new date, cancelled",
    "talk announced": "talk announced",
    "talk withdrawn": "talk withdrawn, open slot again",
    "cancelled": "cancelled",
    "reopened": "reopened",
    "restored": "back in events.yaml",
    "moved": "time changed",
    "room": "place changed",
    "edited": "text edited",
    "details": "details changed",
}


def describe_change(change: Change, keep_removed_days: int = DEFAULT_KEEP_REMOVED_DAYS) -> str:
    """One line an organizer understands, with the SEQUENCE the event will carry."""
    if change.kinds == ("removed",):
        what = (
            f"removed from events.yaml; stays in the feed as CANCELLED for {keep_removed_days} days"
            if keep_removed_days
            else "removed from events.yaml and from the feed"
        )
    else:
        what = ", ".join(CHANGE_WORDS[kind] for kind in change.kinds)
    if change.details:
        what += f" ({'; '.join(change.details)})"
    return f'{change.key}: {what}: "{change.snapshot["summary"]}" [SEQUENCE {change.sequence}]'


def _when(snap: Mapping[str, Any]) -> str:
    start = dt.datetime.fromisoformat(snap["start"])
    end = dt.datetime.fromisoformat(snap["end"])
    return f"{start:%a %Y-%m-%d %H:%M}–{end:%H:%M}"


# -- publishing --------------------------------------------------------------------


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
        removed = now if "removed" in change.kinds else None
        records[change.uid] = Record(
            uid=change.uid,
            digest=old.digest if removed and old else digest(change.snapshot),
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
    if change.snapshot["status"] == "open" and "talk withdrawn" not in change.kinds:
        return False
    return bool(ANNOUNCED & set(change.kinds))


def announcement(change: Change, now: dt.datetime) -> Announcement:
    snap = change.snapshot
    what = snap["summary"].removeprefix("CANCELLED: ")
    day = dt.datetime.fromisoformat(snap["start"])
    when = f"{day:%a %Y-%m-%d %H:%M}"
    if "removed" in change.kinds:
        title, body = f"Removed: {what} ({when})", "This session was removed from the schedule."
    elif {"cancelled", "new cancelled date"} & set(change.kinds):
        reason = f" ({snap['reason']})" if snap["reason"] else ""
        title, body = f"Cancelled{reason}: {what} ({when})", snap["description"]
    elif {"new talk", "talk announced"} & set(change.kinds):
        title, body = f"New talk: {what} ({when})", snap["description"]
    elif "reopened" in change.kinds:
        title, body = f"Back on: {what} ({when})", snap["description"]
    else:
        title = f"Moved: {what} (now {when})"
        body = "\n".join(change.details) + "\n\n" + snap["description"]
    return Announcement(f"{change.uid}/{change.sequence}", now, change.uid, change.key, title, body)


def removed_sessions(
    history: History | None, series: Series, now: dt.datetime, keep_days: int
) -> list[Session]:
    """Sessions taken out of events.yaml, kept as CANCELLED so calendars do not just drop them."""
    if history is None or keep_days <= 0:
        return []
    zone = pytz.timezone(series.timezone)
    keep = dt.timedelta(days=keep_days)
    sessions = []
    for record in history.records.values():
        if record.removed is None or now - record.removed > keep:
            continue
        snap = record.snapshot
        sessions.append(
            Session(
                key=snap["key"],
                explicit_id=snap["explicit_id"],
                start=dt.datetime.fromisoformat(snap["start"]).astimezone(zone),
                end=dt.datetime.fromisoformat(snap["end"]).astimezone(zone),
                location=snap["location"],
                status=Status.CANCELLED,
                speaker=snap["speaker"],
                affiliation=snap["affiliation"],
                title=snap["title"],
                abstract=snap["abstract"],
                bio=snap["bio"],
                reason=snap["reason"] or "removed from the schedule",
                note=snap["note"],
                links=tuple(Link(label, url) for label, url in snap["links"].items()),
            )
        )
    return sorted(sessions, key=lambda s: (s.start, s.key))


def uid_warnings(
    history: History | None, schedule: Schedule, locations: Mapping[str, tuple[str, Position]]
) -> list[Problem]:
    """Warn when a talk seems to have moved to another date without an explicit id.

    Its UID would change, and subscribers would see one talk deleted and another created.
    """
    changes = plan(history, schedule)
    gone = [c for c in changes if c.kinds == ("removed",) and not c.snapshot["explicit_id"]]
    problems = []
    for change in changes:
        if not change.kinds[0].startswith("new") or change.snapshot["explicit_id"]:
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


# -- the file ----------------------------------------------------------------------


class HistoryError(ValueError):
    """The history file exists but cannot be used; the caller starts afresh."""


def read_history(path: Path) -> History | None:
    """The history at ``path``, None when there is none yet; HistoryError when unusable."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise HistoryError(f"unreadable history ({exc}); starting a new history") from None
    try:
        if raw.get("format") != FORMAT:
            raise ValueError(f"unknown format {raw.get('format')!r}")
        records = {
            uid: Record(
                uid=uid,
                digest=item["digest"],
                sequence=int(item["sequence"]),
                modified=_time(item["last_modified"]),
                first_published=_time(item["first_published"]),
                snapshot=item["snapshot"],
                removed=_time(item["removed"]) if item.get("removed") else None,
            )
            for uid, item in raw["events"].items()
        }
        for record in records.values():
            missing = set(snapshot_fields()) - set(record.snapshot)
            if missing:
                raise ValueError(f"{record.uid} lacks {', '.join(sorted(missing))}")
        announcements = tuple(
            Announcement(a["id"], _time(a["published"]), a["uid"], a["key"], a["title"], a["text"])
            for a in raw.get("announcements", [])
        )
        return History(str(raw["series"]), records, announcements)
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise HistoryError(f"not a valid history file ({exc}); starting a new history") from None


def snapshot_fields() -> tuple[str, ...]:
    return (*VISIBLE, "key", "explicit_id", "speaker", "title", "reason", "links")


def history_json(history: History) -> bytes:
    """Human-readable, stable JSON: records in date order, Chinese as characters."""
    records = sorted(history.records.values(), key=lambda r: (r.snapshot["start"], r.uid))
    data = {
        "format": FORMAT,
        "about": "calendar-feed revision history: commit it with events.yaml; see README.",
        "series": history.series,
        "events": {
            r.uid: {
                "sequence": r.sequence,
                "last_modified": _stamp(r.modified),
                "first_published": _stamp(r.first_published),
                "removed": _stamp(r.removed) if r.removed else None,
                "digest": r.digest,
                "snapshot": dict(r.snapshot),
            }
            for r in records
        },
        "announcements": [
            {**dataclasses.asdict(a), "published": _stamp(a.published)}
            for a in history.announcements
        ],
    }
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def write_history(path: Path, history: History) -> None:
    """Write atomically: readers see the old file or the new one, never half of one."""
    data = history_json(history)
    with contextlib.suppress(OSError):
        if path.read_bytes() == data:
            return
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


@contextlib.contextmanager
def history_lock(path: Path) -> Iterator[None]:
    """Serialise read-update-write of the history between processes (e.g. server workers).

    Locks the directory, not the file, because the file is replaced on every write.
    """
    descriptor = os.open(path.parent, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(descriptor, fcntl.LOCK_UN)
        os.close(descriptor)


def _time(text: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"time without timezone: {text}")
    return moment.astimezone(dt.UTC)


def _stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
