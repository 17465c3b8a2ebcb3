"""The revision history file: read, written atomically, and locked between processes."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import fcntl
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from ..identity import rfc3339
from .records import REQUIRED, Announcement, History, Record

FORMAT = 1


def history_path_for(events_file: str | Path) -> Path:
    """events.yaml -> events.history.json, kept beside it and committed with it."""
    path = Path(events_file)
    return path.with_name(f"{path.stem}.history.json")


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
            missing = set(REQUIRED) - set(record.snapshot)
            if missing:
                raise ValueError(f"{record.uid} lacks {', '.join(sorted(missing))}")
        announcements = tuple(
            Announcement(a["id"], _time(a["published"]), a["uid"], a["key"], a["title"], a["text"])
            for a in raw.get("announcements", [])
        )
        return History(str(raw["series"]), records, announcements)
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise HistoryError(f"not a valid history file ({exc}); starting a new history") from None


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
                "last_modified": rfc3339(r.modified),
                "first_published": rfc3339(r.first_published),
                "removed": rfc3339(r.removed) if r.removed else None,
                "digest": r.digest,
                "snapshot": dict(r.snapshot),
            }
            for r in records
        },
        "announcements": [
            {**dataclasses.asdict(a), "published": rfc3339(a.published)}
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
