"""The revision history file: read, written atomically, and locked between processes."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import fcntl
import functools
import json
import os
from collections.abc import Iterator
from pathlib import Path

from ..files import read_regular_file, write_bytes_atomically
from ..identity import rfc3339
from ..urls import history_path_for  # noqa: F401 - re-exported by history
from .records import REQUIRED, Announcement, History, Record

FORMAT = 1


class HistoryError(ValueError):
    """The history file exists but cannot be used (damaged, unreadable or partial)."""


@dataclasses.dataclass(frozen=True)
class StoredHistory:
    """What the history file (or, failing it, its backup) holds."""

    history: History | None
    """None: there is no history yet (a first publish)."""
    damage: str = ""
    """Why the history file itself could not be used; empty when it was fine or absent."""
    recovered_from: Path | None = None
    """The backup the history came from, when the file itself was damaged or missing."""


def backup_path_for(path: Path) -> Path:
    """events.history.json.bak beside the real file (through a symlink): the last good copy."""
    target = resolved(path)
    return target.with_name(f"{target.name}.bak")


def resolved(path: Path) -> Path:
    """The file a (possibly symlinked) history path really names; writes go there."""
    return Path(os.path.realpath(path))


def read_history(path: Path) -> History | None:
    """The history at ``path``, None when there is none yet; HistoryError when unusable."""
    try:
        raw = json.loads(read_regular_file(path).decode("utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise HistoryError(f"unreadable history ({reason})") from None
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
            missing = set(REQUIRED) - set(record.snapshot)
            if missing:
                raise ValueError(f"{record.uid} lacks {', '.join(sorted(missing))}")
        announcements = tuple(
            Announcement(a["id"], _time(a["published"]), a["uid"], a["key"], a["title"], a["text"])
            for a in raw.get("announcements", [])
        )
        return History(str(raw["series"]), records, announcements)
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise HistoryError(f"not a valid history file ({exc})") from None


def read_stored_history(path: Path) -> StoredHistory:
    """The history at ``path``, or its backup when the file is damaged or missing.

    The backup holds the same bytes as the last good write, so recovering from it
    never lowers a SEQUENCE or LAST-MODIFIED that subscribers have seen. A damaged
    file without a usable backup is reported in ``damage`` with ``history`` None;
    the caller decides whether that may start a new history.
    """
    damage = ""
    try:
        history = read_history(path)
    except HistoryError as error:
        damage = str(error)
    else:
        if history is not None:
            return StoredHistory(history)
    backup = backup_path_for(path)
    try:
        saved = read_history(backup)
    except HistoryError:
        saved = None
    if saved is None:
        return StoredHistory(None, damage)
    return StoredHistory(saved, damage, recovered_from=backup)


def damaged_path_for(path: Path, moment: dt.datetime) -> Path:
    """Where a damaged history is kept: events.history.json.damaged-20240901T080000Z."""
    target = resolved(path)
    return target.with_name(f"{target.name}.damaged-{moment.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}")


def set_aside(path: Path, moment: dt.datetime) -> None:
    """Rename a damaged history out of the way: kept, never deleted or overwritten."""
    target = resolved(path)
    if os.path.lexists(target):
        os.replace(target, damaged_path_for(target, moment))


def history_json(history: History) -> bytes:
    """Stable JSON with one event per line: records in date order, Chinese as characters.

    A publish changes the lines of the events it changed (a readable ``git diff``),
    and json's C encoder, which cannot indent, writes 10,000 records in a tenth of the
    time the indenting one takes. The parts are joined once, not concatenated: at 10,000
    sessions the text is 38 MB, and each concatenation copied all of it.
    """
    records = sorted(history.records.values(), key=lambda r: (r.snapshot["start"], r.uid))
    head = {
        "format": FORMAT,
        "about": "calendar-feed revision history: commit it with events.yaml; see "
        "docs/user-guide/history.md.",
        "series": history.series,
    }
    when = functools.cache(rfc3339)  # most records share the few times they were published
    events = [
        "    "
        + _dumps(
            {
                r.uid: {
                    "sequence": r.sequence,
                    "last_modified": when(r.modified),
                    "first_published": when(r.first_published),
                    "removed": when(r.removed) if r.removed else None,
                    "digest": r.digest,
                    "snapshot": dict(r.snapshot),
                }
            }
        )[1:-1]  # '"uid": {...}'
        for r in records
    ]
    announcements = [
        "    " + _dumps({**vars(a), "published": when(a.published)})  # fields: str
        for a in history.announcements
    ]
    parts = [
        "{\n",
        *(f"  {_dumps(key)}: {_dumps(value)},\n" for key, value in head.items()),
        '  "events": ',
        _block("{", events, "}"),
        ',\n  "announcements": ',
        _block("[", announcements, "]"),
        "\n}\n",
    ]
    return "".join(parts).encode("utf-8")


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def _block(opening: str, lines: list[str], closing: str) -> str:
    return f"{opening}\n" + ",\n".join(lines) + f"\n  {closing}" if lines else opening + closing


def write_history(path: Path, history: History) -> None:
    """Write the backup, then the file, each atomically, through a symlink to its target.

    Readers see the old file or the new one, never half of one; the backup is
    written first, so it is never older than the file it stands in for.
    """
    data = history_json(history)
    target = resolved(path)
    for destination in (backup_path_for(target), target):
        write_bytes_atomically(destination, data)


@contextlib.contextmanager
def history_lock(path: Path) -> Iterator[None]:
    """Serialise read-update-write of the history between processes (e.g. server workers).

    Locks the directory, not the file, because the file is replaced on every write.
    """
    descriptor = os.open(resolved(path).parent, os.O_RDONLY)
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
